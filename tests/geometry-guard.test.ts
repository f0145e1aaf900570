// The geometry guard (db/geometry-guard.ts) on the engine under test: a write that computes
// geometry must write exactly the rows it should, or fail and roll back with its transaction.
// The embedded engine turns a GEOS exception into an empty result; here the empty result is
// made on purpose (an intersection of disjoint squares is empty, and the WHERE drops it), the
// same shape as the swallowed failure.
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows, type Engine } from '../db/engine.ts';
import { GeometryOperationFailed, writeChecked } from '../db/geometry-guard.ts';
import { testEngine } from './support/test-db.ts';
import { inRolledBackTransaction } from './support/rolled-back.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await testEngine();
}, 120_000);

const square = (x: number) => sql`ST_MakeEnvelope(${x}::float8, 24::float8, ${x + 0.01}::float8, 24.01::float8, 4326)`;

describe('writeChecked', () => {
  it('passes when the statement wrote exactly the expected rows', async () => {
    await inRolledBackTransaction(engine, async (tx) => {
      await tx.execute(sql`create temp table guard_cells (id int, geom geometry(Polygon, 4326)) on commit drop`);
      await writeChecked(tx, 1, sql`insert into guard_cells select 1, ST_Intersection(${square(117.6)}, ${square(117.605)})`, 'overlapping squares');
      const [r] = await rows<{ n: number; m2: number }>(tx, sql`select count(*)::int n, sum(ST_Area(geom::geography))::float8 m2 from guard_cells`);
      expect(r.n).toBe(1);
      expect(r.m2).toBeGreaterThan(0);
    });
  });
  it('refuses a write that lost rows (an empty geometry result), naming what and how many', async () => {
    await inRolledBackTransaction(engine, async (tx) => {
      await tx.execute(sql`create temp table guard_cells (id int, geom geometry(Polygon, 4326)) on commit drop`);
      const write = writeChecked(
        tx,
        2,
        sql`insert into guard_cells select k, g from (select k, ST_Intersection(${square(117.6)}, case when k = 1 then ${square(117.605)} else ${square(118)} end) g from generate_series(1, 2) k) s where not ST_IsEmpty(g)`,
        'split of a test grid',
      );
      await expect(write).rejects.toBeInstanceOf(GeometryOperationFailed);
      await expect(write).rejects.toThrow('split of a test grid: 1 of 2 rows were written (a geometry operation failed)');
    });
  });
  it('counts updates too', async () => {
    await inRolledBackTransaction(engine, async (tx) => {
      await tx.execute(sql`create temp table guard_cells (id int, geom geometry(Polygon, 4326)) on commit drop`);
      await tx.execute(sql`insert into guard_cells values (1, ${square(117.6)}), (2, ${square(117.7)})`);
      await writeChecked(tx, 2, sql`update guard_cells set geom = ST_Buffer(geom, 0)`, 'buffer');
      await expect(writeChecked(tx, 2, sql`update guard_cells set geom = geom where id = 1`, 'one of two')).rejects.toThrow('one of two: 1 of 2 rows');
    });
  });
});
