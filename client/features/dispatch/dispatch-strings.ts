// The work screens' own strings (intake, work queue, the inspector's phone page), Chinese first.
// Field names, channels, statuses and roles are the city's vocabularies (domain/vocabulary.ts,
// `say(lang, 'field_description')`), not copied here.
import { defineStrings, type Lang } from '../../lib/i18n.ts';

const strings = {
  tabQueue: { zh: '待办', en: 'To do' },
  tabIntake: { zh: '受理登记', en: 'Register a case' },
  queueEmpty: { zh: '当前没有待您办理的案件。', en: 'Nothing waits for you now.' },
  queueCount: { zh: '件待办', en: 'waiting' },
  queueAll: { zh: '全部', en: 'All' },
  timeLeft: { zh: '剩余', en: 'left' },
  overdueBy: { zh: '超时', en: 'overdue by' },
  minutes: { zh: '分钟', en: 'min' },
  hours: { zh: '小时', en: 'h' },
  escalated: { zh: '督办', en: 'escalated' },
  far: { zh: '核查位置远', en: 'visit far away' },
  selectAll: { zh: '全选可派遣', en: 'Select all to dispatch' },
  bulkDispatch: { zh: '批量派遣（按建议单位）', en: 'Dispatch selected (to the suggested unit)' },
  bulkResult: { zh: '派遣结果', en: 'Dispatch results' },
  dispatched: { zh: '已派遣', en: 'dispatched' },
  refused: { zh: '未派遣', en: 'refused' },
  open: { zh: '打开', en: 'Open' },
  pickOnMap: { zh: '在地图上点选位置', en: 'Click the map to place it' },
  picking: { zh: '请在地图上点击案件位置…', en: 'Click the case’s place on the map…' },
  typedCoords: { zh: '或输入坐标', en: 'or type coordinates' },
  placeSearch: { zh: '或搜索地名', en: 'or search a place' },
  urgency_normal: { zh: '一般', en: 'Normal' },
  urgency_urgent: { zh: '紧急', en: 'Urgent' },
  caller: { zh: '来电人（单独保存，按角色脱敏）', en: 'Caller (kept apart, masked by role)' },
  callerName: { zh: '姓名', en: 'Name' },
  callerPhone: { zh: '电话', en: 'Phone' },
  anonymous: { zh: '匿名', en: 'Anonymous' },
  photo: { zh: '照片', en: 'Photo' },
  register: { zh: '登记', en: 'Register' },
  registered: { zh: '已登记案件', en: 'Registered case' },
  routing: { zh: '派遣预判', en: 'Routing' },
  routeUnit: { zh: '承办单位', en: 'Unit' },
  routeNone: { zh: '没有适用的派遣规则：由派遣员指定单位', en: 'No rule applies: a dispatcher chooses the unit' },
  outsideCity: { zh: '该位置不在本市范围内', en: 'That place is outside the city' },
  nearby: { zh: '附近同类在办案件（可能重复）', en: 'Open cases of this kind nearby (possible duplicates)' },
  nearbyNone: { zh: '附近没有同类在办案件', en: 'No open case of this kind nearby' },
  needed: { zh: '请填写：', en: 'Please fill in: ' },
  myTasks: { zh: '我的核实/核查任务', en: 'My site visits' },
  noTasks: { zh: '暂无任务', en: 'No visits now' },
  colleagues: { zh: '同网格', en: 'a colleague’s' },
  report: { zh: '上报新问题', en: 'Report a problem' },
  gps: { zh: '定位', en: 'Position' },
  useGps: { zh: '使用我的位置（GPS）', en: 'Use my position (GPS)' },
  outbox: { zh: '待发送（无网络时保存在本机）', en: 'Waiting to send (kept on this phone while offline)' },
  sendNow: { zh: '立即重发', en: 'Send now' },
  sent: { zh: '已发送', en: 'Sent' },
  offlineKept: { zh: '暂时无法送达（无网络或服务器无响应）：上报已保存在本机，恢复连接后自动发送（不会重复）。', en: 'Could not be sent now (no network, or no answer from the server): the report is kept on this phone and sent by itself once the connection is back (never twice).' },
  back: { zh: '返回', en: 'Back' },
  coordsSwapped: { zh: '经度与纬度似乎填反了（漳州约为经度 117.6、纬度 24.5）。', en: 'Longitude and latitude look swapped (Zhangzhou lies near longitude 117.6, latitude 24.5).' },
  swapCoords: { zh: '交换经纬度', en: 'Swap them' },
  formFailed: { zh: '表单显示出错，已填写的内容已保留：', en: 'The form failed to show; what you typed is kept: ' },
  formRestore: { zh: '重新显示表单', en: 'Show the form again' },
  outboxSending: { zh: '正在发送…', en: 'Sending…' },
  fieldTitle: { zh: '巡查（手机）', en: 'Patrol (phone)' },
} as const;
export type DispatchStringKey = keyof typeof strings;

export const sayDispatch = defineStrings(strings);

/** Working minutes as the queue shows them: "2 小时 15 分钟" / "超时 40 分钟". */
export function formatMinutes(lang: Lang, minutes: number | null): string {
  if (minutes === null) return '—';
  const m = Math.abs(minutes);
  const text = m >= 60 ? `${Math.floor(m / 60)} ${sayDispatch(lang, 'hours')} ${m % 60} ${sayDispatch(lang, 'minutes')}` : `${m} ${sayDispatch(lang, 'minutes')}`;
  return minutes < 0 ? `${sayDispatch(lang, 'overdueBy')} ${text}` : `${sayDispatch(lang, 'timeLeft')} ${text}`;
}
