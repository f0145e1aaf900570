// The same seed gives the same city: rebuild the geography of the test city in a fresh
// database and compare digests of every shape, code and population with the seeded one.
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../db/engine.ts';
import { seedPlaces } from '../data/generators/places.ts';
import { seedCatalogue } from '../data/generators/catalogue.ts';
import { seedGrids } from '../data/generators/grids.ts';
import { seedPatrolStaff } from '../data/generators/staff.ts';
import { DEFAULT_SEED } from '../data/seed.ts';
import { migratedEngine, testEngine } from './support/test-db.ts';


async function digest(db: Db) {
  const [d] = await rows<Record<string, string>>(
    db,
    sql`select
      (select md5(string_agg(code || population || ST_AsEWKB(geom)::text, ',' order by code)) from townships) as townships,
      (select md5(string_agg(code || population || ST_AsEWKB(geom)::text || ST_AsEWKB(area)::text, ',' order by code)) from villages) as villages,
      (select md5(string_agg(code || ST_AsEWKB(geom)::text, ',' order by code)) from unit_grids) as unit_grids,
      (select md5(string_agg(r.code || r.assignee_role || ST_AsEWKB(r.geom)::text, ',' order by r.code)) from responsibility_grids r) as responsibility_grids,
      -- the seeded patrol staff (the demo accounts that join some grids are not the seed's)
      (select md5(string_agg(r.code || u.username || u.display_name || u.role_code, ',' order by r.code, u.username))
       from responsibility_grid_staff s join users u on u.id = s.user_id join responsibility_grids r on r.id = s.responsibility_grid_id
       where u.username not like 'demo-%') as patrol_staff`,
  );
  return d;
}

describe('determinism', () => {
  let dispose: (() => Promise<void>) | undefined;
  afterAll(() => dispose?.());

  it('rebuilds identical townships, villages, grids and patrol staff from the same seed', async () => {
    const f = await migratedEngine('citygrid_determinism');
    dispose = f.dispose;
    const fresh = f.engine;
    await fresh.db.transaction(async (tx) => {
      await seedPlaces(tx as unknown as Db, DEFAULT_SEED);
      await seedCatalogue(tx as unknown as Db);
      await seedGrids(tx as unknown as Db, DEFAULT_SEED);
      await seedPatrolStaff(tx as unknown as Db, DEFAULT_SEED);
    });
    const again = await digest(fresh.db);
    const seeded = await digest((await testEngine()).db);
    expect(again).toEqual(seeded);
    expect(Object.values(again).every((v) => /^[0-9a-f]{32}$/.test(v))).toBe(true);
  });
});
