// The case engine: registers cases and moves them through the workflow table
// (domain/transitions.ts), one transaction per move. Each move locks the case row, checks the
// table's guards against the locked state, updates the row's projection (status, version,
// pending request, clocks, routing), appends its event, and announces it with NOTIFY (delivered
// at commit, never for a rollback). An illegal move is a CONFLICT naming the current state and
// version. Clocks count working time on the working calendar (domain/working-clock.ts); limits
// are data (category_time_limits per category × stage × urgency × area class; the settings
// 'workflow.limit.*' for the stages that do not depend on the category, server/settings/settings.ts).
// docs/decisions/0015-the-case-engine.md says why it is shaped so.
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { addWorkingTime, workingMinutesBetween, type LimitUnit, type WorkingCalendar } from '../../domain/working-clock.ts';
import { limitKey, reference, refOf, type RefSource, type Reference } from './reference.ts';
import { blockedBy, nextStatus, transitionOf, type FieldName, type Pending, type Transition } from '../../domain/transitions.ts';
import { FIRST_STATUS, type Status } from '../../domain/workflow.ts';
import { STORED_CRS, toWgs84, type InputCrs } from '../../domain/coords.ts';
import type { Actor } from '../auth/actor.ts';
import { caseScopeSql } from '../auth/actor.ts';
import { districtInScope } from '../auth/scope-check.ts';
import { queryFailed, refuse } from '../query-error.ts';
import { setting, workflowLimits, workingCalendar, workingCalendarRows, type Limit } from '../settings/settings.ts';
import { categoryOf, decideRoute, placeAt, placeInCity, type Place, type RouteDecision } from './dispatch-queries.ts';
import { checkTaskActor, fitAssignee, taskAssignee, taskPermission, type Person } from './patrol-staff.ts';
import { attachPhotos, PHOTO_REF } from '../photos/photos-queries.ts';

/** The NOTIFY channel of committed case events (payload: {"eventId":…,"caseId":…}). */
export const CASE_EVENTS_CHANNEL = 'case_events';

/** What a move may carry (the fields of domain/transitions.ts FIELD_KINDS). */
export type ActionFields = Partial<Record<FieldName, string | number | boolean>>;

export interface ActInput extends ActionFields {
  id: number;
  /** The version the actor saw: when given, a case changed since is a CONFLICT. */
  version?: number;
}

/** The case after a move, as the mover sees it. */
export interface CaseAfter {
  id: number;
  code: string;
  status: Status;
  version: number;
  pending: Pending;
  departmentId: number | null;
  suggestedDepartmentId: number | null;
  routeReason: string | null;
  routeReasonEn: string | null;
  stage: string | null;
  stageDueAt: string | null;
  handleDueAt: string | null;
  closeDueAt: string | null;
  /** Whose site visit the case waits for (verifying, handled), when it is someone's. */
  assigneeId: number | null;
  eventId: number;
}

interface CaseRow {
  id: number; code: string; status: Status; version: number; source: string; channel: string; category_code: string; urgency: string; area_class: string;
  district_code: string | null; department_id: number | null; suggested_department_id: number | null; pending: Pending; pending_detail: { amount?: number; unit?: LimitUnit } | null;
  check_passed: boolean | null; handle_due_at: Date | string | null; close_due_at: Date | string | null; closed_at: Date | string | null; paused_remaining_minutes: number | null;
  lng: number; lat: number; unit_grid_id: number | null; assignee_user_id: number | null;
}

const asDate = (v: Date | string | null) => (v === null ? null : v instanceof Date ? v : new Date(v));
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The working calendar (calendar_days, working_periods), as of the caller's transaction (server/settings/settings.ts). */
export async function loadCalendar(src: RefSource): Promise<WorkingCalendar> {
  return workingCalendar(src);
}

/** The calendar's rows as stored (a correction builds the calendar it would become from them). */
export async function loadCalendarRows(src: RefSource) {
  return workingCalendarRows(src);
}

export type { Limit };

/** The limits of one case's stages: the category's (handle, verify, check) and the workflow's (file, dispatch, accept). */
export async function limitsOf(src: RefSource, c: { category_code: string; urgency: string; area_class: string }): Promise<Record<'verify' | 'file' | 'dispatch' | 'accept' | 'handle' | 'check', Limit>> {
  const ref = await refOf(src);
  const of = (stage: string) => {
    const l = ref.limits.get(limitKey(c.category_code, stage, c.urgency, c.area_class));
    if (!l) throw refuse('INTERNAL_SERVER_ERROR', 'db.failed', { what: `no ${stage} limit for category ${c.category_code} (${c.urgency}, ${c.area_class}) in category_time_limits` });
    return l;
  };
  const w = await workflowLimits(ref);
  return {
    verify: of('verify'), handle: of('handle'), check: of('check'),
    file: w.file,
    dispatch: w.dispatch,
    accept: c.urgency === 'urgent' ? w.acceptUrgent : w.acceptNormal,
  };
}

const CASE_COLUMNS = sql`c.id::int as id, c.code, c.status, c.version, c.source, c.channel, c.category_code, c.urgency, c.area_class, c.district_code::text as district_code,
  c.department_id, c.suggested_department_id, c.pending, c.pending_detail, c.check_passed, c.handle_due_at, c.close_due_at, c.closed_at, c.paused_remaining_minutes,
  ST_X(c.geom) as lng, ST_Y(c.geom) as lat, c.unit_grid_id, c.assignee_user_id`;

/** Locks the case for this transaction (inside the actor's scope); a case outside it answers as a missing one. */
async function lockCase(db: Db, actor: Actor, id: number): Promise<CaseRow> {
  const [c] = await rows<CaseRow>(db, sql`select ${CASE_COLUMNS} from cases c where c.id = ${id} and ${caseScopeSql(actor.scope)} for no key update`);
  if (!c) throw refuse('NOT_FOUND', 'notFound', { what: 'case', id });
  return c;
}

function refuseBlocked(x: Transition, c: CaseRow): never {
  const b = blockedBy(x, { status: c.status, pending: c.pending, checkPassed: c.check_passed, fromPublic: c.source === 'public' });
  const base = { id: c.id, action: x.action, status: c.status, version: c.version };
  if (!b || b.why === 'status') throw refuse('CONFLICT', 'workflow.illegal', base);
  if (b.why === 'pending') throw refuse('CONFLICT', 'workflow.pending', { ...base, pending: b.pending });
  if (b.why === 'check') throw refuse('CONFLICT', b.passed === false ? 'workflow.checkFailed' : 'workflow.checkPassed', base);
  throw refuse('CONFLICT', 'workflow.publicOnly', base);
}

export interface EventDraft {
  type: string;
  from: Status | null;
  to: Status;
  reason: string | null;
  payload: Record<string, unknown> | null;
  /**
   * Where the case stood before the move (district, department): announced too, so that the
   * subscribers the case leaves (a unit it was returned from, a district it was moved out of)
   * hear that it left (server/dispatch/live.ts).
   */
  was?: { districtCode: string | null; departmentId: number | null };
}

/** Appends an event and announces it at commit; returns its id. The case row is locked by the caller. */
export async function appendEvent(db: Db, notify: Notify, caseId: number, actor: { name: string; roleCode: string }, at: Date, e: EventDraft): Promise<number> {
  const [r] = await rows<{ id: number }>(
    db,
    sql`insert into case_events (case_id, seq, at, type, from_status, to_status, actor, actor_role, reason, payload)
        select ${caseId}, coalesce(max(seq), 0) + 1, ${at.toISOString()}::timestamptz, ${e.type}, ${e.from}, ${e.to}, ${actor.name}, ${actor.roleCode}, ${e.reason},
               ${e.payload ? JSON.stringify(e.payload) : null}::jsonb
        from case_events where case_id = ${caseId}
        returning id::int as id`,
  );
  await notify(db, CASE_EVENTS_CHANNEL, JSON.stringify({ eventId: r.id, caseId, ...(e.was ? { was: e.was } : {}) }));
  return r.id;
}

/** engine.notify: on the transaction, so it is delivered at commit. */
export type Notify = (db: Db, channel: string, payload: string) => Promise<void>;

export interface EngineCall {
  db: Db;
  actor: Actor;
  now: Date;
  notify: Notify;
}

const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);

/** Moves a case by one action of the table. Runs inside the caller's transaction. */
export async function actOnCase(call: EngineCall, action: string, input: ActInput): Promise<CaseAfter> {
  const x = transitionOf(action);
  if (!x) throw refuse('BAD_REQUEST', 'workflow.illegal', { id: input.id, action, status: '—', version: '—' });
  const { db, actor, now } = call;
  try {
    const c = await lockCase(db, actor, input.id);
    if (input.version !== undefined && input.version !== c.version) throw refuse('CONFLICT', 'conflict.version', { what: 'case', id: c.id, current: c.version, yours: input.version });
    if (blockedBy(x, { status: c.status, pending: c.pending, checkPassed: c.check_passed, fromPublic: c.source === 'public' })) refuseBlocked(x, c);
    for (const f of x.required) {
      const v = input[f];
      if (v === undefined || v === null || (typeof v === 'string' && !v.trim())) throw refuse('BAD_REQUEST', 'workflow.missingField', { action, field: f });
    }
    if (x.task) await checkTaskActor(db, actor.id, c);
    const to = nextStatus(x, c.status);
    const set: Record<string, unknown> = {};
    const payload: Record<string, unknown> = {};
    const ref = await reference(db); // once per move: the calendar, limits, categories and rules below
    const cal = ref.calendar;
    const limits = await limitsOf(ref, c);
    const due = (from: Date, l: Limit) => addWorkingTime(cal, from, l.amount, l.unit);
    const stage = (name: string | null, dueAt: Date | null) => {
      set.stage = name;
      set.stage_started_at = name ? now : null;
      set.stage_due_at = dueAt;
      set.escalation_level = null; // a new stage run: its levels fire afresh, the first at its due instant
      set.next_escalation_at = dueAt;
    };
    let reason: string | null = text(input.reason) ?? text(input.result) ?? text(input.note);
    let redispatch: RouteDecision | null = null;
    for (const f of [...x.required, ...x.optional]) if (input[f] !== undefined && f !== 'reason') payload[f] = input[f];

    switch (x.action) {
      case 'accept':
        stage('verify', due(now, limits.verify));
        break;
      case 'assign': {
        const person = await fitAssignee(db, input.assigneeId as number, taskPermission(c.status), c.district_code);
        set.assignee_user_id = person.id;
        Object.assign(payload, { assigneeId: person.id, assignee: person.displayName, previousAssigneeId: c.assignee_user_id });
        break;
      }
      case 'verify':
        stage('file', due(now, limits.file));
        break;
      case 'selfHandle':
        set.closed_at = now;
        stage(null, null);
        break;
      case 'reclassify': {
        const moved = input.lng !== undefined || input.lat !== undefined;
        if (moved && (input.lng === undefined || input.lat === undefined)) throw refuse('BAD_REQUEST', 'workflow.missingField', { action, field: input.lng === undefined ? 'lng' : 'lat' });
        const categoryCode = (input.categoryCode as string | undefined) ?? c.category_code;
        const category = await categoryOf(ref, categoryCode);
        if (!category) throw refuse('BAD_REQUEST', 'route.unknownCategory', { code: categoryCode });
        let lng = c.lng;
        let lat = c.lat;
        if (moved) {
          const crs = (input.crs as InputCrs | undefined) ?? 'wgs84';
          [lng, lat] = toWgs84([input.lng as number, input.lat as number], crs);
          Object.assign(set, { orig_lng: input.lng, orig_lat: input.lat, orig_crs: STORED_CRS[crs] });
        }
        const place = await placeInCity(db, lng, lat, now);
        if (actor.scope.kind === 'district' && !districtInScope(actor.scope, place.districtCode)) {
          throw refuse('FORBIDDEN', 'workflow.outsideArea', { district: place.districtCode, yours: actor.scope.districts?.join(', ') || '—' });
        }
        const route = await decideRoute(ref, place, category, now, c.channel);
        Object.assign(set, placeColumns(place), { category_code: category.code, area_class: place.areaClass }, routeColumns(route));
        if (moved) set.geom = sql`ST_SetSRID(ST_MakePoint(${lng}, ${lat}), 4326)`;
        Object.assign(payload, { categoryCode: category.code, districtCode: place.districtCode, gridCode: place.gridCode, suggestedDepartmentId: route?.departmentId ?? null, ruleId: route?.ruleId ?? null });
        break;
      }
      case 'file': {
        // route on filing: the suggestion the dispatcher sees, with its reason
        const category = await categoryOf(ref, c.category_code);
        const place = await placeInCity(db, c.lng, c.lat, now);
        const route = category ? await decideRoute(ref, place, category, now, c.channel) : null;
        Object.assign(set, routeColumns(route));
        Object.assign(payload, { suggestedDepartmentId: route?.departmentId ?? null, ruleId: route?.ruleId ?? null, reason: route?.reason ?? null });
        stage('dispatch', due(now, limits.dispatch));
        break;
      }
      case 'void':
        stage(null, null);
        break;
      case 'dispatch': {
        const departmentId = (input.departmentId as number | undefined) ?? c.suggested_department_id;
        if (departmentId == null) throw refuse('BAD_REQUEST', 'workflow.noDepartment');
        const dept = ref.departments.get(departmentId);
        if (!dept) throw refuse('BAD_REQUEST', 'admin.unknownDepartment', { id: departmentId });
        const override = c.suggested_department_id !== null && departmentId !== c.suggested_department_id;
        if (override && !text(input.overrideReason)) {
          throw refuse('BAD_REQUEST', 'workflow.overrideNeedsReason', { suggested: ref.departments.get(c.suggested_department_id!)?.name ?? String(c.suggested_department_id) });
        }
        const handleDue = due(now, limits.handle);
        const closeDue = due(handleDue, limits.check);
        Object.assign(set, { department_id: departmentId, handle_due_at: handleDue, close_due_at: closeDue, check_passed: null });
        Object.assign(payload, { departmentId, handleDueAt: iso(handleDue), closeDueAt: iso(closeDue), suggestedDepartmentId: c.suggested_department_id, override });
        if (override) reason = text(input.overrideReason);
        stage('accept', due(now, limits.accept));
        break;
      }
      case 'signFor':
        stage('handle', asDate(c.handle_due_at));
        break;
      case 'return': {
        const suggested = input.suggestedDepartmentId as number | undefined;
        if (suggested !== undefined) {
          if (!ref.departments.has(suggested)) throw refuse('BAD_REQUEST', 'admin.unknownDepartment', { id: suggested });
          // the suggested owner becomes the dispatcher's suggestion for the re-dispatch
          set.suggested_department_id = suggested;
          redispatch = await ruleForSuggestion(db, ref, c, suggested, now);
          if (redispatch) Object.assign(set, routeColumns(redispatch));
        }
        Object.assign(payload, { departmentId: c.department_id, reasonCode: input.reasonCode, suggestedDepartmentId: suggested ?? null });
        reason = text(input.note) ?? String(input.reasonCode);
        stage('dispatch', due(now, limits.dispatch));
        break;
      }
      case 'requestExtension':
        Object.assign(set, { pending: 'extension', pending_detail: JSON.stringify({ amount: input.amount, unit: input.unit, reason: input.reason }) });
        break;
      case 'extend': {
        const asked = c.pending_detail ?? {};
        const from = asDate(c.handle_due_at) ?? now;
        const handleDue = addWorkingTime(cal, from, Number(asked.amount ?? 0), (asked.unit ?? 'working_hour') as LimitUnit);
        const closeDue = due(handleDue, limits.check);
        // the same stage run with a later due: levels not yet fired wait for the new due
        Object.assign(set, { pending: null, pending_detail: null, handle_due_at: handleDue, close_due_at: closeDue, stage_due_at: handleDue, next_escalation_at: handleDue });
        Object.assign(payload, { amount: asked.amount, unit: asked.unit, handleDueAt: iso(handleDue), closeDueAt: iso(closeDue) });
        break;
      }
      case 'refuseExtension':
      case 'refusePark':
        Object.assign(set, { pending: null, pending_detail: null });
        break;
      case 'requestPark':
        Object.assign(set, { pending: 'park', pending_detail: JSON.stringify({ reason: input.reason }) });
        break;
      case 'park': {
        // the clock pauses: what is left of the handling limit, in working minutes (0 when overdue)
        const handleDue = asDate(c.handle_due_at);
        const left = handleDue ? workingMinutesBetween(cal, now, handleDue) : 0;
        Object.assign(set, { pending: null, pending_detail: null, paused_remaining_minutes: left });
        payload.remainingWorkingMinutes = left;
        stage('parked', null);
        break;
      }
      case 'resume': {
        const left = c.paused_remaining_minutes ?? 0;
        const handleDue = addWorkingTime(cal, now, left / 60, 'working_hour');
        const closeDue = due(handleDue, limits.check);
        Object.assign(set, { paused_remaining_minutes: null, handle_due_at: handleDue, close_due_at: closeDue });
        Object.assign(payload, { handleDueAt: iso(handleDue), closeDueAt: iso(closeDue), remainingWorkingMinutes: left });
        stage('handle', handleDue);
        break;
      }
      case 'handle':
        set.check_passed = null;
        stage('check', due(now, limits.check));
        break;
      case 'check':
        set.check_passed = input.passed === true;
        stage('close', asDate(c.close_due_at));
        break;
      case 'close':
        set.closed_at = now;
        stage(null, null);
        break;
      case 'rework': {
        // the same unit, a fresh handling-stage clock; the indicator due dates stay those of the first dispatch (docs/indicators.md)
        const handleDue = due(now, limits.handle);
        const closeDue = due(handleDue, limits.check);
        Object.assign(set, { check_passed: null, handle_due_at: handleDue, close_due_at: closeDue });
        Object.assign(payload, { departmentId: c.department_id, stageHandleDueAt: iso(handleDue), stageCloseDueAt: iso(closeDue) });
        stage('handle', handleDue);
        break;
      }
      case 'reply':
        set.replied_at = now;
        break;
      case 'callback':
        set.satisfaction = input.satisfaction;
        break;
      case 'reopen': {
        const days = await setting(ref, 'workflow.reopen_days');
        const closedAt = asDate(c.closed_at);
        if (closedAt && now.getTime() - closedAt.getTime() > days * 86_400_000) throw refuse('CONFLICT', 'workflow.reopenWindow', { id: c.id, days });
        Object.assign(set, { closed_at: null, check_passed: null, satisfaction: null });
        stage('dispatch', due(now, limits.dispatch));
        break;
      }
      default:
        throw new Error(`The case engine has no effect for '${x.action}'`);
    }
    if (input.standLng !== undefined || input.standLat !== undefined) Object.assign(payload, await visitPosition(db, ref, action, input, c));
    if (x.setsPending !== undefined && !('pending' in set)) set.pending = x.setsPending;
    // a site visit (verifying a report, checking a handling) is a task of the case's patrol grid's people
    const gridMoved = 'unit_grid_id' in set && set.unit_grid_id !== c.unit_grid_id;
    if ((to === 'verifying' || to === 'handled') && (to !== c.status || gridMoved)) {
      const person: Person | null = await taskAssignee(db, gridMoved ? (set.unit_grid_id as number | null) : c.unit_grid_id, taskPermission(to));
      set.assignee_user_id = person?.id ?? null;
      Object.assign(payload, { assigneeId: person?.id ?? null, assignee: person?.displayName ?? null });
    } else if (to !== c.status) set.assignee_user_id = null;

    const was = { districtCode: c.district_code, departmentId: c.department_id };
    const eventId = await appendEvent(db, call.notify, c.id, actor, now, { type: x.action, from: c.status, to, reason: reason?.slice(0, 500) ?? null, payload: Object.keys(payload).length ? payload : null, was });
    const photos = photoRefsOf(input.afterPhoto);
    if (photos.length) await attachPhotos(db, actor.id, c.id, eventId, photos);
    const assignments = Object.entries({ ...set, status: to }).map(([k, v]) => sql`${sql.identifier(k)} = ${(v as unknown) instanceof Date ? (v as unknown as Date).toISOString() : v}`);
    const [after] = await rows<CaseAfterRow>(db, sql`update cases c set ${sql.join(assignments, sql`, `)}, version = c.version + 1 where c.id = ${c.id} returning ${AFTER_COLUMNS}`);
    if (redispatch) {
      // a rule names the suggested owner: the routing re-dispatches at once, as a move of its own (its event, its clocks)
      return await actOnCase({ ...call, actor: routingActor }, 'dispatch', { id: c.id, departmentId: redispatch.departmentId, note: redispatch.reason });
    }
    return toAfter(after, eventId);
  } catch (err) {
    throw queryFailed(`case ${action}`, err);
  }
}

/** The stored photos an action's field cites (`photo:<id>`); other references stay plain text. */
const photoRefsOf = (...values: unknown[]): string[] => values.filter((v): v is string => typeof v === 'string' && PHOTO_REF.test(v));

/**
 * Where the visitor stood on a site visit, in WGS-84, and how far that was from the case
 * (metres, on the spheroid): a visit recorded `workflow.visit_far_meters` or further away is
 * flagged (`far`), as data on its event, for the shift lead who closes on it.
 */
async function visitPosition(db: Db, ref: Reference, action: string, input: ActInput, c: CaseRow): Promise<Record<string, unknown>> {
  if (input.standLng === undefined || input.standLat === undefined) throw refuse('BAD_REQUEST', 'workflow.missingField', { action, field: input.standLng === undefined ? 'standLng' : 'standLat' });
  const [lng, lat] = toWgs84([input.standLng as number, input.standLat as number], (input.standCrs as InputCrs | undefined) ?? 'wgs84');
  const [d] = await rows<{ m: number }>(db, sql`select ST_Distance(ST_SetSRID(ST_MakePoint(${lng}, ${lat}), 4326)::geography, ST_SetSRID(ST_MakePoint(${c.lng}, ${c.lat}), 4326)::geography) as m`);
  const farMeters = await setting(ref, 'workflow.visit_far_meters');
  const meters = Number(d.m);
  return { standLng: lng, standLat: lat, standCrs: undefined, distanceMeters: Math.round(meters), farMeters, far: meters >= farMeters };
}

/** The routing acting on its own (an automatic re-dispatch): the whole city, named so in the event. */
const routingActor: Actor = {
  kind: 'user', id: 0, name: 'system:routing', displayName: '自动派遣', roleCode: 'system', actions: new Set(), scope: { kind: 'city', districts: null, departmentId: null },
  mustChangePassword: false, demo: false,
};

/**
 * A return's suggested owner "matches a rule" when a rule in force applies to the case and names
 * that unit; the case then goes there without waiting for a dispatcher. Not when that unit has
 * returned the case before: two units each naming the other would otherwise hand it back and
 * forth with nobody deciding (a dispatcher settles that).
 */
async function ruleForSuggestion(db: Db, ref: Reference, c: CaseRow, suggested: number, now: Date): Promise<RouteDecision | null> {
  if (suggested === c.department_id) return null;
  const [before] = await rows<{ n: number }>(db, sql`select count(*)::int as n from case_events where case_id = ${c.id} and type = 'return' and (payload->>'departmentId')::int = ${suggested}`);
  if (before.n > 0) return null;
  const category = await categoryOf(ref, c.category_code);
  const place = await placeAt(db, c.lng, c.lat, now);
  return category && place ? decideRoute(ref, place, category, now, c.channel, { toDepartment: suggested }) : null;
}

interface CaseAfterRow {
  id: number; code: string; status: Status; version: number; pending: Pending; department_id: number | null; suggested_department_id: number | null;
  route_reason: string | null; route_reason_en: string | null; stage: string | null; stage_due_at: Date | string | null; handle_due_at: Date | string | null; close_due_at: Date | string | null;
  assignee_user_id: number | null;
}
const AFTER_COLUMNS = sql`c.id::int as id, c.code, c.status, c.version, c.pending, c.department_id, c.suggested_department_id, c.route_reason, c.route_reason_en, c.stage,
  c.stage_due_at, c.handle_due_at, c.close_due_at, c.assignee_user_id`;
const toAfter = (r: CaseAfterRow, eventId: number): CaseAfter => ({
  id: r.id, code: r.code, status: r.status, version: r.version, pending: r.pending, departmentId: r.department_id, suggestedDepartmentId: r.suggested_department_id,
  routeReason: r.route_reason, routeReasonEn: r.route_reason_en, stage: r.stage, stageDueAt: iso(asDate(r.stage_due_at)), handleDueAt: iso(asDate(r.handle_due_at)),
  closeDueAt: iso(asDate(r.close_due_at)), assigneeId: r.assignee_user_id, eventId,
});

const placeColumns = (p: Place) => ({
  unit_grid_id: p.gridId, grid_code: p.gridCode, village_code: p.villageCode, township_code: p.townshipCode, district_code: p.districtCode, property_community_id: p.compoundId,
});
const routeColumns = (r: RouteDecision | null) => ({
  suggested_department_id: r?.departmentId ?? null, route_rule_id: r?.ruleId ?? null, route_reason: r?.reason ?? null, route_reason_en: r?.reasonEn ?? null,
});

export interface RegisterInput {
  channel: string;
  categoryCode: string;
  lng: number;
  lat: number;
  crs: InputCrs;
  urgency: 'normal' | 'urgent';
  description: string;
  address?: string;
  externalId?: string;
  reporter?: { name?: string; phone?: string; anonymous: boolean };
  /** Photos uploaded before (`photo:<id>`, the uploader's own): attached to the case and its report event. */
  photos?: string[];
  /** The reporting client's key: sending the same report again answers with the case it made (`replayed`), never a second case. */
  idempotencyKey?: string;
}

/** The intake channels: patrol (an inspector's own report), survey (专项普查), the rest from the public. */
export const sourceOfChannel = (channel: string) => (channel === 'patrol' ? 'inspector' : channel === 'survey' ? 'survey' : 'public');

/** Registers a case (status 'reported', its 'report' event) with its place and routing suggestion. */
export async function registerCase(call: EngineCall, input: RegisterInput): Promise<CaseAfter> {
  const { db, actor, now } = call;
  try {
    const ref = await reference(db);
    const category = await categoryOf(ref, input.categoryCode);
    if (!category) throw refuse('BAD_REQUEST', 'route.unknownCategory', { code: input.categoryCode });
    const [lng, lat] = toWgs84([input.lng, input.lat], input.crs);
    const place = await placeInCity(db, lng, lat, now);
    if (actor.scope.kind === 'department' || !districtInScope(actor.scope, place.districtCode)) {
      throw refuse('FORBIDDEN', 'workflow.outsideArea', { district: place.districtCode, yours: actor.scope.districts?.join(', ') || '—' });
    }
    const source = sourceOfChannel(input.channel);
    const route = await decideRoute(ref, place, category, now, input.channel);
    const cal = ref.calendar;
    const limits = await limitsOf(ref, { category_code: category.code, urgency: input.urgency, area_class: place.areaClass });
    // the running stage: a public report waits for intake to accept it, an inspector's for filing
    const firstStage = source === 'public' ? { stage: 'verify', due: addWorkingTime(cal, now, limits.verify.amount, limits.verify.unit) } : { stage: 'file', due: addWorkingTime(cal, now, limits.file.amount, limits.file.unit) };
    // case codes: local date (UTC+8) + a 5-digit serial within the day; one writer per day at a time
    const day = new Date(now.getTime() + cal.utcOffsetMinutes * 60_000).toISOString().slice(0, 10).replaceAll('-', '');
    // a report sent again waits for its first sending (a lock on its key, whatever the day: a resend may cross midnight) and answers with its case
    if (input.idempotencyKey) {
      await db.execute(sql`select pg_advisory_xact_lock(hashtext(${`citygrid.report_key.${input.idempotencyKey}`}))`);
      const replay = await replayOf(db, actor, input.idempotencyKey, { ...input, categoryCode: category.code });
      if (replay) return replay;
    }
    await db.execute(sql`select pg_advisory_xact_lock(hashtext(${`citygrid.case_code.${day}`}))`);
    // the day's codes as a range of the unique index on code, [day, day + 1) as digit strings (a LIKE prefix uses
    // the index only under the C collation: on a C.UTF-8 server it read every case, 59 ms at 142k, under the day's lock)
    // (read inside the insert itself: its snapshot is taken after the lock was granted, so it sees the last writer's code)
    const serial = sql`(coalesce((select substr(code, 9)::int from cases where code >= ${day} and code < ${String(Number(day) + 1)} and length(code) = 13 order by code desc limit 1), 0) + 1)::text`;
    const code = sql`${day} || lpad(${serial}, greatest(5, length(${serial})), '0')`;
    const [c] = await rows<CaseAfterRow>(
      db,
      sql`insert into cases as c (code, source, channel, external_id, category_code, urgency, area_class, description, address, geom, orig_lng, orig_lat, orig_crs, status, version,
                             unit_grid_id, grid_code, village_code, township_code, district_code, property_community_id, suggested_department_id, route_rule_id, route_reason, route_reason_en,
                             reported_at, stage, stage_started_at, stage_due_at, idempotency_key)
          values (${code}, ${source}, ${input.channel}, ${input.externalId ?? null}, ${category.code}, ${input.urgency}, ${place.areaClass}, ${input.description},
                  ${input.address?.trim() || place.address}, ST_SetSRID(ST_MakePoint(${lng}, ${lat}), 4326), ${input.lng}, ${input.lat}, ${STORED_CRS[input.crs]}, ${FIRST_STATUS}, 1,
                  ${place.gridId}, ${place.gridCode}, ${place.villageCode}, ${place.townshipCode}, ${place.districtCode}, ${place.compoundId},
                  ${route?.departmentId ?? null}, ${route?.ruleId ?? null}, ${route?.reason ?? null}, ${route?.reasonEn ?? null},
                  ${now.toISOString()}::timestamptz, ${firstStage.stage}, ${now.toISOString()}::timestamptz, ${firstStage.due.toISOString()}::timestamptz, ${input.idempotencyKey ?? null}::uuid)
          returning ${AFTER_COLUMNS}`,
    );
    if (source === 'public' && input.reporter) {
      const anonymous = input.reporter.anonymous;
      await db.execute(sql`insert into case_reporters (case_id, name, phone, anonymous) values (${c.id}, ${anonymous ? null : input.reporter.name ?? null}, ${input.reporter.phone ?? null}, ${anonymous ? 'Y' : 'N'})`);
    }
    const eventId = await appendEvent(db, call.notify, c.id, actor, now, {
      type: 'report', from: null, to: FIRST_STATUS, reason: null,
      payload: { channel: input.channel, categoryCode: category.code, gridCode: place.gridCode, suggestedDepartmentId: route?.departmentId ?? null, ruleId: route?.ruleId ?? null, ...(input.photos?.length ? { photos: input.photos } : {}), inputDigest: reportDigest({ ...input, categoryCode: category.code }) },
    });
    if (input.photos?.length) await attachPhotos(db, actor.id, c.id, eventId, input.photos);
    return toAfter(c, eventId);
  } catch (err) {
    throw queryFailed('registering the case', err);
  }
}

/**
 * What a report said when it was first sent, as a digest kept in its report event's payload
 * (`inputDigest`): the channel, category, urgency, description, position as entered (with its
 * CRS), external id and the NUMBER of photos — not their references, which a resend gets anew
 * (its photos are uploaded again). A resend is compared with this, never with the case as it is
 * now (a reclassify may have moved it since).
 */
export function reportDigest(input: RegisterInput): string {
  const norm = [input.channel, input.categoryCode, input.urgency, input.description, input.lng, input.lat, STORED_CRS[input.crs], input.externalId ?? null, input.photos?.length ?? 0];
  return createHash('sha256').update(JSON.stringify(norm)).digest('hex');
}

/**
 * The case an earlier sending of the same report made (its key), as that sending answered, with
 * `replayed`; null when the key is new. A key another person used is a CONFLICT: a replay
 * answers only its own reporter, never reveals someone else's case. So is a key sent again with
 * other content (`intake.keyReused`): the report's digest (reportDigest) must be that of the
 * first sending. A case registered before the digest was kept is compared field by field with
 * the report event and the case's columns, as before.
 */
async function replayOf(db: Db, actor: Actor, key: string, input: RegisterInput): Promise<(CaseAfter & { replayed: true }) | null> {
  const [c] = await rows<CaseAfterRow & { reporter: string; event_id: number; r_digest: string | null; r_channel: string | null; r_category: string | null; r_photos: unknown; urgency: string; description: string; orig_lng: number; orig_lat: number; orig_crs: string; external_id: string | null }>(
    db,
    sql`select ${AFTER_COLUMNS}, e.actor as reporter, e.id::int as event_id, e.payload->>'inputDigest' as r_digest, e.payload->>'channel' as r_channel, e.payload->>'categoryCode' as r_category, e.payload->'photos' as r_photos,
               c.urgency, c.description, c.orig_lng, c.orig_lat, c.orig_crs, c.external_id
        from cases c join case_events e on e.case_id = c.id and e.seq = 1 where c.idempotency_key = ${key}::uuid`,
  );
  if (!c) return null;
  if (c.reporter !== actor.name) throw refuse('CONFLICT', 'intake.keyTaken');
  const photos = (typeof c.r_photos === 'string' ? JSON.parse(c.r_photos) : c.r_photos) as string[] | null;
  const same = c.r_digest
    ? c.r_digest === reportDigest(input)
    : c.r_channel === input.channel && c.r_category === input.categoryCode && c.urgency === input.urgency && c.description === input.description &&
      Math.abs(Number(c.orig_lng) - input.lng) < 1e-9 && Math.abs(Number(c.orig_lat) - input.lat) < 1e-9 && c.orig_crs === STORED_CRS[input.crs] &&
      (c.external_id ?? null) === (input.externalId ?? null) && JSON.stringify(photos ?? []) === JSON.stringify(input.photos ?? []);
  if (!same) throw refuse('CONFLICT', 'intake.keyReused');
  return { ...toAfter(c, c.event_id), replayed: true };
}
