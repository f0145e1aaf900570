// The settings (table app_meta, key → text), each declared once: its key, kind, default, bounds,
// unit and what it is called and does in both languages. One policy (checkSetting, checkTogether)
// decides whether a text is a valid value: the admin screen's save applies it, the server's start
// applies it to what is stored (a bad value stops the start, named), and the readers
// (server/settings/settings.ts) never fall back from a bad value to a default. A key missing from
// app_meta reads as its default (the migrations insert every one; the admin screen shows which
// are stored). Pure: imports nothing of ours outside domain/; the client shows the same labels.
import { ROLE_LABELS } from './actions.ts';
import { PHOTO_MAX_BYTES } from './request-limits.ts';
import type { LimitUnit } from './working-clock.ts';

export interface SettingLabel {
  zh: string;
  en: string;
}

/** How a setting's text reads. */
export type SettingKind =
  /** a whole number within [min, max] */
  | { type: 'int'; min: number; max: number }
  /** a decimal strictly between min and max */
  | { type: 'fraction'; min: number; max: number }
  /** a time limit '<amount> <hour|working_hour|working_day>', amount within (0, max] */
  | { type: 'limit'; max: number }
  /** comma-separated positive numbers, strictly ascending, each within (0, max] */
  | { type: 'shares'; max: number; maxItems: number }
  /** comma-separated role codes (domain/actions.ts ROLE_LABELS) */
  | { type: 'roles'; maxItems: number };

export interface SettingDecl {
  kind: SettingKind;
  /** The default as stored text (what the migrations insert). */
  default: string;
  unit: SettingLabel | null;
  label: SettingLabel;
  description: SettingLabel;
}

const u = (zh: string, en: string): SettingLabel => ({ zh, en });
const int = (min: number, max: number) => ({ type: 'int' as const, min, max });
const MINUTES = u('分钟', 'minutes');
const LIMIT = { type: 'limit', max: 1000 } as const;

/** Every setting CityGrid reads, in the order the admin screen lists them. */
export const SETTINGS = {
  'clock.warn_ratio': {
    kind: { type: 'fraction', min: 0, max: 1 }, default: '0.8', unit: u('比例', 'share'),
    label: u('临期预警比例', 'Warning share of a limit'),
    description: u('案件阶段用时达到时限的该比例时亮黄灯（0 与 1 之间，不含两端）。', 'A stage turns yellow once it has used this share of its limit (strictly between 0 and 1).'),
  },
  'auth.max_failures': {
    kind: int(1, 100), default: '5', unit: u('次', 'failures'),
    label: u('用户名锁定前的失败次数', 'Failures before a user name locks'),
    description: u('时间窗口内同一用户名登录失败达到此次数即锁定。', 'Failed sign-ins of one user name within the window that lock it.'),
  },
  'auth.failure_window_minutes': {
    kind: int(1, 1440), default: '15', unit: MINUTES,
    label: u('失败计数窗口', 'Failure counting window'),
    description: u('统计登录失败次数的时间窗口。', 'How far back failed sign-ins are counted.'),
  },
  'auth.lockout_minutes': {
    kind: int(1, 1440), default: '15', unit: MINUTES,
    label: u('锁定时长', 'Lock duration'),
    description: u('用户名、地址被锁定后多久解除。', 'How long a locked user name or address stays locked.'),
  },
  'auth.session_hours': {
    kind: int(1, 168), default: '12', unit: u('小时', 'hours'),
    label: u('会话最长时长', 'Session lifetime'),
    description: u('登录后会话最长有效时间。', 'How long a session lasts at most after signing in.'),
  },
  'auth.session_idle_minutes': {
    kind: int(5, 1440), default: '120', unit: MINUTES,
    label: u('会话空闲超时', 'Session idle timeout'),
    description: u('会话无操作超过此时长即失效。', 'A session unused for this long ends.'),
  },
  'auth.max_failures_per_address': {
    kind: int(1, 10000), default: '30', unit: u('次', 'failures'),
    label: u('地址锁定前的失败次数', 'Failures before an address locks'),
    description: u('同一网络地址的登录失败上限（办公室共用一个地址，故高于单个用户名）。', 'Failed sign-ins from one address that lock it (higher than per user: an office shares one address).'),
  },
  'auth.max_failures_per_device': {
    kind: int(1, 100), default: '5', unit: u('次', 'failures'),
    label: u('设备凭证失效前的失败次数', 'Failures before a device cookie stops helping'),
    description: u('通过同一设备凭证登录失败达到此次数后，该设备不再绕过用户名或地址锁定。', 'Failures through one device cookie after which it no longer lifts a user-name or address lock.'),
  },
  'auth.device_days': {
    kind: int(1, 365), default: '90', unit: u('天', 'days'),
    label: u('设备凭证有效期', 'Device cookie lifetime'),
    description: u('设备凭证在最近一次成功登录后的有效天数。', 'Days a device cookie lasts after its last successful sign-in.'),
  },
  'auth.max_concurrent_hashes': {
    kind: int(1, 64), default: '4', unit: u('个', 'at once'),
    label: u('同时计算的密码哈希数', 'Password hashes at once'),
    description: u('本进程同时计算的密码哈希上限，超出的登录请求答复 429。', 'Password hashes computed at once in one server process; beyond it sign-ins are answered 429.'),
  },
  'audit.coalesce_minutes': {
    kind: int(1, 1440), default: '10', unit: MINUTES,
    label: u('拒绝记录合并时长', 'Refusal coalescing window'),
    description: u('此时长内完全相同的拒绝只记一行审计并计数。', 'Identical refusals within this time are one counted audit row.'),
  },
  'workflow.limit.file': {
    kind: LIMIT, default: '1 working_hour', unit: null,
    label: u('立案时限', 'Filing limit'),
    description: u('上报后立案或作废的时限（数量 + 单位：hour、working_hour、working_day）。', 'Time to file or void a report ("<amount> <hour|working_hour|working_day>").'),
  },
  'workflow.limit.dispatch': {
    kind: LIMIT, default: '1 working_hour', unit: null,
    label: u('派遣时限', 'Dispatch limit'),
    description: u('立案后派遣的时限（数量 + 单位）。', 'Time to dispatch a filed case ("<amount> <unit>").'),
  },
  'workflow.limit.accept.normal': {
    kind: LIMIT, default: '2 working_hour', unit: null,
    label: u('签收时限（一般）', 'Sign-for limit (normal)'),
    description: u('一般案件派遣后承办单位签收的时限。', 'Time for the unit to sign for a dispatched normal case.'),
  },
  'workflow.limit.accept.urgent': {
    kind: LIMIT, default: '0.5 hour', unit: null,
    label: u('签收时限（紧急）', 'Sign-for limit (urgent)'),
    description: u('紧急案件派遣后承办单位签收的时限。', 'Time for the unit to sign for a dispatched urgent case.'),
  },
  'workflow.reopen_days': {
    kind: int(1, 365), default: '7', unit: u('天', 'days'),
    label: u('可重新激活天数', 'Reopening window'),
    description: u('结案后在此天数内可重新激活，并可答复、回访。', 'Days after closing within which a case may be reopened, replied to and called back.'),
  },
  'workflow.escalation_levels': {
    kind: { type: 'shares', max: 10, maxItems: 5 }, default: '1,2', unit: u('时限倍数', 'times the limit'),
    label: u('督办级别', 'Escalation levels'),
    description: u('阶段用时达到时限的这些倍数时督办，逗号分隔、递增（如 1,2）。', 'Shares of a stage limit at which a case escalates, comma-separated and ascending (e.g. 1,2).'),
  },
  'workflow.escalation_targets': {
    kind: { type: 'roles', maxItems: 5 }, default: 'dispatcher,shift_lead', unit: null,
    label: u('督办对象', 'Escalation targets'),
    description: u('每一督办级别通知的角色代码，逗号分隔，与级别一一对应。', 'The role told at each escalation level, comma-separated, one per level.'),
  },
  'workflow.visit_far_meters': {
    kind: int(10, 10000), default: '200', unit: u('米', 'metres'),
    label: u('现场核实距离阈值', 'Site visit distance threshold'),
    description: u('核实、核查时所在位置距案件超过此距离即标记。', 'A verify or check recorded this far or further from the case is flagged.'),
  },
  'photos.max_upload_bytes': {
    kind: int(65_536, PHOTO_MAX_BYTES), default: '10485760', unit: u('字节', 'bytes'),
    label: u('照片上传上限', 'Largest photo upload'),
    description: u('一次照片上传的最大字节数（不超过 10 MB 的硬上限）。', 'The largest photo upload body, bytes (never above the 10 MB hard cap).'),
  },
  'photos.max_side': {
    kind: int(320, 8192), default: '2048', unit: u('像素', 'pixels'),
    label: u('照片最长边', 'Stored photo longest side'),
    description: u('保存的照片缩放到的最长边。', 'The longest side a stored photo is scaled to.'),
  },
  'photos.thumb_side': {
    kind: int(64, 1024), default: '320', unit: u('像素', 'pixels'),
    label: u('缩略图最长边', 'Thumbnail longest side'),
    description: u('缩略图的最长边。', "The thumbnail's longest side."),
  },
  'photos.per_user_day': {
    kind: int(1, 100_000), default: '300', unit: u('张', 'photos'),
    label: u('每人每日照片数', 'Photos per person per day'),
    description: u('每人每天可上传的照片数，超出的拒绝至次日。', 'Photos one person may upload per day; more are refused until the next day.'),
  },
  'photos.unattached_purge_hours': {
    kind: int(1, 24 * 365), default: '24', unit: u('小时', 'hours'),
    label: u('未引用照片保留时长', 'Unattached photos kept for'),
    description: u('上传后未被任何案件引用的照片，超过此时长即删除。', 'A photo no case cites is deleted this long after its upload.'),
  },
  'intake.duplicate_radius_meters': {
    kind: int(10, 5000), default: '150', unit: u('米', 'metres'),
    label: u('疑似重复案件半径', 'Duplicate hint radius'),
    description: u('登记时提示此半径内同一小类的未结案件。', 'Registering a case shows open cases of the same subclass within this radius.'),
  },
  // the grid editor's rules (domain/grid-rules.ts; docs/decisions/0027-grid-editor.md)
  'grid.overlap_tolerance_m2': {
    kind: { type: 'fraction', min: 0, max: 100 }, default: '0.01', unit: u('平方米', 'm²'),
    label: u('网格重叠容差', 'Grid overlap tolerance'),
    description: u('两个单元网格重叠、或网格超出所属社区（村）的面积不超过此值时视为无误（浮点误差）。', 'Two unit grids may overlap, or a grid stick out of its community, by at most this area (rounding), and still pass.'),
  },
  'grid.min_gap_m2': {
    kind: { type: 'fraction', min: 0, max: 10_000 }, default: '1', unit: u('平方米', 'm²'),
    label: u('网格缝隙下限', 'Smallest grid gap reported'),
    description: u('社区（村）内未被单元网格覆盖的空隙，面积超过此值即报告。', 'A part of a community no unit grid covers is reported once it is larger than this.'),
  },
  'grid.spike_degrees': {
    kind: { type: 'fraction', min: 0, max: 45 }, default: '1', unit: u('度', 'degrees'),
    label: u('尖刺角度', 'Spike angle'),
    description: u('网格边界上小于此角度的尖角视为尖刺（数字化错误）并拒绝。', 'A corner of a grid outline sharper than this is a spike (a digitising slip) and is refused.'),
  },
  'grid.min_area_m2': {
    kind: int(1, 1_000_000), default: '1000', unit: u('平方米', 'm²'),
    label: u('单元网格最小面积', 'Smallest unit grid'),
    description: u('面积小于此值的单元网格被拒绝。', 'A unit grid smaller than this is refused.'),
  },
  'grid.max_area_m2': {
    kind: int(1, 10_000_000), default: '200000', unit: u('平方米', 'm²'),
    label: u('单元网格最大面积', 'Largest unit grid'),
    description: u('面积大于此值的单元网格被拒绝。', 'A unit grid larger than this is refused.'),
  },
} as const satisfies Record<string, SettingDecl>;

export type SettingKey = keyof typeof SETTINGS;
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];
export const isSettingKey = (k: unknown): k is SettingKey => typeof k === 'string' && Object.hasOwn(SETTINGS, k);

/** app_meta keys that are facts about the database, not settings (data/seed.ts writes them once). */
export const SYSTEM_KEYS: readonly string[] = ['seed', 'seeded_now'];

export interface Limit {
  amount: number;
  unit: LimitUnit;
}

type ValueOf<K extends SettingKind['type']> = K extends 'int' | 'fraction' ? number : K extends 'limit' ? Limit : K extends 'shares' ? number[] : string[];
/** The typed value of a setting. */
export type SettingValue<K extends SettingKey> = ValueOf<(typeof SETTINGS)[K]['kind']['type']>;

/** A refusal of a value: a reason code of domain/messages.ts and its parameters. */
export interface SettingRefusal {
  reason: 'settings.empty' | 'settings.notNumber' | 'settings.notWhole' | 'settings.outOfRange' | 'settings.badLimit' | 'settings.badShares' | 'settings.unknownRole' | 'settings.tooMany' | 'settings.targetsShort' | 'settings.gridAreaOrder';
  params: Record<string, string | number | boolean>;
}

export type SettingCheck<K extends SettingKey> = { ok: true; value: SettingValue<K> } | ({ ok: false } & SettingRefusal);

const LIMIT_UNITS: readonly LimitUnit[] = ['hour', 'working_hour', 'working_day'];
/** A plain decimal number (no exponent, no hex, no spaces inside): what a person types. */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const no = (reason: SettingRefusal['reason'], params: SettingRefusal['params']): { ok: false } & SettingRefusal => ({ ok: false, reason, params });

function check(kind: SettingKind, key: string, text: string): { ok: true; value: unknown } | ({ ok: false } & SettingRefusal) {
  const t = text.trim();
  if (!t) return no('settings.empty', { key });
  const list = () => t.split(',').map((x) => x.trim());
  switch (kind.type) {
    case 'int':
    case 'fraction': {
      if (!DECIMAL.test(t)) return no('settings.notNumber', { key, found: text });
      const n = Number(t);
      if (kind.type === 'int' && !Number.isInteger(n)) return no('settings.notWhole', { key, found: text });
      const inside = kind.type === 'int' ? n >= kind.min && n <= kind.max : n > kind.min && n < kind.max;
      return inside ? { ok: true, value: n } : no('settings.outOfRange', { key, found: text, min: kind.min, max: kind.max, open: kind.type === 'fraction' });
    }
    case 'limit': {
      const [a, unit, ...rest] = t.split(/\s+/);
      const amount = Number(a);
      if (rest.length || !DECIMAL.test(a) || !(amount > 0 && amount <= kind.max) || !LIMIT_UNITS.includes(unit as LimitUnit)) return no('settings.badLimit', { key, found: text, max: kind.max });
      return { ok: true, value: { amount, unit: unit as LimitUnit } };
    }
    case 'shares': {
      const parts = list();
      if (parts.length > kind.maxItems) return no('settings.tooMany', { key, max: kind.maxItems });
      const ns = parts.map((p) => (DECIMAL.test(p) ? Number(p) : NaN));
      if (ns.some((n, i) => !(n > 0 && n <= kind.max) || (i > 0 && n <= ns[i - 1]))) return no('settings.badShares', { key, found: text, max: kind.max });
      return { ok: true, value: ns };
    }
    case 'roles': {
      const parts = list();
      if (parts.length > kind.maxItems) return no('settings.tooMany', { key, max: kind.maxItems });
      const unknown = parts.find((p) => !Object.hasOwn(ROLE_LABELS, p));
      if (unknown !== undefined) return no('settings.unknownRole', { key, found: unknown });
      return { ok: true, value: parts };
    }
  }
}

/** Whether `text` is a valid value of `key` (the value, typed), else why not. */
export function checkSetting<K extends SettingKey>(key: K, text: string): SettingCheck<K> {
  return check(SETTINGS[key].kind, key, text) as SettingCheck<K>;
}

/**
 * The rules between settings, over the values in force (stored or default): each escalation level
 * has a target. Returns the refusals, each naming the key it is reported on.
 */
export function checkTogether(get: <K extends SettingKey>(key: K) => SettingValue<K> | undefined): ({ key: SettingKey } & SettingRefusal)[] {
  const levels = get('workflow.escalation_levels');
  const targets = get('workflow.escalation_targets');
  if (levels && targets && targets.length < levels.length) {
    return [{ key: 'workflow.escalation_targets', reason: 'settings.targetsShort', params: { key: 'workflow.escalation_targets', levels: levels.length, targets: targets.length } }];
  }
  const least = get('grid.min_area_m2');
  const most = get('grid.max_area_m2');
  if (least !== undefined && most !== undefined && least >= most) {
    return [{ key: 'grid.max_area_m2', reason: 'settings.gridAreaOrder', params: { key: 'grid.max_area_m2', min: least, max: most } }];
  }
  return [];
}

/** What a setting is called in a language (its key when unknown). */
export const settingLabel = (key: string, lang: 'zh' | 'en') => (isSettingKey(key) ? SETTINGS[key].label[lang] : key);
