// The audit log as people read it: an action in words (domain/actions.ts), its target, and its
// note (the row's JSON detail: outcome, reason, the input as recorded) as key/value text in the
// UI's language instead of raw JSON. Pure (tests/unit/audit-format.test.ts).
import { permissionLabel, roleLabel, type Label } from '../../../domain/actions.ts';
import { isReason, messageOf, type MessageParams } from '../../../domain/messages.ts';
import type { Lang } from '../../lib/i18n.ts';

export interface AuditItem {
  /** The detail's key (dotted inside the input), for tests and styling. */
  key: string;
  label: string;
  value: string;
}

const OUTCOMES: Record<string, Label> = {
  ok: { zh: '成功', en: 'done' },
  denied: { zh: '被拒绝', en: 'denied' },
  failed: { zh: '失败', en: 'failed' },
  throttled: { zh: '已锁定', en: 'throttled' },
  busy: { zh: '服务器忙', en: 'server busy' },
  disabled: { zh: '账户已停用', en: 'account disabled' },
  'demo refused': { zh: '演示账户被拒', en: 'demo account refused' },
};

const TARGETS: Record<string, Label> = {
  user: { zh: '用户', en: 'user' },
  role: { zh: '角色', en: 'role' },
  displayToken: { zh: '大屏令牌', en: 'display token' },
  case: { zh: '案件', en: 'case' },
  responsibilityGrid: { zh: '责任网格', en: 'responsibility grid' },
  photo: { zh: '照片', en: 'photo' },
  community: { zh: '物业小区', en: 'managed compound' },
  address: { zh: '地址', en: 'address' },
};

/** What the detail's keys (and the inputs' fields) are called. */
const KEYS: Record<string, Label> = {
  outcome: { zh: '结果', en: 'Outcome' },
  reason: { zh: '原因', en: 'Reason' },
  message: { zh: '说明', en: 'Message' },
  input: { zh: '输入', en: 'Input' },
  created: { zh: '已创建', en: 'Created' },
  from: { zh: '来源', en: 'From' },
  to: { zh: '至', en: 'To' },
  via: { zh: '途径', en: 'Via' },
  report: { zh: '报告', en: 'Report' },
  command: { zh: '命令', en: 'Command' },
  id: { zh: '编号', en: 'Id' },
  version: { zh: '版本', en: 'Version' },
  username: { zh: '用户名', en: 'User name' },
  displayName: { zh: '姓名', en: 'Name' },
  roleCode: { zh: '角色', en: 'Role' },
  departmentId: { zh: '部门', en: 'Department' },
  districtCodes: { zh: '区县', en: 'Districts' },
  disabled: { zh: '停用', en: 'Disabled' },
  permission: { zh: '权限', en: 'Right' },
  granted: { zh: '授予', en: 'Granted' },
  name: { zh: '名称', en: 'Name' },
  households: { zh: '户数', en: 'Households' },
  partyOrgName: { zh: '党组织名称', en: 'Party organisation' },
  partyOrgKind: { zh: '党组织类型', en: 'Party organisation kind' },
  assigneeRole: { zh: '巡查人员类型', en: 'Assignee role' },
  assigneeName: { zh: '巡查人员', en: 'Assignee' },
  address: { zh: '地址', en: 'Address' },
  password: { zh: '密码', en: 'Password' },
  currentPassword: { zh: '当前密码', en: 'Current password' },
  newPassword: { zh: '新密码', en: 'New password' },
};

/** Values of a few known fields, in words. */
const VALUES: Record<string, Record<string, Label>> = {
  outcome: OUTCOMES,
  assigneeRole: { inspector: { zh: '监督员', en: 'inspector' }, grid_worker: { zh: '网格员', en: 'grid worker' } },
  partyOrgKind: { branch: { zh: '党支部', en: 'branch' }, joint_branch: { zh: '联合党支部', en: 'joint branch' }, none: { zh: '无', en: 'none' } },
  from: { environment: { zh: '环境变量', en: 'environment' }, 'one-time password': { zh: '一次性密码', en: 'one-time password' } },
};

const MAX_VALUE = 200;
const word = (table: Record<string, Label>, code: string, lang: Lang) => (Object.hasOwn(table, code) ? table[code][lang] : code);
const cut = (v: string) => (v.length > MAX_VALUE ? `${v.slice(0, MAX_VALUE)}…` : v);

/** An outcome in words (sign-ins have finer ones than the filter's four: busy, disabled, demo refused). */
export const outcomeText = (outcome: string, lang: Lang) => word(OUTCOMES, outcome, lang);

/** A key in words (the key itself when unknown). */
export const keyLabel = (key: string, lang: Lang) => word(KEYS, key, lang);

/** An audit row's target in words: `用户 12`. */
export function targetText(kind: string | null, id: string | null, lang: Lang): string {
  if (!kind) return '';
  return `${word(TARGETS, kind, lang)}${id ? ` ${id}` : ''}`;
}

/** One value as text: words for roles, rights and known codes, lists joined, nested objects as key=value. */
function valueText(key: string, v: unknown, lang: Lang): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return lang === 'zh' ? (v ? '是' : '否') : v ? 'yes' : 'no';
  if (Array.isArray(v)) return v.length ? v.map((x) => valueText(key, x, lang)).join(lang === 'zh' ? '、' : ', ') : '—';
  if (typeof v === 'object') {
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${keyLabel(k, lang)}=${valueText(k, x, lang)}`)
      .join(lang === 'zh' ? '，' : ', ');
  }
  const text = String(v);
  if (key === 'roleCode' || key === 'role') return roleLabel(text, lang);
  if (key === 'permission') return permissionLabel(text, lang);
  if (Object.hasOwn(VALUES, key)) return word(VALUES[key], text, lang);
  return cut(text);
}

/** The text of a refusal's reason (a reason code with its parameters, or a tRPC code), or null. */
function reasonText(reason: unknown, params: unknown, lang: Lang): string | null {
  if (typeof reason !== 'string') return null;
  const p = (params && typeof params === 'object' ? params : {}) as MessageParams;
  if (isReason(reason)) return messageOf(reason, p, lang);
  return messageOf(`refused.${reason}`, p, lang);
}

/** An input too large to keep, as the audit summarised it (server/audit/audit-queries.ts auditInput). */
function summaryText(s: Record<string, unknown>, lang: Lang): string {
  const keys = Array.isArray(s.keys) ? (s.keys as unknown[]).map(String).join(lang === 'zh' ? '、' : ', ') : '';
  const size = s.chars === null || s.chars === undefined ? '?' : String(s.chars);
  const count = s.keyCount ?? s.items ?? '?';
  return lang === 'zh'
    ? `过大，仅存摘要：${size} 个字符，${String(count)} 个键${keys ? `（${keys}…）` : ''}`
    : `too large, kept as a summary: ${size} characters, ${String(count)} keys${keys ? ` (${keys}…)` : ''}`;
}

/**
 * An audit row's note as key/value items, in a language: the outcome and reason in words
 * (the server's English message only where no reason is known), each input field on its own.
 * `shownOutcome`: the row's outcome, shown in a column of its own (the note repeats it only when it says more).
 */
export function auditDetailItems(detail: unknown, lang: Lang, shownOutcome?: string): AuditItem[] {
  if (detail === null || detail === undefined) return [];
  if (typeof detail !== 'object' || Array.isArray(detail)) return [{ key: '', label: '', value: valueText('', detail, lang) }];
  const d = detail as Record<string, unknown>;
  const items: AuditItem[] = [];
  const reason = reasonText(d.reason, d.params, lang);
  // what happened first, then the rest, the input last (the database keeps jsonb keys in its own order)
  const rank = (k: string) => (k === 'outcome' ? 0 : k === 'reason' ? 1 : k === 'message' ? 2 : k === 'input' ? 4 : 3);
  for (const [key, v] of Object.entries(d).sort(([a], [b]) => rank(a) - rank(b))) {
    if (key === 'params') continue; // said through the reason
    if (key === 'outcome' && shownOutcome !== undefined && v === shownOutcome) continue;
    if (key === 'message' && reason) continue; // the reason says it in the UI's language
    if (key === 'reason') {
      items.push({ key, label: keyLabel(key, lang), value: reason ?? valueText(key, v, lang) });
    } else if (key === 'input' && v && typeof v === 'object' && !Array.isArray(v)) {
      const input = v as Record<string, unknown>;
      if (input.summary === true) items.push({ key, label: keyLabel(key, lang), value: summaryText(input, lang) });
      else for (const [k, x] of Object.entries(input)) items.push({ key: `input.${k}`, label: keyLabel(k, lang), value: valueText(k, x, lang) });
    } else {
      items.push({ key, label: keyLabel(key, lang), value: valueText(key, v, lang) });
    }
  }
  return items;
}

/** The note as one line of text (what the table shows). */
export function auditDetailText(detail: unknown, lang: Lang, shownOutcome?: string): string {
  return auditDetailItems(detail, lang, shownOutcome)
    .map((i) => (i.label ? `${i.label}${lang === 'zh' ? '：' : ': '}${i.value}` : i.value))
    .join(lang === 'zh' ? '；' : '; ');
}
