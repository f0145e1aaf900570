// The indicators, computed only from the event log through case_facts (a table the event
// trigger keeps current, migration 0011), whole or split by a grouping (district, township, unit
// grid, department, channel, category: a column of the case). What is counted and every rate
// come from one table, domain/indicators.ts (docs/indicators.md). Counted in slices of case ids
// (each statement stays short on the one embedded connection) and cached per question, scope
// and event stamp; a question whose stamp moved is counted again at most once a second, and
// every asker of it shares that one count (a wall of screens, a burst of commits). A period that
// has ended is not counted again for events of cases that cannot be in it (docs/decisions/0025).
import { sql, type SQL } from 'drizzle-orm';
import { caseScopeSql, scopeKey, type Scope } from '../auth/actor.ts';
import { idSlices, rows, withStatementTag, type Db } from '../../db/engine.ts';
import { queryFailed } from '../query-error.ts';
import { COUNT_KEYS, GROUPINGS, NO_GROUP, ratesOf, zeroCounts, type Grouping, type IndicatorCounts, type Rates } from '../../domain/indicators.ts';
import { CHANNEL_WORDS, type Channel } from '../../domain/vocabulary.ts';

export type { IndicatorCounts };

export interface Indicators {
  from: string;
  to: string;
  asOf: string;
  /** When this count started (the server's clock): what a screen's "data as of" says. */
  computedAt: string;
  counts: IndicatorCounts;
  /** Ratios in [0, 1]; null when nothing was due. */
  rates: Rates;
}

export interface IndicatorGroup {
  /** The column's value ('' for cases with none yet: not placed, not dispatched). */
  key: string;
  name: string;
  nameEn: string;
  counts: IndicatorCounts;
  rates: Rates;
}

export interface GroupedIndicators extends Indicators {
  by: Grouping;
  /** One row per value met in the scope's cases of the period, by key. */
  groups: IndicatorGroup[];
}

/** Several groupings of one question, counted in one pass: the whole and each grouping's rows. */
export interface GroupedSet extends Indicators {
  /** One entry per grouping asked (each as GroupedIndicators.groups). */
  groupings: Partial<Record<Grouping, IndicatorGroup[]>>;
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
/** A cached answer is also counted again after this long (the stamp could miss a late commit of a lower id). */
const CACHE_TTL_MS = 5 * 60_000;
/** A question is counted again at most this often (ms), however many commits move its stamp. */
export const RECOUNT_EVERY_MS = 1000;
/**
 * The stamp's window (event ids below the newest): the stamp counts the events in it too, so a
 * commit of a lower id after a higher one (two transactions committing out of id order) moves
 * the stamp although the newest id stays. A commit further behind than this waits for CACHE_TTL_MS.
 */
export const STAMP_WINDOW = 1000;

/** What the stamp says: the newest event id and how many events the window below it holds. */
type Stamp = { events: number; recent: number };
const stampKey = (s: Stamp) => `${s.events}:${s.recent}`;

/** The case column each grouping splits by (the place and unit a case was filed with). */
const GROUP_COLUMN: Record<Grouping, SQL> = {
  district: sql`c.district_code::text`,
  township: sql`c.township_code::text`,
  grid: sql`c.grid_code::text`,
  department: sql`c.department_id::text`,
  channel: sql`c.channel`,
  category: sql`c.category_code`,
  // the China-time calendar day (UTC+8, no DST; no time-zone table needed on either engine)
  day: sql`to_char((f.reported_at at time zone 'UTC') + interval '8 hours', 'YYYY-MM-DD')`,
};

/**
 * Answers by question, kept fresh by the event stamp: a question asked again with the stamp it
 * was counted at is answered at once; with a newer stamp it is counted again, no sooner than
 * RECOUNT_EVERY_MS after the last count started, and those who ask meanwhile share that count —
 * unless `unchangedSince(stamp counted at)` proves that nothing since can change the answer.
 */
class FreshCache<T> {
  private readonly map = new Map<string, { stamp: Stamp; startsAt: number; value: Promise<T> }>();
  /** Questions answered again without a count because nothing since could change them (tests, bench). */
  kept = 0;

  async get(key: string, stamp: Stamp, make: () => Promise<T>, unchangedSince?: (counted: Stamp) => Promise<boolean>): Promise<T> {
    let now = Date.now();
    let hit = this.map.get(key);
    if (hit) {
      this.map.delete(key);
      this.map.set(key, hit); // most recently used last
      const fresh = now - hit.startsAt < CACHE_TTL_MS;
      if (stampKey(hit.stamp) === stampKey(stamp) && fresh) return hit.value;
      // a count not started yet will see this stamp's data too
      if (hit.startsAt > now) return (hit.stamp = stamp), hit.value;
      if (fresh && unchangedSince) {
        const counted = hit;
        if (await unchangedSince(counted.stamp)) {
          // the next check starts from here (unless another asker moved the entry on meanwhile)
          if (this.map.get(key) === counted && stamp.events >= counted.stamp.events) counted.stamp = stamp;
          this.kept++;
          return counted.value;
        }
        now = Date.now();
        hit = this.map.get(key);
      }
    }
    const startsAt = hit ? Math.max(now, hit.startsAt + RECOUNT_EVERY_MS) : now;
    const wait = startsAt - now;
    const value = wait > 0 ? new Promise<void>((r) => setTimeout(r, wait)).then(make) : make();
    const entry = { stamp, startsAt, value };
    this.map.set(key, entry);
    // a failure is not kept — but only this entry goes, not a newer one under the same key
    value.catch(() => {
      if (this.map.get(key) === entry) this.map.delete(key);
    });
    while (this.map.size > CACHE_ENTRIES) this.map.delete(this.map.keys().next().value!);
    return value;
  }
}

/** Answers per database handle (a test's fresh engine or transaction never sees another's). */
const caches = new WeakMap<Db, FreshCache<GroupedSet>>();

/** The answer's shape for one grouping (or none), made once per counted answer: askers sharing a count share one object. */
const shapes = new WeakMap<GroupedSet, Indicators | GroupedIndicators>();
function shaped(set: GroupedSet, by: Grouping | null): Indicators | GroupedIndicators {
  let out = shapes.get(set);
  if (!out) {
    const { groupings, ...whole } = set;
    shapes.set(set, (out = by ? { ...whole, by, groups: groupings[by] ?? [] } : whole));
  }
  return out;
}

/** The whole scope's figures for a period. */
export async function periodIndicators(db: Db, p: PeriodQuestion): Promise<Indicators> {
  return shaped(await cached(db, p, []), null);
}

/** The scope's figures for a period, whole and split by `by`. */
export async function groupedIndicators(db: Db, p: PeriodQuestion & { by: Grouping }): Promise<GroupedIndicators> {
  return shaped(await cached(db, p, [p.by]), p.by) as GroupedIndicators;
}

/**
 * The scope's figures for a period, whole and split by each of `by`, counted in one pass over
 * the cases (GROUPING SETS): what a wall screen shows (district, channel, day, category) costs
 * one scan after a commit, not one per grouping. Asked in any order or with repeats, the same question.
 */
export async function groupedSet(db: Db, p: PeriodQuestion & { by: readonly Grouping[] }): Promise<GroupedSet> {
  return cached(db, p, GROUPINGS.filter((g) => p.by.includes(g)));
}

async function cached(db: Db, p: PeriodQuestion, by: Grouping[]): Promise<GroupedSet> {
  return withStatementTag({ priority: 'heavy', who: 'indicators.period' }, async () => {
    let stamp: Stamp;
    try {
      // every change to the facts appends an event: max(id) is one index lookup, the window's count ≤ STAMP_WINDOW index entries
      const [r] = await rows<{ events: string | number | null; recent: string | number }>(
        db,
        sql`select m.id as events, (select count(*) from case_events e where e.id > m.id - ${STAMP_WINDOW} and e.id <= m.id) as recent
            from (select max(id) as id from case_events) m`,
      );
      stamp = { events: Number(r.events ?? 0), recent: Number(r.recent) };
    } catch (err) {
      throw queryFailed('period indicators', err);
    }
    const key = JSON.stringify([p.from, p.to, p.asOf ?? null, scopeKey(p.scope), by]);
    let cache = caches.get(db);
    if (!cache) caches.set(db, (cache = new FreshCache()));
    return cache.get(key, stamp, () => compute(db, p, by), ended(p) ? (counted) => onlyLaterCases(db, p.to, counted, stamp) : undefined);
  });
}

/** A period over, asked as of a time already past: its figures move only with its cases' facts, not with the clock (w.n = asOf). */
const ended = (p: PeriodQuestion) => Math.max(Date.parse(p.to), Date.parse(p.asOf ?? p.to)) <= Date.now();

/**
 * Whether every event committed since `counted` is of a case that cannot be in a period ending
 * at `to`. Every count needs the case's report, filing or a due instant in the period
 * (sliceCounts: `relevant`); a case's report comes first, its filing and dues after it (dues run
 * forward from a dispatch), and reported_at / filed_at are the earliest such events, so they
 * never move later. So a case whose earliest instant is at or after `to` now was never in the
 * period and is not now: its moves cannot change the period's answer, in any grouping or scope.
 * A case reported in the period, or before it with a due in it, can, even though handling and
 * closing are read as of asOf: returns, reworks and extensions count as they stand now, an
 * extension or a new dispatch moves a due instant, a move changes the district, unit or category
 * it is grouped and scoped by. Since `counted`: the ids above it, and none committed late below
 * it (the stamp's window holds as many events as then; case_events is append-only) — else no.
 */
async function onlyLaterCases(db: Db, to: string, counted: Stamp, now: Stamp): Promise<boolean> {
  try {
    const [r] = await rows<{ late: boolean; moved: boolean }>(
      db,
      sql`select (select count(*) from case_events where id > ${counted.events - STAMP_WINDOW} and id <= ${counted.events}) <> ${counted.recent} as late,
                 exists (select 1 from case_events e left join case_facts f on f.case_id = e.case_id
                         where e.id > ${counted.events} and e.id <= ${now.events}
                           and (f.reported_at is null or least(f.reported_at, f.filed_at, f.handle_due_at, f.close_due_at) < ${to}::timestamptz)) as moved`,
    );
    return !r.late && !r.moved;
  } catch (err) {
    throw queryFailed('period indicators', err);
  }
}

/** Questions answered again without a count since the process started (per database handle; tests, bench). */
export const keptAnswers = (db: Db) => caches.get(db)?.kept ?? 0;

/** A row of a slice's counts: its group's key under each grouping asked (g0 …), and which grouping it is of (`s`, an index into `by`). */
type GroupRow = IndicatorCounts & { s: number } & Record<`g${number}`, string | null>;

async function compute(db: Db, p: PeriodQuestion, by: Grouping[]): Promise<GroupedSet> {
  const asOf = p.asOf ?? p.to;
  const computedAt = new Date().toISOString();
  const total = zeroCounts();
  const groups = by.map(() => new Map<string, IndicatorCounts>());
  try {
    // the id range is read when the count starts (a delayed recount sees the cases added meanwhile)
    const [range] = await rows<{ lo: string | number | null; hi: string | number | null }>(db, sql`select min(case_id) as lo, max(case_id) as hi from case_facts`);
    const slices = range.lo === null ? [] : idSlices(Number(range.lo), Number(range.hi), INDICATOR_SLICE);
    for (const [lo, hi] of slices) {
      for (const part of await rows<GroupRow>(db, sliceCounts(p, asOf, lo, hi, by))) {
        const s = Number(part.s);
        let g: IndicatorCounts | undefined;
        if (by.length) {
          const key = part[`g${s}`] ?? NO_GROUP;
          g = groups[s].get(key);
          if (!g) groups[s].set(key, (g = zeroCounts()));
        }
        for (const k of COUNT_KEYS) {
          const n = Number(part[k]);
          // every case is in one group of each grouping: the whole from the first grouping's rows
          if (s === 0) total[k] += n;
          if (g) g[k] += n;
        }
      }
    }
  } catch (err) {
    throw queryFailed('period indicators', err);
  }
  const groupings: GroupedSet['groupings'] = {};
  for (const [i, grouping] of by.entries()) {
    const names = await groupNames(db, grouping, [...groups[i].keys()]);
    groupings[grouping] = [...groups[i].entries()]
      .filter(([, c]) => COUNT_KEYS.some((k) => c[k] > 0))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, counts]) => ({ key, ...(names.get(key) ?? { name: key || '—', nameEn: key || '—' }), counts, rates: ratesOf(counts) }));
  }
  return { from: p.from, to: p.to, asOf, computedAt, counts: total, rates: ratesOf(total), groupings };
}

/** The names of the groups met (their own tables; channels from the vocabulary; a unit grid or a day is its key). */
async function groupNames(db: Db, by: Grouping, keys: string[]): Promise<Map<string, { name: string; nameEn: string }>> {
  const out = new Map<string, { name: string; nameEn: string }>();
  const wanted = keys.filter((k) => k !== NO_GROUP);
  if (by === 'channel') {
    for (const k of wanted) {
      const w = CHANNEL_WORDS[k as Channel];
      if (w) out.set(k, { name: w.zh, nameEn: w.en });
    }
    return out;
  }
  if (by === 'grid' || by === 'day' || !wanted.length) return out;
  const list = sql`(select unnest(${sql.param(wanted)}::text[]))`;
  const q = {
    district: sql`select code::text as k, name, name_en as "nameEn" from districts where code::text in ${list}`,
    township: sql`select code::text as k, name, name as "nameEn" from townships where code::text in ${list}`,
    department: sql`select id::text as k, name, name_en as "nameEn" from departments where id::text in ${list}`,
    category: sql`select code as k, name, name_en as "nameEn" from case_categories where code in ${list}`,
  }[by];
  try {
    for (const r of await rows<{ k: string; name: string; nameEn: string }>(db, q)) out.set(r.k, { name: r.name, nameEn: r.nameEn });
  } catch (err) {
    throw queryFailed('indicator group names', err);
  }
  return out;
}

/** Reported, and neither closed nor voided, at w.n. */
const OPEN_AT_N = sql.raw('f.reported_at < w.n and (f.closed_at is null or f.closed_at >= w.n) and (f.voided_at is null or f.voided_at >= w.n)');

/**
 * The counts of the cases with ids in [lo, hi] in the scope: one row in all without `by`; with
 * one grouping, one row per group; with several, GROUPING SETS, one row per group of each
 * (`s`: which grouping, from grouping()'s bits: the one column grouped by has its bit clear).
 */
function sliceCounts(p: PeriodQuestion, asOf: string, lo: number, hi: number, by: Grouping[]) {
  const needCase = by.length > 0 || p.scope.kind !== 'city';
  const from = needCase
    ? // both sides bounded to the slice: the planner joins two range scans rather than probing cases once per fact
      sql`case_facts f join cases c on c.id = f.case_id where f.case_id between ${lo} and ${hi} and c.id between ${lo} and ${hi} and ${caseScopeSql(p.scope)}`
    : sql`case_facts f where f.case_id between ${lo} and ${hi}`;
  const cols = by.map((b) => GROUP_COLUMN[b]);
  const keys = by.length ? sql.join(cols.map((c, i) => sql`${c} as ${sql.raw(`g${i}`)}`), sql`, `) : sql`null::text as g0`;
  // grouping() and the sets name the expressions themselves (an output column's alias is not seen in the select list)
  const all = sql.join(cols, sql`, `);
  const which =
    by.length > 1
      ? sql.join([sql`case`, ...by.map((_, i) => sql`when grouping(${all}) = ${sql.raw(String(((1 << by.length) - 1) ^ (1 << (by.length - 1 - i))))} then ${sql.raw(String(i))}`), sql`end`], sql` `)
      : sql`0`;
  // every count needs one of these instants in the period: a case with none is dropped before the
  // join and the aggregate (a short period, a wall's 30 days, then touches a few rows per slice)
  const relevant = sql.raw(
    ['reported_at', 'filed_at', 'handle_due_at', 'close_due_at'].map((c) => `(f.${c} >= w.s and f.${c} < w.e)`).join(' or '),
  );
  const groupBy = by.length > 1 ? sql`group by grouping sets (${sql.join(cols.map((c) => sql`(${c})`), sql`, `)})` : by.length ? sql`group by 1` : sql``;
  return sql`with w as (select ${p.from}::timestamptz as s, ${p.to}::timestamptz as e, ${asOf}::timestamptz as a,
                               least(${asOf}::timestamptz, now()) as n)
      select ${keys}, ${which} as s,
        count(*) filter (where f.reported_at >= w.s and f.reported_at < w.e)::int as accepted,
        count(*) filter (where f.reported_at >= w.s and f.reported_at < w.e and f.filed_at < w.a)::int as filed,
        count(*) filter (where f.filed_at >= w.s and f.filed_at < w.e and f.dispatched_at < w.a)::int as dispatched,
        count(*) filter (where f.filed_at >= w.s and f.filed_at < w.e and f.dispatched_at < w.a and f.returns = 0)::int as "dispatchedAccurately",
        count(*) filter (where f.handle_due_at >= w.s and f.handle_due_at < w.e)::int as "dueForHandling",
        count(*) filter (where f.handle_due_at >= w.s and f.handle_due_at < w.e and f.handled_at < w.a)::int as handled,
        count(*) filter (where f.handle_due_at >= w.s and f.handle_due_at < w.e and f.handled_at < w.a and f.handled_at <= f.handle_due_at)::int as "handledOnTime",
        count(*) filter (where f.close_due_at >= w.s and f.close_due_at < w.e)::int as "dueForClosure",
        count(*) filter (where f.close_due_at >= w.s and f.close_due_at < w.e and f.closed_at < w.a)::int as closed,
        count(*) filter (where f.close_due_at >= w.s and f.close_due_at < w.e and f.closed_at < w.a and f.closed_at <= f.close_due_at)::int as "closedOnTime",
        count(*) filter (where f.close_due_at >= w.s and f.close_due_at < w.e and f.reworks > 0)::int as reworked,
        count(*) filter (where f.close_due_at >= w.s and f.close_due_at < w.e and f.extensions > 0)::int as extended,
        count(*) filter (where f.reported_at >= w.s and f.reported_at < w.e and ${OPEN_AT_N})::int as open,
        count(*) filter (where f.reported_at >= w.s and f.reported_at < w.e and ${OPEN_AT_N}
                           and f.handle_due_at < w.n and (f.handled_at is null or f.handled_at >= w.n))::int as overdue
      from w, ${from} and (${relevant})
      ${groupBy}`;
}
