// `npm run accounts:reset-password -- <user name>` (default: admin): a new one-time password for
// a real (non-demo) account, printed once, for when no other administrator can reset it. While
// a CityGrid server holds the embedded data folder it goes through that server (db/cli.ts,
// docs/decisions/0011); otherwise it opens the database itself. Audited either way, with how.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { rows, type Db } from '../../db/engine.ts';
import { isMain, runCommand, type CliCommand } from '../../db/cli.ts';
import { ConfigError } from '../../db/config-error.ts';
import { resetPassword } from '../admin/admin-queries.ts';
import { writeAudit } from '../audit/audit-queries.ts';
import { refuse } from '../query-error.ts';
import { text } from '../inputs.ts';
import { FIRST_ADMIN } from './first-run.ts';

const input = z.object({ username: text('user name', 40, { min: 1 }) }).strict();

/** The body of the command, for the command line and the server's local route alike. */
export async function resetPasswordByName(db: Db, username: string, ctx: { via: string; now: Date; ip?: string }): Promise<string[]> {
  const [u] = await rows<{ id: number }>(db, sql`select id from users where username = ${username} and not demo`);
  if (!u) throw refuse('NOT_FOUND', 'admin.noAccountToReset', { username });
  const { oneTimePassword } = await resetPassword(db, u.id, ctx.now);
  await writeAudit(db, { actor: { name: 'system' }, action: 'system.resetPassword', ip: ctx.ip, note: { targetKind: 'user', targetId: u.id, detail: { via: ctx.via } }, now: ctx.now });
  return [`One-time password for '${username}' (shown only now; change it at sign-in):`, '', `    ${oneTimePassword}`, ''];
}

export const resetPasswordCommand: CliCommand<z.infer<typeof input>> = {
  name: 'accounts:reset-password',
  what: 'Password reset (nothing was changed)',
  args(argv) {
    if (argv.length > 1) throw new ConfigError(`it takes one user name (default ${FIRST_ADMIN}), not ${argv.length} arguments.`);
    return { username: argv[0] ?? FIRST_ADMIN };
  },
  input,
  run: (db, { username }, ctx) => resetPasswordByName(db, username, ctx),
};

if (isMain(import.meta.url)) await runCommand(resetPasswordCommand);
