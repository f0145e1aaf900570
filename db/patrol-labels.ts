// A projection shared by the seed and the server: a responsibility grid's label from its staff.
import { sql } from 'drizzle-orm';
import type { Db } from './engine.ts';

/**
 * responsibility_grids.assignee_name, the grid's label: the names of the people of its patrol
 * role (assignee_role) bound to it, a projection of responsibility_grid_staff kept in step by
 * whatever changes the staff (the seed, the demo accounts, grids.setPatrolStaff); a grid nobody of
 * that role is bound to keeps its label. All grids, or `ids`.
 */
export async function refreshPatrolLabels(db: Db, ids?: number[]): Promise<void> {
  await db.execute(sql`
    update responsibility_grids r set assignee_name = coalesce(x.names, r0.assignee_name)
    from responsibility_grids r0
    left join (select s.responsibility_grid_id as id, string_agg(u.display_name, '、' order by u.id) as names
               from responsibility_grid_staff s join users u on u.id = s.user_id join responsibility_grids g on g.id = s.responsibility_grid_id
               where u.role_code = g.assignee_role and u.disabled_at is null group by 1) x on x.id = r0.id
    where r.id = r0.id and (${ids ? sql`r.id = any(${sql.param(ids)}::int[])` : sql`true`})`);
}
