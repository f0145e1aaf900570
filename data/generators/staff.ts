// The people who patrol the responsibility grids (docs/decisions/0016-patrol-staff.md): the 97
// field inspectors (监督员) of the published figures, spread over the 45 grids by their size
// (at least one each), and one grid worker (网格员) per grid. Synthetic names: illustrative.
// They are accounts without a password (an administrator gives one a one-time password to let
// that person in) and marked demo, so production mode refuses them.
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { apportion, createRandom } from './random.ts';
import { insertChecked } from './insert-checked.ts';
import { personName } from './names.ts';
import { GRID_TARGETS } from './grids.ts';
import { refreshPatrolLabels } from '../../db/patrol-labels.ts';

/** A staff account's user name: its role's word, the grid's code, its place in the team. */
export const staffUsername = (role: 'inspector' | 'gridworker', gridCode: string, k: number) => `${role}-${gridCode.toLowerCase()}-${k}`;

export async function seedPatrolStaff(db: Db, seed: number): Promise<void> {
  const rnd = createRandom(seed).fork('staff');
  const grids = await rows<{ id: number; code: string; district_code: string; cells: number }>(
    db,
    sql`select r.id, r.code, r.district_code::text as district_code, (select count(*)::int from unit_grids g where g.responsibility_grid_id = r.id) as cells
        from responsibility_grids r order by r.code`,
  );
  const teams = apportion(GRID_TARGETS.inspectors, grids.map((g) => g.cells), 1);
  const people: { username: string; name: string; role: string; district: string; grid: number }[] = [];
  grids.forEach((g, i) => {
    for (let k = 1; k <= teams[i]; k++) people.push({ username: staffUsername('inspector', g.code, k), name: personName(rnd), role: 'inspector', district: g.district_code, grid: g.id });
    people.push({ username: staffUsername('gridworker', g.code, 1), name: personName(rnd), role: 'grid_worker', district: g.district_code, grid: g.id });
  });
  const col = <K extends keyof (typeof people)[number]>(k: K) => sql.param(people.map((p) => p[k]));
  await insertChecked(db, people.length, sql`
    insert into users (username, display_name, role_code, district_codes, demo)
    select p.username, p.name, p.role, array[p.district]::char(6)[], true
    from unnest(${col('username')}::text[], ${col('name')}::text[], ${col('role')}::text[], ${col('district')}::text[]) as p(username, name, role, district)`, 'patrol staff');
  await db.execute(sql`
    insert into responsibility_grid_staff (responsibility_grid_id, user_id)
    select p.grid, u.id from unnest(${col('username')}::text[], ${col('grid')}::int[]) as p(username, grid) join users u on u.username = p.username`);
  await refreshPatrolLabels(db);
}
