// The grid editor on the engine under test (docs/decisions/0027-grid-editor.md): the rules' known
// answers on a hand-placed community (a 4 × 4 hundredths-of-a-degree square far from the demo city,
// tiled by four quadrant cells), in rolled-back transactions, through the API as a coordinator
// uses it: validate, publish (versions, codes, revisions, CONFLICT, scope), split, merge, history,
// export and import, routing at an instant before and after a split, a forced GEOS failure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import turfArea from '@turf/area';
import { sql } from 'drizzle-orm';
import { ZodError } from 'zod';
import { rows, type Db, type Engine } from '../db/engine.ts';
import { migratedDatabases, testCaller, testEngine } from './support/test-db.ts';
import { appRouter } from '../server/router.ts';
import { createCallerFactory } from '../server/trpc.ts';
import { actorFromSession } from '../server/auth/actor.ts';
import { createSession, loadSessionPolicy } from '../server/auth/sessions.ts';
import { inRolledBackTransaction } from './support/rolled-back.ts';
import { placeAt } from '../server/dispatch/dispatch-queries.ts';
import { spikes, type CellGeometry, type GridChange, type Position } from '../domain/grid-rules.ts';
import { hashPassword } from '../server/auth/password.ts';
import { actOnCase, registerCase } from '../server/dispatch/case-engine.ts';
import { fixtureActor } from './support/workflow-fixtures.ts';
import { checkCell } from '../client/features/grids/editor/check.ts';
import { checkCells, districtReport } from '../server/grids/grid-check-queries.ts';
import { gridRules } from '../server/settings/settings.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await testEngine();
}, 900_000);

async function refusal(p: Promise<unknown>): Promise<{ code: string; reason: string | null; params: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    const e = err as { code?: string; reason?: string | null; params?: Record<string, unknown>; cause?: unknown };
    const zod = e.cause instanceof ZodError ? e.cause : null;
    const own = zod?.issues.map((i) => (i as { params?: { reason?: string } }).params?.reason).find(Boolean) ?? null;
    return { code: e.code ?? 'THROWN', reason: e.reason ?? own ?? (zod ? 'input.invalid' : null), params: e.params ?? {} };
  }
  return { code: 'OK', reason: null, params: {} };
}

// The community: a square of 4 d × 4 d degrees at (X0, Y0), far from the demo city's cells.
const X0 = 117.2, Y0 = 24.2, D = 0.001;
const K = Math.cos((Y0 * Math.PI) / 180) * 111_194.9; // metres per degree of longitude here (sphere)
const M = 111_194.9; // metres per degree of latitude (sphere, as turf and the server measure)
const sq = (x0: number, y0: number, x1: number, y1: number): Position[] => [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];
const poly = (...rings: Position[][]): CellGeometry => ({ type: 'Polygon', coordinates: rings });
// quadrants: NW, NE, SW, SE (each 2 d × 2 d, about 200 m × 222 m)
const QUADS = {
  nw: sq(X0, Y0 + 2 * D, X0 + 2 * D, Y0 + 4 * D),
  ne: sq(X0 + 2 * D, Y0 + 2 * D, X0 + 4 * D, Y0 + 4 * D),
  sw: sq(X0, Y0, X0 + 2 * D, Y0 + 2 * D),
  se: sq(X0 + 2 * D, Y0, X0 + 4 * D, Y0 + 2 * D),
};

interface Fixture {
  village: string;
  district: string;
  ids: Record<keyof typeof QUADS, number>;
  codes: Record<keyof typeof QUADS, string>;
}

async function placeCommunity(tx: Db): Promise<Fixture> {
  const [t] = await rows<{ code: string; rg: number }>(
    tx,
    sql`select t.code::text as code, (select min(id) from responsibility_grids r where r.district_code = t.district_code) as rg
        from townships t where t.district_code = '350602' order by t.code limit 1`,
  );
  const village = `${t.code}901`;
  const area = JSON.stringify({ type: 'MultiPolygon', coordinates: [[sq(X0, Y0, X0 + 4 * D, Y0 + 4 * D)]] });
  await tx.execute(sql`
    insert into villages (code, township_code, district_code, name, kind, population, in_core, geom, area, lng, lat)
    values (${village}, ${t.code}, '350602', '测试社区', 'other', 1000, true, ST_SetSRID(ST_MakePoint(${X0 + 2 * D}, ${Y0 + 2 * D}), 4326),
            ST_SetSRID(ST_GeomFromGeoJSON(${area}), 4326), ${X0 + 2 * D}, ${Y0 + 2 * D})`);
  const ids = {} as Fixture['ids'];
  const codes = {} as Fixture['codes'];
  let serial = 1;
  for (const [k, ring] of Object.entries(QUADS) as [keyof typeof QUADS, Position[]][]) {
    const code = `${village}${String(serial++).padStart(3, '0')}`;
    const [r] = await rows<{ id: number }>(
      tx,
      sql`insert into unit_grids (code, version, status, valid_from, village_code, township_code, district_code, responsibility_grid_id, area_m2, geom)
          values (${code}, 1, 'active', '2021-12-01T00:00:00+08:00', ${village}, ${t.code}, '350602', ${t.rg}, 44000,
                  ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(poly(ring))}), 4326))) returning id`,
    );
    ids[k] = r.id;
    codes[k] = code;
  }
  return { village, district: '350602', ids, codes };
}

/** Runs `fn` as the 芗城区 coordinator on a rolled-back copy of the test city with the community placed. */
function asCoordinator<T>(fn: (api: Awaited<ReturnType<typeof testCaller>>, f: Fixture, tx: Db, eng: Engine) => Promise<T>, now?: () => Date) {
  return inRolledBackTransaction(engine, async (tx, eng) => {
    const f = await placeCommunity(tx);
    return fn(await testCaller('demo-coordinator', { engine: eng, now }), f, tx, eng);
  });
}

const base = async (api: Awaited<ReturnType<typeof testCaller>>, f: Fixture) =>
  (await api.grids.editArea({ districtCode: f.district, bbox: [X0 - D, Y0 - D, X0 + 5 * D, Y0 + 5 * D] })).revisions;

const update = (f: Fixture, k: keyof typeof QUADS, ring: Position[], ...holes: Position[][]): GridChange => ({ op: 'update', id: f.ids[k], version: 1, geometry: poly(ring, ...holes) });

/** The NW cell with one extra vertex pushed `metres` east from the middle of its east edge (a triangle of metres × 111 m² / … into NE). */
function bulgeEast(metres: number): Position[] {
  const [x0, y0, x1, y1] = [X0, Y0 + 2 * D, X0 + 2 * D, Y0 + 4 * D];
  return [[x0, y0], [x1, y0], [x1 + metres / K, (y0 + y1) / 2], [x1, y1], [x0, y1], [x0, y0]];
}
/** Triangle area of a bulge of `metres` over the east edge (2 d of latitude). */
const bulgeM2 = (metres: number) => 0.5 * metres * 2 * D * M;

const reasons = (ps: { reason: string }[]) => ps.map((p) => p.reason).sort();

describe('the demo city', () => {
  it("passes the product's own validator: grids.report finds no problem in either district of the core", async () => {
    const rules = await gridRules(engine.db);
    for (const d of ['350602', '350603']) expect(await districtReport(engine.db, rules, d)).toEqual([]);
  });
});

describe('validation known answers (PostGIS, this engine)', () => {
  it('the placed community is clean: an attribute-only change has no problems', () =>
    asCoordinator(async (api, f) => {
      const { problems } = await api.grids.validate({ districtCode: f.district, base: await base(api, f), changes: [{ op: 'update', id: f.ids.nw, version: 1, attributes: { landUse: 'residential' } }] });
      expect(problems).toEqual([]);
    }));

  it('a bow-tie is a self-intersection, located', () =>
    asCoordinator(async (api, f) => {
      const bow: Position[] = [[X0, Y0 + 2 * D], [X0 + 2 * D, Y0 + 4 * D], [X0 + 2 * D, Y0 + 2 * D], [X0, Y0 + 4 * D], [X0, Y0 + 2 * D]];
      const { problems } = await api.grids.validate({ districtCode: f.district, base: {}, changes: [update(f, 'nw', bow)] });
      expect(problems.map((p) => p.reason)).toContain('grid.selfIntersection');
      expect(problems.find((p) => p.reason === 'grid.selfIntersection')!.where?.type).toBe('Point');
    }));

  it('a cell crossing the community edge sticks out by the area outside', () =>
    asCoordinator(async (api, f) => {
      const out = 20 / K; // 20 m west of the edge
      const { problems } = await api.grids.validate({ districtCode: f.district, base: {}, changes: [update(f, 'nw', sq(X0 - out, Y0 + 2 * D, X0 + 2 * D, Y0 + 4 * D))] });
      const p = problems.find((x) => x.reason === 'grid.outsideCommunity')!;
      expect(p).toBeDefined();
      expect(Number(p.params.m2)).toBeCloseTo(20 * 2 * D * M, -1); // 20 m × 222 m
      expect(reasons(problems)).toEqual(['grid.outsideCommunity']);
    }));

  it('an overlap of 1 m² is reported with its area; 0.005 m² is within the tolerance (0.01 m²)', () =>
    asCoordinator(async (api, f) => {
      const one = (await api.grids.validate({ districtCode: f.district, base: {}, changes: [update(f, 'nw', bulgeEast(2 / (2 * D * M)))] })).problems;
      expect(reasons(one)).toEqual(['grid.overlap']);
      expect(one[0].params.other).toBe(f.codes.ne);
      expect(Number(one[0].params.m2)).toBeCloseTo(bulgeM2(2 / (2 * D * M)), 1); // 1 m²
      const tiny = (await api.grids.validate({ districtCode: f.district, base: {}, changes: [update(f, 'nw', bulgeEast(0.01 / (2 * D * M)))] })).problems;
      expect(tiny).toEqual([]);
    }));

  it('a sliver gap above 1 m² is reported for the community; below it is not', () =>
    asCoordinator(async (api, f) => {
      const dent = (metres: number): Position[] => {
        const [x0, y0, x1, y1] = [X0, Y0 + 2 * D, X0 + 2 * D, Y0 + 4 * D];
        return [[x0, y0], [x1, y0], [x1 - metres / K, (y0 + y1) / 2], [x1, y1], [x0, y1], [x0, y0]];
      };
      const gap = (await api.grids.validate({ districtCode: f.district, base: {}, changes: [update(f, 'nw', dent(5 / (D * M)))] })).problems;
      expect(reasons(gap)).toEqual(['grid.gap']);
      expect(gap[0].ref).toBe(f.village);
      expect(Number(gap[0].params.m2)).toBeCloseTo(5, 1);
      const small = (await api.grids.validate({ districtCode: f.district, base: {}, changes: [update(f, 'nw', dent(0.5 / (D * M)))] })).problems;
      expect(small).toEqual([]);
    }));

  it('a hole no cell fills is a gap of its size', () =>
    asCoordinator(async (api, f) => {
      const c = [X0 + D, Y0 + 3 * D];
      const h = 10 / M; // 20 m × ~20 m hole
      const hole: Position[] = [[c[0] - h, c[1] - h], [c[0] - h, c[1] + h], [c[0] + h, c[1] + h], [c[0] + h, c[1] - h], [c[0] - h, c[1] - h]];
      const { problems } = await api.grids.validate({ districtCode: f.district, base: {}, changes: [update(f, 'nw', QUADS.nw, hole)] });
      expect(reasons(problems)).toEqual(['grid.gap']);
      expect(Number(problems[0].params.m2)).toBeCloseTo(2 * h * K * 2 * h * M, -1);
    }));

  it('duplicate vertices and clockwise winding are accepted and normalised (stored counter-clockwise, no repeats)', () =>
    asCoordinator(async (api, f, tx) => {
      const cw: Position[] = [...QUADS.nw].reverse();
      const dup: Position[] = [cw[0], cw[1], cw[1], cw[2], cw[3], cw[4]];
      const revisions = await base(api, f);
      const { problems } = await api.grids.validate({ districtCode: f.district, base: revisions, changes: [update(f, 'nw', dup)] });
      expect(problems).toEqual([]);
      const out = await api.grids.publish({ districtCode: f.district, base: revisions, changes: [update(f, 'nw', dup)], note: '' });
      const [r] = await rows<{ n: number; ccw: boolean }>(tx, sql`select ST_NPoints(geom) as n, ST_IsPolygonCCW(geom) as ccw from unit_grids where id = ${out.written[0].id}`);
      expect(r).toEqual({ n: 5, ccw: true });
    }));

  it('a spike sharper than the setting (1°) is refused at its vertex; the same pure rule as the browser', () =>
    asCoordinator(async (api, f) => {
      const [x0, y0, x1, y1] = [X0, Y0 + 2 * D, X0 + 2 * D, Y0 + 4 * D];
      const tip: Position = [x0 + D, y1 + 0.0009];
      const spike: Position[] = [[x0, y0], [x1, y0], [x1, y1], [x0 + D + 0.000001, y1], tip, [x0 + D, y1], [x0, y1], [x0, y0]];
      const { problems } = await api.grids.validate({ districtCode: f.district, base: {}, changes: [update(f, 'nw', spike)] });
      const p = problems.filter((x) => x.reason === 'grid.spike');
      expect(p.map((x) => x.where?.coordinates)).toEqual([tip]);
      expect(spikes(spike, 1).map((s) => s.at)).toEqual([tip]);
    }));

  it('cell area bounds come from the settings (1,000–200,000 m²)', () =>
    asCoordinator(async (api, f, tx) => {
      await tx.execute(sql`update app_meta set value = '50000' where key = 'grid.min_area_m2'`);
      const { problems } = await api.grids.validate({ districtCode: f.district, base: {}, changes: [{ op: 'update', id: f.ids.nw, version: 1, geometry: poly(QUADS.nw) }] });
      expect(problems.map((p) => p.reason)).toContain('grid.tooSmall');
    }));

  it("a draft's check outside a publish (floating overlay first) answers as the publish's check (snap-rounded) does", () =>
    asCoordinator(async (_api, f, tx) => {
      const rules = await gridRules(tx);
      const [x0, y0, x1, y1] = [X0, Y0 + 2 * D, X0 + 2 * D, Y0 + 4 * D];
      const drafts: Position[][] = [
        bulgeEast(2 / (2 * D * M)), // an overlap of 1 m²
        [[x0, y0], [x1, y0], [x1 - 5 / (D * M) / K, (y0 + y1) / 2], [x1, y1], [x0, y1], [x0, y0]], // a gap
        sq(X0 - 20 / K, y0, x1, y1), // outside the community
        QUADS.nw, // clean
      ];
      for (const ring of drafts) {
        const subject = [{ ref: 'draft', villageCode: f.village, geometry: poly(ring) }];
        const [fast, safe] = [await checkCells(tx, rules, subject, [f.ids.nw], [f.village], 'fast'), await checkCells(tx, rules, subject, [f.ids.nw], [f.village], 'safe')];
        const shape = (ps: typeof fast) => ps.map((p) => ({ reason: p.reason, ref: p.ref, m2: Math.round(Number(p.params.m2 ?? 0) * 10) / 10 }));
        expect(shape(fast)).toEqual(shape(safe));
      }
      expect((await checkCells(tx, rules, [{ ref: 'draft', villageCode: f.village, geometry: poly(drafts[0]) }], [f.ids.nw], [f.village], 'fast')).map((p) => p.reason)).toEqual(['grid.overlap']);
    }));

  it('a forced GEOS failure (an invalid stored neighbour) is a refusal naming the check, never a pass', () =>
    asCoordinator(async (api, f, tx) => {
      // a broken cell written past the editor (a bow-tie over the NE quadrant): overlaying it throws in GEOS
      const bow = JSON.stringify({ type: 'MultiPolygon', coordinates: [[[[X0 + 2 * D, Y0 + 2 * D], [X0 + 4 * D, Y0 + 4 * D], [X0 + 4 * D, Y0 + 2 * D], [X0 + 2 * D, Y0 + 4 * D], [X0 + 2 * D, Y0 + 2 * D]]]] });
      await tx.execute(sql`update unit_grids set geom = ST_SetSRID(ST_GeomFromGeoJSON(${bow}), 4326) where id = ${f.ids.ne}`);
      const r = await refusal(api.grids.validate({ districtCode: f.district, base: {}, changes: [update(f, 'nw', bulgeEast(5))] }));
      expect(r).toMatchObject({ code: 'BAD_REQUEST', reason: 'grid.geometryFailed' });
    }));
});

describe("the browser's instant check (turf) agrees with the server's (PostGIS) on the same drafts", () => {
  const [x0, y0, x1, y1] = [X0, Y0 + 2 * D, X0 + 2 * D, Y0 + 4 * D];
  const DRAFTS: [string, Position[]][] = [
    ['unchanged', QUADS.nw],
    ['a bow-tie', [[x0, y0], [x1, y1], [x1, y0], [x0, y1], [x0, y0]]],
    ['20 m outside the community', sq(X0 - 20 / K, y0, x1, y1)],
    ['a 1 m² overlap', bulgeEast(2 / (2 * D * M))],
    ['a 0.005 m² overlap', bulgeEast(0.01 / (2 * D * M))],
    ['a 30 m overlap', bulgeEast(30)],
    ['a spike', [[x0, y0], [x1, y0], [x1, y1], [x0 + D + 0.000001, y1], [x0 + D, y1 + 0.0009], [x0 + D, y1], [x0, y1], [x0, y0]]],
    ['too small', sq(x0, y0, x0 + 0.0002, y0 + 0.0002)],
  ];
  it.each(DRAFTS)('%s: the same problems, areas within 0.1 %%', (_name, ring) =>
    asCoordinator(async (api, f, tx) => {
      const { problems: server } = await api.grids.validate({ districtCode: f.district, base: {}, changes: [update(f, 'nw', ring)] });
      const [v] = await rows<{ geojson: string }>(tx, sql`select ST_AsGeoJSON(area, 15) as geojson from villages where code = ${f.village}`);
      const rules = (await api.grids.editArea({ districtCode: f.district, bbox: [X0 - D, Y0 - D, X0 + 5 * D, Y0 + 5 * D] })).rules;
      const client = checkCell(
        { ref: `id:${f.ids.nw}`, geometry: poly(ring), community: JSON.parse(v.geojson), neighbours: (['ne', 'sw', 'se'] as const).map((k) => ({ ref: f.codes[k], geometry: poly(QUADS[k]) })) },
        rules,
      );
      const key = (p: { reason: string; params: Record<string, unknown> }) => `${p.reason}${p.params.other ? `:${String(p.params.other)}` : ''}`;
      const gapless = server.filter((p) => p.reason !== 'grid.gap'); // the browser leaves gaps to the server
      expect(client.map(key).sort()).toEqual(gapless.map(key).sort());
      for (const s of gapless.filter((p) => p.params.m2 !== undefined && Number(p.params.m2) > 0.5)) {
        const c = client.find((p) => key(p) === key(s))!;
        expect(Math.abs(Number(c.params.m2) - Number(s.params.m2)) / Number(s.params.m2)).toBeLessThan(0.001);
      }
    }));
});

describe('publishing: versions, codes, history, routing', () => {
  it('moving the vertex all four cells share keeps them a clean tiling; codes stay, versions move on, the community revision too', () =>
    asCoordinator(async (api, f, tx) => {
      const revisions = await base(api, f);
      const c: Position = [X0 + 2 * D + 0.0003, Y0 + 2 * D - 0.0002];
      const move = (ring: Position[]) => ring.map((p): Position => (p[0] === X0 + 2 * D && p[1] === Y0 + 2 * D ? c : p));
      const changes = (['nw', 'ne', 'sw', 'se'] as const).map((k) => update(f, k, move(QUADS[k])));
      expect((await api.grids.validate({ districtCode: f.district, base: revisions, changes })).problems).toEqual([]);
      const out = await api.grids.publish({ districtCode: f.district, base: revisions, changes, note: '调整公共点' });
      expect(out.written.map((w) => [w.code, w.version]).sort()).toEqual(Object.values(f.codes).map((c) => [c, 2]).sort());
      expect(out.revisions[f.village]).toBe(revisions[f.village] + 1);
      const h = await api.grids.history({ code: f.codes.nw });
      expect(h.versions.map((v) => [v.version, v.status])).toEqual([[1, 'retired'], [2, 'active']]);
      expect(h.versions[0].validTo).toBe(h.versions[1].validFrom);
      const [shared] = await rows<{ n: number }>(tx, sql`select count(*)::int as n from unit_grids u, ST_DumpPoints(u.geom) p where u.village_code = ${f.village} and u.valid_to is null and ST_Equals(p.geom, ST_SetSRID(ST_MakePoint(${c[0]}, ${c[1]}), 4326))`);
      expect(shared.n).toBeGreaterThanOrEqual(4);
      const report = await api.grids.report({ districtCode: f.district });
      expect(report.problems.filter((p) => p.ref.startsWith(f.village))).toEqual([]);
    }));

  it('a split retires the cell (its code kept in history) and adds two with the next serials, numbered north→south, west→east; a case filed before keeps its cell and routing at that instant uses it', () => {
    const at = new Date('2026-06-01T02:00:00Z');
    return asCoordinator(
      async (api, f, tx) => {
        // a case point in the NW quadrant's north half
        const pt: Position = [X0 + D, Y0 + 3.5 * D];
        const before = await placeAt(tx, pt[0], pt[1], new Date('2026-05-01T00:00:00Z'));
        expect(before?.gridCode).toBe(f.codes.nw);
        const { pieces } = await api.grids.split({ id: f.ids.nw, version: 1, line: [[X0 - D, Y0 + 3 * D], [X0 + 3 * D, Y0 + 3 * D]] });
        expect(pieces).toHaveLength(2);
        const revisions = await base(api, f);
        const changes: GridChange[] = [{ op: 'retire', id: f.ids.nw, version: 1 }, ...pieces.map((g, i): GridChange => ({ op: 'add', key: `p${i}`, villageCode: f.village, geometry: g }))];
        const out = await api.grids.publish({ districtCode: f.district, base: revisions, changes, note: '拆分' });
        const codes = out.written.map((w) => w.code).sort();
        expect(codes).toEqual([`${f.village}005`, `${f.village}006`]);
        // 005 is the northern piece (the numbering rule)
        const [north] = await rows<{ code: string }>(tx, sql`select code::text as code from unit_grids where id = any(${sql.param(out.written.map((w) => w.id))}::int[]) order by ST_YMax(geom) desc, ST_XMin(geom) limit 1`);
        expect(north.code).toBe(`${f.village}005`);
        expect((await placeAt(tx, pt[0], pt[1], new Date('2026-05-01T00:00:00Z')))?.gridCode).toBe(f.codes.nw);
        expect((await placeAt(tx, pt[0], pt[1], new Date('2026-07-01T00:00:00Z')))?.gridCode).toBe(`${f.village}005`);
        expect((await api.grids.history({ code: f.codes.nw })).versions.map((v) => v.status)).toEqual(['retired']);
        // the responsibility grid's outline still covers the new cells
        const [rg] = await rows<{ ok: boolean }>(tx, sql`select ST_Covers(r.geom, u.geom) as ok from unit_grids u join responsibility_grids r on r.id = u.responsibility_grid_id where u.id = ${out.written[0].id}`);
        expect(rg.ok).toBe(true);
      },
      () => at,
    );
  });

  it('a merge of two adjacent cells retires both and adds one; cells of two communities or apart are refused', () =>
    asCoordinator(async (api, f) => {
      expect(await refusal(api.grids.merge({ ids: [f.ids.nw, f.ids.se] }))).toMatchObject({ code: 'BAD_REQUEST', reason: 'grid.mergeApart' });
      const { geometry } = await api.grids.merge({ ids: [f.ids.sw, f.ids.se] });
      const revisions = await base(api, f);
      const out = await api.grids.publish({
        districtCode: f.district, base: revisions, note: '合并',
        changes: [{ op: 'retire', id: f.ids.sw, version: 1 }, { op: 'retire', id: f.ids.se, version: 1 }, { op: 'add', key: 'm', villageCode: f.village, geometry }],
      });
      expect(out.written.map((w) => w.code)).toEqual([`${f.village}005`]);
      // retired cells are no longer merged; cells meeting at a corner only, or of two communities, never
      expect(await refusal(api.grids.merge({ ids: [f.ids.sw, f.ids.nw] }))).toMatchObject({ code: 'CONFLICT', reason: 'grid.changedMeanwhile' });
      expect(await refusal(api.grids.merge({ ids: [f.ids.nw, out.written[0].id] }))).toMatchObject({ code: 'OK' });
    }));

  it('a cell of the draft, not yet published, is split and merged by its shape: the pieces and the union come back, nothing is written', () =>
    asCoordinator(async (api, f, tx) => {
      const count = async () => (await rows<{ n: number }>(tx, sql`select count(*)::int as n from unit_grids where village_code = ${f.village}`))[0].n;
      const n = await count();
      // the NW cell as the draft holds it (reshaped: its east edge bent 5 m), cut along its middle latitude
      const drafted = poly(bulgeEast(5));
      const { pieces } = await api.grids.split({ geometry: drafted, line: [[X0 - D, Y0 + 3 * D], [X0 + 3 * D, Y0 + 3 * D]] });
      expect(pieces).toHaveLength(2);
      const m2 = (g: CellGeometry) => turfArea(g);
      expect(m2(pieces[0]) + m2(pieces[1])).toBeCloseTo(m2(drafted), 0);
      expect(await refusal(api.grids.split({ geometry: drafted, line: [[X0 - 2 * D, Y0], [X0 - D, Y0]] }))).toMatchObject({ reason: 'grid.splitMiss' });
      // merged back: the two pieces by their shapes; a published cell and a drafted one together
      const back = await api.grids.merge({ geometries: pieces });
      expect(m2(back.geometry)).toBeCloseTo(m2(drafted), 0);
      const mixed = await api.grids.merge({ ids: [f.ids.sw], geometries: [poly(QUADS.nw)] });
      expect(m2(mixed.geometry)).toBeCloseTo(m2(poly(QUADS.nw)) + m2(poly(QUADS.sw)), 0);
      expect(await refusal(api.grids.merge({ geometries: [poly(QUADS.nw)] }))).toMatchObject({ code: 'BAD_REQUEST', reason: 'grid.mergeCount' });
      expect(await refusal(api.grids.merge({ ids: [f.ids.se], geometries: [poly(QUADS.nw)] }))).toMatchObject({ reason: 'grid.mergeApart' });
      expect(await count()).toBe(n);
    }));

  it("a community without cells is offered to its district's coordinator, who draws and publishes its first cell (serial 001)", () =>
    asCoordinator(async (api, f, tx) => {
      // a second community east of the placed one, with no cell yet
      const [x0, y0, x1, y1] = [X0 + 6 * D, Y0, X0 + 8 * D, Y0 + 2 * D];
      const empty = `${f.village.slice(0, 9)}902`;
      const area = JSON.stringify({ type: 'MultiPolygon', coordinates: [[sq(x0, y0, x1, y1)]] });
      await tx.execute(sql`
        insert into villages (code, township_code, district_code, name, kind, population, in_core, geom, area, lng, lat)
        values (${empty}, ${f.village.slice(0, 9)}, '350602', '空社区', 'other', 10, true, ST_SetSRID(ST_MakePoint(${x0 + D}, ${y0 + D}), 4326),
                ST_SetSRID(ST_GeomFromGeoJSON(${area}), 4326), ${x0 + D}, ${y0 + D})`);
      const area0 = await api.grids.editArea({ districtCode: f.district, bbox: [X0 - D, Y0 - D, X0 + 9 * D, Y0 + 5 * D] });
      expect(area0.communities.find((c) => c.code === empty)).toMatchObject({ editable: true, revision: 0 });
      expect(area0.revisions[empty]).toBe(0);
      // a cell covering only half of it leaves a gap; the whole community in one cell lands
      const half = await api.grids.validate({ districtCode: f.district, base: area0.revisions, changes: [{ op: 'add', key: 'a', villageCode: empty, geometry: poly(sq(x0, y0, x0 + D, y1)) }] });
      expect(half.problems.map((p) => p.reason)).toEqual(['grid.gap']);
      const out = await api.grids.publish({ districtCode: f.district, base: area0.revisions, note: '首个网格', changes: [{ op: 'add', key: 'a', villageCode: empty, geometry: poly(sq(x0, y0, x1, y1)) }] });
      expect(out.written.map((w) => w.code)).toEqual([`${empty}001`]);
    }));

  it('an open site visit of a retired cell goes to the patrol of the cell that now holds the case, as an assign event', () =>
    asCoordinator(async (api, f, tx, eng) => {
      const call = { db: tx, actor: await fixtureActor(tx), now: new Date(), notify: eng.notify };
      const c = await registerCase(call, { channel: '12345', categoryCode: 'E0104', lng: X0 + D, lat: Y0 + 3.5 * D, crs: 'wgs84', urgency: 'normal', description: 'grid change' });
      await actOnCase(call, 'accept', { id: c.id }); // a site visit to do: verifying
      const state = () => rows<{ status: string; cell: number; assignee: number | null }>(tx, sql`select status, unit_grid_id as cell, assignee_user_id as assignee from cases where id = ${c.id}`);
      const [before] = await state();
      expect(before).toMatchObject({ status: 'verifying', cell: f.ids.nw });
      // another responsibility grid of the district whose patrol may verify
      const [rg] = await rows<{ id: number; people: number[] }>(
        tx,
        sql`select r.id, array_agg(s.user_id order by s.user_id) as people from responsibility_grids r join responsibility_grid_staff s on s.responsibility_grid_id = r.id
            join users u on u.id = s.user_id and u.disabled_at is null
            where r.district_code = '350602' and r.id <> (select responsibility_grid_id from unit_grids where id = ${f.ids.nw})
              and exists (select 1 from role_permissions p where p.role_code = u.role_code and p.permission = 'case.verify')
              and not (${before.assignee ?? 0} = any(select user_id from responsibility_grid_staff where responsibility_grid_id = r.id))
            group by r.id order by r.id limit 1`,
      );
      const { pieces } = await api.grids.split({ id: f.ids.nw, version: 1, line: [[X0 - D, Y0 + 3 * D], [X0 + 3 * D, Y0 + 3 * D]] });
      const out = await api.grids.publish({
        districtCode: f.district, base: await base(api, f), note: '拆分并改派',
        changes: [{ op: 'retire', id: f.ids.nw, version: 1 }, ...pieces.map((g, i): GridChange => ({ op: 'add', key: `p${i}`, villageCode: f.village, geometry: g, attributes: i === 0 ? { responsibilityGridId: rg.id } : {} }))],
      });
      expect(out.siteVisitsMoved).toBe(1);
      const [after] = await state();
      expect(after.cell).toBe(f.ids.nw); // the case keeps the cell it was filed in
      expect(rg.people).toContain(after.assignee);
      const [e] = await rows<{ type: string }>(tx, sql`select type from case_events where case_id = ${c.id} order by seq desc limit 1`);
      expect(e.type).toBe('assign');
    }));

  it('a serial run out (999) is a clear refusal', () =>
    asCoordinator(async (api, f, tx) => {
      await tx.execute(sql`update unit_grids set code = ${`${f.village}999`} where id = ${f.ids.se}`);
      const { pieces } = await api.grids.split({ id: f.ids.nw, version: 1, line: [[X0 - D, Y0 + 3 * D], [X0 + 3 * D, Y0 + 3 * D]] });
      const r = await refusal(
        api.grids.publish({ districtCode: f.district, base: await base(api, f), note: '', changes: [{ op: 'retire', id: f.ids.nw, version: 1 }, ...pieces.map((g, i): GridChange => ({ op: 'add', key: `p${i}`, villageCode: f.village, geometry: g }))] }),
      );
      expect(r).toMatchObject({ code: 'BAD_REQUEST', reason: 'grid.serialsExhausted' });
    }));

  it('two drafts on the same base: the first lands, the second is a CONFLICT naming what changed', () =>
    asCoordinator(async (api, f) => {
      const revisions = await base(api, f);
      const first = [update(f, 'nw', QUADS.nw)];
      await api.grids.publish({ districtCode: f.district, base: revisions, changes: first, note: 'one' });
      const r = await refusal(api.grids.publish({ districtCode: f.district, base: revisions, changes: [{ op: 'update', id: f.ids.ne, version: 1, attributes: { landUse: 'green' } }], note: 'two' }));
      expect(r).toMatchObject({ code: 'CONFLICT', reason: 'grid.stale' });
      expect(String(r.params.changes)).toContain(f.codes.nw);
    }));

  it('a draft with a problem is not published, and nothing is written', () =>
    asCoordinator(async (api, f, tx) => {
      const r = await refusal(api.grids.publish({ districtCode: f.district, base: await base(api, f), changes: [update(f, 'nw', bulgeEast(5))], note: '' }));
      expect(r).toMatchObject({ code: 'BAD_REQUEST', reason: 'grid.draftInvalid' });
      const [n] = await rows<{ n: number }>(tx, sql`select count(*)::int as n from unit_grids where village_code = ${f.village}`);
      expect(n.n).toBe(4);
    }));

  it('a coordinator of another district cannot publish, validate or load the district', () =>
    inRolledBackTransaction(engine, async (tx, eng) => {
      const f = await placeCommunity(tx);
      await tx.execute(sql`insert into users (username, display_name, role_code, district_codes, password_hash)
                           values ('coord-350603', '龙文区网格管理员', 'district_coordinator', '{350603}', ${await hashPassword('x-not-used-4711')})`);
      const other = await testCaller('coord-350603', { engine: eng });
      const changes = [update(f, 'nw', QUADS.nw)];
      expect(await refusal(other.grids.publish({ districtCode: f.district, base: {}, changes, note: '' }))).toMatchObject({ code: 'FORBIDDEN' });
      expect(await refusal(other.grids.publish({ districtCode: '350603', base: {}, changes, note: '' }))).toMatchObject({ code: 'FORBIDDEN', reason: 'grid.otherDistrict' });
      expect(await refusal(other.grids.validate({ districtCode: f.district, base: {}, changes }))).toMatchObject({ code: 'FORBIDDEN' });
      expect(await refusal(other.grids.editArea({ districtCode: f.district }))).toMatchObject({ code: 'FORBIDDEN' });
      expect(await refusal(other.grids.split({ id: f.ids.nw, version: 1, line: [[X0 - D, Y0 + 3 * D], [X0 + 3 * D, Y0 + 3 * D]] }))).toMatchObject({ code: 'FORBIDDEN' });
    }));

  it('export then import gives the same cells; an import 0.3 m off is snapped onto the community edge and reported', () =>
    asCoordinator(async (api, f) => {
      const fc = await api.grids.exportDistrict({ districtCode: f.district });
      const mine = fc.features.filter((x) => x.properties.villageCode === f.village);
      expect(mine.map((x) => x.properties.code).sort()).toEqual(Object.values(f.codes).sort());
      const off = 0.3 / K;
      const shifted: CellGeometry = poly(sq(X0 - off, Y0 + 2 * D, X0 + 2 * D, Y0 + 4 * D));
      const r = await api.grids.importPreview({ districtCode: f.district, toleranceM: 1, features: [{ code: f.codes.nw, geometry: shifted }] });
      expect(r.changes).toHaveLength(1);
      expect(r.changes[0]).toMatchObject({ op: 'update', id: f.ids.nw });
      expect(r.snapped).toEqual([{ ref: `id:${f.ids.nw}`, vertices: expect.any(Number) }]);
      expect(r.problems).toEqual([]);
    }));

  it('bad input is refused with a reason: an open ring, too many vertices, an unknown cell, a cell twice', () =>
    asCoordinator(async (api, f) => {
      const open = { op: 'update' as const, id: f.ids.nw, version: 1, geometry: { type: 'Polygon' as const, coordinates: [QUADS.nw.slice(0, 4)] } };
      expect(await refusal(api.grids.validate({ districtCode: f.district, base: {}, changes: [open] }))).toMatchObject({ code: 'BAD_REQUEST', reason: 'input.ringOpen' });
      const many: Position[] = Array.from({ length: 4001 }, (_, i) => [X0 + (i % 2) * D, Y0 + i * 1e-7] as Position);
      many.push(many[0]);
      expect(await refusal(api.grids.validate({ districtCode: f.district, base: {}, changes: [update(f, 'nw', many)] }))).toMatchObject({ code: 'BAD_REQUEST' });
      expect(await refusal(api.grids.validate({ districtCode: f.district, base: {}, changes: [{ op: 'retire', id: 2_000_000_000, version: 1 }] }))).toMatchObject({ code: 'NOT_FOUND' });
      expect(await refusal(api.grids.validate({ districtCode: f.district, base: {}, changes: [{ op: 'retire', id: f.ids.nw, version: 1 }, update(f, 'nw', QUADS.nw)] }))).toMatchObject({ reason: 'grid.changeTwice' });
      expect(await refusal(api.grids.validate({ districtCode: f.district, base: {}, changes: [{ op: 'update', id: f.ids.nw, version: 7, geometry: poly(QUADS.nw) }] }))).toMatchObject({ code: 'CONFLICT', reason: 'grid.changedMeanwhile' });
    }));
});

describe('two coordinators at once (concurrent transactions on the server engine; one after the other on the embedded one)', () => {
  const databases = migratedDatabases('citygrid_grid_publish');
  afterAll(() => databases.dispose());

  it('two drafts filling the same gap, published at the same moment: one lands, the other is a CONFLICT, and the community holds one cell', async () => {
    const eng = await databases.next();
    const db = eng.db;
    const area = JSON.stringify({ type: 'MultiPolygon', coordinates: [[sq(X0, Y0, X0 + 4 * D, Y0 + 4 * D)]] });
    const square = sql`ST_SetSRID(ST_GeomFromGeoJSON(${area}), 4326)`;
    await db.execute(sql`insert into districts (code, name, name_en, population, population_source, geom) values ('350602', '芗城区', 'Xiangcheng', 1, 'test', ${square})`);
    await db.execute(sql`insert into townships (code, district_code, name, kind, population, geom) values ('350602001', '350602', '甲街道', 'street', 1, ${square})`);
    await db.execute(sql`insert into villages (code, township_code, district_code, name, kind, population, geom, area, lng, lat)
                         values ('350602001001', '350602001', '350602', '甲社区', 'community', 1, ST_Centroid(${square}), ${square}, ${X0}, ${Y0})`);
    const policy = await loadSessionPolicy(db);
    const coordinator = async (name: string) => {
      const [u] = await rows<{ id: number }>(db, sql`insert into users (username, display_name, role_code, district_codes) values (${name}, ${name}, 'district_coordinator', '{350602}') returning id`);
      const { token } = await createSession(db, u.id, {}, new Date(), policy);
      return createCallerFactory(appRouter)({ engine: eng, actor: (await actorFromSession(db, token, new Date(), policy, { refuseDemo: false }))! });
    };
    const [a, b] = [await coordinator('coord-a'), await coordinator('coord-b')];
    // each fills the whole (empty) community with one cell of its own
    const draft = (key: string) => ({ districtCode: '350602', base: { '350602001001': 0 }, changes: [{ op: 'add' as const, key, villageCode: '350602001001', geometry: poly(sq(X0, Y0, X0 + 4 * D, Y0 + 4 * D)) }], note: key });
    expect((await a.grids.validate(draft('a'))).problems).toEqual([]);
    const results = await Promise.all([refusal(a.grids.publish(draft('a'))), refusal(b.grids.publish(draft('b')))]);
    expect(results.map((r) => r.code).sort()).toEqual(['CONFLICT', 'OK']);
    expect(results.find((r) => r.code === 'CONFLICT')!.reason).toBe('grid.stale');
    const [n] = await rows<{ n: number; revision: number }>(db, sql`select (select count(*)::int from unit_grids where valid_to is null) as n, grid_revision as revision from villages`);
    expect(n).toEqual({ n: 1, revision: 1 });
  });
});
