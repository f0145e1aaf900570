// Live case events: every committed transition is announced by the engine's NOTIFY (channel
// 'case_events', sent in the move's transaction, so only committed moves are heard) and each
// server process relays it to its own subscribers (tRPC subscription over SSE). A notification
// is a hint, not the data (docs/decisions/0010): the hub reads the event once per message and
// hands it to every subscriber whose scope may read the case; a reconnecting subscriber catches
// up from the last event id it saw, in bounded pages. Several processes on one PostgreSQL each
// LISTEN, so all of them show the same live picture.
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db, type Engine } from '../../db/engine.ts';
import type { Actor, Scope } from '../auth/actor.ts';
import { caseScopeSql } from '../auth/actor.ts';
import { hashSecret } from '../auth/secrets.ts';
import { CASE_EVENTS_CHANNEL } from './case-engine.ts';
import { reference } from './reference.ts';
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
  warnRatio: string | null;
}

/** What the hub needs to filter an event by scope without a query per subscriber. */
interface Routed {
  event: LiveEvent;
  districtCode: string | null;
  departmentId: number | null;
}

/** At most this many events per catch-up page; a subscriber further behind is told to reload. */
export const CATCH_UP_MAX = 500;

const EVENT_COLUMNS = sql`e.id::int as id, e.case_id::int as "caseId", c.code, e.seq, to_char(e.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at, e.type,
  e.from_status as "fromStatus", e.to_status as "toStatus", e.actor_role as "actorRole", e.reason, c.status, c.version, c.district_code::text as "districtCode",
  c.department_id as "departmentId", c.category_code as "categoryCode", ST_X(c.geom) as lng, ST_Y(c.geom) as lat,
  c.source, floor(extract(epoch from c.reported_at))::int as "reportedAt", (extract(epoch from k.dispatched) * 1000)::float8 as "dispatchedMs", (extract(epoch from k.handled) * 1000)::float8 as "handledMs",
  (extract(epoch from c.handle_due_at) * 1000)::float8 as "handleDueMs", (extract(epoch from c.close_due_at) * 1000)::float8 as "closeDueMs", (extract(epoch from c.closed_at) * 1000)::float8 as "closedMs",
  (select value from app_meta where key = 'clock.warn_ratio') as "warnRatio"`;

async function eventsWhere(db: Db, where: SQL, limit: number): Promise<LiveEvent[]> {
  const raw = await rows<EventRow>(
    db,
    sql`select ${EVENT_COLUMNS} from case_events e join cases c on c.id = e.case_id
        -- the stage clocks' starts, as the feed reads them (server/cases/cases-queries.ts openCaseClocks)
        cross join lateral (select max(x.at) filter (where x.type = 'dispatch') as dispatched, max(x.at) filter (where x.type = 'handle') as handled
                            from case_events x where x.case_id = c.id) k
        where ${where} order by e.id limit ${limit}`,
  );
  if (!raw.length) return [];
  const cal = (await reference(db)).calendar;
  const date = (ms: number | null) => (ms === null ? null : new Date(ms));
  return raw.map(({ dispatchedMs, handledMs, handleDueMs, closeDueMs, closedMs, warnRatio, ...e }) => {
    const marks = clockMarks(
      { status: e.status, dispatchedAt: date(dispatchedMs), handledAt: date(handledMs), handleDueAt: date(handleDueMs), closeDueAt: date(closeDueMs), closedAt: date(closedMs) },
      Number(warnRatio) > 0 && Number(warnRatio) < 1 ? Number(warnRatio) : 0.8,
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

type Deliver = (e: LiveEvent) => void;

/** One process's relay: one LISTEN, one read per notification, a fan-out filtered by scope. */
export class LiveHub {
  private readonly subs = new Set<{ scope: Scope; deliver: Deliver }>();
  private listening: Promise<() => Promise<void>> | null = null;
  /** Notifications are handled one after another, in the order they arrive (the commit order): reads of two could finish out of order. */
  private chain: Promise<void> = Promise.resolve();
  /** Notifications heard and events relayed (tests, bench). */
  heard = 0;

  constructor(private readonly engine: Engine) {}

  /** Starts listening (once); resolves when LISTEN is in place, so no commit after it is missed. */
  ready(): Promise<void> {
    this.listening ??= this.engine.listen(CASE_EVENTS_CHANNEL, (payload) => {
      this.chain = this.chain.then(() => this.onMessage(payload)).catch((err) => console.error('[live] relaying an event failed', err));
      return this.chain;
    });
    return this.listening.then(() => {});
  }

  subscribe(scope: Scope, deliver: Deliver): () => void {
    const sub = { scope, deliver };
    this.subs.add(sub);
    return () => this.subs.delete(sub);
  }

  get subscribers(): number {
    return this.subs.size;
  }

  private async onMessage(payload: string): Promise<void> {
    this.heard++;
    if (this.subs.size === 0) return;
    let eventId: number;
    let was: { districtCode: string | null; departmentId: number | null } | null = null;
    try {
      const p = JSON.parse(payload) as { eventId: unknown; was?: { districtCode?: unknown; departmentId?: unknown } };
      eventId = Number(p.eventId);
      if (p.was) was = { districtCode: typeof p.was.districtCode === 'string' ? p.was.districtCode : null, departmentId: Number.isInteger(p.was.departmentId) ? (p.was.departmentId as number) : null };
    } catch {
      return;
    }
    if (!Number.isInteger(eventId) || eventId < 1) return;
    const [event] = await eventsWhere(this.engine.db, sql`e.id = ${eventId}`, 1);
    if (!event) return;
    const routed: Routed = { event, districtCode: event.districtCode, departmentId: event.departmentId };
    // also to whom the case was in scope before this move (it left them: their lists drop it)
    for (const s of this.subs) if (inScope(s.scope, routed) || (was && inScope(s.scope, was))) s.deliver(event);
  }

  async close(): Promise<void> {
    const l = this.listening;
    this.listening = null;
    this.subs.clear();
    if (l) await (await l)();
  }
}

const hubs = new WeakMap<Engine, LiveHub>();
/** The hub of an engine (one per process and engine). */
export const hubOf = (engine: Engine) => {
  let h = hubs.get(engine);
  if (!h) hubs.set(engine, (h = new LiveHub(engine)));
  return h;
};

/** Events after `afterId` that the scope may read, oldest first, at most CATCH_UP_MAX (+1 to tell whether more remain). */
export function eventsAfter(db: Db, scope: Scope, afterId: number): Promise<LiveEvent[]> {
  return eventsWhere(db, sql`e.id > ${afterId} and ${caseScopeSql(scope)}`, CATCH_UP_MAX + 1);
}

/** The newest event id (where a fresh subscriber starts). */
export async function lastEventId(db: Db): Promise<number> {
  const [r] = await rows<{ id: number | null }>(db, sql`select max(id)::int as id from case_events`);
  return r?.id ?? 0;
}

/**
 * Whether the subscriber may still listen: its session is live (not revoked, expired, its
 * account not disabled) or its display token not revoked. Checked every few seconds, so a
 * revoked session or token ends its stream within seconds.
 */
export async function stillAllowed(db: Db, actor: Actor, sessionToken: string | undefined, now: Date): Promise<boolean> {
  if (actor.kind === 'display') {
    const [t] = await rows<{ ok: boolean }>(db, sql`select revoked_at is null as ok from display_tokens where id = ${actor.id}`);
    return !!t?.ok;
  }
  if (!sessionToken) return true; // an in-process caller (tests, the command line) has no session to revoke
  const [s] = await rows<{ ok: boolean }>(
    db,
    sql`select (s.revoked_at is null and s.expires_at > ${now.toISOString()}::timestamptz and u.disabled_at is null) as ok
        from sessions s join users u on u.id = s.user_id where s.token_hash = ${hashSecret(sessionToken)}`,
  );
  return !!s?.ok;
}
