// Signing in and out. Login is the one public change: it is throttled per user name and per
// address (limits in app_meta auth.*), refuses demo accounts in production mode, and answers
// "wrong user name or password" without saying which. Every outcome is audited.
import { TRPCError } from '@trpc/server';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { rows } from '../../db/engine.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../../data/demo-accounts.ts';
import { router, publicProcedure, mutation, nowOf, type Context } from '../trpc.ts';
import { writeAudit } from '../audit/audit-queries.ts';
import { createSession, loginThrottle, recordLoginAttempt, revokeSession } from './sessions.ts';
import { hashPassword, needsRehash, passwordProblem, PASSWORD_RULES, verifyPassword } from './password.ts';
import { actorFromSession, csrfTokenFor, hashSecret, type Actor } from './actor.ts';
import { describeActor } from './accounts-queries.ts';
import { clearedSessionCookie, sessionCookie, sessionPolicy } from '../http/request-auth.ts';

// verified against when the user name is unknown, so both cases take as long
let dummyHash: Promise<string> | undefined;

const credentials = z.object({
  username: z.string().trim().min(1, 'Enter a user name').max(100, 'A user name has at most 100 characters'),
  password: z.string().min(1, 'Enter the password').max(PASSWORD_RULES.maxLength, `A password has at most ${PASSWORD_RULES.maxLength} characters`),
});

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
      writeAudit(db, { actor: { name: input.username, roleCode, userId }, action: 'auth.login', ip, note: { targetKind: 'user', targetId: userId, detail: { outcome } }, now });
    if (ctx.http && !ctx.http.sameOrigin) {
      await audit('denied');
      throw new TRPCError({ code: 'FORBIDDEN', message: 'Sign-in must come from the CityGrid page itself.' });
    }
    const policy = await sessionPolicy(db);
    const lock = await loginThrottle(db, input.username, ip, now, policy);
    if (lock.locked) {
      await audit('throttled');
      throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: `Too many failed sign-ins. Try again in ${Math.ceil(lock.retryAfterSeconds / 60)} minute(s).` });
    }
    const [u] = await rows<{ id: number; password_hash: string | null; demo: boolean; disabled_at: unknown; role_code: string }>(
      db,
      sql`select id, password_hash, demo, disabled_at, role_code from users where username = ${input.username}`,
    );
    const ok = await verifyPassword(input.password, u?.password_hash ?? (await (dummyHash ??= hashPassword('not a password of anyone'))));
    const usable = ok && u && !u.disabled_at && !(ctx.production && u.demo);
    await recordLoginAttempt(db, input.username, ip, !!usable, now);
    if (!usable) {
      await audit(ok && u?.disabled_at ? 'disabled' : ok && u?.demo ? 'demo refused' : 'failed', u?.id, u?.role_code);
      if (ok && u?.disabled_at) throw new TRPCError({ code: 'FORBIDDEN', message: 'This account is disabled. Ask an administrator.' });
      if (ok && u?.demo) throw new TRPCError({ code: 'FORBIDDEN', message: 'Demo accounts are switched off in production mode.' });
      throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Wrong user name or password.' });
    }
    if (u.password_hash && needsRehash(u.password_hash)) {
      await db.execute(sql`update users set password_hash = ${await hashPassword(input.password)} where id = ${u.id}`);
    }
    const { token, expiresAt } = await createSession(db, u.id, { ip, userAgent: ctx.http?.userAgent }, now, policy);
    ctx.http?.resHeaders.append('set-cookie', sessionCookie(token, expiresAt, ctx.http.secureCookies));
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

  /** Changes the own password (required after a one-time password); other sessions end. */
  changePassword: mutation(null)
    .input(z.object({ currentPassword: z.string().min(1, 'Enter the current password').max(PASSWORD_RULES.maxLength), newPassword: z.string().max(PASSWORD_RULES.maxLength) }))
    .mutation(async ({ ctx, input }) => {
      const [u] = await rows<{ password_hash: string | null; username: string }>(ctx.db, sql`select password_hash, username from users where id = ${ctx.actor.id}`);
      if (!(await verifyPassword(input.currentPassword, u?.password_hash))) throw new TRPCError({ code: 'BAD_REQUEST', message: 'The current password is wrong.' });
      const problem = passwordProblem(input.newPassword, [u.username]) ?? (input.newPassword === input.currentPassword ? 'The new password must differ from the current one.' : null);
      if (problem) throw new TRPCError({ code: 'BAD_REQUEST', message: problem });
      await ctx.db.execute(sql`update users set password_hash = ${await hashPassword(input.newPassword)}, must_change_password = false, version = version + 1 where id = ${ctx.actor.id}`);
      // every other session of this user ends; this one stays
      await ctx.db.execute(sql`update sessions set revoked_at = ${nowOf(ctx).toISOString()}::timestamptz
                              where user_id = ${ctx.actor.id} and revoked_at is null and token_hash <> ${ctx.http?.sessionToken ? hashSecret(ctx.http.sessionToken) : ''}`);
      ctx.audit.targetKind = 'user';
      ctx.audit.targetId = ctx.actor.id;
      return { ok: true as const };
    }),
});
