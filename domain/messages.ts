// Refusal messages, written once: the server answers with a reason code and its parameters
// (TRPC error `data.reason`, `data.params`; plain-HTTP routes `{ error: { reason, params, message } }`),
// derives its English text from here, and the client shows the text in the UI's language from
// the same entry. Pure: imports nothing of ours outside domain/ (the names of rights and roles come
// from domain/actions.ts), so client, server and data may all import it.
// To add a refusal: add an entry here (zh and en), then throw `refuse(code, '<reason>', params)`
// (server/query-error.ts). Parameters are plain values (numbers, short strings).
import { permissionLabel, roleLabel } from './actions.ts';
import { transitionOf } from './transitions.ts';
import { settingLabel } from './settings-policy.ts';
import { FIELD_WORDS, wordOf } from './vocabulary.ts';

export type MessageParams = Record<string, string | number | boolean | null | undefined>;
type Text = (p: MessageParams) => string;
interface Entry {
  zh: Text;
  en: Text;
}

const s = (v: unknown) => String(v ?? '');
const cap = (v: string) => v.charAt(0).toUpperCase() + v.slice(1);

/** The kinds of thing a refusal may be about, in both languages (params.what). */
const THINGS: Record<string, { zh: string; en: string }> = {
  case: { zh: '案件', en: 'case' },
  user: { zh: '用户', en: 'user' },
  'display token': { zh: '大屏显示令牌', en: 'display token' },
  'unit grid': { zh: '单元网格', en: 'unit grid' },
  'responsibility grid': { zh: '责任网格', en: 'responsibility grid' },
  compound: { zh: '物业小区', en: 'property-managed community' },
  clinic: { zh: '村卫生所', en: 'clinic' },
  'dispatch rule': { zh: '派遣规则', en: 'dispatch rule' },
  department: { zh: '部门', en: 'department' },
  category: { zh: '案件类别', en: 'category' },
  district: { zh: '区县', en: 'district' },
  township: { zh: '街道（乡镇）', en: 'township' },
  'village or community': { zh: '村（社区）', en: 'village or community' },
};
/** A setting in words (its key when unknown). */
const setting = (key: unknown, lang: 'zh' | 'en') => settingLabel(s(key), lang);
const thing = (what: unknown, lang: 'zh' | 'en') => THINGS[s(what)]?.[lang] ?? s(what);
/** A workflow action in words (its code when unknown). */
const act = (action: unknown, lang: 'zh' | 'en') => transitionOf(s(action))?.[lang] ?? s(action);

/** Input fields (a procedure's keys and the names its primitives give) in Chinese; English keeps the key. */
const FIELDS_ZH: Record<string, string> = {
  input: '输入', value: '取值', key: '设置项', expected: '原值', id: '编号', version: '版本', name: '名称', username: '用户名', displayName: '姓名', password: '密码',
  currentPassword: '当前密码', newPassword: '新密码', roleCode: '角色', role: '角色', permission: '权限', granted: '授予',
  districtCodes: '区县', code: '代码', disabled: '停用', households: '户数', partyOrgName: '党组织名称',
  'party organisation': '党组织名称', partyOrgKind: '党组织类型', assigneeName: '巡查人员', assigneeRole: '巡查人员类型',
  assigneePhone: '巡查人员电话', from: '开始时间', to: '结束时间', asOf: '评估时间', by: '分组', q: '搜索词', query: '搜索词', limit: '条数',
  beforeId: '起始编号', actor: '操作人', action: '操作', outcome: '结果', tokenName: '令牌名称', ip: '地址',
  bbox: '范围', kinds: '类型', targetKind: '对象类型', targetId: '对象编号', 'user name': '用户名', 'display name': '姓名',
  'assignee name': '巡查人员', search: '搜索词', priority: '优先级', majorKind: '部件或事件', majorCode: '大类代码', districtCode: '区县',
  townshipCode: '街道（乡镇）', villageCode: '村（社区）', inPropertyCommunity: '物业小区内', areaClass: '区域类别', resolve: '确定方式',
  replacesId: '被替换的规则', history: '历史版本', at: '时间', userIds: '巡查人员', userId: '人员', rights: '权限', ratePerMinute: '每分钟请求数',
  phone: '电话', anonymous: '匿名', items: '案件列表', externalId: '外部编号', lastEventId: '最后收到的事件编号',
  actions: '操作类型', idempotencyKey: '上报标识',
  // the fields of a report and of the case actions: their words are domain/vocabulary.ts
  ...Object.fromEntries(Object.entries(FIELD_WORDS).map(([k, w]) => [k, w.zh])),
};
/** A field named in a refusal, in a language: a known key in Chinese, a dotted path field by field. */
const field = (v: unknown, lang: 'zh' | 'en') =>
  lang === 'en' ? s(v) : s(v).split('.').map((part) => (/^\d+$/.test(part) ? `第 ${Number(part) + 1} 项` : FIELDS_ZH[part] ?? part)).join('·');
/** zod's names of types (`expected`) in Chinese. */
const TYPES_ZH: Record<string, string> = { number: '数字', int: '整数', string: '文字', boolean: '是/否', array: '列表', object: '对象', date: '日期', null: '空值', bigint: '整数' };
/** The server's own (English) detail of a generic refusal: shown in English as written, and in Chinese after the translated sentence. */
const en = (p: MessageParams) => (p.detail ? ` ${s(p.detail)}` : '');
const zh = (p: MessageParams) => (p.detail ? `（${s(p.detail)}）` : '');

export const MESSAGES = {
  // ---- input (shared primitives, server/inputs.ts; zod issue codes are translated below) ----
  'input.invalid': { zh: (p) => `输入有误：${s(p.details)}`, en: (p) => `Invalid input: ${s(p.details)}` },
  'input.idRange': { zh: (p) => `${field(p.field, 'zh')} 必须是 1 到 ${s(p.max)} 之间的整数`, en: (p) => `${s(p.field)} must be a whole number from 1 to ${s(p.max)}` },
  'input.instantFormat': { zh: (p) => `${field(p.field, 'zh')} 须为带时区的 ISO 时间，例如 2022-01-01T00:00:00+08:00`, en: (p) => `${s(p.field)} must be an ISO date-time with offset, e.g. 2022-01-01T00:00:00+08:00` },
  'input.dateFormat': { zh: (p) => `${field(p.field, 'zh')} 须为日期 YYYY-MM-DD，例如 2022-10-01`, en: (p) => `${s(p.field)} must be a date YYYY-MM-DD, e.g. 2022-10-01` },
  'input.instantRange': { zh: (p) => `${field(p.field, 'zh')} 须在 ${s(p.min)} 与 ${s(p.max)} 之间`, en: (p) => `${s(p.field)} must lie between ${s(p.min)} and ${s(p.max)}` },
  'input.periodOrder': { zh: () => '开始时间须早于结束时间', en: () => 'from must be before to' },
  'input.periodTooLong': { zh: (p) => `时间段最长 ${s(p.maxDays)} 天`, en: (p) => `A period may span at most ${s(p.maxDays)} days` },
  'input.textNul': { zh: (p) => `${field(p.field, 'zh')} 含有不允许的控制字符（U+0000）`, en: (p) => `${s(p.field)} contains a NUL character (U+0000), which is not allowed` },
  'input.textSurrogate': { zh: (p) => `${field(p.field, 'zh')} 含有无效的 Unicode 字符（孤立代理项）`, en: (p) => `${s(p.field)} contains an invalid Unicode character (a lone surrogate)` },
  'input.textBidi': { zh: (p) => `${field(p.field, 'zh')} 含有不允许的文字方向控制字符`, en: (p) => `${s(p.field)} contains a text-direction override character, which is not allowed in names` },
  'input.coordsSwapped': {
    zh: (p) => `经度与纬度似乎填反了（经度 ${s(p.lng)}，纬度 ${s(p.lat)}）：漳州约为经度 117.6、纬度 24.5，请交换后再提交。`,
    en: (p) => `Longitude and latitude look swapped (longitude ${s(p.lng)}, latitude ${s(p.lat)}): Zhangzhou lies near longitude 117.6, latitude 24.5. Swap them and send again.`,
  },
  'input.textTooLong': { zh: (p) => `${field(p.field, 'zh')} 最多 ${s(p.max)} 个字符`, en: (p) => `${s(p.field)} has at most ${s(p.max)} characters` },
  'input.textEmpty': { zh: (p) => `请填写 ${field(p.field, 'zh')}`, en: (p) => `Enter ${s(p.field)}` },
  // zod's own issue codes (the formatter passes zod's parameters through)
  'zod.invalid_type': { zh: (p) => `${field(p.field, 'zh')}：类型应为${TYPES_ZH[s(p.expected)] ?? s(p.expected)}`, en: (p) => `${s(p.field)}: expected ${s(p.expected)}` },
  'zod.too_small': { zh: (p) => `${field(p.field, 'zh')}：${p.origin === 'string' ? `至少 ${s(p.minimum)} 个字符` : p.origin === 'array' || p.origin === 'set' ? `至少 ${s(p.minimum)} 项` : `不得小于 ${s(p.minimum)}`}`, en: (p) => `${s(p.field)}: must be at least ${s(p.minimum)}` },
  'zod.too_big': { zh: (p) => `${field(p.field, 'zh')}：${p.origin === 'string' ? `最多 ${s(p.maximum)} 个字符` : p.origin === 'array' || p.origin === 'set' ? `最多 ${s(p.maximum)} 项` : `不得大于 ${s(p.maximum)}`}`, en: (p) => `${s(p.field)}: must be at most ${s(p.maximum)}` },
  'zod.invalid_format': { zh: (p) => `${field(p.field, 'zh')}：格式不正确（${s(p.format)}）`, en: (p) => `${s(p.field)}: wrong format (${s(p.format)})` },
  'zod.unrecognized_keys': { zh: (p) => `未知的参数：${s(p.keys)}`, en: (p) => `unknown parameter(s): ${s(p.keys)}` },
  'zod.invalid_value': { zh: (p) => `${field(p.field, 'zh')}：取值应为 ${s(p.values)}`, en: (p) => `${s(p.field)}: must be one of ${s(p.values)}` },
  'zod.invalid_union': { zh: (p) => `${field(p.field, 'zh')}：不符合任何允许的形式`, en: (p) => `${s(p.field)}: matches none of the allowed shapes` },
  'zod.custom': { zh: (p) => `${field(p.field, 'zh')}：取值无效`, en: (p) => `${s(p.field)}: not a valid value` },
  'zod.invalid_key': { zh: (p) => `${field(p.field, 'zh')}：键无效`, en: (p) => `${s(p.field)}: invalid key` },
  'zod.invalid_element': { zh: (p) => `${field(p.field, 'zh')}：元素无效`, en: (p) => `${s(p.field)}: invalid element` },
  'zod.not_multiple_of': { zh: (p) => `${field(p.field, 'zh')}：须为 ${s(p.divisor)} 的倍数`, en: (p) => `${s(p.field)}: must be a multiple of ${s(p.divisor)}` },

  // ---- requests (limits before any work) ----
  'request.tooLarge': { zh: (p) => `请求内容过大（上限 ${s(p.maxKB)} KB）`, en: (p) => `The request body is too large (at most ${s(p.maxKB)} KB here)` },
  'request.batchTooLarge': { zh: (p) => `一次请求最多合并 ${s(p.max)} 个调用`, en: (p) => `At most ${s(p.max)} calls may be batched in one request` },
  'request.loginAlone': { zh: () => '登录与修改密码须单独发送，不能与其他调用合并', en: () => 'Sign-in and password changes must be sent alone, not batched with other calls' },
  'request.busy': { zh: (p) => `服务器正忙，请 ${s(p.retryAfterSeconds)} 秒后重试`, en: (p) => `The server is busy: try again in ${s(p.retryAfterSeconds)} s` },
  'request.badCookie': { zh: () => '会话 Cookie 无法识别，请重新登录', en: () => 'The session cookie could not be read: sign in again' },
  'layers.unknown': { zh: (p) => `没有图层“${s(p.layer)}”；可用：${s(p.known)}`, en: (p) => `unknown layer '${s(p.layer)}'; known: ${s(p.known)}` },
  'request.badDisplayToken': { zh: () => '地址中的显示令牌（display=…）格式不正确：请使用管理员提供的完整大屏地址', en: () => 'The display token in the address (display=…) is malformed: use the full wall-screen address an administrator gave you' },
  'request.badQuery': { zh: () => '地址中的查询参数无法解析（百分号编码错误）', en: () => 'The query string could not be read (bad percent-encoding)' },
  'request.notFound': { zh: (p) => `没有这个地址：${s(p.path)}`, en: (p) => `Nothing at ${s(p.path)}` },

  // ---- case photos (POST /api/photos, server/photos; docs/decisions/0017) ----
  'photo.empty': { zh: () => '没有收到照片内容：请重新拍摄或选择照片后再上传。', en: () => 'No photo arrived (the upload was empty): take or choose the photo again.' },
  'photo.tooLarge': { zh: (p) => `照片过大（上限 ${s(p.maxMb) || '10'} MB）：请选择较小的图片或降低相机分辨率。`, en: (p) => `The photo is too large (at most ${s(p.maxMb) || '10'} MB): choose a smaller image or lower the camera's resolution.` },
  'photo.type': { zh: (p) => `照片不是 ${s(p.allowed) || 'JPEG、PNG 或 WebP'} 图片，请重新拍摄或选择图片。`, en: (p) => `The file is not a ${s(p.allowed) || 'JPEG, PNG or WebP'} image: take or choose a photo.` },
  'photo.unreadable': { zh: () => '照片无法读取（文件不完整、已损坏或像素过多）：请重新拍摄或选择图片。', en: () => 'The photo could not be read (incomplete, damaged or too many pixels): take or choose it again.' },
  'photo.budget': { zh: (p) => `您 24 小时内上传的照片已达上限（${s(p.max)} 张）：请稍后再传，或联系管理员。`, en: (p) => `You have uploaded as many photos as 24 hours allow (${s(p.max)}): try again later, or ask an administrator.` },
  'photo.unknown': { zh: (p) => `照片 ${s(p.ref)} 不存在、不是您上传的，或已用于其他案件：请重新上传。`, en: (p) => `Photo ${s(p.ref)} is unknown, was not uploaded by you, or belongs to another case: upload it again.` },

  // ---- signing in and rights ----
  'auth.signInFirst': { zh: () => '请先登录（大屏请使用显示令牌：?display=… 或 x-display-token 请求头）', en: () => 'Sign in first (or open the wall screen with its display token: ?display=… or the x-display-token header).' },
  'auth.lacksPermission': { zh: (p) => `您的角色（${roleLabel(s(p.role), 'zh')}）没有“${permissionLabel(s(p.action), 'zh')}”权限，如需请联系管理员`, en: (p) => `Your role (${s(p.role)}) does not have the permission '${s(p.action)}'. Ask an administrator if you need it.` },
  'auth.wrongCredentials': { zh: () => '用户名或密码错误（或账户已停用）。', en: () => 'Wrong user name or password (or the account is disabled).' },
  'auth.throttled': { zh: (p) => `登录失败次数过多，请 ${s(p.minutes)} 分钟后再试，或请管理员解除锁定。`, en: (p) => `Too many failed sign-ins. Try again in ${s(p.minutes)} minute(s), or ask an administrator to lift the lock.` },
  'auth.demoOff': { zh: () => '生产模式下演示账户已停用。', en: () => 'Demo accounts are switched off in production mode.' },
  'auth.crossOrigin': { zh: () => '登录必须来自 CityGrid 页面本身。', en: () => 'Sign-in must come from the CityGrid page itself.' },
  'auth.csrf': { zh: () => 'CSRF 令牌缺失或错误：请刷新页面后重试。', en: () => 'Missing or wrong CSRF token: reload the page and try again.' },
  'auth.displayReadOnly': { zh: () => '大屏显示令牌只能查看，不能修改。', en: () => 'A wall-screen display token is read-only.' },
  'auth.oneTimePassword': { zh: () => '此账户仍在使用一次性密码：请先修改密码。', en: () => 'This account still uses a one-time password: change it first.' },
  'auth.unavailable': { zh: () => '暂时无法核实您的身份：数据库未响应，请稍后重试。', en: () => 'Cannot check who you are right now: the database did not answer. Try again.' },
  'auth.displayTokenInvalid': { zh: () => '大屏显示令牌无效或已撤销：请使用管理员提供的新大屏地址。', en: () => 'The wall-screen display token is not valid or was revoked: use a new wall-screen address from an administrator.' },
  'auth.apiKeyInvalid': { zh: () => 'API 密钥无效或已撤销：请向管理员申请新的密钥。', en: () => 'The API key is not valid or was revoked: ask an administrator for a new one.' },
  'auth.apiKeyNotHere': { zh: () => '此地址不接受 API 密钥：请登录后使用。', en: () => 'This address does not take API keys: sign in to use it.' },
  'apiKey.rateLimited': { zh: (p) => `此 API 密钥的请求过于频繁（每分钟最多 ${s(p.perMinute)} 次），请 ${s(p.retryAfterSeconds)} 秒后再试。`, en: (p) => `Too many requests with this API key (at most ${s(p.perMinute)} a minute): try again in ${s(p.retryAfterSeconds)} s.` },
  'work.actorShare': { zh: (p) => `您已有 ${s(p.max)} 项图片或文件正在排队处理：请等其完成后再上传（${s(p.retryAfterSeconds)} 秒后重试）。`, en: (p) => `You already have ${s(p.max)} images or files waiting to be processed: wait for them before sending more (try again in ${s(p.retryAfterSeconds)} s).` },
  'work.queueFull': { zh: (p) => `服务器正在处理大量图片或文件，请 ${s(p.retryAfterSeconds)} 秒后重试。`, en: (p) => `The server is processing many images or files: try again in ${s(p.retryAfterSeconds)} s.` },
  'auth.wrongCurrentPassword': { zh: () => '当前密码错误。', en: () => 'The current password is wrong.' },

  // ---- clinic coverage (server/coverage) ----
  'coverage.outsideCity': { zh: (p) => `第 ${s(p.index)} 个拟建站点（${s(p.lng)}, ${s(p.lat)}）不在本市范围内。`, en: (p) => `Proposed site ${s(p.index)} (${s(p.lng)}, ${s(p.lat)}) lies outside the city.` },
  'coverage.noClinics': { zh: () => '方案中没有任何卫生所（全部关闭且没有拟建站点），无法计算覆盖。', en: () => 'The scenario has no clinic left (all closed and none proposed): there is nothing to measure coverage from.' },
  'coverage.exactTooLarge': { zh: (p) => `精确求解最多 ${s(p.max)} 个站点（请求了 ${s(p.k)} 个）：请减少站点数，或只看贪心结果。`, en: (p) => `The exact solve takes at most ${s(p.max)} sites (${s(p.k)} asked): ask for fewer, or for the greedy answer only.` },
  'coverage.tooManyPicks': { zh: (p) => `选址数 ${s(p.k)} 超过候选站点数（${s(p.candidates)}）。`, en: (p) => `Asked for ${s(p.k)} sites, but there are only ${s(p.candidates)} candidates.` },
  // ---- things and the database ----
  'notFound': { zh: (p) => `找不到${thing(p.what, 'zh')}（${s(p.id)}）。`, en: (p) => `No ${thing(p.what, 'en')} with id ${s(p.id)}.` },
  'notFoundBy': { zh: (p) => `找不到${thing(p.what, 'zh')}（${s(p.by)}）。`, en: (p) => `No ${thing(p.what, 'en')} with ${s(p.by)}.` },
  'conflict.version': {
    zh: (p) => `${thing(p.what, 'zh')} ${s(p.id)} 已被他人修改（当前版本 ${s(p.current)}，您编辑的是版本 ${s(p.yours)}）。请刷新后重新修改。`,
    en: (p) => `Someone changed ${thing(p.what, 'en')} ${s(p.id)} meanwhile (now version ${s(p.current)}, you edited version ${s(p.yours)}). Reload it and apply your change again.`,
  },
  'scope.outsideDistricts': {
    zh: (p) => `${thing(p.what, 'zh')} ${s(p.id)} 位于区县 ${s(p.district)}，不在您负责的区县（${s(p.yours)}）内。`,
    en: (p) => `${cap(thing(p.what, 'en'))} ${s(p.id)} is in district ${s(p.district)}, outside your districts (${s(p.yours)}).`,
  },
  'scope.notYourDepartment': { zh: (p) => `${thing(p.what, 'zh')} ${s(p.id)} 未分派给您的部门。`, en: (p) => `${cap(thing(p.what, 'en'))} ${s(p.id)} is not assigned to your department.` },

  // ---- accounts (admin screens, passwords) ----
  'admin.unknownRole': { zh: (p) => `没有角色“${s(p.role)}”。`, en: (p) => `Unknown role '${s(p.role)}'.` },
  'admin.unknownPermission': { zh: (p) => `没有权限“${s(p.permission)}”。`, en: (p) => `Unknown permission '${s(p.permission)}'.` },
  'admin.roleNotForPeople': { zh: (p) => `角色“${s(p.role)}”仅用于大屏显示令牌，不能分配给人员。`, en: (p) => `The role '${s(p.role)}' is for display tokens, not people.` },
  'admin.unknownDistricts': { zh: (p) => `没有这些区县代码：${s(p.codes)}。`, en: (p) => `Unknown district code(s): ${s(p.codes)}.` },
  'admin.handlerNeedsDepartment': { zh: () => '专业部门处置员必须绑定一个部门。', en: () => 'A department handler must be bound to a department.' },
  'admin.unknownDepartment': { zh: (p) => `没有部门 ${s(p.id)}。`, en: (p) => `Unknown department ${s(p.id)}.` },
  'admin.needsDistrict': { zh: () => '按区县授权的角色至少需要一个区县。', en: () => 'A district-bound role needs at least one district.' },
  'admin.userNameTaken': { zh: (p) => `用户名“${s(p.username)}”已被使用。`, en: (p) => `The user name '${s(p.username)}' is taken.` },
  'admin.noSelfLockout': { zh: () => '不能停用自己或更改自己的角色：请让另一位管理员操作。', en: () => 'You cannot disable yourself or change your own role: ask another administrator.' },
  'admin.noUserToReset': { zh: (p) => `找不到用户 ${s(p.id)}（演示账户保留公开的演示密码）。`, en: (p) => `No user ${s(p.id)} (demo accounts keep their documented password).` },
  'admin.apiKeyNameTaken': { zh: (p) => `API 密钥名称“${s(p.name)}”已被使用（含已撤销的密钥）。`, en: (p) => `The API key name '${s(p.name)}' is taken (revoked keys included).` },
  'admin.apiKeyBeyondCreator': { zh: (p) => `你没有“${s(p.permission)}”权限，不能把它授予 API 密钥。`, en: (p) => `You do not hold '${s(p.permission)}', so you cannot give it to an API key.` },
  'admin.apiKeyOutsideScope': {
    zh: (p) => (p.area === 'department' ? '部门账户不能创建 API 密钥。' : p.area === 'city' ? 'API 密钥的范围须在你的辖区之内：请选择你的区县，而不是全市。' : `区县 ${s(p.area)} 不在你的辖区之内，API 密钥不能覆盖它。`),
    en: (p) => (p.area === 'department' ? "A department's account cannot create API keys." : p.area === 'city' ? 'An API key may reach only your own districts: choose them, not the whole city.' : `District ${s(p.area)} is outside your own, so an API key cannot reach it.`),
  },
  'admin.apiKeyRight': { zh: (p) => `API 密钥不能拥有“${s(p.permission)}”权限（账户与令牌的管理只能由人员操作）。`, en: (p) => `An API key may not hold '${s(p.permission)}' (accounts and tokens are managed by people only).` },
  'admin.noAccountToReset': { zh: (p) => `没有账户“${s(p.username)}”（演示账户保留公开的演示密码）。`, en: (p) => `No account '${s(p.username)}' (demo accounts keep their documented password).` },
  'admin.badAddress': { zh: () => '地址须为 IPv4 或 IPv6 地址。', en: () => 'An address is an IPv4 or IPv6 address.' },
  'admin.keepUserManage': { zh: () => '管理员必须保留“user.manage”权限，否则无人能再授予它。', en: () => "Administrators keep 'user.manage', or nobody could give it back." },
  'password.tooShort': { zh: (p) => `密码至少需要 ${s(p.min)} 个字符。`, en: (p) => `A password needs at least ${s(p.min)} characters.` },
  'password.tooLong': { zh: (p) => `密码最多 ${s(p.max)} 个字符。`, en: (p) => `A password may have at most ${s(p.max)} characters.` },
  'password.fewCharacters': { zh: () => '密码需要更多不同的字符。', en: () => 'A password needs more than a few different characters.' },
  'password.containsName': { zh: () => '密码不能包含用户名。', en: () => 'A password must not contain the user name.' },
  'password.sameAsCurrent': { zh: () => '新密码必须与当前密码不同。', en: () => 'The new password must differ from the current one.' },
  'db.timeout': { zh: (p) => `数据库响应超时（${s(p.what)}）。请缩小查询范围后重试。`, en: (p) => `The database took too long to answer (${s(p.what)}). Narrow the request and try again.` },
  'db.failed': { zh: (p) => `数据库无法完成请求（${s(p.what)}）。`, en: (p) => `The database could not answer (${s(p.what)}).` },
  // ---- settings (domain/settings-policy.ts): a value refused at save, or a stored one refused at start or read ----
  'settings.empty': { zh: (p) => `“${setting(p.key, 'zh')}”不能为空。`, en: (p) => `'${s(p.key)}' cannot be empty.` },
  'settings.notNumber': { zh: (p) => `“${setting(p.key, 'zh')}”须为数字（当前为“${s(p.found)}”）。`, en: (p) => `'${s(p.key)}' must be a number, found '${s(p.found)}'.` },
  'settings.notWhole': { zh: (p) => `“${setting(p.key, 'zh')}”须为整数（当前为“${s(p.found)}”）。`, en: (p) => `'${s(p.key)}' must be a whole number, found '${s(p.found)}'.` },
  'settings.outOfRange': {
    zh: (p) => `“${setting(p.key, 'zh')}”须在 ${s(p.min)} 到 ${s(p.max)} 之间${p.open ? '（不含两端）' : ''}（当前为“${s(p.found)}”）。`,
    en: (p) => `'${s(p.key)}' must be between ${s(p.min)} and ${s(p.max)}${p.open ? ' (exclusive)' : ''}, found '${s(p.found)}'.`,
  },
  'settings.badLimit': {
    zh: (p) => `“${setting(p.key, 'zh')}”须写作“数量 单位”，数量大于 0 且不超过 ${s(p.max)}，单位为 hour、working_hour 或 working_day（当前为“${s(p.found)}”）。`,
    en: (p) => `'${s(p.key)}' must read '<amount> <hour|working_hour|working_day>' with 0 < amount ≤ ${s(p.max)}, found '${s(p.found)}'.`,
  },
  'settings.badShares': {
    zh: (p) => `“${setting(p.key, 'zh')}”须为逗号分隔、严格递增、大于 0 且不超过 ${s(p.max)} 的数（当前为“${s(p.found)}”）。`,
    en: (p) => `'${s(p.key)}' must be comma-separated numbers, strictly ascending, each above 0 and at most ${s(p.max)}, found '${s(p.found)}'.`,
  },
  'settings.unknownRole': { zh: (p) => `“${setting(p.key, 'zh')}”中的“${s(p.found)}”不是已知角色代码。`, en: (p) => `'${s(p.key)}' names '${s(p.found)}', which is not a known role code.` },
  'settings.tooMany': { zh: (p) => `“${setting(p.key, 'zh')}”最多 ${s(p.max)} 项。`, en: (p) => `'${s(p.key)}' has at most ${s(p.max)} items.` },
  'settings.targetsShort': {
    zh: (p) => `督办对象（${s(p.targets)} 个）少于督办级别（${s(p.levels)} 个）：每一级别需要一个对象。`,
    en: (p) => `'workflow.escalation_targets' names ${s(p.targets)} roles for ${s(p.levels)} escalation levels: each level needs one.`,
  },
  'settings.gridAreaOrder': { zh: (p) => `单元网格最小面积（${s(p.min)}）须小于最大面积（${s(p.max)}）。`, en: (p) => `The smallest unit grid (${s(p.min)} m²) must be below the largest (${s(p.max)} m²).` },
  'settings.unknownKey': { zh: (p) => `没有设置项“${s(p.key)}”。`, en: (p) => `There is no setting '${s(p.key)}'.` },
  'settings.changed': {
    zh: (p) => `“${setting(p.key, 'zh')}”已被他人改为“${s(p.current)}”，请刷新后再改。`,
    en: (p) => `'${s(p.key)}' was changed meanwhile to '${s(p.current)}': reload and edit again.`,
  },
  'settings.badStored': {
    zh: (p) => `系统设置“${setting(p.key, 'zh')}”（${s(p.key)}）的存储值“${s(p.found)}”无效：${s(p.whyZh)}请管理员在“设置”中更正。`,
    en: (p) => `The stored setting '${s(p.key)}' = '${s(p.found)}' is not valid: ${s(p.why)} An administrator corrects it under Settings.`,
  },
  'internal': { zh: () => '服务器未能完成此请求，已记录日志；请重试，如持续出现请报告。', en: () => 'The server could not complete this request. It has been logged; try again, or report it if it persists.' },

  // ---- a refusal that names no reason of its own gets its kind's (the server's English text rides along as `detail`) ----
  'refused.BAD_REQUEST': { zh: (p) => `请求有误。${zh(p)}`, en: (p) => `The request is not valid.${en(p)}` },
  'refused.PARSE_ERROR': { zh: () => '请求内容无法解析（须为 JSON）。', en: () => 'The request could not be parsed (JSON expected).' },
  'refused.UNAUTHORIZED': { zh: (p) => `请先登录。${zh(p)}`, en: (p) => `Sign in first.${en(p)}` },
  'refused.FORBIDDEN': { zh: (p) => `无权执行此操作。${zh(p)}`, en: (p) => `Not allowed.${en(p)}` },
  'refused.NOT_FOUND': { zh: (p) => `找不到所请求的内容。${zh(p)}`, en: (p) => `Not found.${en(p)}` },
  'refused.METHOD_NOT_SUPPORTED': { zh: () => '此地址不支持该请求方法（查询用 GET，修改用 POST）。', en: () => 'This address does not take that method (GET for queries, POST for changes).' },
  'refused.CONFLICT': { zh: (p) => `数据已被他人修改，请刷新后重试。${zh(p)}`, en: (p) => `Someone changed this meanwhile: reload and try again.${en(p)}` },
  'refused.PRECONDITION_FAILED': { zh: (p) => `前提条件不满足。${zh(p)}`, en: (p) => `A precondition failed.${en(p)}` },
  'refused.PAYLOAD_TOO_LARGE': { zh: () => '请求内容过大。', en: () => 'The request is too large.' },
  'refused.UNPROCESSABLE_CONTENT': { zh: (p) => `请求无法处理。${zh(p)}`, en: (p) => `The request cannot be processed.${en(p)}` },
  'refused.TOO_MANY_REQUESTS': { zh: () => '请求过于频繁，请稍后再试。', en: () => 'Too many requests: try again shortly.' },
  'refused.TIMEOUT': { zh: () => '处理超时，请缩小范围后重试。', en: () => 'That took too long: narrow the request and try again.' },
  'refused.CLIENT_CLOSED_REQUEST': { zh: () => '请求已取消。', en: () => 'The request was cancelled.' },
  'refused.UNSUPPORTED_MEDIA_TYPE': { zh: () => '请求内容类型不受支持（须为 application/json）。', en: () => 'Unsupported content type (application/json expected).' },
  'refused.other': { zh: (p) => `请求未被接受。${zh(p)}`, en: (p) => `The request was not accepted.${en(p)}` },

  // ---- inputs of the domain routers ----
  'input.districtCode': { zh: () => '区县代码为 6 位数字', en: () => 'A district code has 6 digits' },
  'input.townshipCode': { zh: () => '街道（乡镇）代码为 9 位数字', en: () => 'A township code has 9 digits' },
  'input.villageCode': { zh: () => '村（社区）代码为 12 位数字', en: () => 'A village code has 12 digits' },
  'input.userName': { zh: () => '用户名为 3–40 个小写字母、数字、点、短横线或下划线', en: () => 'A user name has 3–40 lower-case letters, digits, dots, dashes or underscores' },
  'input.ringOpen': { zh: () => '多边形的每个环须闭合（首尾坐标相同）且至少有 4 个坐标', en: () => 'Each ring of a polygon must be closed (first = last) and have at least 4 positions' },
  'input.tooManyVertices': { zh: (p) => `几何的顶点过多（最多 ${s(p.max)} 个）`, en: (p) => `The geometry has too many vertices (at most ${s(p.max)})` },
  'input.changeKey': { zh: () => '新建网格的键须为 1–40 个字母、数字、下划线或短横线', en: () => "An added cell's key has 1–40 letters, digits, _ or -" },
  'input.gridCode': { zh: () => '单元网格编码为 15 位数字', en: () => 'A unit grid code has 15 digits' },
  'input.tooMany': { zh: (p) => `${field(p.field, 'zh')} 最多 ${s(p.max)} 项`, en: (p) => `${s(p.field)} has at most ${s(p.max)} items` },
  'input.bboxOrder': { zh: () => '范围须为 [西, 南, 东, 北]，且西 < 东、南 < 北', en: () => 'bbox must be [west, south, east, north] with west < east and south < north' },
  'input.asOfBeforeFrom': { zh: () => '评估时间（asOf）不得早于开始时间', en: () => 'asOf must not be before from' },

  // ---- routing and the case workflow (server/dispatch, domain/transitions.ts) ----
  'route.outsideCity': { zh: (p) => `该位置（${s(p.lng)}, ${s(p.lat)}）不在漳州市范围内，请确认坐标及其坐标系（WGS-84、GCJ-02 或 BD-09）。`, en: (p) => `The point (${s(p.lng)}, ${s(p.lat)}) lies outside the city. Check the coordinates and their system (WGS-84, GCJ-02 or BD-09).` },
  'route.unknownCategory': { zh: (p) => `没有类别“${s(p.code)}”（或已停用）。`, en: (p) => `No active category '${s(p.code)}'.` },
  'route.noRule': { zh: (p) => `没有派遣规则能为该案件（${s(p.category)}）确定承办单位，请派遣员手动指定。`, en: (p) => `No dispatch rule gives a unit for this case (${s(p.category)}): the dispatcher must choose one.` },
  'route.rateLimited': { zh: (p) => `查询过于频繁，请 ${s(p.retryAfterSeconds)} 秒后再试。`, en: (p) => `Too many routing queries from this address: try again in ${s(p.retryAfterSeconds)} s.` },
  'workflow.illegal': {
    zh: (p) => `案件 ${s(p.id)} 当前状态为“${wordOf('status', s(p.status), 'zh')}”，不能执行“${act(p.action, 'zh')}”（版本 ${s(p.version)}）。`,
    en: (p) => `Case ${s(p.id)} is ${wordOf('status', s(p.status), 'en')} (version ${s(p.version)}): '${act(p.action, 'en')}' is not possible now.`,
  },
  'workflow.pending': {
    zh: (p) => (p.pending ? `案件 ${s(p.id)} 有待审批的${p.pending === 'park' ? '挂账' : '延期'}申请，请先处理该申请。` : `案件 ${s(p.id)} 没有待审批的申请。`),
    en: (p) => (p.pending ? `Case ${s(p.id)} has a pending ${p.pending === 'park' ? 'parking' : 'extension'} request: decide it first.` : `Case ${s(p.id)} has no pending request to decide.`),
  },
  'workflow.checkFailed': { zh: (p) => `案件 ${s(p.id)} 核查未通过，不能结案，只能返工。`, en: (p) => `Case ${s(p.id)} failed its check: it cannot be closed, only sent back for rework.` },
  'workflow.checkPassed': { zh: (p) => `案件 ${s(p.id)} 核查已通过，应结案而非返工。`, en: (p) => `Case ${s(p.id)} passed its check: close it rather than send it back.` },
  'workflow.publicOnly': { zh: (p) => `案件 ${s(p.id)} 不是公众举报，无需答复或回访。`, en: (p) => `Case ${s(p.id)} is not a public report: there is no reporter to reply to or call back.` },
  'workflow.reopenWindow': { zh: (p) => `案件 ${s(p.id)} 已结案超过 ${s(p.days)} 天，不能重新激活。`, en: (p) => `Case ${s(p.id)} was closed more than ${s(p.days)} days ago: it can no longer be reopened.` },
  'workflow.missingField': { zh: (p) => `“${act(p.action, 'zh')}”需要填写：${field(p.field, 'zh')}`, en: (p) => `'${act(p.action, 'en')}' needs ${s(p.field)}` },
  'workflow.overrideNeedsReason': { zh: (p) => `改派到建议以外的单位（建议：${s(p.suggested)}）须填写改派理由。`, en: (p) => `Dispatching to a unit other than the suggested one (${s(p.suggested)}) needs an override reason.` },
  'workflow.noDepartment': { zh: () => '没有建议的承办单位：请指定部门。', en: () => 'There is no suggested unit: choose a department.' },
  'rule.target': { zh: () => '派遣规则须指定承办单位，或选择“属地管理”“物业公司”之一（二者只能选一）。', en: () => 'A dispatch rule names either a unit or a resolution (territorial or property), exactly one of them.' },
  'rule.majorNeedsKind': { zh: () => '指定大类代码时须同时指定部件或事件。', en: () => 'A major class code needs its kind (component or event).' },
  'rule.fromInPast': { zh: () => '规则的生效或停用时间不能早于现在：已发生的派遣不能改写。', en: () => 'A rule cannot start or end in the past: cases already routed keep their history.' },
  'rule.retired': { zh: (p) => `规则 ${s(p.id)} 已于 ${s(p.at)} 停用或被修改，请刷新后基于现行版本修改。`, en: (p) => `Rule ${s(p.id)} ended at ${s(p.at)} (retired or replaced): reload and edit the version in force.` },
  'rule.beforeVersion': { zh: (p) => `规则 ${s(p.id)} 自 ${s(p.at)} 起生效，新版本不能早于此时。`, en: (p) => `Rule ${s(p.id)} starts at ${s(p.at)}: a new version cannot start before it.` },
  // the grid editor (domain/grid-rules.ts, docs/decisions/0027-grid-editor.md): problems of a draft
  'grid.selfIntersection': { zh: () => '网格边界自相交（如“8”字形）：请移动顶点使边界不交叉。', en: () => 'The outline crosses itself (a bow-tie): move a vertex so the edges no longer cross.' },
  'grid.invalid': { zh: (p) => `网格几何无效（${s(p.why)}）：请重新绘制。`, en: (p) => `The outline is not a valid polygon (${s(p.why)}): redraw it.` },
  'grid.parts': { zh: (p) => `一个单元网格须为一个连续的面，当前有 ${s(p.parts)} 块：请分别建为多个网格。`, en: (p) => `A unit grid is one closed area; this one has ${s(p.parts)} parts: make each part its own grid.` },
  'grid.spike': { zh: (p) => `边界有 ${s(p.degrees)}° 的尖刺（小于 ${s(p.max)}°）：请删除或移动该顶点。`, en: (p) => `The outline has a ${s(p.degrees)}° spike (sharper than ${s(p.max)}°): delete or move that vertex.` },
  'grid.tooSmall': { zh: (p) => `网格面积 ${s(p.m2)} 平方米，小于下限 ${s(p.min)} 平方米：请与相邻网格合并。`, en: (p) => `The grid covers ${s(p.m2)} m², below the smallest allowed ${s(p.min)} m²: merge it with a neighbour.` },
  'grid.tooLarge': { zh: (p) => `网格面积 ${s(p.m2)} 平方米，超过上限 ${s(p.max)} 平方米：请拆分。`, en: (p) => `The grid covers ${s(p.m2)} m², above the largest allowed ${s(p.max)} m²: split it.` },
  'grid.outsideCommunity': { zh: (p) => `网格有 ${s(p.m2)} 平方米超出所属社区（村）边界：请将顶点吸附到边界上。`, en: (p) => `Part of the grid (${s(p.m2)} m²) lies outside its community: snap its vertices onto the boundary.` },
  'grid.overlap': { zh: (p) => `与网格 ${s(p.other)} 重叠 ${s(p.m2)} 平方米：请将公共边吸附到相邻网格上。`, en: (p) => `Overlaps grid ${s(p.other)} by ${s(p.m2)} m²: snap the shared edge onto the neighbour.` },
  'grid.gap': { zh: (p) => `社区（村）${s(p.village)} 内有 ${s(p.m2)} 平方米未被任何网格覆盖：请扩展相邻网格或新建网格填补。`, en: (p) => `Community ${s(p.village)} has ${s(p.m2)} m² that no grid covers: stretch a neighbour or draw a grid to fill it.` },
  'grid.geometryFailed': { zh: (p) => `空间计算失败（${s(p.what)}）：几何可能有误，请检查后重试。未作任何修改。`, en: (p) => `A geometry operation failed (${s(p.what)}): the shapes may be broken. Nothing was changed.` },
  // the grid editor: refusals of a request
  'grid.draftInvalid': { zh: (p) => `草稿有 ${s(p.count)} 个问题（首个：${s(p.first)}），未发布：请先修正。`, en: (p) => `The draft has ${s(p.count)} problems (first: ${s(p.first)}); nothing was published: fix them first.` },
  'grid.stale': {
    zh: (p) => `发布冲突：${s(p.villages)} 的网格在您编辑期间已被他人修改（${s(p.changes)}）。请重新载入后再编辑。`,
    en: (p) => `Publish conflict: the grids of ${s(p.villages)} were changed by someone else while you edited (${s(p.changes)}). Reload and edit again.`,
  },
  'grid.changedMeanwhile': { zh: (p) => `网格 ${s(p.code)} 已被修改或注销（当前版本 ${s(p.current)}）：请重新载入。`, en: (p) => `Grid ${s(p.code)} was changed or retired meanwhile (now version ${s(p.current)}): reload.` },
  'grid.otherDistrict': { zh: (p) => `网格或社区 ${s(p.code)} 不属于 ${s(p.district)}：只能编辑本区县的网格。`, en: (p) => `Grid or community ${s(p.code)} is not in district ${s(p.district)}: only that district's grids can be edited here.` },
  'grid.notYourDistrict': {
    zh: (p) => `您只能编辑所负责区县（${s(p.yours)}）的网格；区县 ${s(p.district)} 不在其中。`,
    en: (p) => `You edit the grids of your own districts (${s(p.yours)}); district ${s(p.district)} is not one of them.`,
  },
  'grid.changeTwice': { zh: (p) => `网格 ${s(p.id)} 在草稿中出现多次：每个网格只能有一项修改。`, en: (p) => `Grid ${s(p.id)} appears in more than one change of the draft: one change per grid.` },
  'grid.nothingToPublish': { zh: () => '草稿为空：没有可发布的修改。', en: () => 'The draft is empty: there is nothing to publish.' },
  'grid.serialsExhausted': { zh: (p) => `社区（村）${s(p.village)} 的网格顺序码已用尽（最大 999）：无法新建网格。`, en: (p) => `Community ${s(p.village)} has used every grid serial (up to 999): no new grid can be made there.` },
  'grid.splitMiss': { zh: () => '分割线须完整穿过网格，把它分成两块或更多。', en: () => 'The cut line must cross the grid completely, cutting it into two or more parts.' },
  'grid.mergeCount': { zh: (p) => `合并需要选择 ${s(p.min)}–${s(p.max)} 个网格。`, en: (p) => `A merge takes ${s(p.min)} to ${s(p.max)} grids.` },
  'grid.mergeApart': { zh: () => '只能合并同一社区（村）内相邻（共享边）的网格。', en: () => 'Only grids of one community that share an edge can be merged.' },
  'grid.importOutside': { zh: (p) => `导入文件第 ${s(p.n)} 个要素不在任何社区（村）内。`, en: (p) => `Feature ${s(p.n)} of the file lies in no community.` },
  'grid.areaTooLarge': { zh: (p) => `该范围内有 ${s(p.count)} 个网格，超过一次编辑的上限 ${s(p.max)}：请放大地图。`, en: (p) => `This area holds ${s(p.count)} grids, more than one edit may load (${s(p.max)}): zoom in.` },
  'grid.staffUnfit': {
    zh: (p) => `${s(p.name)} 不能巡查该责任网格：账号已停用、角色没有现场核实权限，或不负责该网格所在区县。`,
    en: (p) => `Not a patrol person for this grid: ${s(p.name)}'s account is disabled, its role may not verify on site, or it does not cover the grid's district.`,
  },
  'workflow.notYourTask': {
    zh: (p) => `案件 ${s(p.id)} 不在您巡查的责任网格内，现场核实/核查由 ${s(p.assignee)} 负责；如需改派请联系值班长。`,
    en: (p) => `Case ${s(p.id)} is not in a grid you patrol: its site visit is ${s(p.assignee)}'s. Ask the shift lead to give it to you.`,
  },
  'workflow.assigneeUnfit': {
    zh: (p) => `${s(p.name)} 不能承担此项现场任务：账号已停用、角色无“${s(p.permission) === 'case.check' ? '核查' : '核实'}”权限，或不负责该案件所在区县。`,
    en: (p) => `This site visit cannot go to ${s(p.name)}: the account is disabled, its role may not ${s(p.permission) === 'case.check' ? 'check' : 'verify'}, or it does not cover the case's district.`,
  },
  'intake.keyReused': {
    zh: () => '该上报标识已用于内容不同的另一次上报：同一标识只能重发完全相同的上报，新的上报请使用新标识。',
    en: () => 'This report key was already used for a report with other content: a key may only resend the very same report; a new report needs a new key.',
  },
  'intake.keyTaken': {
    zh: () => '该上报的标识已被他人使用：请重新上报（不会重复立案）。',
    en: () => 'Someone else already used this report\'s key: report it again (it will not make a duplicate case).',
  },
  'workflow.outsideArea': { zh: (p) => `该位置在区县 ${s(p.district)}，不在您负责的区县（${s(p.yours)}）内。`, en: (p) => `That place is in district ${s(p.district)}, outside your districts (${s(p.yours)}).` },

  // ---- the command line through the running server (server/http/local-cli.ts, docs/decisions/0011) ----
  'cli.notLocal': {
    zh: () => '命令行接口只接受本机回环地址直接发来的请求（不经代理、不来自浏览器）。',
    en: () => 'The command-line route takes requests only straight from this machine (a loopback address, not through a proxy, not from a browser).',
  },
  'cli.badSecret': {
    zh: () => '命令行密钥缺失或错误：命令行从数据目录中的 citygrid.server.json 读取密钥（请以运行服务器的用户身份执行）。',
    en: () => 'Missing or wrong command-line secret: the command line reads it from citygrid.server.json in the data folder (run it as the user that runs the server).',
  },
  'cli.unknownCommand': { zh: (p) => `没有命令“${s(p.command)}”；可用：${s(p.known)}`, en: (p) => `No command '${s(p.command)}'; known: ${s(p.known)}` },

  // ---- the console itself (no server answer: the network, a feed it cannot read, a layer it cannot draw) ----
  'request.unreachable': { zh: () => '无法连接服务器：请检查网络后重试。', en: () => 'Cannot reach the server: check the network and try again.' },
  'feed.malformed': { zh: (p) => `图层数据无法读取${zh(p)}`, en: (p) => `The layer's data could not be read.${en(p)}` },
  'layer.drawFailed': { zh: (p) => `图层无法绘制${zh(p)}`, en: (p) => `The layer could not be drawn.${en(p)}` },
  // ---- the live stream (server/live/live-router.ts): why it ended, or asks the page to reload ----
  'live.sessionEnded': { zh: () => '您已退出登录（或会话已被撤销），实时数据已停止：请重新登录。', en: () => 'You were signed out (or the session was revoked); live data stopped. Sign in again.' },
  'live.sessionExpired': { zh: () => '会话已过期，实时数据已停止：请重新登录。', en: () => 'The session expired; live data stopped. Sign in again.' },
  'live.sessionIdle': { zh: () => '长时间无操作，会话已超时，实时数据已停止：请重新登录。', en: () => 'The session timed out after a long idle time; live data stopped. Sign in again.' },
  'live.accountDisabled': { zh: () => '此账户已停用，实时数据已停止。', en: () => 'This account was disabled; live data stopped.' },
  'live.tokenRevoked': { zh: () => '此大屏的显示令牌已撤销，实时数据已停止：请使用管理员提供的新大屏地址。', en: () => 'This wall screen\'s display token was revoked; live data stopped. Use a new wall-screen address from an administrator.' },
  'live.rightsChanged': { zh: () => '您的权限已变更，实时数据已停止：请重新加载页面。', en: () => 'Your rights changed; live data stopped. Reload the page.' },
  'live.scopeChanged': { zh: () => '您的管辖范围已变更，正在重新加载数据。', en: () => 'Your area of responsibility changed; reloading what is shown.' },
  'live.behind': { zh: () => '实时连接中断过久，正在重新加载数据。', en: () => 'The live connection was away too long; reloading what is shown.' },
  'live.tooManyStreams': { zh: () => '您在其他窗口打开了过多的实时连接，此窗口的实时数据已停止：请关闭不用的窗口后重新加载页面。', en: () => 'Too many live connections are open in your other windows; live data stopped here. Close the windows you do not use and reload the page.' },
  'live.reconnecting': { zh: () => '实时连接已断开，正在重新连接…', en: () => 'Live connection lost; reconnecting…' },
} satisfies Record<string, Entry>;

export type Reason = keyof typeof MESSAGES;
export type Lang = 'zh' | 'en';

export const isReason = (r: unknown): r is Reason => typeof r === 'string' && Object.hasOwn(MESSAGES, r);

/** The text of a refusal in a language; unknown reasons give null (the caller falls back to the server's text). */
export function messageOf(reason: string, params: MessageParams = {}, lang: Lang = 'en'): string | null {
  if (!isReason(reason)) return null;
  return (MESSAGES[reason] as Entry)[lang](params);
}

/** One input problem as the server reports it (zod issue or primitive), translatable on its own. */
export interface InputIssue {
  path: string;
  reason: string;
  params: MessageParams;
}

/** Input problems joined into one line, in a language. */
export function describeIssues(issues: InputIssue[], lang: Lang = 'en'): string {
  return issues
    .map((i) => {
      // English: a message written for this field by the procedure wins over the generic one
      if (lang === 'en' && typeof i.params.message === 'string') return i.path ? `${i.path}: ${i.params.message}` : i.params.message;
      return messageOf(i.reason, { field: i.path || (lang === 'zh' ? '输入' : 'input'), ...i.params }, lang) ?? i.reason;
    })
    .join(lang === 'zh' ? '；' : '; ');
}
