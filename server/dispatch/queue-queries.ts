// What needs doing now, for the person asking: the work queue (the cases waiting for one of
// their actions, domain/transitions.ts QUEUE_ACTIONS, most urgent first) and the intake's
// preview while a case is being typed in (where it lies, who would handle it and why, and the
// open cases of the same subclass nearby: a duplicate hint). Scope is applied in SQL to every
// case read (caseScopeSql); positions are WGS-84 lng/lat, distances metres on the spheroid.
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { caseScopeSql, type Actor, type Scope } from '../auth/actor.ts';
import { QUEUE_ACTIONS, blockedBy, transitionOf, type Pending, type Transition } from '../../domain/transitions.ts';
import { workingMinutesBetween } from '../../domain/working-clock.ts';
import { queryFailed } from '../query-error.ts';
import { reference } from './reference.ts';
import { setting } from '../settings/settings.ts';

/** At most this many cases in one queue (the screen pages no further: the most urgent come first). */
export const QUEUE_MAX = 300;
/** Rows read before the guards that SQL does not see (pending requests, checks) are applied. */
const QUEUE_READ = 2000;

const ISO = (col: string) => sql.raw(`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

export interface QueueRow {
  id: number;
  code: string;
  status: string;
  version: number;
  source: string;
  channel: string;
  categoryCode: string;
  categoryName: string;
  categoryNameEn: string;
  urgency: string;
  address: string;
  districtCode: string | null;
  departmentId: number | null;
  departmentName: string | null;
  suggestedDepartmentId: number | null;
  suggestedDepartmentName: string | null;
  routeReason: string | null;
  routeReasonEn: string | null;
  pending: Pending;
  pendingDetail: { amount?: number; unit?: string; reason?: string } | null;
  checkPassed: boolean | null;
  stage: string | null;
  stageStartedAt: string | null;
  stageDueAt: string | null;
  escalationLevel: number | null;
  reportedAt: string;
  lng: number;
  lat: number;
  /** The last site visit was recorded far from the case (its event's `far`). */
  farVisit: boolean;
  /** Working minutes left in the running stage (negative: overdue by so many), null without a limit. */
  minutesLeft: number | null;
  /** green below the warning ratio of the stage's working time, yellow from it, red when overdue. */
  light: 'green' | 'yellow' | 'red' | 'none';
  /** The queue actions this person may take on it now, in the table's order. */
  actions: string[];
}

interface Raw extends Omit<QueueRow, 'minutesLeft' | 'light' | 'actions' | 'farVisit'> {
  repliedAt: string | null;
  satisfaction: string | null;
  farVisit: boolean | null;
}

/** The queue actions an actor holds the rights of (none: no queue). */
const actionsOf = (actor: Actor): Transition[] => QUEUE_ACTIONS.map((a) => transitionOf(a)!).filter((x) => actor.actions.has(x.permission));

/** The cases waiting for one of the asker's actions now, most urgent first (time left in the running stage). */
export async function workQueue(db: Db, actor: Actor, now: Date, opts: { limit: number; actions?: string[] }): Promise<QueueRow[]> {
  const mine = actionsOf(actor).filter((x) => !opts.actions || opts.actions.includes(x.action));
  if (!mine.length) return [];
  const statuses = [...new Set(mine.flatMap((x) => x.from))];
  const open = statuses.filter((st) => st !== 'closed');
  const withClosed = statuses.includes('closed');
  const mayHandle = mine.some((x) => x.action === 'handle');
  try {
    const ref = await reference(db);
    const reopenDays = await setting(ref, 'workflow.reopen_days');
    const nowIso = now.toISOString();
    const raw = await rows<Raw>(
      db,
      sql`select c.id::int as id, c.code, c.status, c.version, c.source, c.channel, c.category_code as "categoryCode", k.name as "categoryName", k.name_en as "categoryNameEn",
                 c.urgency, c.address, c.district_code::text as "districtCode", c.department_id as "departmentId", d.name as "departmentName",
                 c.suggested_department_id as "suggestedDepartmentId", s.name as "suggestedDepartmentName", c.route_reason as "routeReason", c.route_reason_en as "routeReasonEn",
                 c.pending, c.pending_detail as "pendingDetail", c.check_passed as "checkPassed", c.stage, ${ISO('c.stage_started_at')} as "stageStartedAt",
                 ${ISO('c.stage_due_at')} as "stageDueAt", c.escalation_level as "escalationLevel", ${ISO('c.reported_at')} as "reportedAt",
                 ST_X(c.geom) as lng, ST_Y(c.geom) as lat, ${ISO('c.replied_at')} as "repliedAt", c.satisfaction,
                 (select (e.payload->>'far')::boolean from case_events e where e.case_id = c.id and e.type in ('verify', 'check') order by e.seq desc limit 1) as "farVisit"
          from cases c
          join case_categories k on k.code = c.category_code
          left join departments d on d.id = c.department_id
          left join departments s on s.id = c.suggested_department_id
          where ${caseScopeSql(actor.scope)}
            and (c.status = any(${sql.param(open)}::text[])
                 -- a closed case waits only for its reply and callback, and only within the reopening window
                 -- (an arm of its own: cases_closed_public_idx reads those days' closed public cases, not every closed case)
                 or (${withClosed}::boolean and c.status = 'closed' and c.source = 'public' and c.closed_at > ${nowIso}::timestamptz - make_interval(days => ${reopenDays})
                     and (c.replied_at is null or c.satisfaction is null)))
            -- an accepted case waits for a dispatcher only with a request pending (SQL says so, not the read's cut-off)
            and (${mayHandle}::boolean or c.status <> 'accepted' or c.pending is not null)
          order by c.stage_due_at nulls last, c.id
          limit ${QUEUE_READ}`,
    );
    const cal = ref.calendar;
    const warnRatio = await setting(ref, 'clock.warn_ratio');
    const out: QueueRow[] = [];
    for (const r of raw) {
      const facts = { status: r.status, pending: r.pending, checkPassed: r.checkPassed, fromPublic: r.source === 'public' };
      const actions = mine
        .filter((x) => !blockedBy(x, facts))
        .filter((x) => (x.action === 'reply' ? r.repliedAt === null : x.action === 'callback' ? r.satisfaction === null : true))
        .map((x) => x.action);
      if (!actions.length) continue;
      const { repliedAt: _r, satisfaction: _s, ...row } = r;
      out.push({ ...row, farVisit: r.farVisit === true, ...stageClock(cal, r.stageStartedAt, r.stageDueAt, now, warnRatio), actions });
      if (out.length >= opts.limit) break;
    }
    return out;
  } catch (err) {
    throw queryFailed('the work queue', err);
  }
}

/** Working minutes left in a stage and its light (the stage's own clock: working time on the calendar). */
function stageClock(cal: Parameters<typeof workingMinutesBetween>[0], startIso: string | null, dueIso: string | null, now: Date, warnRatio: number): Pick<QueueRow, 'minutesLeft' | 'light'> {
  if (!dueIso) return { minutesLeft: null, light: 'none' };
  const due = new Date(dueIso);
  // red strictly after the due instant, as domain/case-light.ts says; overdue by less than a working minute (or only
  // outside working hours) still counts -1, so a red row never reads 0 (-0 is 0 in JSON)
  if (now > due) return { minutesLeft: -Math.max(1, Math.round(workingMinutesBetween(cal, due, now))), light: 'red' };
  const left = workingMinutesBetween(cal, now, due);
  const total = startIso ? workingMinutesBetween(cal, new Date(startIso), due) : 0;
  const used = total > 0 ? 1 - left / total : 0;
  return { minutesLeft: Math.round(left), light: used >= warnRatio ? 'yellow' : 'green' };
}

export interface NearbyCase {
  id: number;
  code: string;
  status: string;
  reportedAt: string;
  address: string;
  distanceMeters: number;
}

/** At most this many duplicate hints. */
export const NEARBY_MAX = 10;

/**
 * The open cases of a subclass within the intake's duplicate radius (the setting
 * 'intake.duplicate_radius_meters', metres) of a WGS-84 point, nearest first, inside the scope.
 */
export async function nearbyOpenCases(db: Db, scope: Scope, lng: number, lat: number, categoryCode: string): Promise<{ radiusMeters: number; cases: NearbyCase[] }> {
  try {
    const radiusMeters = await setting(db, 'intake.duplicate_radius_meters');
    const cases = await rows<NearbyCase>(
      db,
      sql`with p as (select ST_SetSRID(ST_MakePoint(${lng}, ${lat}), 4326)::geography as g)
          select c.id::int as id, c.code, c.status, ${ISO('c.reported_at')} as "reportedAt", c.address, round(ST_Distance(c.geom::geography, p.g))::int as "distanceMeters"
          from cases c, p
          where c.category_code = ${categoryCode} and c.status not in ('closed', 'voided') and ${caseScopeSql(scope)}
            -- the index finds the box (a degree is at least 90 km here), the spheroid decides
            and c.geom && ST_Expand(ST_SetSRID(ST_MakePoint(${lng}, ${lat}), 4326), ${radiusMeters / 90_000})
            and ST_DWithin(c.geom::geography, p.g, ${radiusMeters})
          order by ST_Distance(c.geom::geography, p.g), c.id limit ${NEARBY_MAX}`,
    );
    return { radiusMeters, cases };
  } catch (err) {
    throw queryFailed('the nearby open cases', err);
  }
}

/** The category catalogue for the intake's picker: active subclasses with their major class, in code order. */
export async function categoryList(db: Db) {
  try {
    return await rows<{ code: string; kind: string; majorCode: string; majorName: string; name: string; nameEn: string; filingCondition: string; closureCondition: string }>(
      db,
      sql`select code, kind, major_code::text as "majorCode", major_name as "majorName", name, name_en as "nameEn", filing_condition as "filingCondition", closure_condition as "closureCondition"
          from case_categories where active order by code`,
    );
  } catch (err) {
    throw queryFailed('the category catalogue', err);
  }
}

/** The departments a dispatcher may choose (override) or a handler may suggest, by name. */
export async function departmentList(db: Db) {
  try {
    return await rows<{ id: number; code: string; name: string; nameEn: string; kind: string; districts: string[] }>(
      db,
      sql`select d.id, d.code, d.name, d.name_en as "nameEn", d.kind,
                 coalesce((select array_agg(x.district_code::text order by x.district_code) from department_districts x where x.department_id = d.id), '{}') as districts
          from departments d order by d.kind, d.code`,
    );
  } catch (err) {
    throw queryFailed('the department list', err);
  }
}
