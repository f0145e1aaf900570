// Accounts that must exist before anyone can sign in: the first administrator (always) and,
// in demo mode, one demo account per role (demo-accounts.ts). Both are idempotent.
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { ConfigError } from '../../db/config-error.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './demo-accounts.ts';
import { hashPassword, passwordProblem } from './password.ts';
import { writeAudit } from '../audit/audit-queries.ts';
import { messageOf } from '../../domain/messages.ts';
import { refreshPatrolLabels } from '../../db/patrol-labels.ts';

export const FIRST_ADMIN = 'admin';
const SYSTEM = { name: 'system' };

/**
 * Creates the administrator 'admin' when no real (non-demo) administrator exists. The
 * password comes from CITYGRID_ADMIN_PASSWORD, or is a random one-time password returned
 * once (the caller prints it) that must be changed at the first sign-in.
 */
export async function ensureFirstAdmin(db: Db, opts: { password?: string; now?: Date }): Promise<{ created: false } | { created: true; oneTimePassword: string | null }> {
  const [existing] = await rows<{ n: number }>(db, sql`select count(*)::int as n from users where role_code = 'admin' and not demo`);
  if (existing.n > 0) return { created: false };
  if (opts.password) {
    const problem = passwordProblem(opts.password, [FIRST_ADMIN]);
    if (problem) throw new ConfigError(`CITYGRID_ADMIN_PASSWORD is not acceptable: ${messageOf(problem.reason, problem.params)}`);
  }
  const password = opts.password ?? randomBytes(12).toString('base64url');
  const hash = await hashPassword(password);
  const inserted = await rows<{ id: number }>(
    db,
    sql`insert into users (username, display_name, role_code, password_hash, must_change_password)
        values (${FIRST_ADMIN}, '系统管理员', 'admin', ${hash}, ${!opts.password})
        on conflict (username) do nothing returning id`,
  );
  if (!inserted.length) {
    throw new ConfigError(`A user named '${FIRST_ADMIN}' exists but is not an administrator; create an administrator with CITYGRID_ADMIN_PASSWORD after renaming it.`);
  }
  await writeAudit(db, { actor: SYSTEM, action: 'system.firstAdmin', note: { targetKind: 'user', targetId: inserted[0].id, detail: { from: opts.password ? 'environment' : 'one-time password' } }, now: opts.now ?? new Date() });
  return { created: true, oneTimePassword: opts.password ? null : password };
}

/** Creates the missing demo accounts (one per role); returns how many were created. */
export async function ensureDemoAccounts(db: Db, now = new Date()): Promise<number> {
  const have = new Set((await rows<{ username: string }>(db, sql`select username from users`)).map((r) => r.username));
  const missing = DEMO_ACCOUNTS.filter((a) => !have.has(a.username));
  if (!missing.length) return 0;
  const hash = await hashPassword(DEMO_PASSWORD); // one hash (its own salt) shared by the demo accounts
  for (const a of missing) {
    await db.execute(
      sql`insert into users (username, display_name, role_code, department_id, district_codes, password_hash, demo)
          values (${a.username}, ${a.displayName}, ${a.roleCode}, (select id from departments where code = ${a.department ?? null}),
                  ${`{${(a.districts ?? []).join(',')}}`}::char(6)[], ${hash}, true)
          on conflict (username) do nothing`,
    );
  }
  // a patrolling demo account joins the patrol grids of its district's first street (a seeded city has them)
  for (const a of missing.filter((x) => x.patrols)) {
    const bound = await rows<{ id: number }>(
      db,
      sql`insert into responsibility_grid_staff (responsibility_grid_id, user_id)
          select r.id, u.id from responsibility_grids r, users u
          where u.username = ${a.username} and r.district_code = any (u.district_codes)
            and left(r.code, 9) = (select min(left(code, 9)) from responsibility_grids where district_code = any (u.district_codes))
          on conflict do nothing returning responsibility_grid_id as id`,
    );
    if (bound.length) await refreshPatrolLabels(db, bound.map((b) => b.id));
  }
  await writeAudit(db, { actor: SYSTEM, action: 'system.demoAccounts', note: { detail: { created: missing.map((a) => a.username) } }, now });
  return missing.length;
}
