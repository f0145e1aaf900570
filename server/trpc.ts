// tRPC setup: the context (database, clock, who is asking), the procedure builders that check
// permissions (role_permissions, data) in one place, the audit of every mutation, and the one
// error formatter that turns zod failures into field messages a user can act on.
// Every procedure is built from `signedIn`, `allowed(action)` or `mutation(action)`; only
// auth.login and auth.me are public. Scope (districts, department) is applied in each query's
// SQL through `ctx.actor.scope` (server/auth/actor.ts).
import { afterCommitHooks } from './after-commit.ts';
import { initTRPC, TRPCError } from '@trpc/server';
import { z, ZodError } from 'zod';
import type { Db, Engine } from '../db/engine.ts';
import { INTERNAL_MESSAGE, PublicError, refuse } from './query-error.ts';
import { describeIssues, isReason, messageOf, type InputIssue, type MessageParams } from '../domain/messages.ts';
import type { Actor } from './auth/actor.ts';
import { auditActor, writeAudit, type AuditNote } from './audit/audit-queries.ts';

/** What the HTTP layer knows about the request (absent for in-process callers). */
export interface HttpFacts {
  ip?: string;
  userAgent?: string;
  /** The session cookie's token, if any (for logout). */
  sessionToken?: string;
  /** The device cookie's token, if any (sign-in: a known device is not locked out by others' guessing). */
  deviceToken?: string;
  /** Whether a state-changing request came from our own origin (login checks this). */
  sameOrigin: boolean;
  /** Whether a state-changing request came from our origin with the session's CSRF token (or needs none). */
  csrfOk: boolean;
  /** Response headers: login and logout set the cookie here. */
  resHeaders: Headers;
  /** Set the Secure flag on cookies (production mode or HTTPS). */
  secureCookies: boolean;
  /** The request carried a display token that is unknown or revoked (a wall screen is told so, not to sign in). */
  displayTokenRejected?: boolean;
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
  // live streams (server/live/live-router.ts): a ping every 2 s, and the browser reconnects after
  // 5 s without a byte, so a dropped stream shows as reconnecting within seconds
  sse: { ping: { enabled: true, intervalMs: 2000 }, client: { reconnectAfterInactivityMs: 5000 } },
  errorFormatter({ shape, error }) {
    const zod = error.cause instanceof ZodError ? error.cause : null;
    // unexpected failures (a raw driver error carries its SQL) never reach the client as they are
    const hidden = error.code === 'INTERNAL_SERVER_ERROR' && !(error instanceof PublicError);
    const issues = zod ? zodIssues(zod) : null;
    const flat = zod ? z.flattenError(zod) : null;
    // every refusal names a reason: its own, the input's, or its kind's (with the server's text as detail)
    const own = error instanceof PublicError && error.reason ? error.reason : null;
    const kind = error.cause instanceof SyntaxError ? 'refused.PARSE_ERROR' : isReason(`refused.${error.code}`) ? `refused.${error.code}` : 'refused.other';
    const reason = issues ? 'input.invalid' : own ?? (hidden || error.code === 'INTERNAL_SERVER_ERROR' ? 'internal' : kind);
    const params = issues ? { details: describeIssues(issues) } : own ? (error as PublicError).params : hidden ? {} : { detail: shape.message.slice(0, 300) };
    return {
      ...shape,
      message: issues ? messageOf('input.invalid', params)! : hidden ? INTERNAL_MESSAGE : shape.message,
      data: { ...shape.data, stack: undefined, reason, params, issues, fieldErrors: flat?.fieldErrors ?? null, formErrors: flat?.formErrors ?? null },
    };
  },
});

/** Zod's issues as translatable ones: our primitives name their reason; zod's own codes carry zod's parameters. */
export function zodIssues(err: ZodError): InputIssue[] {
  return err.issues.slice(0, 20).map((i) => {
    const path = i.path.map(String).join('.');
    const own = (i as { params?: Record<string, unknown> }).params;
    if (i.code === 'custom' && typeof own?.reason === 'string') {
      const { reason, ...params } = own as MessageParams & { reason: string };
      return { path, reason, params };
    }
    const raw = i as unknown as Record<string, unknown>;
    const params: MessageParams = {};
    for (const k of ['expected', 'minimum', 'maximum', 'format', 'divisor', 'origin'] as const) if (raw[k] !== undefined) params[k] = String(raw[k]);
    if (Array.isArray(raw.keys)) params.keys = (raw.keys as unknown[]).slice(0, 10).map(String).join(', ');
    if (Array.isArray(raw.values)) params.values = (raw.values as unknown[]).slice(0, 10).map(String).join(', ');
    // a message written in a router (e.g. 'Enter a user name') is kept as the English text
    return { path, reason: `zod.${i.code}`, params: { ...params, message: i.message } };
  });
}

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const nowOf = (ctx: Context) => ctx.now?.() ?? new Date();

/** Anyone, signed in or not: only auth.login and auth.me. */
export const publicProcedure = t.procedure.meta({ permission: null, public: true });

/** What nobody-signed-in and a missing permission are told, over tRPC and the binary feeds alike. */
export const signInFirst = () => refuse('UNAUTHORIZED', 'auth.signInFirst');
/** What a request with an unknown or revoked display token (and no session) is told. */
export const displayTokenInvalid = () => refuse('UNAUTHORIZED', 'auth.displayTokenInvalid');
export const lacksPermission = (roleCode: string, action: string) => refuse('FORBIDDEN', 'auth.lacksPermission', { role: roleCode, action });

const requireActor = t.middleware(({ ctx, next, path }) => {
  if (!ctx.actor) throw ctx.http?.displayTokenRejected ? displayTokenInvalid() : signInFirst();
  if (ctx.actor.mustChangePassword && !['auth.changePassword', 'auth.logout', 'auth.me'].includes(path)) {
    throw refuse('FORBIDDEN', 'auth.oneTimePassword');
  }
  return next({ ctx: { ...ctx, actor: ctx.actor } });
});

/** Any signed-in user or display token. */
export const signedIn = t.procedure.meta({ permission: null }).use(requireActor);

const forbidden = (actor: Actor, action: string) => lacksPermission(actor.roleCode, action);

/** A read that needs `action`. */
export const allowed = (action: string) =>
  t.procedure.meta({ permission: action }).use(requireActor).use(({ ctx, next }) => {
    if (!ctx.actor.actions.has(action)) throw forbidden(ctx.actor, action);
    return next();
  });

export interface MutationOptions extends Omit<Meta, 'permission'> {
  /**
   * Work done after the checks but before the transaction opens (a password hash: on the
   * embedded engine an open transaction holds the one connection, so it must never wait for
   * scrypt). Its result is `ctx.prepared`; it audits its own refusals.
   */
  prepare?: (ctx: Context & { actor: Actor }, rawInput: unknown) => Promise<unknown>;
}

/**
 * A change. Checks, in order: signed in, a person (display tokens are read-only), the CSRF
 * token of the session, the permission (`null`: any signed-in person). The procedure runs in a
 * transaction on `ctx.db`, and its audit row is written in the same transaction, so no change
 * is ever committed without its record. Refusals are audited too (outcome 'denied'), as one
 * counted row when they repeat, with a bounded summary of the input (audit-queries.ts).
 * `ctx.afterCommit(fn)` queues work for after the commit (a notification to other processes,
 * a cache to drop): run in order before the answer is returned, never when the transaction
 * rolls back; a failing one is logged and changes nothing in the answer.
 */
export const mutation = (action: string | null, { prepare, ...meta }: MutationOptions = {}) =>
  t.procedure
    .meta({ permission: action, ...meta })
    .use(requireActor)
    .use(async ({ ctx, path, getRawInput, next }) => {
      const actor = ctx.actor;
      const input = await getRawInput().catch(() => undefined);
      // a refusal is recorded outside any transaction (nothing else is written); failing to record it never hides the refusal
      const auditDenied = (err: TRPCError) =>
        writeAudit(ctx.engine.db, {
          actor: auditActor(actor),
          action: path,
          ip: ctx.http?.ip,
          note: { detail: { outcome: 'denied', reason: err instanceof PublicError && err.reason ? err.reason : err.code, ...(err instanceof PublicError && Object.keys(err.params).length ? { params: err.params } : {}), message: err.message, input } },
          now: nowOf(ctx),
          coalesce: true,
        }).catch(() => {});
      const deny = async (err: TRPCError): Promise<never> => {
        await auditDenied(err);
        throw err;
      };
      if (actor.kind === 'display') return deny(refuse('FORBIDDEN', 'auth.displayReadOnly'));
      if (ctx.http && !ctx.http.csrfOk) return deny(refuse('FORBIDDEN', 'auth.csrf'));
      if (action && !actor.actions.has(action)) return deny(forbidden(actor, action));
      const prepared = prepare ? await prepare(ctx, input) : undefined;
      const note: AuditNote = {};
      const { afterCommit, committed, rolledBack } = afterCommitHooks(path);
      const run = (db: Db) => next({ ctx: { db, audit: note, prepared, afterCommit } });
      let result: Awaited<ReturnType<typeof run>> | undefined;
      try {
        await ctx.engine.db.transaction(async (tx) => {
          result = await run(tx as unknown as Db);
          if (!result.ok) throw result.error; // roll back
          await writeAudit(tx as unknown as Db, { actor: auditActor(actor), action: path, ip: ctx.http?.ip, note: { ...note, detail: { ...note.detail, input } }, now: nowOf(ctx) });
        });
      } catch (err) {
        rolledBack();
        if (result && !result.ok && err === result.error) {
          // refused inside the procedure (out of scope, or not found — which is how an out-of-scope case answers): rolled back, then recorded as denied
          if (result.error.code === 'FORBIDDEN' || result.error.code === 'NOT_FOUND') await auditDenied(result.error);
          return result;
        }
        throw err;
      }
      await committed();
      return result!;
    });
