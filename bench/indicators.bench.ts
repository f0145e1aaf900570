// The indicators engine grouped (server/indicators), on the embedded engine, for the whole city
// and the 2022 evaluation period:
// - grouped by district and by department, cold (a question not asked before: its own asOf),
//   against one hand-written aggregate SQL over the same facts and cases in the same run
//   (goal ≤ 2×: the engine counts in slices of case ids so no statement holds the one embedded
//   connection long, and adds the names);
// - the same question asked again (the cache: goal ≤ 20 ms, the event-stamp lookup and nothing else).
// CITYGRID_BENCH_SMOKE=1: the test city's snapshot restored into a throwaway folder, one run
// of each, by district only (a check that the suite runs, not a measurement).
// The data folder otherwise: see seeded-engine.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { openEngine, rows, type Engine } from '../db/engine.ts';
import { groupedIndicators, groupedSet } from '../server/indicators/indicators-queries.ts';
import { CITY } from '../server/auth/actor.ts';
import { CASE_TARGETS } from '../data/generators/cases.ts';
import { openSeeded } from './seeded-engine.ts';
import { entry, median, timed, type BenchEntry } from './harness.ts';
import type { Grouping } from '../domain/indicators.ts';

const SMOKE = process.env.CITYGRID_BENCH_SMOKE === '1';
const ms = (x: number) => Math.round(x * 10) / 10;

/** The counts of indicators-queries.ts in one statement, grouped, with no slicing, cache or names: the floor. */
function handWritten(by: 'district_code' | 'department_id') {
  const col = sql.raw(`c.${by}::text`);
  return sql`with w as (select ${CASE_TARGETS.periodStart}::timestamptz as s, ${CASE_TARGETS.periodEnd}::timestamptz as e)
    select ${col} as g,
      count(*) filter (where f.reported_at >= w.s and f.reported_at < w.e)::int as accepted,
      count(*) filter (where f.reported_at >= w.s and f.reported_at < w.e and f.filed_at < w.e)::int as filed,
      count(*) filter (where f.filed_at >= w.s and f.filed_at < w.e and f.dispatched_at < w.e)::int as dispatched,
      count(*) filter (where f.filed_at >= w.s and f.filed_at < w.e and f.dispatched_at < w.e and f.returns = 0)::int as accurate,
      count(*) filter (where f.handle_due_at >= w.s and f.handle_due_at < w.e)::int as due_h,
      count(*) filter (where f.handle_due_at >= w.s and f.handle_due_at < w.e and f.handled_at < w.e)::int as handled,
      count(*) filter (where f.handle_due_at >= w.s and f.handle_due_at < w.e and f.handled_at < w.e and f.handled_at <= f.handle_due_at)::int as handled_on_time,
      count(*) filter (where f.close_due_at >= w.s and f.close_due_at < w.e)::int as due_c,
      count(*) filter (where f.close_due_at >= w.s and f.close_due_at < w.e and f.closed_at < w.e)::int as closed,
      count(*) filter (where f.close_due_at >= w.s and f.close_due_at < w.e and f.closed_at < w.e and f.closed_at <= f.close_due_at)::int as closed_on_time,
      count(*) filter (where f.close_due_at >= w.s and f.close_due_at < w.e and f.reworks > 0)::int as reworked,
      count(*) filter (where f.close_due_at >= w.s and f.close_due_at < w.e and f.extensions > 0)::int as extended,
      count(*) filter (where f.reported_at >= w.s and f.reported_at < w.e and f.closed_at is null and f.voided_at is null)::int as open,
      count(*) filter (where f.reported_at >= w.s and f.reported_at < w.e and f.closed_at is null and f.voided_at is null and f.handle_due_at < w.e and f.handled_at is null)::int as overdue
    from w, case_facts f join cases c on c.id = f.case_id
    group by 1`;
}

async function openCity(): Promise<{ engine: Engine; cleanup: () => void }> {
  if (!SMOKE) return openSeeded();
  const { restoreCityTo } = await import('../tests/support/city-snapshot.ts');
  const dir = mkdtempSync(join(tmpdir(), 'citygrid-indicators-bench-'));
  await restoreCityTo(dir);
  const engine = await openEngine({ dataDir: dir });
  return { engine, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function indicatorsBench(): Promise<BenchEntry[]> {
  const { engine, cleanup } = await openCity();
  const out: BenchEntry[] = [];
  try {
    const db = engine.db;
    const runs = SMOKE ? 1 : 5;
    let k = 0;
    // a question never asked before: the same period evaluated at a distinct instant (1 ms apart)
    const cold = (by: Grouping) => groupedIndicators(db, { from: CASE_TARGETS.periodStart, to: CASE_TARGETS.periodEnd, asOf: new Date(Date.parse(CASE_TARGETS.periodEnd) + ++k).toISOString(), scope: CITY, by });
    // one throwaway round each, so neither pays for a cold database or JIT
    await cold('district');
    await rows(db, handWritten('district_code'));
    const groupings: [Grouping, 'district_code' | 'department_id'][] = SMOKE ? [['district', 'district_code']] : [['district', 'district_code'], ['department', 'department_id']];
    for (const [by, col] of groupings) {
      const engineTimes: number[] = [];
      const sqlTimes: number[] = [];
      let groups = 0;
      for (let i = 0; i < runs; i++) {
        const [r, t1] = await timed(() => cold(by));
        const [, t2] = await timed(() => rows(db, handWritten(col)));
        groups = r.groups.length;
        engineTimes.push(t1);
        sqlTimes.push(t2);
      }
      const [value, baseline] = [median(engineTimes), median(sqlTimes)];
      out.push(
        entry({
          name: `indicators grouped by ${by}, cold (city, Jan–Aug 2022)`,
          value: ms(value),
          unit: 'ms',
          baseline: ms(baseline),
          target: 'ratio ≤ 2',
          met: value <= 2 * baseline,
          note: `${groups} groups; baseline: one hand-written aggregate SQL over case_facts ⋈ cases; median of ${runs}${SMOKE ? ' (smoke)' : ''}`,
        }),
      );
    }
    // the wall's four groupings (district, channel, day, category): one pass (GROUPING SETS)
    // against the four counted one after another, each cold, in the same run
    const WALL = ['district', 'channel', 'day', 'category'] as const;
    const coldSet = () => groupedSet(db, { from: CASE_TARGETS.periodStart, to: CASE_TARGETS.periodEnd, asOf: new Date(Date.parse(CASE_TARGETS.periodEnd) + ++k).toISOString(), scope: CITY, by: WALL });
    await coldSet();
    const setTimes: number[] = [];
    const fourTimes: number[] = [];
    for (let i = 0; i < runs; i++) {
      setTimes.push((await timed(coldSet))[1]);
      fourTimes.push((await timed(async () => { for (const by of WALL) await cold(by); }))[1]);
    }
    out.push(
      entry({
        name: "the wall's four groupings in one pass, cold (city, Jan–Aug 2022)",
        value: ms(median(setTimes)),
        unit: 'ms',
        baseline: ms(median(fourTimes)),
        target: 'ratio < 1',
        met: median(setTimes) < median(fourTimes),
        note: `baseline: the four groupings counted one after another; median of ${runs}${SMOKE ? ' (smoke)' : ''}`,
      }),
    );
    // the cached question: asked again with no event in between
    const q = { from: CASE_TARGETS.periodStart, to: CASE_TARGETS.periodEnd, scope: CITY, by: 'district' as const };
    const [, first] = await timed(() => groupedIndicators(db, q));
    const cachedTimes: number[] = [];
    for (let i = 0; i < (SMOKE ? 2 : 20); i++) cachedTimes.push((await timed(() => groupedIndicators(db, q)))[1]);
    const cached = median(cachedTimes);
    out.push(
      entry({
        name: 'indicators grouped by district, cached period',
        value: ms(cached),
        unit: 'ms',
        baseline: ms(first),
        target: '≤ 20 ms',
        met: cached <= 20,
        note: 'baseline: the first (counting) ask of the same question',
      }),
    );
  } finally {
    await engine.close();
    cleanup();
  }
  return out;
}
