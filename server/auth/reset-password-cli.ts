// `npm run accounts:reset-password -- <user name>` (default: admin): a new one-time password for
// a real (non-demo) account, printed once, for when no other administrator can reset it. Run
// it with the server stopped (the embedded engine has one owner); it is audited.
import { sql } from 'drizzle-orm';
import { rows } from '../../db/engine.ts';
import { runWithEngine } from '../../db/cli.ts';
import { ConfigError } from '../../db/config-error.ts';
import { resetPassword } from '../admin/admin-queries.ts';
import { writeAudit } from '../audit/audit-queries.ts';
import { FIRST_ADMIN } from './first-run.ts';

const username = process.argv[2] ?? FIRST_ADMIN;

await runWithEngine('Password reset (nothing was changed)', async (engine) => {
  const [u] = await rows<{ id: number }>(engine.db, sql`select id from users where username = ${username} and not demo`);
  if (!u) throw new ConfigError(`No account '${username}' (demo accounts keep their documented password).`);
  const { oneTimePassword } = await resetPassword(engine.db, u.id, new Date());
  await writeAudit(engine.db, { actor: { name: 'system' }, action: 'system.resetPassword', note: { targetKind: 'user', targetId: u.id, detail: { via: 'command line' } }, now: new Date() });
  console.log(`One-time password for '${username}' (shown only now; change it at sign-in):\n\n    ${oneTimePassword}\n`);
});
