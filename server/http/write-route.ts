// One pipeline for writes outside tRPC (docs/decisions/0020-one-write-pipeline.md): the photo
// upload now, GeoReport v2 service requests and file imports next. Every such route goes through
// the same steps, in this order, and a route only says what is its own:
//   1. who: a session (cookie), a wall screen's display token (read-only: refused), or — on the
//      routes that take them — an API key (header x-api-key, server/auth/actor.ts actorFromApiKey);
//   2. a one-time password still in use is refused; the CSRF token when a cookie authenticated
//      (an API key is a header a browser never sends by itself: no CSRF);
//   3. an API key's requests per minute (rate-limit.ts, 429 with Retry-After);
//   4. the right: any one of the route's `rights`;
//   5. whether the expensive-work queue would take the actor's job now (a flood is refused before
//      anything else is read), the route's own checks before a byte of the body is read (`admit`:
//      the declared type, settings, a daily budget), the declared Content-Length against the
//      route's body limit;
//   6. the body, counted while it streams and cut off past the limit;
//   7. the expensive step (`prepare`: decoding, parsing) outside any transaction, through the
//      bounded queue with a share per actor (work-queue.ts) when the route says `expensive`;
//   8. the write and its audit row in one transaction (`write`), then the after-commit work, in
//      order, never after a rollback (a failing one is logged and changes nothing in the answer).
// A refusal after step 1 is audited (outcome 'denied', its reason; one counted row when it
// repeats), as the actor it was: a person, or an API key (audit_log.actor_kind 'apiKey'). Every
// refusal is answered by the route's transport mapping (`errors`: the feeds' JSON of
// http-error.ts, GeoReport's list of georeport-error.ts), with Retry-After when it says when to
// come back, and with `Connection: close` when the body was not read to its end: a client that
// keeps the connection alive would otherwise send its next request into a connection the
// server is about to cut (@hono/node-server closes it ~500 ms after a refused body).
import type { Context, Hono, Next } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { withStatementTag, type Db, type Engine } from '../../db/engine.ts';
import { actorFromApiKey, type Actor } from '../auth/actor.ts';
import { auditActor, writeAudit, type AuditNote } from '../audit/audit-queries.ts';
import { PublicError, refuse } from '../query-error.ts';
import { displayTokenInvalid, lacksPermission, signInFirst } from '../trpc.ts';
import { afterCommitHooks, type AfterCommit } from '../after-commit.ts';
import { API_KEY_HEADER, authenticate, clientAddress, type AuthOptions, type RequestAuth } from './request-auth.ts';
import { httpError } from './http-error.ts';
import { actorKey, expensiveWork, type WorkQueue } from './work-queue.ts';
import { apiKeyLimiter, type RateLimiter } from './rate-limit.ts';

/** How a transport answers a refusal or failure (`where` names the route in the server log). */
export type ErrorMapper = (c: Context, err: unknown, where: string) => Response;

/** The plain-HTTP routes' JSON `{ error, reason, params }` (http-error.ts). */
export const jsonErrors: ErrorMapper = (c, err, where) => httpError(c, err, where);

/** Who sent a request, as the pipeline knows it. */
export interface Caller {
  actor: Actor;
  ip?: string;
}

export interface Identified {
  actor: Actor | null;
  ip?: string;
  /** Whether a cookie authenticated and the request failed its CSRF check. */
  csrfFailed: boolean;
  /** What nobody-known is told (an unknown display token or API key is told so). */
  unknown: PublicError;
}

/**
 * Who sent the request: with `apiKeys`, a request carrying x-api-key is that key's (cookies and
 * display tokens are not looked at); otherwise the session or the display token (request-auth.ts).
 */
export async function identify(c: Context, db: Db, now: Date, auth: AuthOptions, opts: { apiKeys: boolean }): Promise<Identified> {
  const key = c.req.header(API_KEY_HEADER);
  if (key !== undefined && opts.apiKeys) {
    const actor = await actorFromApiKey(db, key);
    return { actor, ip: clientAddress(c, auth), csrfFailed: false, unknown: refuse('UNAUTHORIZED', 'auth.apiKeyInvalid') };
  }
  const a: RequestAuth = await authenticate(c, db, now, auth);
  // a key sent to a route that takes none: refused as such, not as nobody signed in
  const unknown = key !== undefined ? refuse('FORBIDDEN', 'auth.apiKeyNotHere') : a.displayTokenRejected ? displayTokenInvalid() : signInFirst();
  return { actor: a.actor, ip: a.ip, csrfFailed: !a.csrfOk, unknown };
}

/** Everything a step of a route gets: the request, who, when, and what the earlier steps found. */
export interface WriteCall<A> extends Caller {
  c: Context;
  now: Date;
  admitted: A;
}

export interface WriteTx<A, P> extends WriteCall<A> {
  /** The transaction: the write and its audit row commit together. */
  db: Db;
  prepared: P;
  /** What the audit row says about the target (targetKind, targetId, detail). */
  audit: AuditNote;
  afterCommit: AfterCommit;
}

export interface WriteRoute<A, P, R> {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  /** The audit action (and the log's and statements' tag), e.g. 'photos.upload'. */
  action: string;
  /** Whether API keys may call it (persons always may; display tokens never: they are read-only). */
  apiKeys: boolean;
  /** Any one of these lets the actor in. */
  rights: readonly string[];
  /** The transport's answer to refusals and failures. */
  errors: ErrorMapper;
  /** Headers on every answer of the route, refusals included (e.g. Cache-Control). */
  headers?: Record<string, string>;
  /** The route's checks before the body is read (throw a refusal); what they found goes to the later steps. */
  admit: (call: WriteCall<undefined>) => Promise<A>;
  /** The largest body, bytes, and what a body over it is told. */
  bodyLimit: (admitted: A) => number;
  tooLarge: (maxBytes: number) => PublicError;
  /** Whether `prepare` is expensive (decoding, parsing): then it waits its turn in the bounded queue. */
  expensive: boolean;
  /** The work outside any transaction, on the body read to its end. */
  prepare: (call: WriteCall<A>, body: Uint8Array) => Promise<P>;
  /** The write, inside the transaction that also writes its audit row. */
  write: (tx: WriteTx<A, P>) => Promise<R>;
  /** The answer to a write that committed. */
  respond: (c: Context, result: R) => Response;
}

export interface WriteRouteOptions {
  now: () => Date;
  auth: AuthOptions;
  /** The expensive-work queue (default: the process's). */
  queue?: WorkQueue;
  /** API keys' requests per minute (default: the process's). */
  limiter?: RateLimiter;
}

export { actorKey };

interface Admitted<A> extends Caller {
  admitted: A;
  limit: number;
  bodyRead: boolean;
}

/** Registers a write route on the app (before the catch-all 404 of /api/*). */
export function mountWrite<A, P, R>(app: Hono, engine: Engine, route: WriteRoute<A, P, R>, opts: WriteRouteOptions): void {
  const queue = opts.queue ?? expensiveWork;
  const limiter = opts.limiter ?? apiKeyLimiter;
  const where = route.action;
  /** What the first step found out, for the next ones (the context object is the request's). */
  const requests = new WeakMap<Context, Admitted<A>>();

  const answer = (c: Context, err: unknown, bodyRead: boolean) => {
    const res = route.errors(c, err, where);
    for (const [k, v] of Object.entries(route.headers ?? {})) res.headers.set(k, v);
    const retry = err instanceof PublicError ? Number(err.params.retryAfterSeconds) : NaN;
    if (Number.isFinite(retry) && retry > 0) res.headers.set('Retry-After', String(Math.ceil(retry)));
    if (!bodyRead) res.headers.set('Connection', 'close');
    return res;
  };
  /** A refusal by someone known is audited (outcome 'denied', its reason); failing to record it never hides the refusal. */
  const refused = async (c: Context, err: unknown, who: Caller, bodyRead: boolean) => {
    const reason = err instanceof PublicError ? (err.reason ?? err.code) : 'internal';
    const params = err instanceof PublicError && Object.keys(err.params).length ? { params: err.params } : {};
    await writeAudit(engine.db, {
      actor: auditActor(who.actor),
      action: route.action,
      ip: who.ip,
      note: { detail: { outcome: 'denied', reason, ...params } },
      now: opts.now(),
      coalesce: true,
    }).catch(() => {});
    return answer(c, err, bodyRead);
  };

  // 1–5: who, their right, the route's checks and the declared length, before anything reads the body
  const admit = async (c: Context, next: Next) => {
    const now = opts.now();
    let who: Identified;
    try {
      who = await withStatementTag({ priority: 'interactive', who: `${where}:auth` }, () => identify(c, engine.db, now, opts.auth, { apiKeys: route.apiKeys }));
    } catch (err) {
      console.error(`[${where}] ${(err as Error).message.split('\n')[0]}`);
      return answer(c, refuse('SERVICE_UNAVAILABLE', 'auth.unavailable'), false);
    }
    const { actor, ip } = who;
    if (!actor) return answer(c, who.unknown, false);
    const caller: Caller = { actor, ip };
    const deny = (err: unknown) => refused(c, err, caller, false);
    if (actor.kind === 'display') return deny(refuse('FORBIDDEN', 'auth.displayReadOnly'));
    if (actor.mustChangePassword) return deny(refuse('FORBIDDEN', 'auth.oneTimePassword'));
    if (actor.kind === 'user' && who.csrfFailed) return deny(refuse('FORBIDDEN', 'auth.csrf'));
    if (actor.kind === 'apiKey') {
      try {
        limiter.take(actorKey(actor), actor.ratePerMinute ?? 60, now.getTime());
      } catch (err) {
        return deny(err);
      }
    }
    if (!route.rights.some((r) => actor.actions.has(r))) return deny(lacksPermission(actor.roleCode, route.rights[0]));
    // an actor over its share of the expensive work is refused before anything else is read (a flood
    // costs little); an admitted request holds its place until it ends, its body's reading included
    let release = () => {};
    if (route.expensive) {
      const place = queue.reserve(actorKey(actor));
      if (place instanceof PublicError) return deny(place);
      release = place;
    }
    try {
      let admitted: A;
      try {
        admitted = await withStatementTag({ priority: 'interactive', who: `${actor.roleCode}@${where}:admit` }, () => route.admit({ c, actor, ip, now, admitted: undefined }));
      } catch (err) {
        return deny(err);
      }
      const limit = route.bodyLimit(admitted);
      const declared = Number(c.req.header('content-length'));
      if (Number.isFinite(declared) && declared > limit) return deny(route.tooLarge(limit));
      requests.set(c, { actor, ip, admitted, limit, bodyRead: false });
      await next();
    } finally {
      release();
    }
  };

  // 6. the body, counted while it streams: past the limit it is cut off
  const limitBody = (c: Context, next: Next) => {
    const r = requests.get(c)!;
    return bodyLimit({ maxSize: r.limit, onError: (c) => refused(c, route.tooLarge(r.limit), r, false) })(c, next);
  };

  // 7–8: the expensive step (queued), then the write with its audit row in one transaction, then the after-commit work
  const run = async (c: Context) => {
    const r = requests.get(c)!;
    const { actor, ip, admitted } = r;
    try {
      const body = new Uint8Array(await c.req.arrayBuffer());
      r.bodyRead = true;
      const call: WriteCall<A> = { c, actor, ip, now: opts.now(), admitted };
      const prepared = route.expensive ? await queue.run(actorKey(actor), () => route.prepare(call, body)) : await route.prepare(call, body);
      const now = opts.now();
      const note: AuditNote = {};
      const { afterCommit, committed, rolledBack } = afterCommitHooks(where);
      let result: R;
      try {
        result = await withStatementTag({ priority: 'heavy', who: `${actor.roleCode}@${where}` }, () =>
          engine.db.transaction(async (t) => {
            const tx = t as unknown as Db;
            const out = await route.write({ c, actor, ip, now, admitted, prepared, db: tx, audit: note, afterCommit });
            await writeAudit(tx, { actor: auditActor(actor), action: route.action, ip, note: { ...note, detail: { outcome: 'ok', ...note.detail } }, now });
            return out;
          }),
        );
      } catch (err) {
        rolledBack();
        throw err;
      }
      await committed();
      const res = route.respond(c, result);
      for (const [k, v] of Object.entries(route.headers ?? {})) res.headers.set(k, v);
      return res;
    } catch (err) {
      return refused(c, err, r, r.bodyRead);
    }
  };

  app.on(route.method, route.path, admit, limitBody, run);
}
