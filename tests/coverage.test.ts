// Clinic coverage on the engine under test (docs/decisions/0026-coverage.md): the demand cells of
// the demo city, the distance rule of domain/coverage.ts against PostGIS's, known answers at the
// threshold and for a village without a clinic (hand-placed in rolled-back transactions), the
// scenario shortcut against a full recompute, the browser's what-if against the server, the
// suggestions, and the refusals.
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ZodError } from 'zod';
import { rows, type Engine } from '../db/engine.ts';
import { CITY } from '../server/auth/actor.ts';
import { coverageSummary, nearestSql, type Scenario } from '../server/coverage/coverage-queries.ts';
import { destination, greatCircleMetres, reachMetres, reachMm, type TravelMode } from '../domain/coverage.ts';
import { WhatIf } from '../client/features/coverage/what-if.ts';
import { seedDemand } from '../data/generators/demand.ts';
import { testCaller, testEngine } from './support/test-db.ts';
import { inRolledBackTransaction } from './support/rolled-back.ts';
import { suggestSites } from '../server/coverage/coverage-suggest.ts';
import { WorkQueue } from '../server/http/work-queue.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await testEngine();
}, 900_000);

async function refusal(p: Promise<unknown>): Promise<{ code: string; reason: string | null; params: Record<string, unknown>; fields: string[] }> {
  try {
    await p;
  } catch (err) {
    const e = err as { code?: string; reason?: string | null; params?: Record<string, unknown>; cause?: unknown };
    const zod = e.cause instanceof ZodError ? e.cause : null;
    const fields = zod ? zod.issues.map((i) => i.path.map(String).join('.')) : [];
    const own = zod?.issues.map((i) => (i as { params?: { reason?: string } }).params?.reason).find(Boolean) ?? null;
    return { code: e.code ?? 'THROWN', reason: e.reason ?? own, params: e.params ?? {}, fields };
  }
  return { code: 'OK', reason: null, params: {}, fields: [] };
}

const plain = (mode: TravelMode = 'walking', thresholdMinutes = 15, scenario: Scenario = { closed: [], proposed: [] }) => ({ mode, thresholdMinutes, scope: CITY, scenario });

describe('demand cells of the demo city', () => {
  it('every village and community has cells, and a village’s cells hold exactly its census population', async () => {
    const [r] = await rows<{ without: number; off: number; cells: number }>(
      engine.db,
      sql`select (select count(*)::int from villages v where not exists (select 1 from demand_cells d where d.village_code = v.code)) as without,
                 (select count(*)::int from (select v.code from villages v join demand_cells d on d.village_code = v.code
                                             group by v.code, v.population having abs(sum(d.population) - v.population) > 1e-6) x) as off,
                 (select count(*)::int from demand_cells) as cells`,
    );
    expect(r.without).toBe(0);
    expect(r.off).toBe(0);
    expect(r.cells).toBeGreaterThan(20_000);
  });

  it('the generator is deterministic: made again, the cells are the same, id for id', async () => {
    const digest = (db: Engine['db']) =>
      rows<{ d: string }>(db, sql`select md5(string_agg(concat_ws('|', id, village_code, kind, round(population::numeric, 6), lng::text, lat::text), ',' order by id)) as d from demand_cells`);
    const [before] = await digest(engine.db);
    await inRolledBackTransaction(engine, async (tx) => {
      const [{ first }] = await rows<{ first: number }>(tx, sql`select min(id)::int as first from demand_cells`);
      await seedDemand(tx);
      // the serial moved on: compare with the ids shifted back (residents to 1e-6: a sum's last bits follow the plan's order)
      const [again] = await rows<{ d: string }>(
        tx,
        sql`select md5(string_agg(concat_ws('|', id - (select min(id) from demand_cells) + ${first}, village_code, kind, round(population::numeric, 6), lng::text, lat::text), ',' order by id)) as d from demand_cells`,
      );
      expect(again.d).toBe(before.d);
    });
  });

  it('walking 15 min leaves people beyond reach (the published one clinic per village still holds)', async () => {
    const s = await coverageSummary(engine.db, plain('walking'));
    expect(s.population.uncovered).toBeGreaterThan(0);
    expect(s.population.covered).toBeGreaterThan(0);
    expect(s.villages.count).toBeGreaterThan(1500);
    expect(s.villages.withClinic).toBe(s.villages.count);
    expect(s.villages.withoutClinic).toEqual([]);
    expect(s.communities.count).toBeGreaterThan(400);
    expect(s.communities.population + s.otherPlaces.population + s.population.total).toBeCloseTo((await rows<{ p: number }>(engine.db, sql`select sum(population)::float8 as p from villages`))[0].p, 3);
    // the ranking is by uncovered residents, most first
    expect(s.uncovered.length).toBeGreaterThan(0);
    for (let i = 1; i < s.uncovered.length; i++) expect(s.uncovered[i - 1].uncovered).toBeGreaterThanOrEqual(s.uncovered[i].uncovered);
    // the table adds up: the districts' residents are the headline's
    expect(s.districts.reduce((a, d) => a + d.population, 0)).toBeCloseTo(s.population.total, 3);
    expect(s.townships.reduce((a, d) => a + d.covered, 0)).toBeCloseTo(s.population.covered, 3);
  });

  it('a faster mode covers at least as many', async () => {
    const [w, e, c] = await Promise.all((['walking', 'ebike', 'car'] as const).map((m) => coverageSummary(engine.db, plain(m))));
    expect(e.population.covered).toBeGreaterThan(w.population.covered);
    expect(c.population.covered).toBeGreaterThanOrEqual(e.population.covered);
  });
});

describe('one distance rule, in TypeScript and in SQL', () => {
  it('greatCircleMetres agrees with PostGIS (sphere) within 1 m, from 1 m to 60 km', async () => {
    const pairs = await rows<{ lng1: number; lat1: number; lng2: number; lat2: number; metres: number }>(
      engine.db,
      sql`select a.lng as lng1, a.lat as lat1, b.lng as lng2, b.lat as lat2, ST_Distance(a.geom::geography, b.geom::geography, false) as metres
          from (select * from demand_cells order by id limit 40) a join (select * from demand_cells order by id desc limit 40) b on true`,
    );
    expect(pairs.length).toBe(1600);
    for (const p of pairs) expect(Math.abs(greatCircleMetres(p.lng1, p.lat1, p.lng2, p.lat2) - Number(p.metres))).toBeLessThan(1);
    const [short] = await rows<{ metres: number }>(engine.db, sql`select ST_Distance(ST_MakePoint(117.6, 24.5)::geography, ST_MakePoint(117.60001, 24.5)::geography, false) as metres`);
    expect(Math.abs(greatCircleMetres(117.6, 24.5, 117.60001, 24.5) - Number(short.metres))).toBeLessThan(0.001);
  });

  it('the nearest clinic by the isotropic index is the nearest by great circle (300 cells, against every clinic)', async () => {
    const r = await rows<{ id: number; fast: number; brute: number }>(
      engine.db,
      sql`select n.id, n.metres as fast, (select min(ST_Distance(c.geom::geography, n.geom::geography, false)) from clinics c) as brute
          from (${nearestSql(sql`select id, geom from demand_cells where id % 97 = 0 limit 300`, { closed: [], proposed: [] })}) n`,
    );
    expect(r.length).toBe(300);
    for (const x of r) expect(Number(x.fast)).toBe(Number(x.brute));
  });
});

/** The first village with a clinic: its clinic, and a world where that is the only clinic and there are no cells. */
async function soleClinic(tx: Engine['db']) {
  const [c] = await rows<{ id: number; lng: number; lat: number; village_code: string; township_code: string; district_code: string }>(
    tx,
    sql`select c.id, ST_X(c.geom)::float8 as lng, ST_Y(c.geom)::float8 as lat, v.code::text as village_code, v.township_code::text as township_code, v.district_code::text as district_code
        from clinics c join villages v on v.code = c.village_code where v.kind = 'village' order by c.id limit 1`,
  );
  await tx.execute(sql`delete from clinics where id <> ${c.id}`);
  await tx.execute(sql`delete from demand_cells`);
  return c;
}

const addCell = (tx: Engine['db'], v: { village_code: string; township_code: string; district_code: string }, [lng, lat]: [number, number], population: number) =>
  tx.execute(sql`insert into demand_cells (village_code, township_code, district_code, kind, population, lng, lat, geom)
                 values (${v.village_code}, ${v.township_code}, ${v.district_code}, 'village', ${population}, ${lng}::float8, ${lat}::float8, ST_SetSRID(ST_MakePoint(${lng}::float8, ${lat}::float8), 4326))`);

describe('known answers', () => {
  it.each(['walking', 'car'] as const)('%s: a cell exactly at the threshold is covered (≤), one millimetre further is not, one nearer is', async (mode) => {
    await inRolledBackTransaction(engine, async (tx) => {
      const c = await soleClinic(tx);
      const reach = reachMetres(mode, 15);
      await addCell(tx, c, destination(c.lng, c.lat, reach, 0), 1);
      await addCell(tx, c, destination(c.lng, c.lat, reach + 0.001, 90), 10);
      await addCell(tx, c, destination(c.lng, c.lat, reach - 0.001, 180), 100);
      const s = await coverageSummary(tx, plain(mode));
      expect(s.population).toEqual({ total: 111, covered: 101, uncovered: 10 });
      // and the SQL rule alone says the same, cell by cell
      const judged = await rows<{ population: number; covered: boolean }>(
        tx,
        sql`select population, round(metres * 1000) <= ${reachMm(mode, 15)} as covered from (${nearestSql(sql`select population, geom from demand_cells`, { closed: [], proposed: [] })}) n order by population`,
      );
      expect(judged.map((j) => [Number(j.population), j.covered])).toEqual([[1, true], [10, false], [100, true]]);
    });
  });

  it('equidistant sites: the cell is covered once, its residents counted once', async () => {
    await inRolledBackTransaction(engine, async (tx) => {
      const c = await soleClinic(tx);
      const cell = destination(c.lng, c.lat, 500, 0);
      await addCell(tx, c, cell, 7);
      // a proposed site exactly as far on the other side
      const twin = destination(cell[0], cell[1], greatCircleMetres(c.lng, c.lat, cell[0], cell[1]), 0);
      const s = await coverageSummary(tx, plain('walking', 15, { closed: [], proposed: [{ lng: twin[0], lat: twin[1] }] }));
      expect(s.population).toEqual({ total: 7, covered: 7, uncovered: 0 });
    });
  });

  it('a village whose clinic is gone is listed by name and code, in the table too; closing it in a scenario says the same', async () => {
    const before = await coverageSummary(engine.db, plain());
    const [w] = await rows<{ code: string; name: string; township_code: string; ids: number[] | string }>(
      engine.db,
      sql`select v.code::text as code, v.name, v.township_code::text as township_code, array_agg(c.id) as ids from villages v join clinics c on c.village_code = v.code
          where v.kind = 'village' group by v.code order by v.code limit 1`,
    );
    const ids = (Array.isArray(w.ids) ? w.ids : w.ids.replace(/[{}]/g, '').split(',')).map(Number);
    const closing = await coverageSummary(engine.db, plain('walking', 15, { closed: ids, proposed: [] }));
    await inRolledBackTransaction(engine, async (tx) => {
      await tx.execute(sql`delete from clinics where village_code = ${w.code}`);
      const gone = await coverageSummary(tx, plain());
      for (const s of [gone, closing]) {
        expect(s.villages.withClinic).toBe(before.villages.count - 1);
        expect(s.villages.withoutClinic.map((v) => [v.code, v.name])).toEqual([[w.code, w.name]]);
        expect(s.townships.find((t) => t.code === w.township_code)!.villagesWithClinic).toBe(before.townships.find((t) => t.code === w.township_code)!.villagesWithClinic - 1);
        expect(s.population.covered).toBeLessThanOrEqual(before.population.covered);
      }
      expect(closing.population.covered).toBeCloseTo(gone.population.covered, 6);
    });
  });
});

describe('scenarios', () => {
  /** Some uncovered cells to propose sites at, and a clinic to close. */
  async function someScenario(): Promise<Scenario> {
    const cells = await testCaller('demo-planner').then((c) => c.coverage.cells());
    const far = cells.metres.map((m, i) => [m, i] as const).filter(([m]) => m > 3000).slice(0, 3);
    return { closed: [cells.clinics[10].id, cells.clinics[500].id], proposed: far.map(([, i]) => ({ lng: cells.lng[i], lat: cells.lat[i] })) };
  }

  it('the shortcut (PostGIS asked only where the scenario can change something) equals a full recompute in SQL', async () => {
    const s = await someScenario();
    for (const mode of ['walking', 'ebike'] as const) {
      const fast = await coverageSummary(engine.db, plain(mode, 15, s));
      const [full] = await rows<{ covered: number }>(
        engine.db,
        sql`select sum(population) filter (where round(metres * 1000) <= ${reachMm(mode, 15)})::float8 as covered
            from (${nearestSql(sql`select population, geom from demand_cells where kind = 'village'`, s)}) n`,
      );
      expect(fast.population.covered).toBeCloseTo(Number(full.covered), 6);
    }
  });

  it('the browser’s what-if gives the server’s covered residents for the same scenario', async () => {
    const caller = await testCaller('demo-planner');
    const cells = await caller.coverage.cells();
    const whatIf = new WhatIf(cells);
    const s = await someScenario();
    for (const [mode, minutes] of [['walking', 15], ['ebike', 10], ['car', 5]] as const) {
      for (const scenario of [{ closed: [], proposed: [] }, s]) {
        const server = await caller.coverage.summary({ mode, thresholdMinutes: minutes, ...scenario });
        const client = whatIf.evaluate(mode, minutes, new Set(scenario.closed), scenario.proposed);
        expect(client.total).toBeCloseTo(server.population.total, 6);
        expect(client.covered).toBeCloseTo(server.population.covered, 6);
      }
    }
  });
});

describe('suggestions', () => {
  it('greedy picks add residents in falling order; the exact optimum is at least greedy, the gap between 0 and 1 − 1/e', async () => {
    const caller = await testCaller('demo-planner');
    const r = await caller.coverage.suggest({ k: 3, exact: true });
    expect(r.greedy.picks).toHaveLength(3);
    for (let i = 1; i < 3; i++) expect(r.greedy.picks[i - 1].added).toBeGreaterThanOrEqual(r.greedy.picks[i].added);
    expect(r.greedy.covered).toBeGreaterThan(0);
    expect(r.exact).not.toBeNull();
    expect(r.exact!.covered).toBeGreaterThanOrEqual(r.greedy.covered - 1e-6);
    expect(r.exact!.gapPercent).toBeGreaterThanOrEqual(0);
    expect(r.exact!.gapPercent).toBeLessThanOrEqual(100 / Math.E);
    // the picks really add what they say: proposing them covers that many more
    const before = await caller.coverage.summary({});
    const after = await caller.coverage.summary({ proposed: r.greedy.picks.map((p) => ({ lng: p.lng, lat: p.lat })) });
    expect(after.population.covered - before.population.covered).toBeCloseTo(r.greedy.covered, 3);
  });
});

describe('the exact solve waits its turn', () => {
  it("parallel exact suggestions of one planner share the expensive-work queue: one waits, beyond the planner's share they are refused, another planner is not held behind", async () => {
    const queue = new WorkQueue({ slots: 2, perActor: 1, perActorWaiting: 1, maxWaiting: 8 });
    const started: string[] = [];
    queue.onStart = (a) => started.push(a);
    const p = { mode: 'walking' as const, thresholdMinutes: 15, scope: CITY, scenario: { closed: [], proposed: [] } };
    const ask = (actor: string) => suggestSites(engine.db, p, 2, true, { actor, queue });
    // planner 1 already has a solve running (held until we let it go)
    let release!: () => void;
    const held = queue.run('user:1', () => new Promise<void>((r) => (release = r)));
    const mine = [ask('user:1'), ask('user:1')].map((x) => x.then(() => 'ok', (e: { code: string; reason: string }) => `${e.code} ${e.reason}`));
    // planner 2 takes the free slot and finishes while planner 1's wait
    expect((await ask('user:2')).exact).not.toBeNull();
    // of planner 1's two, one waits for its turn and the other is beyond its share
    const first = await Promise.race(mine);
    expect(first).toBe('TOO_MANY_REQUESTS work.actorShare');
    expect(queue.state()).toMatchObject({ running: 1, waiting: 1 });
    release();
    await held;
    expect((await Promise.all(mine)).sort()).toEqual(['TOO_MANY_REQUESTS work.actorShare', 'ok']);
    expect(started).toEqual(['user:1', 'user:2', 'user:1']);
    expect(queue.state()).toMatchObject({ running: 0, waiting: 0 });
    // greedy alone does not queue
    queue.onStart = () => expect.unreachable('a greedy suggestion queued');
    await suggestSites(engine.db, p, 2, false, { actor: 'user:1', queue });
  });
});

describe('refusals', () => {
  it.each([
    ['an unknown mode', { mode: 'bicycle' }, 'mode'],
    ['a threshold of 0 minutes', { thresholdMinutes: 0 }, 'thresholdMinutes'],
    ['a threshold of 10,000 minutes', { thresholdMinutes: 10_000 }, 'thresholdMinutes'],
    ['a fractional threshold', { thresholdMinutes: 7.5 }, 'thresholdMinutes'],
    ['51 proposed sites', { proposed: Array.from({ length: 51 }, () => ({ lng: 117.6, lat: 24.5 })) }, 'proposed'],
    ['a bad clinic id', { closed: [0] }, 'closed.0'],
  ])('%s: BAD_REQUEST naming the field', async (_what, input, field) => {
    const caller = await testCaller('demo-planner');
    const r = await refusal(caller.coverage.summary(input as never));
    expect(r.code).toBe('BAD_REQUEST');
    expect(r.fields).toContain(field);
  });

  it.each([
    ['k = 0', { k: 0 }, 'k', null],
    ['k = 21', { k: 21 }, 'k', null],
    ['an exact k above its bound', { k: 9, exact: true }, 'k', 'coverage.exactTooLarge'],
  ])('suggest with %s: BAD_REQUEST', async (_what, input, field, reason) => {
    const caller = await testCaller('demo-planner');
    const r = await refusal(caller.coverage.suggest(input as never));
    expect(r.code).toBe('BAD_REQUEST');
    expect(r.fields).toContain(field);
    if (reason) expect(r.reason).toBe(reason);
  });

  it('a proposed clinic outside the city (at sea, or at 0°, 0°): coverage.outsideCity naming it', async () => {
    const caller = await testCaller('demo-planner');
    for (const p of [{ lng: 118.4, lat: 23.4 }, { lng: 0, lat: 0 }]) {
      const r = await refusal(caller.coverage.summary({ proposed: [{ lng: 117.65, lat: 24.51 }, p] }));
      expect(r).toMatchObject({ code: 'BAD_REQUEST', reason: 'coverage.outsideCity', params: { index: 2 } });
    }
  });

  it('closing a clinic that does not exist: NOT_FOUND; closing the last one with none proposed: coverage.noClinics', async () => {
    const caller = await testCaller('demo-planner');
    expect(await refusal(caller.coverage.summary({ closed: [2_000_000] }))).toMatchObject({ code: 'NOT_FOUND', reason: 'notFound' });
    await inRolledBackTransaction(engine, async (tx, txEngine) => {
      const c = await soleClinic(tx);
      const inTx = await testCaller('demo-planner', { engine: txEngine });
      expect(await refusal(inTx.coverage.summary({ closed: [c.id] }))).toMatchObject({ code: 'BAD_REQUEST', reason: 'coverage.noClinics' });
    });
  });

  it('a role without the coverage rights is refused; a viewer may read but not plan', async () => {
    expect(await refusal((await testCaller('demo-handler')).coverage.summary({}))).toMatchObject({ code: 'FORBIDDEN', reason: 'auth.lacksPermission' });
    const viewer = await testCaller('demo-viewer');
    expect((await viewer.coverage.summary({})).population.total).toBeGreaterThan(0);
    expect(await refusal(viewer.coverage.suggest({ k: 1 }))).toMatchObject({ code: 'FORBIDDEN', reason: 'auth.lacksPermission' });
  });
});
