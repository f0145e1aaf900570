// The city's shared words, each defined once with Chinese and English: the intake channels, the
// roles, the case statuses, the case events (a timeline's steps) and the fields a case action or
// a report carries. The server validates against these lists, the console shows these words
// (client/lib/i18n.ts `say(lang, 'status_dispatched')`), and the refusals name fields with them
// (domain/messages.ts). tests/unit/vocabulary.test.ts checks that every code has both languages
// and that the client keeps no second copy. Pure: imports nothing of ours outside domain/.
import { STATUSES, type Status } from './workflow.ts';
import { SYSTEM_EVENTS, TRANSITIONS, type FieldName } from './transitions.ts';

export interface Words {
  zh: string;
  en: string;
}

/** The intake channels (cases.channel), hotlines first for the call-taker. */
export const CHANNELS = ['12345', '12319', '110', 'app', 'wechat', 'patrol', 'survey'] as const;
export type Channel = (typeof CHANNELS)[number];
/** Channels of the city's own people (the rest are the public's: their caller is kept and masked). */
export const OWN_CHANNELS: readonly Channel[] = ['patrol', 'survey'];
export const isPublicChannel = (c: string) => !(OWN_CHANNELS as readonly string[]).includes(c);

export const CHANNEL_WORDS: Record<Channel, Words> = {
  '12345': { zh: '12345 热线', en: '12345 hotline' },
  '12319': { zh: '12319 城建热线', en: '12319 city-services hotline' },
  '110': { zh: '110 转办', en: '110 police referral' },
  app: { zh: 'APP', en: 'App' },
  wechat: { zh: '微信', en: 'WeChat' },
  patrol: { zh: '巡查', en: 'Patrol' },
  survey: { zh: '普查', en: 'Survey' },
};

/** The roles as the migrations ship them (roles.code), and the public reporter (an event's actor). */
export const ROLES = ['intake_operator', 'inspector', 'grid_worker', 'shift_lead', 'dispatcher', 'department_handler', 'district_coordinator', 'health_planner', 'command_viewer', 'admin', 'wall_display', 'reporter'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_WORDS: Record<Role, Words> = {
  intake_operator: { zh: '受理员', en: 'Intake operator' },
  inspector: { zh: '监督员', en: 'Inspector' },
  grid_worker: { zh: '网格员', en: 'Grid worker' },
  shift_lead: { zh: '值班长', en: 'Shift lead' },
  dispatcher: { zh: '派遣员', en: 'Dispatcher' },
  department_handler: { zh: '专业部门处置员', en: 'Department handler' },
  district_coordinator: { zh: '区县网格管理员', en: 'District coordinator' },
  health_planner: { zh: '卫生规划人员', en: 'Health planner' },
  command_viewer: { zh: '指挥中心观察员', en: 'Command-centre viewer' },
  admin: { zh: '系统管理员', en: 'Administrator' },
  wall_display: { zh: '大屏展示令牌', en: 'Wall-screen display token' },
  reporter: { zh: '市民', en: 'Citizen' },
};

/** Every case status (domain/workflow.ts STATUSES) in words (English in lower case: the refusals say them inside a sentence). */
export const STATUS_WORDS: Record<Status, Words> = {
  reported: { zh: '已上报', en: 'reported' },
  verifying: { zh: '核实中', en: 'being verified' },
  verified: { zh: '已核实', en: 'verified' },
  filed: { zh: '已立案', en: 'filed' },
  dispatched: { zh: '已派遣', en: 'dispatched' },
  accepted: { zh: '已签收', en: 'signed for' },
  returned: { zh: '已回退', en: 'returned' },
  parked: { zh: '已挂账', en: 'parked' },
  handled: { zh: '已处置', en: 'handled' },
  checked: { zh: '已核查', en: 'checked' },
  closed: { zh: '已结案', en: 'closed' },
  voided: { zh: '已作废', en: 'voided' },
};
export { STATUSES };

/** The events that are no person's action on a case (written by the engine). */
const SYSTEM_EVENT_WORDS: Record<(typeof SYSTEM_EVENTS)[number], Words> = {
  report: { zh: '上报', en: 'Reported' },
  escalate: { zh: '督办', en: 'Escalated' },
  deadlineCorrected: { zh: '时限更正', en: 'Due time corrected' },
};

/** A case event (case_events.type) in words: the workflow's actions (their words are the transitions table's) and the engine's own events. */
export const EVENT_WORDS: Record<string, Words> = {
  ...SYSTEM_EVENT_WORDS,
  ...Object.fromEntries(TRANSITIONS.map((x) => [x.action, { zh: x.zh, en: x.en }])),
};
export const EVENTS: readonly string[] = Object.keys(EVENT_WORDS);

/** The fields of a report (dispatch.register) that are not case-action fields. */
export const REPORT_FIELDS = ['channel', 'category', 'location', 'address', 'description', 'urgency', 'photos', 'reporter'] as const;
export type ReportField = (typeof REPORT_FIELDS)[number];

/** Each field a case action or a report carries, in words (the forms' labels and the refusals' field names). */
export const FIELD_WORDS: Record<FieldName | ReportField, Words> = {
  note: { zh: '备注', en: 'Note' },
  result: { zh: '处置结果', en: 'Result' },
  reason: { zh: '理由', en: 'Reason' },
  afterPhoto: { zh: '现场照片', en: 'Photo' },
  departmentId: { zh: '承办单位', en: 'Department' },
  suggestedDepartmentId: { zh: '建议承办单位', en: 'Suggested department' },
  assigneeId: { zh: '核实/核查人员', en: 'Site visit by' },
  overrideReason: { zh: '改派理由', en: 'Override reason' },
  reasonCode: { zh: '回退原因', en: 'Why it is returned' },
  passed: { zh: '核查结论', en: 'Verdict' },
  amount: { zh: '延期时长', en: 'Extension' },
  unit: { zh: '时长单位', en: 'Unit' },
  satisfaction: { zh: '满意度', en: 'Satisfaction' },
  categoryCode: { zh: '类别', en: 'Category' },
  lng: { zh: '经度', en: 'Longitude' },
  lat: { zh: '纬度', en: 'Latitude' },
  crs: { zh: '坐标系', en: 'Coordinate system' },
  standLng: { zh: '所在位置', en: 'Where you stand' },
  standLat: { zh: '所在位置', en: 'Where you stand' },
  standCrs: { zh: '所在位置', en: 'Where you stand' },
  channel: { zh: '来源渠道', en: 'Channel' },
  category: { zh: '类别', en: 'Category' },
  location: { zh: '位置', en: 'Location' },
  address: { zh: '地址', en: 'Address' },
  description: { zh: '问题描述', en: 'Description' },
  urgency: { zh: '紧急程度', en: 'Urgency' },
  photos: { zh: '照片', en: 'Photos' },
  reporter: { zh: '举报人', en: 'Reporter' },
};

/** Every vocabulary, by name: `say(lang, '<name>_<code>')` in the console. */
export const VOCABULARIES = { channel: CHANNEL_WORDS, role: ROLE_WORDS, status: STATUS_WORDS, event: EVENT_WORDS, field: FIELD_WORDS } as const;
export type Vocabulary = keyof typeof VOCABULARIES;

/** A code in words (the code itself when the vocabulary has no word for it: a value added later as data). */
export function wordOf(vocabulary: Vocabulary, code: string, lang: 'zh' | 'en'): string {
  const table = VOCABULARIES[vocabulary] as Record<string, Words>;
  return Object.hasOwn(table, code) ? table[code][lang] : code;
}
