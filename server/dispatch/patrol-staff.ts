// The people who patrol (docs/decisions/0016-patrol-staff.md): inspectors (监督员) and grid
// workers (网格员) are accounts bound to responsibility grids (responsibility_grid_staff). A
// case's site visits — verifying a public report, checking a handled case — are tasks of its
// patrol grid's people: the engine assigns each to one of them, and refuses the visit to patrol
// staff of other grids. People bound to no grid (a supervisor, a district-wide inspector) may
// stand in; a shift lead gives a task to someone else with the 'assign' action.
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { queryFailed, refuse } from '../query-error.ts';
import { caseScopeSql, type Scope } from '../auth/actor.ts';

export interface Person {
  id: number;
  displayName: string;
}

/** The right a site visit needs: verifying (status 'verifying') or checking ('handled'). */
export const taskPermission = (status: string) => (status === 'handled' ? 'case.check' : 'case.verify');

/**
 * Whom a case's site visit goes to: one of its unit grid's patrol grid's people who holds the
 * visit's right, of the role the grid is patrolled by (responsibility_grids.assignee_role) first,
 * then the one with the fewest open visits, then the lowest id (deterministic). Null when the case
 * lies outside the patrol grids or nobody there may do it: the task is then anyone's in scope.
 */
export async function taskAssignee(db: Db, unitGridId: number | null, permission: string): Promise<Person | null> {
  if (unitGridId === null) return null;
  const [p] = await rows<Person>(
    db,
    sql`select u.id, u.display_name as "displayName"
        from unit_grids g
        join responsibility_grids r on r.id = g.responsibility_grid_id
        join responsibility_grid_staff s on s.responsibility_grid_id = r.id
        join users u on u.id = s.user_id and u.disabled_at is null
        where g.id = ${unitGridId}
          and exists (select 1 from role_permissions rp where rp.role_code = u.role_code and rp.permission = ${permission})
        order by (u.role_code = r.assignee_role) desc, (select count(*) from cases c where c.assignee_user_id = u.id), u.id
        limit 1`,
  );
  return p ?? null;
}

/**
 * Refuses a site visit by patrol staff of another grid: the case's task is `assigneeId`'s, and
 * the actor patrols grids, none of them this case's. Its assignee, a colleague on the same grid,
 * and people bound to no grid pass.
 */
export async function checkTaskActor(db: Db, actorId: number, c: { id: number; assignee_user_id: number | null; unit_grid_id: number | null }): Promise<void> {
  if (c.assignee_user_id === null || c.assignee_user_id === actorId) return;
  const [b] = await rows<{ bound: boolean; here: boolean; assignee: string | null }>(
    db,
    sql`select exists (select 1 from responsibility_grid_staff where user_id = ${actorId}) as bound,
               exists (select 1 from responsibility_grid_staff s join unit_grids g on g.responsibility_grid_id = s.responsibility_grid_id
                       where s.user_id = ${actorId} and g.id = ${c.unit_grid_id}) as here,
               (select display_name from users where id = ${c.assignee_user_id}) as assignee`,
  );
  if (b.bound && !b.here) throw refuse('FORBIDDEN', 'workflow.notYourTask', { id: c.id, assignee: b.assignee ?? String(c.assignee_user_id) });
}

/**
 * Whether the person `u` (with their role `r`) may do site visits in a district: an active
 * account whose role holds `permission` and whose scope covers `districtCode`. One rule for a
 * visit given to someone (fitAssignee) and for the people bound to a grid (grids.setPatrolStaff).
 */
export const fitForVisitsSql = (permission: string, districtCode: string | null) =>
  sql`(u.disabled_at is null
       and exists (select 1 from role_permissions rp where rp.role_code = u.role_code and rp.permission = ${permission})
       and (r.scope = 'city' or (r.scope = 'district' and (cardinality(u.district_codes) = 0 or ${districtCode}::char(6) = any (u.district_codes)))))`;

/** The person a shift lead gives a visit to: fit for the visit's right in the case's district. */
export async function fitAssignee(db: Db, userId: number, permission: string, districtCode: string | null): Promise<Person> {
  const [u] = await rows<Person & { fit: boolean }>(
    db,
    sql`select u.id, u.display_name as "displayName", ${fitForVisitsSql(permission, districtCode)} as fit
        from users u join roles r on r.code = u.role_code where u.id = ${userId}`,
  );
  if (!u) throw refuse('BAD_REQUEST', 'notFound', { what: 'user', id: userId });
  if (!u.fit) throw refuse('BAD_REQUEST', 'workflow.assigneeUnfit', { name: u.displayName, permission });
  return { id: u.id, displayName: u.displayName };
}

/**
 * The open site visits of a person: those assigned to them, then the others of the grids they
 * patrol (a colleague's, which they may do too), most urgent first (at most `limit`). `mine`
 * tells the two apart.
 */
export async function tasksOf(db: Db, scope: Scope, userId: number, limit: number) {
  try {
    return await rows<{ id: number; code: string; status: string; stage: string | null; stageDueAt: string | null; categoryCode: string; address: string; gridCode: string | null; lng: number; lat: number; mine: boolean }>(
    db,
    sql`select c.id::int as id, c.code, c.status, c.stage, to_char(c.stage_due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "stageDueAt",
               c.category_code as "categoryCode", c.address, c.grid_code::text as "gridCode", ST_X(c.geom) as lng, ST_Y(c.geom) as lat,
               coalesce(c.assignee_user_id = ${userId}, false) as mine
        from cases c where c.status in ('verifying', 'handled') and ${caseScopeSql(scope)}
          and (c.assignee_user_id = ${userId}
               or c.unit_grid_id in (select g.id from responsibility_grid_staff s join unit_grids g on g.responsibility_grid_id = s.responsibility_grid_id where s.user_id = ${userId}))
        order by coalesce(c.assignee_user_id = ${userId}, false) desc, c.stage_due_at nulls last, c.id limit ${limit}`,
    );
  } catch (err) {
    throw queryFailed('the task list', err);
  }
}

/** At most this many people offered for one site visit. */
export const VISIT_STAFF_MAX = 50;

/**
 * Who may be given a case's site visit (the shift lead's `assign`): the people fit for the
 * visit's right in the case's district (fitForVisitsSql), those who patrol the case's grid first,
 * then by their open visits (the least busy first). The case must be in the asker's scope.
 */
export async function visitStaff(db: Db, scope: Scope, caseId: number) {
  try {
    const [c] = await rows<{ status: string; district_code: string | null; unit_grid_id: number | null }>(
      db,
      sql`select c.status, c.district_code::text as district_code, c.unit_grid_id from cases c where c.id = ${caseId} and ${caseScopeSql(scope)}`,
    );
    if (!c) throw refuse('NOT_FOUND', 'notFound', { what: 'case', id: caseId });
    return await rows<{ id: number; displayName: string; roleCode: string; onGrid: boolean; openVisits: number }>(
      db,
      sql`select u.id, u.display_name as "displayName", u.role_code as "roleCode",
                 exists (select 1 from responsibility_grid_staff s join unit_grids g on g.responsibility_grid_id = s.responsibility_grid_id
                         where s.user_id = u.id and g.id = ${c.unit_grid_id}) as "onGrid",
                 (select count(*)::int from cases x where x.assignee_user_id = u.id and x.status in ('verifying', 'handled')) as "openVisits"
          from users u join roles r on r.code = u.role_code
          where ${fitForVisitsSql(taskPermission(c.status), c.district_code)}
          order by 4 desc, 5, u.id limit ${VISIT_STAFF_MAX}`,
    );
  } catch (err) {
    throw queryFailed('the people for a site visit', err);
  }
}
