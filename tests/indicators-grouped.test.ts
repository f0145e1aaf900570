// The indicators whole and grouped, against hand-built event histories with known answers (in a
// quiet month of 2019, inside a rolled-back transaction on the test city), the demo city's
// published figures, and the report built from them (JSON, CSV, dates, refusals). Runs on both
// engines (DATABASE_URL picks the server).
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../db/engine.ts';
import { groupedIndicators, groupedSet, keptAnswers, periodIndicators } from '../server/indicators/indicators-queries.ts';
import { periodEnd, reportCommand, indicatorsReport, type ReportJson } from '../server/indicators/report-cli.ts';
import { CITY, type Scope } from '../server/auth/actor.ts';
import { COUNT_KEYS, GROUPINGS, RATES, compositeScore, gradeOf, percent, zeroCounts, type IndicatorCounts } from '../domain/indicators.ts';
import { CASE_TARGETS } from '../data/generators/cases.ts';
import { testCaller, testEngine } from './support/test-db.ts';
import { inRolledBackTransaction } from './support/rolled-back.ts';

/** March 2019, China time: no case of the test city is reported or due in it. */
const P = { from: '2019-03-01T00:00:00+08:00', to: '2019-04-01T00:00:00+08:00' };
const t = (day: string) => `2019-${day}+08:00`;

interface Fixture {
  name: string;
  district: '350602' | '350603';
  channel: string;
  /** 0 or 1: the first or second department / category / township / grid of its district; null: none. */
  dept: 0 | 1 | null;
  events: { type: string; at: string; payload?: object }[];
}
const due = (h: string, c: string) => ({ handleDueAt: t(h), closeDueAt: t(c) });

/** Seven cases whose every count is worked out by hand below. */
const FIXTURES: Fixture[] = [
  // A: on time all the way
  { name: 'A', district: '350602', channel: '12345', dept: 0, events: [
    { type: 'report', at: t('03-02T09:00') }, { type: 'file', at: t('03-02T10:00') }, { type: 'dispatch', at: t('03-02T11:00'), payload: due('03-03T11:00', '03-04T11:00') },
    { type: 'handle', at: t('03-02T15:00') }, { type: 'close', at: t('03-03T09:00') }] },
  // B: handled and closed late
  { name: 'B', district: '350602', channel: 'patrol', dept: 0, events: [
    { type: 'report', at: t('03-05T09:00') }, { type: 'file', at: t('03-05T10:00') }, { type: 'dispatch', at: t('03-05T11:00'), payload: due('03-06T11:00', '03-07T11:00') },
    { type: 'handle', at: t('03-08T09:00') }, { type: 'close', at: t('03-09T09:00') }] },
  // C: extended (the later due dates count), handled on time, reworked, closed on time
  { name: 'C', district: '350603', channel: '12345', dept: 1, events: [
    { type: 'report', at: t('03-10T09:00') }, { type: 'file', at: t('03-10T10:00') }, { type: 'dispatch', at: t('03-10T11:00'), payload: due('03-11T11:00', '03-12T11:00') },
    { type: 'extend', at: t('03-11T09:00'), payload: due('03-13T11:00', '03-14T11:00') }, { type: 'handle', at: t('03-12T09:00') },
    { type: 'rework', at: t('03-12T15:00') }, { type: 'handle', at: t('03-13T09:00') }, { type: 'close', at: t('03-13T10:00') }] },
  // D: returned after dispatch (not accurate), never handled: open and overdue at the end
  { name: 'D', district: '350603', channel: 'patrol', dept: 1, events: [
    { type: 'report', at: t('03-20T09:00') }, { type: 'file', at: t('03-20T10:00') }, { type: 'dispatch', at: t('03-20T11:00'), payload: due('03-21T11:00', '03-22T11:00') },
    { type: 'return', at: t('03-20T15:00') }] },
  // E: voided at intake: neither filed nor open
  { name: 'E', district: '350603', channel: 'app', dept: null, events: [{ type: 'report', at: t('03-25T09:00') }, { type: 'void', at: t('03-25T10:00') }] },
  // F: carried over from February: due and handled in March, never closed
  { name: 'F', district: '350602', channel: 'patrol', dept: 0, events: [
    { type: 'report', at: t('02-20T09:00') }, { type: 'file', at: t('02-20T10:00') }, { type: 'dispatch', at: t('02-20T11:00'), payload: due('03-02T11:00', '03-03T11:00') },
    { type: 'handle', at: t('03-01T09:00') }] },
  // G: due after the period: open, not yet overdue
  { name: 'G', district: '350603', channel: 'app', dept: 1, events: [
    { type: 'report', at: t('03-30T09:00') }, { type: 'file', at: t('03-30T10:00') }, { type: 'dispatch', at: t('03-30T11:00'), payload: due('04-02T11:00', '04-03T11:00') }] },
];

const counts = (o: Partial<IndicatorCounts>): IndicatorCounts => ({ ...zeroCounts(), ...o });
const WHOLE = counts({ accepted: 6, filed: 5, dispatched: 5, dispatchedAccurately: 4, dueForHandling: 5, handled: 4, handledOnTime: 3, dueForClosure: 5, closed: 3, closedOnTime: 2, reworked: 1, extended: 1, open: 2, overdue: 1 });
const BY_DISTRICT: Record<string, IndicatorCounts> = {
  // A, B, F
  '350602': counts({ accepted: 2, filed: 2, dispatched: 2, dispatchedAccurately: 2, dueForHandling: 3, handled: 3, handledOnTime: 2, dueForClosure: 3, closed: 2, closedOnTime: 1 }),
  // C, D, E, G
  '350603': counts({ accepted: 4, filed: 3, dispatched: 3, dispatchedAccurately: 2, dueForHandling: 2, handled: 1, handledOnTime: 1, dueForClosure: 2, closed: 1, closedOnTime: 1, reworked: 1, extended: 1, open: 2, overdue: 1 }),
};
const BY_CHANNEL: Record<string, IndicatorCounts> = {
  '12345': counts({ accepted: 2, filed: 2, dispatched: 2, dispatchedAccurately: 2, dueForHandling: 2, handled: 2, handledOnTime: 2, dueForClosure: 2, closed: 2, closedOnTime: 2, reworked: 1, extended: 1 }), // A, C
  patrol: counts({ accepted: 2, filed: 2, dispatched: 2, dispatchedAccurately: 1, dueForHandling: 3, handled: 2, handledOnTime: 1, dueForClosure: 3, closed: 1, open: 1, overdue: 1 }), // B, D, F
  app: counts({ accepted: 2, filed: 1, dispatched: 1, dispatchedAccurately: 1, open: 1 }), // E, G
};

/** Inserts the fixtures (placed in a real township, grid and department of their district) and their events. */
async function insertFixtures(db: Db): Promise<{ ids: Record<string, number>; places: Record<string, { township: string; grid: string; dept: number | null; category: string }> }> {
  const ids: Record<string, number> = {};
  const places: Record<string, { township: string; grid: string; dept: number | null; category: string }> = {};
  const cats = (await rows<{ code: string }>(db, sql`select code from case_categories order by code limit 2`)).map((r) => r.code);
  for (const f of FIXTURES) {
    const [g] = await rows<{ grid: string; township: string; village: string; lng: number; lat: number }>(
      db,
      sql`select code::text as grid, township_code::text as township, village_code::text as village, ST_X(ST_PointOnSurface(geom)) as lng, ST_Y(ST_PointOnSurface(geom)) as lat
          from unit_grids where district_code = ${f.district} order by code offset ${f.dept ?? 0} limit 1`,
    );
    const depts = await rows<{ id: number }>(db, sql`select department_id::int as id from department_districts where district_code = ${f.district} order by department_id limit 2`);
    const dept = f.dept === null ? null : depts[f.dept].id;
    const category = cats[f.dept ?? 0];
    const [c] = await rows<{ id: number }>(
      db,
      sql`insert into cases (code, source, channel, category_code, geom, orig_lng, orig_lat, orig_crs, status, reported_at, grid_code, village_code, township_code, district_code, department_id)
          values (${`IND-${f.name}`}, 'inspector', ${f.channel}, ${category}, ST_SetSRID(ST_MakePoint(${g.lng}, ${g.lat}), 4326), ${g.lng}, ${g.lat}, 'WGS84', 'filed', ${f.events[0].at}::timestamptz,
                  ${g.grid}, ${g.village}, ${g.township}, ${f.district}, ${dept})
          returning id::int as id`,
    );
    await db.execute(sql`insert into case_events (case_id, seq, at, type, from_status, to_status, actor, actor_role, payload)
      select ${c.id}, x.ord, x.at, x.type, null, 'filed', 'test', 'dispatcher', x.payload
      from unnest(${sql.param(f.events.map((e) => e.type))}::text[], ${sql.param(f.events.map((e) => e.at))}::timestamptz[],
                  ${sql.param(f.events.map((e) => (e.payload ? JSON.stringify(e.payload) : null)))}::jsonb[]) with ordinality as x(type, at, payload, ord)`);
    ids[f.name] = c.id;
    places[f.name] = { township: g.township, grid: g.grid, dept, category };
  }
  return { ids, places };
}

/** Runs `fn` in a transaction on the test city that is rolled back afterwards. */
const inTx = async (fn: (tx: Db) => Promise<void>) => inRolledBackTransaction(await testEngine(), fn);

const sum = (groups: { counts: IndicatorCounts }[]) => {
  const s = zeroCounts();
  for (const g of groups) for (const k of COUNT_KEYS) s[k] += g.counts[k];
  return s;
};

describe('indicators on hand-built histories (known answers)', () => {
  it('a quiet month has nothing in it before the fixtures (so every count below is theirs)', async () => {
    const r = await periodIndicators((await testEngine()).db, { ...P, scope: CITY });
    expect(r.counts).toEqual(zeroCounts());
    expect(r.rates.handlingRate).toBeNull();
  });

  it('counts the whole city, with carry-over, extensions, rework, returns, voids and cases due after the period', () =>
    inTx(async (tx) => {
        await insertFixtures(tx);
        const r = await periodIndicators(tx, { ...P, scope: CITY });
        expect(r.counts).toEqual(WHOLE);
        expect(r.rates.handlingRate).toBe(4 / 5);
        expect(r.rates.closureOnTimeRate).toBe(2 / 5);
        expect(r.rates.dispatchAccuracy).toBe(4 / 5);
    }));

  it('evaluated as of an earlier instant, counts only what happened by then', () =>
    inTx(async (tx) => {
        await insertFixtures(tx);
        // as of 03-08 08:00: B not yet handled (its due time passed), C not yet extended … nothing after
        const r = await periodIndicators(tx, { ...P, asOf: t('03-08T08:00'), scope: CITY });
        expect(r.counts.handled).toBe(2); // A, F
        expect(r.counts.closed).toBe(1); // A
        expect(r.counts.open).toBe(1); // B (reported by then, not closed)
        expect(r.counts.overdue).toBe(1); // B: due 03-06, unhandled at 03-08
    }));

  it('splits by district and by channel into groups whose counts are known, and sum to the whole', () =>
    inTx(async (tx) => {
        await insertFixtures(tx);
        const d = await groupedIndicators(tx, { ...P, scope: CITY, by: 'district' });
        expect(d.counts).toEqual(WHOLE);
        expect(Object.fromEntries(d.groups.map((g) => [g.key, g.counts]))).toEqual(BY_DISTRICT);
        expect(d.groups.map((g) => g.name)).toEqual(['芗城区', '龙文区']);
        expect(d.groups[1].rates.handlingRate).toBe(1 / 2);
        const c = await groupedIndicators(tx, { ...P, scope: CITY, by: 'channel' });
        expect(Object.fromEntries(c.groups.map((g) => [g.key, g.counts]))).toEqual(BY_CHANNEL);
        expect(c.groups.find((g) => g.key === 'patrol')!.name).toBe('巡查');
    }));

  it('splits by the China-time day a case was reported (the trend charts)', () =>
    inTx(async (tx) => {
      await insertFixtures(tx);
      const r = await groupedIndicators(tx, { ...P, scope: CITY, by: 'day' });
      expect(r.groups.map((g) => [g.key, g.counts.accepted])).toEqual([['2019-02-20', 0], ['2019-03-02', 1], ['2019-03-05', 1], ['2019-03-10', 1], ['2019-03-20', 1], ['2019-03-25', 1], ['2019-03-30', 1]]);
      expect(r.groups[0].counts.dueForHandling).toBe(1); // F, carried over
    }));

  it.each(['township', 'grid', 'department', 'category'] as const)('splits by %s: one group per value the cases carry, summing to the whole', (by) =>
    inTx(async (tx) => {
        const { places } = await insertFixtures(tx);
        const r = await groupedIndicators(tx, { ...P, scope: CITY, by });
        expect(sum(r.groups)).toEqual(WHOLE);
        const value = (p: (typeof places)[string]) => (by === 'township' ? p.township : by === 'grid' ? p.grid : by === 'department' ? (p.dept === null ? '' : String(p.dept)) : p.category);
        expect(r.groups.map((g) => g.key).sort()).toEqual([...new Set(Object.values(places).map(value))].sort());
        // E has no department: its group is keyed '' and named '—'
        if (by === 'department') expect(r.groups.find((g) => g.key === '')).toMatchObject({ name: '—', counts: { accepted: 1, open: 0 } });
        else for (const g of r.groups) expect(g.name).not.toBe('—');
    }));

  it('counts several groupings in one pass (GROUPING SETS) with the answers of each alone: every grouping, a district scope, repeats and any order', () =>
    inTx(async (tx) => {
        await insertFixtures(tx);
        for (const scope of [CITY, { kind: 'district', districts: ['350603'], departmentId: null } satisfies Scope]) {
          const set = await groupedSet(tx, { ...P, scope, by: [...GROUPINGS].reverse().concat('district') });
          expect(Object.keys(set.groupings)).toEqual([...GROUPINGS]);
          for (const by of GROUPINGS) {
            const alone = await groupedIndicators(tx, { ...P, scope, by });
            expect(set.counts, `${by} whole`).toEqual(alone.counts);
            expect(set.groupings[by], by).toEqual(alone.groups);
          }
          // the department grouping keeps E's case with no unit as its own '' group, as alone
          if (scope === CITY) expect(set.groupings.department!.find((g) => g.key === '')).toMatchObject({ counts: { accepted: 1 } });
        }
        const wall = await groupedSet(tx, { ...P, scope: CITY, by: ['district', 'channel', 'day', 'category'] });
        expect(wall.counts).toEqual(WHOLE);
        expect(Object.fromEntries(wall.groupings.district!.map((g) => [g.key, g.counts]))).toEqual(BY_DISTRICT);
        expect(Object.fromEntries(wall.groupings.channel!.map((g) => [g.key, g.counts]))).toEqual(BY_CHANNEL);
    }));

  it('keeps to the asker’s scope: a district scope sees only its cases, whole and grouped', () =>
    inTx(async (tx) => {
        await insertFixtures(tx);
        const scope: Scope = { kind: 'district', districts: ['350603'], departmentId: null };
        const r = await groupedIndicators(tx, { ...P, scope, by: 'channel' });
        expect(r.counts).toEqual(BY_DISTRICT['350603']);
        expect(r.groups.map((g) => g.key).sort()).toEqual(['12345', 'app', 'patrol']);
        const none = await groupedIndicators(tx, { ...P, scope: { kind: 'district', districts: [], departmentId: null }, by: 'district' });
        expect(none.counts).toEqual(zeroCounts());
        expect(none.groups).toEqual([]);
    }));

  it('follows a commit: a question asked again after an event is counted again, and meanwhile shared', () =>
    inTx(async (tx) => {
        const { ids } = await insertFixtures(tx);
        const q = { ...P, scope: CITY, by: 'district' as const };
        const first = await groupedIndicators(tx, q);
        const [a, b] = [groupedIndicators(tx, q), groupedIndicators(tx, q)];
        expect(await a).toBe(await b); // the same answer object: one count for both
        await tx.execute(sql`insert into case_events (case_id, seq, at, type, from_status, to_status, actor, actor_role) values (${ids.D}, 9, ${t('03-21T09:00')}::timestamptz, 'handle', null, 'handled', 'test', 'department_handler')`);
        const after = await groupedIndicators(tx, q);
        expect(after.counts.handled).toBe(first.counts.handled + 1);
        expect(after.counts.overdue).toBe(first.counts.overdue - 1);
    }));

  it('a period that has ended is not counted again for moves of a case reported after it; a move of one of its own cases is', () =>
    inTx(async (tx) => {
        const { ids } = await insertFixtures(tx);
        const q = { ...P, scope: CITY, by: 'district' as const };
        const first = await groupedIndicators(tx, q);
        // a case reported now (after March 2019), filed and dispatched with dues: none of it can be in the period
        const [c] = await rows<{ id: number }>(tx, sql`insert into cases (code, source, channel, category_code, geom, orig_lng, orig_lat, orig_crs, status, district_code, reported_at)
          select 'IND-LATER', 'inspector', 'patrol', code, ST_SetSRID(ST_MakePoint(117.65, 24.51), 4326), 117.65, 24.51, 'WGS84', 'filed', '350602', now() from case_categories order by code limit 1 returning id::int as id`);
        await tx.execute(sql`insert into case_events (case_id, seq, at, type, from_status, to_status, actor, actor_role, payload)
          values (${c.id}, 1, now(), 'report', null, 'reported', 'test', 'inspector', null), (${c.id}, 2, now(), 'file', 'reported', 'filed', 'test', 'intake', null),
                 (${c.id}, 3, now(), 'dispatch', 'filed', 'dispatched', 'test', 'dispatcher', jsonb_build_object('handleDueAt', now() + interval '1 day', 'closeDueAt', now() + interval '2 days'))`);
        const kept = keptAnswers(tx);
        expect(await groupedIndicators(tx, q)).toBe(first); // the same answer object: not counted again
        expect(keptAnswers(tx)).toBe(kept + 1);
        // a running period (to in the future) is counted again for the same kind of move
        const running = { from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 86_400_000).toISOString(), scope: CITY, by: 'district' as const };
        const before = await groupedIndicators(tx, running);
        await tx.execute(sql`insert into case_events (case_id, seq, at, type, from_status, to_status, actor, actor_role) values (${c.id}, 4, now(), 'reclassify', 'dispatched', 'dispatched', 'test', 'dispatcher')`);
        expect(await groupedIndicators(tx, running)).not.toBe(before);
        // a move of a case of the period (D handled, on 21 March): counted again, and it shows
        await tx.execute(sql`insert into case_events (case_id, seq, at, type, from_status, to_status, actor, actor_role) values (${ids.D}, 9, ${t('03-21T09:00')}::timestamptz, 'handle', null, 'handled', 'test', 'department_handler')`);
        const after = await groupedIndicators(tx, q);
        expect(after.counts.handled).toBe(first.counts.handled + 1);
        expect(keptAnswers(tx)).toBe(kept + 1);
    }));

  it('an event committed after a higher id (out of id order) is counted, though the newest id is the same', () =>
    inTx(async (tx) => {
        const { ids } = await insertFixtures(tx);
        // an id taken before the fixtures' events, used after them: the newest id does not move when it is inserted
        const [{ lower }] = await rows<{ lower: number }>(tx, sql`select nextval('case_events_id_seq')::int as lower`);
        await tx.execute(sql`insert into case_events (case_id, seq, at, type, from_status, to_status, actor, actor_role) values (${ids.A}, 20, ${t('03-30T09:00')}::timestamptz, 'reclassify', null, 'filed', 'test', 'dispatcher')`);
        const q = { ...P, scope: CITY };
        const first = await periodIndicators(tx, q);
        await tx.execute(sql`insert into case_events (id, case_id, seq, at, type, from_status, to_status, actor, actor_role)
          values (${lower}, ${ids.D}, 9, ${t('03-21T09:00')}::timestamptz, 'handle', null, 'handled', 'test', 'department_handler')`);
        const after = await periodIndicators(tx, q);
        expect(after.counts.handled).toBe(first.counts.handled + 1);
    }));
});

describe('the demo city (Jan–Aug 2022)', () => {
  it('gives 141,818 cases, 处置率 98.82 % and 结案率 98.85 %, and its districts sum to it', async () => {
    const db = (await testEngine()).db;
    const r = await groupedIndicators(db, { from: CASE_TARGETS.periodStart, to: CASE_TARGETS.periodEnd, scope: CITY, by: 'district' });
    expect(r.counts.accepted).toBe(141_818);
    expect(percent(r.counts.handled, r.counts.dueForHandling)).toBe(98.82);
    expect(percent(r.counts.closed, r.counts.dueForClosure)).toBe(98.85);
    expect(r.groups.length).toBe(11);
    expect(sum(r.groups)).toEqual(r.counts);
  });
  it('answers indicators.grouped over the API in the viewer’s scope, and refuses an unknown grouping', async () => {
    const viewer = await testCaller('demo-coordinator');
    const r = await viewer.indicators.grouped({ from: CASE_TARGETS.periodStart, to: CASE_TARGETS.periodEnd, by: 'channel' });
    const whole = await (await testCaller()).indicators.period({ from: CASE_TARGETS.periodStart, to: CASE_TARGETS.periodEnd });
    expect(r.counts.accepted).toBeGreaterThan(0);
    expect(r.counts.accepted).toBeLessThan(whole.counts.accepted); // one district of eleven
    await expect(viewer.indicators.grouped({ from: CASE_TARGETS.periodStart, to: CASE_TARGETS.periodEnd, by: 'planet' as never })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
  it('answers indicators.groupedSet (the wall’s four groupings) with the figures of indicators.grouped; refuses none, an unknown one, or too many', async () => {
    const viewer = await testCaller('demo-coordinator');
    const period = { from: CASE_TARGETS.periodStart, to: CASE_TARGETS.periodEnd };
    const set = await viewer.indicators.groupedSet({ ...period, by: ['district', 'channel', 'day', 'category'] });
    const channel = await viewer.indicators.grouped({ ...period, by: 'channel' });
    expect(set.counts).toEqual(channel.counts);
    expect(set.groupings.channel).toEqual(channel.groups);
    expect(set.groupings.district!.map((g) => g.key)).toEqual(['350602']); // the coordinator's district only
    expect(sum(set.groupings.day!)).toEqual(set.counts);
    for (const by of [[], ['planet'], Array(GROUPINGS.length + 1).fill('day')]) {
      await expect(viewer.indicators.groupedSet({ ...period, by: by as never })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
  });
});

describe('the report', () => {
  it('reads dates as China-time days, both ends included; instants pass through', () => {
    expect(periodEnd('2022-01-01', 'from')).toBe('2022-01-01T00:00:00+08:00');
    expect(periodEnd('2022-08-31', 'to')).toBe('2022-09-01T00:00:00+08:00');
    expect(periodEnd('2022-12-31', 'to')).toBe('2023-01-01T00:00:00+08:00');
    expect(periodEnd('2022-01-01T00:00:00Z', 'to')).toBe('2022-01-01T00:00:00Z');
    expect(() => periodEnd('2022-02-30', 'from')).toThrow(/--from 2022-02-30 is not a calendar date/);
  });

  it.each([
    [['--from', '2022-08-31', '--to', '2022-01-01'], /from must be before to/],
    [['--from', 'yesterday'], /from must be an ISO date-time/],
    [['--by', 'planet'], /by is one of district, township, grid, department, channel, category, day/],
    [['--format', 'xml'], /format is one of text, json, csv/],
  ])('refuses %j with a clear message', (argv, message) => {
    const checked = reportCommand.input.safeParse(reportCommand.args(argv));
    expect(checked.success).toBe(false);
    expect(checked.error!.issues.map((i) => i.message).join('; ')).toMatch(message);
  });

  it('prints the demo city as JSON: whole-city counts and each rate once as a 2-decimal percentage, one row per district', () =>
    inTx(async (tx) => {
        const q = reportCommand.input.parse(reportCommand.args(['--from', '2022-01-01', '--to', '2022-08-31', '--by', 'district', '--format', 'json']));
        const [text] = await indicatorsReport(tx, q, { via: 'test', now: new Date() });
        const j = JSON.parse(text) as ReportJson;
        expect(j).toMatchObject({ from: '2022-01-01T00:00:00+08:00', to: '2022-09-01T00:00:00+08:00', scope: 'city', by: 'district', accepted: 141_818, handlingRatePct: 98.82, closureRatePct: 98.85 });
        for (const r of RATES) expect(j, r.key).not.toHaveProperty(r.key); // the percentage only, once
        expect(j.groups).toHaveLength(11);
        expect(j.groups!.reduce((s, g) => s + (g.accepted as number), 0)).toBe(141_818);
        for (const g of j.groups!) for (const r of RATES) expect(String(g[`${r.key}Pct`])).toMatch(/^(null|\d{1,3}(\.\d{1,2})?)$/);
    }));

  it('prints CSV: a header, the city, then one line per group', () =>
    inTx(async (tx) => {
        await insertFixtures(tx);
        const lines = await indicatorsReport(tx, { from: P.from, to: P.to, by: 'channel', format: 'csv' }, { via: 'test', now: new Date() });
        const head = lines[0].split(',');
        expect(head.slice(0, 6)).toEqual(['group', 'key', 'name', 'nameEn', 'accepted', 'filed']);
        expect(head).toContain('handlingRatePct');
        const cell = (line: string, col: string) => line.split(',')[head.indexOf(col)];
        expect(lines).toHaveLength(1 + 1 + 3);
        expect(cell(lines[1], 'key')).toBe('*');
        expect(cell(lines[1], 'handlingRatePct')).toBe('80');
        expect(cell(lines[1], 'closureOnTimeRatePct')).toBe('40');
        const app = lines.find((l) => cell(l, 'key') === 'app')!;
        expect(cell(app, 'name')).toBe('APP');
        expect(cell(app, 'handlingRatePct')).toBe(''); // nothing due: no rate
    }));
});

describe('groupings are data', () => {
  it('lists the groupings the engine and report take', () => {
    expect([...GROUPINGS]).toEqual(['district', 'township', 'grid', 'department', 'channel', 'category', 'day']);
  });
  it('scores with the default weights (count 10 %, 结案率 30 %, 按期处置率 30 %, 100 − 返工率 30 %) and grades A–E', () => {
    // the busiest group, everything closed on time, no rework: 100
    expect(compositeScore(counts({ filed: 10, dueForHandling: 4, handledOnTime: 4, dueForClosure: 4, closed: 4 }), 10)).toBe(100);
    // half the busiest (5), 结案率 50 %, 按期处置率 25 %, 返工率 50 %: 0.1·50 + 0.3·50 + 0.3·25 + 0.3·50 = 42.5
    expect(compositeScore(counts({ filed: 5, dueForHandling: 4, handledOnTime: 1, dueForClosure: 4, closed: 2, reworked: 2 }), 10)).toBe(42.5);
    expect([90, 89.9, 75, 60, 59.9, 40, 39.9].map(gradeOf)).toEqual(['A', 'B', 'B', 'C', 'D', 'D', 'E']);
  });
});
