// Signing in and out. Login is the one public change: it is throttled per user name and per
// address (limits: the settings auth.*, server/settings/settings.ts), refuses demo accounts in production mode, and answers
// "wrong user name or password" without saying which. Every outcome is audited.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { rows } from '../../db/engine.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './demo-accounts.ts';
import { router, publicProcedure, mutation, nowOf, type Context } from '../trpc.ts';
import { auditActor, writeAudit } from '../audit/audit-queries.ts';
import { refuse } from '../query-error.ts';
import { secret, text } from '../inputs.ts';
import { admitLoginAttempt, createSession, issueDevice, knownDevice, recordLoginAttempt, revokeSession, sessionPolicy, type AttemptKey, type SessionPolicy } from './sessions.ts';
import { hashPassword, needsRehash, passwordProblem, PASSWORD_RULES, tryHashSlot, verifyPassword } from './password.ts';
import { actorFromSession, type Actor } from './actor.ts';
import { csrfTokenFor, hashSecret } from './secrets.ts';
import { describeActor } from './accounts-queries.ts';
import { clearedSessionCookie, deviceCookie, sessionCookie } from './cookies.ts';

// verified against when the user name is unknown, so both cases take as long
let dummyHash: Promise<string> | undefined;

const credentials = z.object({
  username: text('username', 100, { min: 1 }),
  password: secret('password', PASSWORD_RULES.maxLength).pipe(z.string().min(1, 'Enter the password')),
});

const passwordChange = z.object({
  currentPassword: secret('currentPassword', PASSWORD_RULES.maxLength).pipe(z.string().min(1, 'Enter the current password')),
  newPassword: secret('newPassword', PASSWORD_RULES.maxLength),
});

/** How long a client should wait when every hashing slot is taken. */
const BUSY_RETRY_SECONDS = 1;

/**
 * Checks a password the throttled way, for sign-in and password changes alike: a hashing slot
 * first (none free → 429 with Retry-After, nothing hashed), then the atomic throttle check that
 * records the attempt (locked → 429), then scrypt — outside any transaction.
 */
async function guardedVerify(ctx: Context, key: AttemptKey, now: Date, password: string, stored: string | null | undefined, policy: SessionPolicy, onRefused: (outcome: string) => Promise<void>): Promise<boolean> {
  const release = tryHashSlot(policy.maxConcurrentHashes);
  if (!release) {
    await onRefused('busy');
    ctx.http?.resHeaders.set('retry-after', String(BUSY_RETRY_SECONDS));
    throw refuse('TOO_MANY_REQUESTS', 'request.busy', { retryAfterSeconds: BUSY_RETRY_SECONDS });
  }
  try {
    // the same instant as the success recorded after it, so that success resets this attempt
    const lock = await admitLoginAttempt(ctx.engine.db, key, now, policy);
    if (lock.locked) {
      await onRefused('throttled');
      ctx.http?.resHeaders.set('retry-after', String(lock.retryAfterSeconds));
      throw refuse('TOO_MANY_REQUESTS', 'auth.throttled', { minutes: Math.ceil(lock.retryAfterSeconds / 60) });
    }
    return await verifyPassword(password, stored ?? (await (dummyHash ??= hashPassword('not a password of anyone'))));
  } finally {
    release();
  }
}

async function me(ctx: Context, actor: Actor | null, sessionToken?: string) {
  const production = !!ctx.production;
  return {
    actor: actor ? await describeActor(ctx.engine.db, actor) : null,
    csrfToken: actor?.kind === 'user' && sessionToken ? csrfTokenFor(sessionToken) : null,
    mode: production ? ('production' as const) : ('demo' as const),
    /** Demo mode only: the documented demo accounts, for the sign-in screen. */
    demoAccounts: production ? [] : DEMO_ACCOUNTS.map((a) => ({ username: a.username, displayName: a.displayName, roleCode: a.roleCode, password: DEMO_PASSWORD })),
  };
}

export const authRouter = router({
  /** Who is signed in (or which display token), their permissions and scope, and the CSRF token. */
  me: publicProcedure.query(({ ctx }) => me(ctx, ctx.actor, ctx.http?.sessionToken)),

  login: publicProcedure.input(credentials).mutation(async ({ ctx, input }) => {
    const db = ctx.engine.db;
    const now = nowOf(ctx);
    const ip = ctx.http?.ip;
    const audit = (outcome: string, userId?: number, roleCode?: string | null) =>
      writeAudit(db, { actor: { name: input.username, roleCode, userId }, action: 'auth.login', ip, note: { targetKind: 'user', targetId: userId, detail: { outcome } }, now, coalesce: outcome !== 'ok' });
    if (ctx.http && !ctx.http.sameOrigin) {
      await audit('denied');
      throw refuse('FORBIDDEN', 'auth.crossOrigin');
    }
    const policy = await sessionPolicy(db);
    const [u] = await rows<{ id: number; password_hash: string | null; demo: boolean; disabled_at: unknown; role_code: string }>(
      db,
      sql`select id, password_hash, demo, disabled_at, role_code from users where username = ${input.username}`,
    );
    const deviceHash = await knownDevice(db, ctx.http?.deviceToken, input.username, now);
    const ok = await guardedVerify(ctx, { username: input.username, ip, deviceHash }, now, input.password, u?.password_hash, policy, (outcome) => audit(outcome, u?.id, u?.role_code));
    const usable = ok && u && !u.disabled_at && !(ctx.production && u.demo);
    if (!usable) {
      await audit(ok && u?.disabled_at ? 'disabled' : ok && u?.demo ? 'demo refused' : 'failed', u?.id, u?.role_code);
      // demo passwords are public: saying that demo accounts are off reveals nothing
      if (ok && u?.demo && !u.disabled_at) throw refuse('FORBIDDEN', 'auth.demoOff');
      // a disabled account gets the same answer as a wrong password: it must not confirm the password
      throw refuse('UNAUTHORIZED', 'auth.wrongCredentials');
    }
    await recordLoginAttempt(db, input.username, ip, true, now, deviceHash);
    if (u.password_hash && needsRehash(u.password_hash)) {
      await db.execute(sql`update users set password_hash = ${await hashPassword(input.password)} where id = ${u.id}`);
    }
    const { token, expiresAt } = await createSession(db, u.id, { ip, userAgent: ctx.http?.userAgent }, now, policy);
    ctx.http?.resHeaders.append('set-cookie', sessionCookie(token, expiresAt, ctx.http.secureCookies));
    const device = await issueDevice(db, deviceHash ? (ctx.http?.deviceToken ?? null) : null, input.username, now, policy);
    ctx.http?.resHeaders.append('set-cookie', deviceCookie(device.token, device.expiresAt, ctx.http.secureCookies));
    await audit('ok', u.id, u.role_code);
    return me(ctx, await actorFromSession(db, token, now, policy, { refuseDemo: !!ctx.production }), token);
  }),

  /** Ends this session (the cookie is cleared too). */
  logout: mutation(null).mutation(async ({ ctx }) => {
    await revokeSession(ctx.db, ctx.http?.sessionToken, nowOf(ctx));
    ctx.http?.resHeaders.append('set-cookie', clearedSessionCookie(ctx.http.secureCookies));
    ctx.audit.targetKind = 'user';
    ctx.audit.targetId = ctx.actor.id;
    return { ok: true as const };
  }),

  /**
   * Changes the own password (required after a one-time password); other sessions end. The
   * current password is checked like a sign-in (throttled by user name, address and device,
   * counted, audited) and both hashes are computed before the transaction opens.
   */
  changePassword: mutation(null, {
    prepare: async (ctx, raw) => {
      const parsed = passwordChange.safeParse(raw);
      if (!parsed.success) return null; // the procedure's own validation answers
      const input = parsed.data;
      const db = ctx.engine.db;
      const now = nowOf(ctx);
      const ip = ctx.http?.ip;
      const [u] = await rows<{ password_hash: string | null; username: string }>(db, sql`select password_hash, username from users where id = ${ctx.actor.id}`);
      const audit = (outcome: string) =>
        writeAudit(db, { actor: auditActor(ctx.actor), action: 'auth.changePassword', ip, note: { targetKind: 'user', targetId: ctx.actor.id, detail: { outcome } }, now, coalesce: true });
      const deviceHash = await knownDevice(db, ctx.http?.deviceToken, ctx.actor.name, now);
      const policy = await sessionPolicy(db);
      const ok = await guardedVerify(ctx, { username: ctx.actor.name, ip, deviceHash }, now, input.currentPassword, u?.password_hash, policy, audit);
      if (!ok) {
        await audit('failed');
        throw refuse('BAD_REQUEST', 'auth.wrongCurrentPassword');
      }
      await recordLoginAttempt(db, ctx.actor.name, ip, true, now, deviceHash);
      const problem = passwordProblem(input.newPassword, [u.username]) ?? (input.newPassword === input.currentPassword ? { reason: 'password.sameAsCurrent' as const, params: {} } : null);
      if (problem) throw refuse('BAD_REQUEST', problem.reason, problem.params);
      const release = tryHashSlot(policy.maxConcurrentHashes);
      if (!release) throw refuse('TOO_MANY_REQUESTS', 'request.busy', { retryAfterSeconds: BUSY_RETRY_SECONDS });
      try {
        return { newHash: await hashPassword(input.newPassword) };
      } finally {
        release();
      }
    },
  })
    .input(passwordChange)
    .mutation(async ({ ctx }) => {
      const { newHash } = ctx.prepared as { newHash: string };
      await ctx.db.execute(sql`update users set password_hash = ${newHash}, must_change_password = false, version = version + 1 where id = ${ctx.actor.id}`);
      // every other session of this user ends; this one stays
      await ctx.db.execute(sql`update sessions set revoked_at = ${nowOf(ctx).toISOString()}::timestamptz
                              where user_id = ${ctx.actor.id} and revoked_at is null and token_hash <> ${ctx.http?.sessionToken ? hashSecret(ctx.http.sessionToken) : ''}`);
      ctx.audit.targetKind = 'user';
      ctx.audit.targetId = ctx.actor.id;
      return { ok: true as const };
    }),
});
