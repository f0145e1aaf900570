// tRPC setup: the context (database, clock, who is asking), the procedure builders that check
// permissions (role_permissions, data) in one place, the audit of every mutation, and the one
// error formatter that turns zod failures into field messages a user can act on.
// Every procedure is built from `signedIn`, `allowed(action)` or `mutation(action)`; only
// auth.login and auth.me are public. Scope (districts, department) is applied in each query's
// SQL through `ctx.actor.scope` (server/auth/actor.ts).
import { initTRPC, TRPCError } from '@trpc/server';
import { z, ZodError } from 'zod';
import type { Db, Engine } from '../db/engine.ts';
import { INTERNAL_MESSAGE, PublicError } from './query-error.ts';
import type { Actor } from './auth/actor.ts';
import { auditActor, writeAudit, type AuditNote } from './audit/audit-queries.ts';

/** What the HTTP layer knows about the request (absent for in-process callers). */
export interface HttpFacts {
  ip?: string;
  userAgent?: string;
  /** The session cookie's token, if any (for logout). */
  sessionToken?: string;
  /** Whether a state-changing request came from our own origin (login checks this). */
  sameOrigin: boolean;
  /** Whether a state-changing request came from our origin with the session's CSRF token (or needs none). */
  csrfOk: boolean;
  /** Response headers: login and logout set the cookie here. */
  resHeaders: Headers;
  /** Set the Secure flag on cookies (production mode or HTTPS). */
  secureCookies: boolean;
}

export interface Context {
  engine: Engine;
  /** The clock for time-dependent answers (case traffic lights, sessions); defaults to the real one. */
  now?: () => Date;
  actor: Actor | null;
  /** production mode: demo accounts are refused. */
  production?: boolean;
  http?: HttpFacts;
}

export interface Meta {
  /** The action (permissions.code) the procedure needs; null for procedures any signed-in actor may call. */
  permission?: string | null;
  /** How the procedure's scope is checked (documentation for the matrix test). */
  scoped?: 'district' | 'case';
  /** Callable without signing in (only auth.login and auth.me). */
  public?: boolean;
}

const t = initTRPC.context<Context>().meta<Meta>().create({
  errorFormatter({ shape, error }) {
    const zod = error.cause instanceof ZodError ? z.flattenError(error.cause) : null;
    // unexpected failures (a raw driver error carries its SQL) never reach the client as they are
    const hidden = error.code === 'INTERNAL_SERVER_ERROR' && !(error instanceof PublicError);
    return {
      ...shape,
      message: zod ? describeZod(error.cause as ZodError) : hidden ? INTERNAL_MESSAGE : shape.message,
      data: { ...shape.data, stack: undefined, fieldErrors: zod?.fieldErrors ?? null, formErrors: zod?.formErrors ?? null },
    };
  },
});

function describeZod(err: ZodError): string {
  return `Invalid input: ${err.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ')}`;
}

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const nowOf = (ctx: Context) => ctx.now?.() ?? new Date();

/** Anyone, signed in or not: only auth.login and auth.me. */
export const publicProcedure = t.procedure.meta({ permission: null, public: true });

/** What nobody-signed-in and a missing permission are told, over tRPC and the binary feeds alike. */
export const SIGN_IN_FIRST = 'Sign in first (or open the wall screen with its display token: ?display=… or the x-display-token header).';
export const lacksPermission = (roleCode: string, action: string) => `Your role (${roleCode}) does not have the permission '${action}'. Ask an administrator if you need it.`;

const requireActor = t.middleware(({ ctx, next, path }) => {
  if (!ctx.actor) throw new TRPCError({ code: 'UNAUTHORIZED', message: SIGN_IN_FIRST });
  if (ctx.actor.mustChangePassword && !['auth.changePassword', 'auth.logout', 'auth.me'].includes(path)) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'This account still uses a one-time password: change it first.' });
  }
  return next({ ctx: { ...ctx, actor: ctx.actor } });
});

/** Any signed-in user or display token. */
export const signedIn = t.procedure.meta({ permission: null }).use(requireActor);

const forbidden = (actor: Actor, action: string) => new TRPCError({ code: 'FORBIDDEN', message: lacksPermission(actor.roleCode, action) });

/** A read that needs `action`. */
export const allowed = (action: string) =>
  t.procedure.meta({ permission: action }).use(requireActor).use(({ ctx, next }) => {
    if (!ctx.actor.actions.has(action)) throw forbidden(ctx.actor, action);
    return next();
  });

/**
 * A change. Checks, in order: signed in, a person (display tokens are read-only), the CSRF
 * token of the session, the permission (`null`: any signed-in person). The procedure runs in a
 * transaction on `ctx.db`, and its audit row is written in the same transaction, so no change
 * is ever committed without its record. Refusals are audited too (outcome 'denied').
 */
export const mutation = (action: string | null, meta: Omit<Meta, 'permission'> = {}) =>
  t.procedure
    .meta({ permission: action, ...meta })
    .use(requireActor)
    .use(async ({ ctx, path, getRawInput, next }) => {
      const actor = ctx.actor;
      const input = await getRawInput().catch(() => undefined);
      // a refusal is recorded outside any transaction (nothing else is written); failing to record it never hides the refusal
      const auditDenied = (err: TRPCError) =>
        writeAudit(ctx.engine.db, { actor: auditActor(actor), action: path, ip: ctx.http?.ip, note: { detail: { outcome: 'denied', reason: err.message, input } }, now: nowOf(ctx) }).catch(() => {});
      const refuse = async (err: TRPCError): Promise<never> => {
        await auditDenied(err);
        throw err;
      };
      if (actor.kind === 'display') return refuse(new TRPCError({ code: 'FORBIDDEN', message: 'A wall-screen display token is read-only.' }));
      if (ctx.http && !ctx.http.csrfOk) return refuse(new TRPCError({ code: 'FORBIDDEN', message: 'Missing or wrong CSRF token: reload the page and try again.' }));
      if (action && !actor.actions.has(action)) return refuse(forbidden(actor, action));
      const note: AuditNote = {};
      const run = (db: Db) => next({ ctx: { db, audit: note } });
      let result: Awaited<ReturnType<typeof run>> | undefined;
      try {
        await ctx.engine.db.transaction(async (tx) => {
          result = await run(tx as unknown as Db);
          if (!result.ok) throw result.error; // roll back
          await writeAudit(tx as unknown as Db, { actor: auditActor(actor), action: path, ip: ctx.http?.ip, note: { ...note, detail: { ...note.detail, input } }, now: nowOf(ctx) });
        });
      } catch (err) {
        if (result && !result.ok && err === result.error) {
          // refused inside the procedure (out of scope): rolled back, then recorded as denied
          if (result.error.code === 'FORBIDDEN') await auditDenied(result.error);
          return result;
        }
        throw err;
      }
      return result!;
    });
