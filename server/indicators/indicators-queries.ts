// The standard indicators, computed only from the event log through case_facts (a table the
// event trigger keeps current, migration 0011). Rates are over the cases DUE in the period, not
// the cases created in it (docs/indicators.md). Counted in slices of case ids (each statement
// stays short on the one embedded connection) and cached per question and event stamp.
import { PromiseCache } from '../promise-cache.ts';
import { caseScopeSql, scopeKey, type Scope } from '../auth/actor.ts';
import { sql } from 'drizzle-orm';
import { idSlices, rows, withStatementTag, type Db } from '../../db/engine.ts';
import { queryFailed } from '../query-error.ts';

export interface IndicatorCounts {
  accepted: number;
  filed: number;
  dispatched: number;
  dispatchedAccurately: number;
  dueForHandling: number;
  handled: number;
  handledOnTime: number;
  dueForClosure: number;
  closed: number;
  closedOnTime: number;
  reworked: number;
  extended: number;
}

export type Rate = number | null;

export interface Indicators {
  from: string;
  to: string;
  asOf: string;
  counts: IndicatorCounts;
  /** Ratios in [0, 1]; null when nothing was due. */
  rates: {
    filingRate: Rate; // 立案率
    dispatchRate: Rate; // 派遣率
    dispatchAccuracy: Rate; // 派遣准确率
    handlingRate: Rate; // 处置率
    handlingOnTimeRate: Rate; // 按期处置率
    closureRate: Rate; // 结案率
    closureOnTimeRate: Rate; // 按期结案率
    reworkRate: Rate; // 返工率
    extensionRate: Rate; // 延期率
  };
}

export interface PeriodQuestion {
  from: string;
  to: string;
  asOf?: string;
  scope: Scope;
}

/** Case ids per counting statement: ~25 ms each city-wide, ~60 ms for a district scope (embedded engine, demo city). */
export const INDICATOR_SLICE = 25_000;
const CACHE_ENTRIES = 64;
/** A cached answer is also dropped after this long (the stamp could miss a late commit of a lower id). */
const CACHE_TTL_MS = 5 * 60_000;

/** Answers per database handle (a test's fresh engine never sees another's), LRU, in-flight shared. */
const caches = new WeakMap<Db, PromiseCache<Indicators>>();

const COUNT_KEYS: (keyof IndicatorCounts)[] = [
  'accepted', 'filed', 'dispatched', 'dispatchedAccurately', 'dueForHandling', 'handled', 'handledOnTime',
  'dueForClosure', 'closed', 'closedOnTime', 'reworked', 'extended',
];

export async function periodIndicators(db: Db, p: PeriodQuestion): Promise<Indicators> {
  return withStatementTag({ priority: 'heavy', who: 'indicators.period' }, async () => {
    let stamp;
    try {
      // every change to the facts appends an event: max(id) is one index lookup
      [stamp] = await rows<{ events: string | number | null; lo: string | number | null; hi: string | number | null }>(
        db,
        sql`select (select max(id) from case_events) as events, (select min(case_id) from case_facts) as lo, (select max(case_id) from case_facts) as hi`,
      );
    } catch (err) {
      throw queryFailed('period indicators', err);
    }
    const key = JSON.stringify([p.from, p.to, p.asOf ?? null, scopeKey(p.scope), stamp.events, stamp.lo, stamp.hi]);
    let cache = caches.get(db);
    if (!cache) caches.set(db, (cache = new PromiseCache<Indicators>(CACHE_ENTRIES, CACHE_TTL_MS)));
    const ids: [number, number] | null = stamp.lo === null ? null : [Number(stamp.lo), Number(stamp.hi)];
    return cache.get(key, () => computeIndicators(db, p, ids));
  });
}

async function computeIndicators(db: Db, p: PeriodQuestion, ids: [number, number] | null): Promise<Indicators> {
  const asOf = p.asOf ?? p.to;
  const c = Object.fromEntries(COUNT_KEYS.map((k) => [k, 0])) as unknown as IndicatorCounts;
  try {
    for (const [lo, hi] of ids ? idSlices(ids[0], ids[1], INDICATOR_SLICE) : []) {
      const [part] = await rows<IndicatorCounts>(db, sliceCounts(p, asOf, lo, hi));
      for (const k of COUNT_KEYS) c[k] += Number(part[k]);
    }
  } catch (err) {
    throw queryFailed('period indicators', err);
  }
  const r = (num: number, den: number): Rate => (den === 0 ? null : num / den);
  return {
    from: p.from,
    to: p.to,
    asOf,
    counts: c,
    rates: {
      filingRate: r(c.filed, c.accepted),
      dispatchRate: r(c.dispatched, c.filed),
      dispatchAccuracy: r(c.dispatchedAccurately, c.dispatched),
      handlingRate: r(c.handled, c.dueForHandling),
      handlingOnTimeRate: r(c.handledOnTime, c.dueForHandling),
      closureRate: r(c.closed, c.dueForClosure),
      closureOnTimeRate: r(c.closedOnTime, c.dueForClosure),
      reworkRate: r(c.reworked, c.dueForClosure),
      extensionRate: r(c.extended, c.dueForClosure),
    },
  };
}

/** The counts of the cases with ids in [lo, hi]. */
function sliceCounts(p: PeriodQuestion, asOf: string, lo: number, hi: number) {
  const scoped =
    p.scope.kind === 'city' ? sql`true` : sql`f.case_id in (select c.id from cases c where c.id between ${lo} and ${hi} and ${caseScopeSql(p.scope)})`;
  return sql`with f as (select f.* from case_facts f where f.case_id between ${lo} and ${hi} and ${scoped}),
                  w as (select ${p.from}::timestamptz as s, ${p.to}::timestamptz as e, ${asOf}::timestamptz as a)
      select
        count(*) filter (where reported_at >= w.s and reported_at < w.e)::int as accepted,
        count(*) filter (where reported_at >= w.s and reported_at < w.e and filed_at < w.a)::int as filed,
        count(*) filter (where filed_at >= w.s and filed_at < w.e and dispatched_at < w.a)::int as dispatched,
        count(*) filter (where filed_at >= w.s and filed_at < w.e and dispatched_at < w.a and returns = 0)::int as "dispatchedAccurately",
        count(*) filter (where handle_due_at >= w.s and handle_due_at < w.e)::int as "dueForHandling",
        count(*) filter (where handle_due_at >= w.s and handle_due_at < w.e and handled_at < w.a)::int as handled,
        count(*) filter (where handle_due_at >= w.s and handle_due_at < w.e and handled_at < w.a and handled_at <= handle_due_at)::int as "handledOnTime",
        count(*) filter (where close_due_at >= w.s and close_due_at < w.e)::int as "dueForClosure",
        count(*) filter (where close_due_at >= w.s and close_due_at < w.e and closed_at < w.a)::int as closed,
        count(*) filter (where close_due_at >= w.s and close_due_at < w.e and closed_at < w.a and closed_at <= close_due_at)::int as "closedOnTime",
        count(*) filter (where close_due_at >= w.s and close_due_at < w.e and reworks > 0)::int as reworked,
        count(*) filter (where close_due_at >= w.s and close_due_at < w.e and extensions > 0)::int as extended
      from f, w`;
}
