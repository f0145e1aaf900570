// A case counts in the grid it was filed in, once — not in every grid whose polygon touches
// its point (a point on an edge shared by two grids lies in both). Known answer from
// data/fixtures; the case is written in a transaction that is rolled back.
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows, type Engine } from '../db/engine.ts';
import { unitGridById } from '../server/grids/grids-queries.ts';
import { CITY } from '../server/auth/actor.ts';
import { sharedEdgeFixture, type SharedEdge } from '../data/fixtures/shared-edge.ts';
import { testEngine } from './support/test-db.ts';
import { inRolledBackTransaction } from './support/rolled-back.ts';

let engine: Engine;
let edge: SharedEdge;

beforeAll(async () => {
  engine = await testEngine();
  edge = await sharedEdgeFixture(engine.db);
}, 120_000);

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
