// The console's shared words, Chinese first with an English switch (the language lives in the
// URL, ?lang=en): one lookup, `say(lang, key)`, over the UI's own words below and the city's
// vocabularies (domain/vocabulary.ts: channels, roles, statuses, events, fields, as
// `<vocabulary>_<code>`); `say(lang, key, fallback)` for a key built from data. A feature's own
// strings are a `defineStrings({...})` table of its own, checked against the keys it defines.
import { describeIssues, messageOf, type InputIssue, type MessageParams } from '../../domain/messages.ts';
import type { StateGroup } from '../../domain/workflow.ts';
import { VOCABULARIES, type Vocabulary, type Words } from '../../domain/vocabulary.ts';
import { RATES, type RateKey } from '../../domain/indicators.ts';
export type Lang = 'zh' | 'en';

const RATE_WORDS = Object.fromEntries(RATES.map((r) => [r.key, { zh: r.zh, en: r.en }])) as Record<RateKey, Words>;

const strings = {
  title: { zh: 'CityGrid 城市网格运行中心', en: 'CityGrid city operations' },
  illustrative: { zh: '演示城市：漳州（乡镇、村居、网格等几何为合成示意数据）', en: 'Demo city: Zhangzhou (township, village and grid shapes are synthetic, illustrative)' },
  districts: { zh: '区县', en: 'Districts' },
  townships: { zh: '乡镇街道', en: 'Townships' },
  villages: { zh: '村（社区）', en: 'Villages & communities' },
  population: { zh: '常住人口（2020普查）', en: 'Residents (2020 census)' },
  unitGrids: { zh: '单元网格', en: 'Unit grids' },
  responsibilityGrids: { zh: '责任网格', en: 'Responsibility grids' },
  compounds: { zh: '物业小区', en: 'Managed compounds' },
  clinics: { zh: '村卫生所', en: 'Village clinics' },
  cases2022: { zh: '2022年1–8月案件', en: 'Cases Jan–Aug 2022' },
  openCases: { zh: '在办案件', en: 'Open cases' },
  // the rates' names (处置率, 结案率 …) are domain/indicators.ts's, under their keys
  ...RATE_WORDS,
  loading: { zh: '加载中…', en: 'Loading…' },
  failed: { zh: '数据加载失败：', en: 'Could not load: ' },
  engine: { zh: '数据库引擎', en: 'Database engine' },
  switchLang: { zh: 'English', en: '中文' },
  // routes
  overviewTitle: { zh: '城市概况', en: 'City at a glance' },
  routeMap: { zh: '城市总览', en: 'City map' },
  routeCommand: { zh: '指挥中心', en: 'Command centre' },
  routeReport: { zh: '指标报表', en: 'Indicators report' },
  reportLink: { zh: '指标报表（打印 / CSV）', en: 'Indicators report (print / CSV)' },
  routeDispatch: { zh: '受理派遣', en: 'Intake & dispatch' },
  routeField: { zh: '巡查', en: 'Patrol' },
  periodToday: { zh: '今天', en: 'Today' },
  periodRecent: { zh: '近30天', en: 'Last 30 days' },
  period2022: { zh: '2022年1–8月', en: 'Jan–Aug 2022' },
  routeGrids: { zh: '网格管理', en: 'Grids' },
  routeCoverage: { zh: '医疗覆盖', en: 'Clinic coverage' },
  placeholder: { zh: '此模块的专用面板将在后续版本提供；地图与图层已可使用。', en: 'This role’s own panels arrive in a later release; the map and its layers work already.' },
  // layers
  layersTitle: { zh: '图层', en: 'Layers' },
  legendTitle: { zh: '图例', en: 'Legend' },
  layerCases: { zh: '案件', en: 'Cases' },
  zoomIn: { zh: '放大后显示', en: 'zoom in to see' },
  layerFailed: { zh: '加载失败', en: 'failed to load' },
  retry: { zh: '重试', en: 'Retry' },
  theme: { zh: '桌面浅色', en: 'Desk (light)' },
  themeDark: { zh: '大屏深色', en: 'Wall (dark)' },
  // cases
  colourBy: { zh: '着色', en: 'Colour by' },
  byState: { zh: '状态', en: 'State' },
  byLight: { zh: '时限', en: 'Time limit' },
  caseDisplay: { zh: '显示', en: 'Show' },
  modeAuto: { zh: '自动', en: 'Auto' },
  modePoints: { zh: '点', en: 'Points' },
  modeHex: { zh: '蜂窝', en: 'Hexagons' },
  period: { zh: '时段', en: 'Period' },
  shownCases: { zh: '显示案件', en: 'Cases shown' },
  filters: { zh: '筛选', en: 'Filters' },
  filterSource: { zh: '来源', en: 'Source' },
  filterState: { zh: '状态', en: 'State' },
  filterLight: { zh: '时限', en: 'Time limit' },
  filterDistrict: { zh: '区县', en: 'District' },
  filterCategory: { zh: '类别', en: 'Category' },
  all: { zh: '全部', en: 'All' },
  clear: { zh: '清除', en: 'Clear' },
  density: { zh: '案件密度（少 → 多）', en: 'Case density (few → many)' },
  overdueShare: { zh: '超期占比（红灯 + 超期结案，占有时限的案件）', en: 'Share overdue (red + closed late, of cases with a time limit)' },
  overdueShort: { zh: '超期', en: 'overdue' },
  state_intake: { zh: '待立案/派遣', en: 'Intake' },
  state_handling: { zh: '处置中', en: 'Being handled' },
  state_closing: { zh: '待结案', en: 'Awaiting closure' },
  state_closed: { zh: '已结案', en: 'Closed' },
  state_voided: { zh: '已作废', en: 'Voided' },
  state_other: { zh: '其他', en: 'Other' },
  light_none: { zh: '未计时', en: 'No clock yet' },
  light_green: { zh: '绿灯（正常）', en: 'Green (on track)' },
  light_yellow: { zh: '黄灯（临期）', en: 'Yellow (near limit)' },
  light_red: { zh: '红灯（超期）', en: 'Red (overdue)' },
  light_onTime: { zh: '按期结案', en: 'Closed on time' },
  light_late: { zh: '超期结案', en: 'Closed late' },
  source_inspector: { zh: '监督员上报', en: 'Inspector' },
  source_public: { zh: '公众举报', en: 'Public report' },
  source_survey: { zh: '专项普查', en: 'Special survey' },
  source_video: { zh: '视频监控', en: 'Video' },
  source_referral: { zh: '部门转办', en: 'Referral' },
  // detail fields
  f_code: { zh: '编号', en: 'Code' },
  f_category: { zh: '类别', en: 'Category' },
  f_source: { zh: '来源', en: 'Source' },
  f_channel: { zh: '渠道', en: 'Channel' },
  f_state: { zh: '状态', en: 'State' },
  f_light: { zh: '时限', en: 'Time limit' },
  f_unit: { zh: '责任单位', en: 'Responsible unit' },
  f_reported: { zh: '上报时间', en: 'Reported' },
  f_handleDue: { zh: '处置时限', en: 'Handle by' },
  f_closeDue: { zh: '结案时限', en: 'Close by' },
  f_closed: { zh: '结案时间', en: 'Closed' },
  f_address: { zh: '地址', en: 'Address' },
  f_stageDue: { zh: '本环节时限', en: 'This step due' },
  f_description: { zh: '问题描述', en: 'Description' },
  f_location: { zh: '位置', en: 'Location' },
  f_grid: { zh: '单元网格', en: 'Unit grid' },
  f_community: { zh: '物业小区', en: 'Managed compound' },
  f_history: { zh: '流转记录', en: 'History' },
  f_name: { zh: '名称', en: 'Name' },
  f_kind: { zh: '类型', en: 'Kind' },
  f_village: { zh: '村（社区）', en: 'Village / community' },
  f_township: { zh: '乡镇街道', en: 'Township' },
  f_district: { zh: '区县', en: 'District' },
  f_population: { zh: '常住人口', en: 'Residents' },
  f_area: { zh: '面积', en: 'Area' },
  f_version: { zh: '版本', en: 'Version' },
  f_rgrid: { zh: '责任网格', en: 'Responsibility grid' },
  f_inspector: { zh: '监督员', en: 'Inspector' },
  f_cases: { zh: '案件（在办/总数）', en: 'Cases (open/total)' },
  f_company: { zh: '物业公司', en: 'Property company' },
  f_households: { zh: '户数', en: 'Households' },
  f_grids: { zh: '单元网格数', en: 'Unit grids' },
  flyHere: { zh: '定位', en: 'Show on map' },
  // data values shown in panels (kinds; the workflow's statuses, events, roles and channels are domain/vocabulary.ts)
  placeKind_community: { zh: '社区（居委会）', en: 'residents’ community' },
  placeKind_village: { zh: '行政村（村委会）', en: 'administrative village' },
  placeKind_other: { zh: '其他', en: 'other' },
  clinicKind_village_clinic: { zh: '村卫生所', en: 'village clinic' },
  f_assignee: { zh: '负责人', en: 'Assigned to' },
  // details & search
  searchPlaceholder: { zh: '搜索案件编号、网格编码或地名', en: 'Search case code, grid code or place' },
  noResults: { zh: '无匹配结果', en: 'No matches' },
  close: { zh: '关闭', en: 'Close' },
  kind_case: { zh: '案件', en: 'Case' },
  kind_grid: { zh: '单元网格', en: 'Unit grid' },
  kind_responsibilityGrid: { zh: '责任网格', en: 'Responsibility grid' },
  kind_district: { zh: '区县', en: 'District' },
  kind_township: { zh: '乡镇街道', en: 'Township' },
  kind_village: { zh: '村（社区）', en: 'Village / community' },
  kind_community: { zh: '物业小区', en: 'Managed compound' },
  kind_clinic: { zh: '村卫生所', en: 'Village clinic' },
  // accounts (docs/decisions/0006)
  signInTitle: { zh: '登录', en: 'Sign in' },
  username: { zh: '用户名', en: 'User name' },
  password: { zh: '密码', en: 'Password' },
  signIn: { zh: '登录', en: 'Sign in' },
  signingIn: { zh: '正在登录…', en: 'Signing in…' },
  signOut: { zh: '退出', en: 'Sign out' },
  demoAccounts: { zh: '演示账号（仅演示模式，密码公开）', en: 'Demo accounts (demo mode only; the password is public)' },
  demoBadge: { zh: '演示', en: 'demo' },
  demoUse: { zh: '使用', en: 'Use' },
  wallScreen: { zh: '大屏', en: 'Wall screen' },
  wallTokenInvalid: { zh: '大屏令牌无效或已撤销，请联系管理员。', en: 'This wall-screen token is not valid or was revoked. Ask an administrator.' },
  mustChangeTitle: { zh: '请先修改一次性密码', en: 'Change your one-time password first' },
  changePassword: { zh: '修改密码', en: 'Change password' },
  currentPassword: { zh: '当前密码', en: 'Current password' },
  newPassword: { zh: '新密码（至少10位）', en: 'New password (10+ characters)' },
  save: { zh: '保存', en: 'Save' },
  cancel: { zh: '取消', en: 'Cancel' },
  edit: { zh: '编辑', en: 'Edit' },
  saved: { zh: '已保存', en: 'Saved' },
  noPermission: { zh: '无权限', en: 'Not permitted' },
  scopeCity: { zh: '全市', en: 'whole city' },
  reporter: { zh: '举报人', en: 'Reporter' },
  reporterPhone: { zh: '联系电话', en: 'Phone' },
  reporterAnonymous: { zh: '匿名', en: 'anonymous' },
  reveal: { zh: '查看完整信息（留痕）', en: 'Reveal (audited)' },
  f_assigneeRole: { zh: '巡查人员类型', en: 'Patrolled by' },
  assignee_inspector: { zh: '监督员', en: 'Inspector' },
  assignee_grid_worker: { zh: '网格员', en: 'Grid worker' },
  f_partyOrgKind: { zh: '党组织形式', en: 'Party organisation' },
  f_partyOrgName: { zh: '党组织名称', en: 'Party organisation name' },
  party_branch: { zh: '党支部', en: 'Branch' },
  party_joint_branch: { zh: '联合党支部', en: 'Joint branch' },
  party_none: { zh: '无', en: 'None' },
  routeAdmin: { zh: '系统管理', en: 'Administration' },
  adminUsers: { zh: '用户', en: 'Users' },
  adminRoles: { zh: '角色与权限', en: 'Roles & rights' },
  adminTokens: { zh: '大屏令牌', en: 'Display tokens' },
  adminAudit: { zh: '审计日志', en: 'Audit log' },
  adminSettings: { zh: '系统设置', en: 'Settings' },
  settingName: { zh: '设置项', en: 'Setting' },
  settingValue: { zh: '当前值', en: 'Value' },
  settingDefault: { zh: '默认值', en: 'Default' },
  settingSaved: { zh: '已保存', en: 'Saved' },
  settingNotStored: { zh: '（未存储，使用默认值）', en: '(not stored: the default applies)' },
  displayName: { zh: '姓名', en: 'Display name' },
  role: { zh: '角色', en: 'Role' },
  department: { zh: '部门', en: 'Department' },
  districtsBound: { zh: '所辖区县', en: 'Districts' },
  status: { zh: '状态', en: 'Status' },
  disabled: { zh: '已停用', en: 'disabled' },
  enabled: { zh: '正常', en: 'active' },
  disable: { zh: '停用', en: 'Disable' },
  enable: { zh: '启用', en: 'Enable' },
  resetPassword: { zh: '重置密码', en: 'Reset password' },
  loginLocked: { zh: '登录已锁定', en: 'Sign-in locked' },
  loginLockedHint: { zh: '连续登录失败次数过多；到期自动解除，或由管理员解除', en: 'Too many failed sign-ins; it lifts by itself, or an administrator lifts it' },
  liftLock: { zh: '解除登录锁定', en: 'Lift sign-in lock' },
  minutesShort: { zh: '分钟', en: 'min' },
  createUser: { zh: '新建用户', en: 'New user' },
  create: { zh: '创建', en: 'Create' },
  oneTimePassword: { zh: '一次性密码（只显示这一次，请转交本人）：', en: 'One-time password (shown only now; hand it over):' },
  lastSeen: { zh: '最近活动', en: 'Last seen' },
  tokenName: { zh: '大屏名称', en: 'Screen name' },
  tokenCreated: { zh: '大屏地址（只显示这一次）：', en: 'Screen address (shown only now):' },
  revoke: { zh: '撤销', en: 'Revoke' },
  revoked: { zh: '已撤销', en: 'revoked' },
  createdAt: { zh: '创建时间', en: 'Created' },
  auditAt: { zh: '时间', en: 'When' },
  auditActor: { zh: '操作人', en: 'Who' },
  auditAction: { zh: '操作', en: 'Action' },
  auditTarget: { zh: '对象', en: 'Target' },
  auditFrom: { zh: '来源地址', en: 'From' },
  auditOutcome: { zh: '结果', en: 'Outcome' },
  auditAll: { zh: '全部结果', en: 'All outcomes' },
  auditDetail: { zh: '详情', en: 'Detail' },
  filter: { zh: '筛选', en: 'Filter' },
  more: { zh: '更多', en: 'More' },
  outcome_ok: { zh: '成功', en: 'done' },
  outcome_denied: { zh: '被拒绝', en: 'denied' },
  outcome_failed: { zh: '失败', en: 'failed' },
  outcome_throttled: { zh: '已锁定', en: 'throttled' },
  scopeOf: { zh: '范围', en: 'Scope' },
  scope_city: { zh: '全市', en: 'city' },
  scope_district: { zh: '按区县', en: 'by district' },
  scope_department: { zh: '按部门', en: 'by department' },
  // the overview's groups: what each figure covers (the whole city, or the asker's scope and the chosen period)
  overviewCityWide: { zh: '全市 · 地理与设施（所有用户相同）', en: 'Whole city · places and facilities (the same for everyone)' },
  overviewCases: { zh: '案件', en: 'Cases' },
  casesInPeriod: { zh: '时段内案件', en: 'Cases in the period' },
  openInPeriod: { zh: '其中在办', en: 'Of which open' },
  periodTo: { zh: '至', en: 'to' },
  // a route the user may not open; a wall screen whose token is not valid
  noPermissionTitle: { zh: '无权访问此页面', en: 'You may not open this page' },
  noPermissionText: { zh: '您的角色没有打开“{page}”的权限。如需访问，请联系系统管理员。', en: 'Your role does not have the rights to open “{page}”. Ask an administrator if you need it.' },
  backToMap: { zh: '返回城市总览', en: 'Back to the city map' },
  wallTokenHint: { zh: '请使用管理员新提供的大屏地址（系统管理 → 大屏令牌）。', en: 'Use a new wall-screen address from an administrator (Administration → Display tokens).' },
  errorTitle: { zh: '出错了', en: 'Something went wrong' },
  panelFailed: { zh: '该面板出错，地图不受影响：', en: 'This panel failed; the map is unaffected: ' },
} as const satisfies Record<`state_${StateGroup}`, unknown> & Record<string, Words>;
// (the satisfies clause: every state group of domain/workflow.ts has its label, or this does not compile)

/** `<vocabulary>_<code>` for every word of domain/vocabulary.ts. */
type VocabularyKey = { [V in Vocabulary]: `${V}_${Extract<keyof (typeof VOCABULARIES)[V], string>}` }[Vocabulary];
export type StringKey = keyof typeof strings | VocabularyKey;

const words: Record<string, Words> = { ...strings };
for (const [name, table] of Object.entries(VOCABULARIES)) for (const [code, w] of Object.entries(table as Record<string, Words>)) words[`${name}_${code}`] = w;

/**
 * A shared word in `lang`: the UI's own or a vocabulary's (`status_dispatched`). With a
 * fallback, for a key built from data (a source, a status): the data value itself when no word exists.
 */
export function say(lang: Lang, key: StringKey): string;
export function say(lang: Lang, key: string, fallback: string): string;
export function say(lang: Lang, key: string, fallback?: string): string {
  return Object.hasOwn(words, key) ? words[key][lang] : (fallback ?? key);
}

/** A feature's own strings: `const sayX = defineStrings({ key: { zh, en } })`, then `sayX(lang, 'key')` (checked against the keys it defines); `sayX(lang, key, fallback)` for a key built from data. */
export function defineStrings<K extends string>(table: Record<K, Words>) {
  function sayOwn(lang: Lang, key: K): string;
  function sayOwn(lang: Lang, key: string, fallback: string): string;
  function sayOwn(lang: Lang, key: string, fallback?: string): string {
    return Object.hasOwn(table, key) ? table[key as K][lang] : (fallback ?? key);
  }
  return sayOwn;
}

export function langFromUrl(search: string): Lang {
  return new URLSearchParams(search).get('lang') === 'en' ? 'en' : 'zh';
}

export function formatNumber(lang: Lang, n: number): string {
  return n.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB');
}

export function formatPercent(lang: Lang, ratio: number | null): string {
  return ratio === null ? '—' : `${(ratio * 100).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} %`;
}

/**
 * A failed call's message in the UI's language: the server's refusals carry a reason code and
 * parameters (tRPC `error.data`, plain-HTTP feeds `{ reason, params }`) from domain/messages.ts,
 * which holds the text in both languages; anything else shows the server's (English) text.
 */
export function errorText(err: unknown, lang: Lang = langFromUrl(typeof window === 'undefined' ? '' : window.location.search)): string {
  type Refusal = { reason?: string; params?: MessageParams; issues?: InputIssue[] | null };
  const e = err as Refusal & { message?: string; data?: Refusal };
  const data: Refusal = e?.data ?? e;
  if (data?.issues?.length) return messageOf('input.invalid', { details: describeIssues(data.issues, lang) }, lang)!;
  if (data?.reason) return messageOf(data.reason, data.params ?? {}, lang) ?? e.message ?? String(err);
  // no answer at all (fetch's TypeError, also inside a tRPC client error): the browser's words are English
  const cause = (e as { cause?: unknown })?.cause;
  if ([err, cause].some((x) => x instanceof TypeError && /failed to fetch|networkerror|load failed|network/i.test(x.message))) return messageOf('request.unreachable', {}, lang)!;
  return e?.message ?? String(err);
}
