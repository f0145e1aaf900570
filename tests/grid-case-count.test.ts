// A case counts in the grid it was filed in, once — not in every grid whose polygon touches
// its point (a point on an edge shared by two grids lies in both, a shared corner in three).
// Known answers from data/fixtures (shared-edge.ts, geometry.ts); each case is written in a
// transaction that is rolled back.
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows, type Db, type Engine } from '../db/engine.ts';
import { unitGridById } from '../server/grids/grids-queries.ts';
import { CITY } from '../server/auth/actor.ts';
import { sharedEdgeFixture, type SharedEdge } from '../data/fixtures/shared-edge.ts';
import { gridEdgePoint, gridVertexPoint, pointSql, type GridEdgePoint, type GridVertexPoint, type LngLat } from '../data/fixtures/geometry.ts';
import { testEngine } from './support/test-db.ts';
import { inRolledBackTransaction } from './support/rolled-back.ts';

let engine: Engine;
let edge: SharedEdge;
let inEdge: GridEdgePoint;
let corner: GridVertexPoint;

beforeAll(async () => {
  engine = await testEngine();
  edge = await sharedEdgeFixture(engine.db);
  inEdge = await gridEdgePoint(engine.db);
  corner = await gridVertexPoint(engine.db);
}, 120_000);

/** The unit grids whose polygon covers `p` (boundary included), and those whose interior holds it. */
async function gridsAt(db: Db, p: LngLat) {
  const found = await rows<{ id: number; inside: boolean }>(db, sql`select id, ST_Contains(geom, ${pointSql(p)}) as inside from unit_grids where ST_Covers(geom, ${pointSql(p)}) order by id`);
  return { covering: found.map((g) => g.id), containing: found.filter((g) => g.inside).map((g) => g.id) };
}

/** Files a case at `p` in grid `gridId` and returns how the case totals of `grids` moved. */
async function countsMoved(tx: Db, p: LngLat, gridId: number, districtCode: string, grids: number[], code: string) {
  const totals = async () => Promise.all(grids.map(async (id) => (await unitGridById(tx, id, CITY)).cases.total));
  const before = await totals();
  await tx.execute(
    sql`insert into cases (code, source, channel, category_code, geom, orig_lng, orig_lat, orig_crs, status, reported_at, unit_grid_id, district_code)
        values (${code}, 'inspector', 'patrol', (select min(code) from case_categories), ${pointSql(p)}, ${p.lng}, ${p.lat}, 'WGS84', 'reported', now(), ${gridId}, ${districtCode})`,
  );
  return (await totals()).map((n, i) => n - before[i]);
}

describe('the case count of a unit grid', () => {
  it('the fixture point lies on both grids (a point-in-polygon count would count it twice)', async () => {
    const [r] = await rows<{ in_a: boolean; in_b: boolean }>(
      engine.db,
      sql`select ST_Intersects(a.geom, p) as in_a, ST_Intersects(b.geom, p) as in_b
          from unit_grids a, unit_grids b, ST_SetSRID(ST_MakePoint(${edge.lng}::float8, ${edge.lat}::float8), 4326) p where a.id = ${edge.a} and b.id = ${edge.b}`,
    );
    expect(r).toEqual({ in_a: true, in_b: true });
  });
  it('a case on the shared edge, filed in one grid, counts there once and not in its neighbour', async () => {
    await inRolledBackTransaction(engine, async (tx) => {
      const before = [(await unitGridById(tx, edge.a, CITY)).cases.total, (await unitGridById(tx, edge.b, CITY)).cases.total];
      await tx.execute(
        sql`insert into cases (code, source, channel, category_code, geom, orig_lng, orig_lat, orig_crs, status, reported_at, unit_grid_id, district_code)
            values ('EDGE-FIXTURE-1', 'inspector', 'patrol', (select min(code) from case_categories), ST_SetSRID(ST_MakePoint(${edge.lng}::float8, ${edge.lat}::float8), 4326),
                    ${edge.lng}, ${edge.lat}, 'WGS84', 'reported', now(), ${edge.a}, ${edge.districtCode})`,
      );
      const after = [(await unitGridById(tx, edge.a, CITY)).cases.total, (await unitGridById(tx, edge.b, CITY)).cases.total];
      expect(after).toEqual([before[0] + 1, before[1]]);
    });
    // rolled back: nothing of it is left
    expect(await rows(engine.db, sql`select 1 from cases where code = 'EDGE-FIXTURE-1'`)).toEqual([]);
  });
});

describe('a point inside an edge two grids share (the exact midpoint of a shared segment)', () => {
  it('lies on both boundaries and inside neither, and in no other grid', async () => {
    expect(await gridsAt(engine.db, inEdge.point)).toEqual({ covering: [inEdge.a, inEdge.b], containing: [] });
    // and it is not one of the segment's ends (a vertex)
    expect([inEdge.from, inEdge.to]).not.toContainEqual(inEdge.point);
  });
  it('a case there, filed in one of them, counts there once and not in the other', async () => {
    await inRolledBackTransaction(engine, async (tx) => {
      expect(await countsMoved(tx, inEdge.point, inEdge.a, inEdge.districtCode, [inEdge.a, inEdge.b], 'EDGE-FIXTURE-2')).toEqual([1, 0]);
    });
  });
});

describe('a corner three or more grids share', () => {
  it('lies on the boundary of each of them and inside none', async () => {
    expect(corner.grids.length).toBeGreaterThanOrEqual(3);
    expect(await gridsAt(engine.db, corner.point)).toEqual({ covering: corner.grids, containing: [] });
  });
  it('a case there, filed in one of them, counts there once and in none of the others', async () => {
    await inRolledBackTransaction(engine, async (tx) => {
      const filedIn = corner.grids[1];
      expect(await countsMoved(tx, corner.point, filedIn, corner.districtCode, corner.grids, 'VERTEX-FIXTURE-1')).toEqual(corner.grids.map((g) => (g === filedIn ? 1 : 0)));
    });
  });
});
