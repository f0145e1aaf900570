// Dispatch as a producer of the live hub (server/live/live-hub.ts): every committed transition is
// announced by the engine's NOTIFY (channel 'case_events', sent in the move's transaction, so
// only committed moves are heard). A notification is a hint, not the data (docs/decisions/0010):
// the hub reads each burst of notified events here in one query (`caseEventsByIds`) and routes
// them with `inScope`; a resuming subscriber catches up with `eventsAfter` (bounded).
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import type { Scope } from '../auth/actor.ts';
import { caseScopeSql } from '../auth/actor.ts';
import { clockSettings } from '../settings/settings.ts';
import { clockMarks } from '../../domain/case-clock.ts';
import type { LiveCaseRow } from '../../domain/feeds.ts';

/** One event as a subscriber sees it: what cases.byId shows of an event, plus where the case now stands. No person's name or contact. */
export interface LiveEvent extends LiveCaseRow {
  id: number;
  caseId: number;
  code: string;
  seq: number;
  at: string;
  type: string;
  fromStatus: string | null;
  toStatus: string;
  actorRole: string;
  reason: string | null;
  /** The case now: status, version, district, department, category, WGS-84 position. */
  status: string;
  version: number;
  districtCode: string | null;
  departmentId: number | null;
  categoryCode: string;
  lng: number;
  lat: number;
  /**
   * The case as a row of the cases feed would carry it (domain/feeds.ts CASES_FEED_COLUMNS), so a
   * browser patches its map layer from the event instead of downloading the period again: its
   * source, reported instant and clock marks (unix seconds, 0 none; closed 0 none, 1 on time, 2 late).
   */
  source: string;
  reportedAt: number;
  warnAt: number;
  dueAt: number;
  closed: number;
}

interface EventRow extends Omit<LiveEvent, 'warnAt' | 'dueAt' | 'closed'> {
  dispatchedMs: number | null;
  handledMs: number | null;
  handleDueMs: number | null;
  closeDueMs: number | null;
  closedMs: number | null;
}

/** At most this many events per catch-up page; a subscriber further behind is told to reload. */
export const CATCH_UP_MAX = 500;

const EVENT_COLUMNS = sql`e.id::int as id, e.case_id::int as "caseId", c.code, e.seq, to_char(e.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at, e.type,
  e.from_status as "fromStatus", e.to_status as "toStatus", e.actor_role as "actorRole", e.reason, c.status, c.version, c.district_code::text as "districtCode",
  c.department_id as "departmentId", c.category_code as "categoryCode", ST_X(c.geom) as lng, ST_Y(c.geom) as lat,
  c.source, floor(extract(epoch from c.reported_at))::int as "reportedAt", (extract(epoch from k.dispatched) * 1000)::float8 as "dispatchedMs", (extract(epoch from k.handled) * 1000)::float8 as "handledMs",
  (extract(epoch from c.handle_due_at) * 1000)::float8 as "handleDueMs", (extract(epoch from c.close_due_at) * 1000)::float8 as "closeDueMs", (extract(epoch from c.closed_at) * 1000)::float8 as "closedMs"`;

async function eventsWhere(db: Db, where: SQL, limit: number): Promise<LiveEvent[]> {
  // the stage clocks' starts, as the feed reads them (server/cases/cases-queries.ts openCaseClocks),
  // once per case of the page (a busy case's history is read once, not once per event of it)
  const raw = await rows<EventRow>(
    db,
    sql`with picked as (select e.id, e.case_id from case_events e join cases c on c.id = e.case_id where ${where} order by e.id limit ${limit}),
             k as (select x.case_id, max(x.at) filter (where x.type = 'dispatch') as dispatched, max(x.at) filter (where x.type = 'handle') as handled
                   from case_events x where x.case_id in (select distinct case_id from picked) group by x.case_id)
        select ${EVENT_COLUMNS} from picked p join case_events e on e.id = p.id join cases c on c.id = e.case_id left join k on k.case_id = c.id
        order by e.id`,
  );
  if (!raw.length) return [];
  // the calendar and the warning share through the one settings reader (a bad stored share is refused, named: never a silent 0.8)
  const { calendar: cal, warnRatio } = await clockSettings(db);
  const date = (ms: number | null) => (ms === null ? null : new Date(ms));
  return raw.map(({ dispatchedMs, handledMs, handleDueMs, closeDueMs, closedMs, ...e }) => {
    const marks = clockMarks(
      { status: e.status, dispatchedAt: date(dispatchedMs), handledAt: date(handledMs), handleDueAt: date(handleDueMs), closeDueAt: date(closeDueMs), closedAt: date(closedMs) },
      warnRatio,
      cal,
    );
    return { ...e, warnAt: marks.warnAt, dueAt: marks.dueAt, closed: marks.closed };
  });
}

/** Whether a case row (district, department) is inside a scope: the same rule as caseScopeSql, in memory. */
export function inScope(scope: Scope, r: { districtCode: string | null; departmentId: number | null }): boolean {
  if (scope.kind === 'department') return scope.departmentId !== null && r.departmentId === scope.departmentId;
  if (scope.districts === null) return true;
  return r.districtCode !== null && scope.districts.includes(r.districtCode);
}

/** Events after `afterId` that the scope may read, oldest first, at most CATCH_UP_MAX (+1 to tell whether more remain). */
export function eventsAfter(db: Db, scope: Scope, afterId: number): Promise<LiveEvent[]> {
  return eventsWhere(db, sql`e.id > ${afterId} and ${caseScopeSql(scope)}`, CATCH_UP_MAX + 1);
}

/** The newest event id (where a fresh subscriber starts). */
export async function lastEventId(db: Db): Promise<number> {
  const [r] = await rows<{ id: number | null }>(db, sql`select max(id)::int as id from case_events`);
  return r?.id ?? 0;
}

/** The events of these ids (a burst of notifications, read in one query), in id order; ids no longer there are left out. */
export function caseEventsByIds(db: Db, ids: readonly number[]): Promise<LiveEvent[]> {
  if (!ids.length) return Promise.resolve([]);
  return eventsWhere(db, sql`e.id = any(${`{${ids.map((i) => Math.trunc(i)).join(',')}}`}::bigint[])`, ids.length);
}

/**
 * The ids (only) of the events after `afterId` that the scope may read, oldest first, at most
 * `limit`: a catch-up learns how far behind it is from these before reading any event in full.
 */
export async function eventIdsAfter(db: Db, scope: Scope, afterId: number, limit: number): Promise<number[]> {
  const r = await rows<{ id: number }>(db, sql`select e.id::int as id from case_events e join cases c on c.id = e.case_id where e.id > ${afterId} and ${caseScopeSql(scope)} order by e.id limit ${limit}`);
  return r.map((x) => x.id);
}
