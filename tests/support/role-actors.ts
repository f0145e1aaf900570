// One test user per role in the roles table (district-bound ones in 芗城区 350602, department
// handlers in 市环境卫生服务中心), a display token for 350602, and nobody: the actors of the
// generated authorisation tests. Grants and scope come from the database, through real sessions.
import { sql } from 'drizzle-orm';
import { rows, type Engine } from '../../db/engine.ts';
import { actorFromDisplayToken, type Actor } from '../../server/auth/actor.ts';
import { hashPassword } from '../../server/auth/password.ts';
import { createToken } from '../../server/admin/admin-queries.ts';
import { actorOf } from './test-db.ts';

export const IN_DISTRICT = '350602';
export const OUT_DISTRICT = '350603';
export const HANDLER_DEPARTMENT = 'sanitation';
export const ROLE_PASSWORD = 'role-actor-pass-4711';
/** The roles for people (migration 0005), as the database must have them (checked below). */
export const ROLE_CODES = ['admin', 'command_viewer', 'department_handler', 'dispatcher', 'district_coordinator', 'grid_worker', 'health_planner', 'inspector', 'intake_operator', 'shift_lead'];
/** Every actor of the generated tests, by label: a test is named for its actor. */
export const ACTOR_LABELS = [...ROLE_CODES, 'display token', 'nobody'];

export interface RoleActor {
  label: string;
  scope: 'city' | 'district' | 'department' | null;
  actor: Actor | null;
  grants: ReadonlySet<string>;
}

export async function roleActors(engine: Engine, tag: string): Promise<RoleActor[]> {
  const db = engine.db;
  const hash = await hashPassword(ROLE_PASSWORD);
  const roles = await rows<{ code: string; scope: 'city' | 'district' | 'department' }>(db, sql`select code, scope from roles where assignable order by code`);
  if (roles.map((r) => r.code).join() !== ROLE_CODES.join()) {
    throw new Error(`the roles in the database (${roles.map((r) => r.code).join(', ')}) differ from ROLE_CODES: update tests/support/role-actors.ts`);
  }
  const out: RoleActor[] = [];
  for (const r of roles) {
    const username = `role-${r.code}-${tag}`;
    await db.execute(
      sql`insert into users (username, display_name, role_code, department_id, district_codes, password_hash)
          values (${username}, ${`Test ${r.code}`}, ${r.code}, (select id from departments where code = ${r.scope === 'department' ? HANDLER_DEPARTMENT : null}),
                  ${r.scope === 'district' ? `{${IN_DISTRICT}}` : '{}'}::char(6)[], ${hash})`,
    );
    const actor = await actorOf(username, engine);
    out.push({ label: r.code, scope: r.scope, actor, grants: actor.actions });
  }
  const token = await createToken(db, out[0].actor!, { name: `display-${tag}`, districtCodes: [IN_DISTRICT] });
  const display = (await actorFromDisplayToken(db, token.token))!;
  out.push({ label: 'display token', scope: 'district', actor: display, grants: display.actions });
  out.push({ label: 'nobody', scope: null, actor: null, grants: new Set() });
  return out;
}
