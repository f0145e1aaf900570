// The case workflow's transitions (GB/T 30428, CJJ/T 106; docs/domain-notes.md, workflow): the
// one table every side reads. The engine (server/dispatch/case-engine.ts) allows exactly these
// moves, the seed generator builds the demo history through them (data/generators/cases.ts),
// and the screens offer them. Pure: imports nothing of ours but the statuses.
//
// A row: the action (also the event's `type`), the statuses it may start from, the status it
// leads to ('same' keeps the status: a request, an approval of a request, a reply), the right
// it needs (permissions.code: who holds it is data, role_permissions), the role that normally
// does it (for task lists and the docs), the fields the actor must give, and a guard on the
// case's pending request. Which actions a case offers also depends on its pending request and
// its last check; those guards are here too, so the table alone says what is possible.
import type { Status } from './workflow.ts';

/** The fields an action may carry, by kind (the server turns each kind into a validated input). */
export const FIELD_KINDS = {
  /** Free text shown to people: a note, a result, a reason (at most 500 characters). */
  note: 'text',
  result: 'text',
  reason: 'text',
  /** A reference to a photo already stored (an object key or URL, at most 300 characters). */
  afterPhoto: 'ref',
  /** A department (departments.id). */
  departmentId: 'id',
  suggestedDepartmentId: 'id',
  /** A person (users.id): whose verify or check task it becomes. */
  assigneeId: 'id',
  /** Why a dispatcher overrides the routing suggestion. */
  overrideReason: 'text',
  /** Why a department sends a case back (RETURN_REASONS). */
  reasonCode: 'returnReason',
  /** The check's verdict: the closure condition holds. */
  passed: 'boolean',
  /** The extension asked for: an amount in a unit (LimitUnit). */
  amount: 'amount',
  unit: 'limitUnit',
  /** 满意 / 基本满意 / 不满意. */
  satisfaction: 'satisfaction',
  /** A new category (case_categories.code) or location, on reclassification. */
  categoryCode: 'category',
  lng: 'lng',
  lat: 'lat',
  crs: 'crs',
  /** Where the person stood on a site visit (verify, check, a fix on the spot), in the system `standCrs` names: the engine measures how far that was from the case. */
  standLng: 'lng',
  standLat: 'lat',
  standCrs: 'crs',
} as const;
export type FieldName = keyof typeof FIELD_KINDS;

/** Why a department returns a case (回退): codes are data the screens translate. */
export const RETURN_REASONS = ['notOurDuty', 'wrongLocation', 'duplicate', 'needsOtherUnit', 'other'] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];

/** The reporter's satisfaction at the callback (回访). */
export const SATISFACTIONS = ['satisfied', 'basic', 'unsatisfied'] as const;
export type Satisfaction = (typeof SATISFACTIONS)[number];

/** A case's request waiting for approval. */
export type Pending = 'extension' | 'park' | null;

export interface Transition {
  action: string;
  from: readonly Status[];
  /** The status after the move; 'same' keeps it. */
  to: Status | 'same';
  permission: string;
  /** The role that normally does it (the right decides; this names the task's owner). */
  role: string;
  required: readonly FieldName[];
  optional: readonly FieldName[];
  /** The case's pending request must be this (undefined: any). */
  pending?: Pending;
  /** Sets or clears the pending request. */
  setsPending?: Pending;
  /** Only for cases from the public (hotlines, app, WeChat): accepting for verification (an inspector's own report needs none), reply and callback. */
  publicOnly?: boolean;
  /** Refused after a check that failed (close) or that passed (rework). */
  check?: 'passed' | 'failed';
  /**
   * A patrol task (verify, check): assigned to one of the case's patrol grid's people. Another
   * grid's patrol staff are refused; people bound to no grid (supervisors) may stand in.
   */
  task?: boolean;
  zh: string;
  en: string;
}

const t = (x: Omit<Transition, 'optional'> & { optional?: readonly FieldName[] }): Transition => ({ optional: [], ...x });

/** Every move a case can make. The order is the order of the workflow (screens list actions so). */
export const TRANSITIONS: readonly Transition[] = [
  t({ action: 'accept', from: ['reported'], to: 'verifying', permission: 'case.create', role: 'intake_operator', required: [], optional: ['note'], publicOnly: true, zh: '受理并派核实', en: 'Accept and send for verification' }),
  t({ action: 'assign', from: ['verifying', 'handled'], to: 'same', permission: 'case.file', role: 'shift_lead', required: ['assigneeId'], optional: ['note'], zh: '改派核实/核查人员', en: 'Give the site visit to another person' }),
  t({ action: 'verify', from: ['verifying'], to: 'verified', permission: 'case.verify', role: 'inspector', required: ['result'], optional: ['afterPhoto', 'standLng', 'standLat', 'standCrs'], task: true, zh: '现场核实', en: 'Verify on site' }),
  t({ action: 'selfHandle', from: ['reported', 'verifying'], to: 'closed', permission: 'case.verify', role: 'inspector', required: ['result', 'afterPhoto'], optional: ['standLng', 'standLat', 'standCrs'], task: true, zh: '现场自行处置', en: 'Fix on the spot' }),
  t({ action: 'reclassify', from: ['reported', 'verifying', 'verified', 'filed', 'returned'], to: 'same', permission: 'case.file', role: 'shift_lead', required: [], optional: ['categoryCode', 'lng', 'lat', 'crs', 'note'], zh: '更正类别或位置', en: 'Correct the category or location' }),
  t({ action: 'file', from: ['reported', 'verified'], to: 'filed', permission: 'case.file', role: 'shift_lead', required: [], optional: ['note'], zh: '立案', en: 'File' }),
  t({ action: 'void', from: ['reported', 'verifying', 'verified'], to: 'voided', permission: 'case.file', role: 'shift_lead', required: ['reason'], zh: '作废', en: 'Void' }),
  t({ action: 'dispatch', from: ['filed', 'returned'], to: 'dispatched', permission: 'case.dispatch', role: 'dispatcher', required: [], optional: ['departmentId', 'overrideReason', 'note'], zh: '派遣', en: 'Dispatch' }),
  t({ action: 'signFor', from: ['dispatched'], to: 'accepted', permission: 'case.handle', role: 'department_handler', required: [], zh: '签收', en: 'Sign for' }),
  t({ action: 'return', from: ['dispatched', 'accepted'], to: 'returned', permission: 'case.handle', role: 'department_handler', required: ['reasonCode'], optional: ['suggestedDepartmentId', 'note'], pending: null, zh: '回退（非本单位职责）', en: 'Return as not ours' }),
  t({ action: 'requestExtension', from: ['accepted'], to: 'same', permission: 'case.handle', role: 'department_handler', required: ['amount', 'unit', 'reason'], pending: null, setsPending: 'extension', zh: '申请延期', en: 'Ask for an extension' }),
  t({ action: 'extend', from: ['accepted'], to: 'same', permission: 'case.extend.approve', role: 'dispatcher', required: [], optional: ['note'], pending: 'extension', setsPending: null, zh: '批准延期', en: 'Approve the extension' }),
  t({ action: 'refuseExtension', from: ['accepted'], to: 'same', permission: 'case.extend.approve', role: 'dispatcher', required: ['reason'], pending: 'extension', setsPending: null, zh: '驳回延期', en: 'Refuse the extension' }),
  t({ action: 'requestPark', from: ['accepted'], to: 'same', permission: 'case.handle', role: 'department_handler', required: ['reason'], pending: null, setsPending: 'park', zh: '申请挂账', en: 'Ask to park the case' }),
  t({ action: 'park', from: ['accepted'], to: 'parked', permission: 'case.park.approve', role: 'dispatcher', required: [], optional: ['note'], pending: 'park', setsPending: null, zh: '批准挂账', en: 'Approve parking' }),
  t({ action: 'refusePark', from: ['accepted'], to: 'same', permission: 'case.park.approve', role: 'dispatcher', required: ['reason'], pending: 'park', setsPending: null, zh: '驳回挂账', en: 'Refuse parking' }),
  t({ action: 'resume', from: ['parked'], to: 'accepted', permission: 'case.park.approve', role: 'dispatcher', required: [], optional: ['note'], zh: '解除挂账', en: 'Resume the parked case' }),
  t({ action: 'handle', from: ['accepted'], to: 'handled', permission: 'case.handle', role: 'department_handler', required: ['result', 'afterPhoto'], pending: null, zh: '处置反馈', en: 'Report it handled' }),
  t({ action: 'check', from: ['handled'], to: 'checked', permission: 'case.check', role: 'inspector', required: ['passed'], optional: ['note', 'afterPhoto', 'standLng', 'standLat', 'standCrs'], task: true, zh: '现场核查', en: 'Check on site' }),
  t({ action: 'close', from: ['checked'], to: 'closed', permission: 'case.close', role: 'shift_lead', required: [], optional: ['note'], check: 'passed', zh: '结案', en: 'Close' }),
  t({ action: 'rework', from: ['checked'], to: 'accepted', permission: 'case.close', role: 'shift_lead', required: ['reason'], check: 'failed', zh: '返工', en: 'Send back for rework' }),
  t({ action: 'reply', from: ['closed'], to: 'same', permission: 'case.callback', role: 'intake_operator', required: ['result'], publicOnly: true, zh: '答复举报人', en: 'Reply to the reporter' }),
  t({ action: 'callback', from: ['closed'], to: 'same', permission: 'case.callback', role: 'intake_operator', required: ['satisfaction'], optional: ['note'], publicOnly: true, zh: '回访', en: 'Call back' }),
  t({ action: 'reopen', from: ['closed'], to: 'filed', permission: 'case.close', role: 'shift_lead', required: ['reason'], zh: '重新激活', en: 'Reopen' }),
];

/**
 * The actions that make a case wait for someone: a case is in a person's work queue
 * (dispatch.queue) while one of these is possible for it and the person holds its right. The
 * others are alternatives or corrections offered beside them on the case (void beside file,
 * return and the requests beside handle, refusals beside approvals, reassignment,
 * reclassification, reopening), and the site visits are the patrol's own task list
 * (dispatch.myTasks).
 */
export const QUEUE_ACTIONS: readonly string[] = ['accept', 'file', 'dispatch', 'signFor', 'handle', 'extend', 'park', 'resume', 'close', 'rework', 'reply', 'callback'];

/** Event types the server writes itself (no person's action): escalations and deadline corrections. */
export const SYSTEM_EVENTS = ['report', 'escalate', 'deadlineCorrected'] as const;

const BY_ACTION = new Map(TRANSITIONS.map((x) => [x.action, x]));

export const ACTIONS: readonly string[] = TRANSITIONS.map((x) => x.action);

export function transitionOf(action: string): Transition | undefined {
  return BY_ACTION.get(action);
}

/** The facts of a case the table's guards read. */
export interface CaseGuardFacts {
  status: string;
  pending: Pending;
  /** The last check's verdict (null: not checked since the last handling). */
  checkPassed: boolean | null;
  /** From the public (a hotline, the app, WeChat). */
  fromPublic: boolean;
}

/** Why an action cannot be taken now, or null when it can: the status, a pending request, the check, the channel. */
export type Blocked = { why: 'status' } | { why: 'pending'; pending: Pending } | { why: 'check'; passed: boolean | null } | { why: 'publicOnly' };

export function blockedBy(x: Transition, c: CaseGuardFacts): Blocked | null {
  if (!(x.from as readonly string[]).includes(c.status)) return { why: 'status' };
  if (x.pending !== undefined && x.pending !== c.pending) return { why: 'pending', pending: c.pending };
  if (x.check === 'passed' && c.checkPassed !== true) return { why: 'check', passed: c.checkPassed };
  if (x.check === 'failed' && c.checkPassed !== false) return { why: 'check', passed: c.checkPassed };
  if (x.publicOnly && !c.fromPublic) return { why: 'publicOnly' };
  return null;
}

/** The status an action leads to from `from`. */
export const nextStatus = (x: Transition, from: Status): Status => (x.to === 'same' ? from : x.to);

/** The actions possible for a case now (what a screen offers, before rights). */
export const possibleActions = (c: CaseGuardFacts): Transition[] => TRANSITIONS.filter((x) => blockedBy(x, c) === null);

/**
 * The status each event type of a history leads to, checked against the table: the seed's
 * histories and the engine's both pass here. Throws on a move the table does not allow.
 */
export function walk(from: Status, action: string): Status {
  const x = transitionOf(action);
  if (!x) throw new Error(`No transition '${action}' in the workflow table`);
  if (!(x.from as readonly string[]).includes(from)) throw new Error(`'${action}' is not allowed from '${from}'`);
  return nextStatus(x, from);
}
