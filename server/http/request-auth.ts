// Who sent an HTTP request, for tRPC and the binary feeds alike: the session cookie (HttpOnly,
// SameSite=Strict), or a wall-screen display token (header `x-display-token`, or `?display=`
// on the feeds); plus the CSRF verdict for state-changing requests.
// CSRF: a request that is not GET/HEAD must come from our own origin (Origin and
// Sec-Fetch-Site, when the browser sends them) and, when it carries a session cookie, must
// repeat that session's CSRF token in `x-csrf-token` (the client gets it from auth.me).
import type { Context as HonoContext } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Db } from '../../db/engine.ts';
import { actorFromDisplayToken, actorFromSession, type Actor } from '../auth/actor.ts';
import { csrfTokenFor } from '../auth/secrets.ts';
import { requestSessionPolicy } from '../auth/sessions.ts';
import { DEVICE_COOKIE, readCookie, SESSION_COOKIE } from '../auth/cookies.ts';

export const CSRF_HEADER = 'x-csrf-token';
export const DISPLAY_HEADER = 'x-display-token';
/** An API key (server/http/write-route.ts: only the routes that take keys read it; never a cookie, so no CSRF). */
export const API_KEY_HEADER = 'x-api-key';

export interface RequestAuth {
  actor: Actor | null;
  sessionToken?: string;
  /** The device cookie, if the browser sent one (checked against the user name at sign-in). */
  deviceToken?: string;
  ip?: string;
  userAgent?: string;
  sameOrigin: boolean;
  csrfOk: boolean;
  /** A display token came with the request and is unknown or revoked (and no session stood in): told apart from nobody signed in. */
  displayTokenRejected: boolean;
}

function sameOrigin(req: Request): boolean {
  const site = req.headers.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return false;
  const origin = req.headers.get('origin');
  if (!origin) return true; // not a browser's cross-origin request (curl, tests, same-origin GET)
  try {
    return new URL(origin).host === (req.headers.get('host') ?? new URL(req.url).host);
  } catch {
    return false;
  }
}

export interface AuthOptions {
  production: boolean;
  /** Read the client address from X-Forwarded-For (set only behind a proxy that always sets it). */
  trustProxy?: boolean;
}

/** The client's address: the socket's, or X-Forwarded-For's first behind a trusted proxy; none for in-process requests. */
export function clientAddress(c: HonoContext, opts: AuthOptions): string | undefined {
  let ip: string | undefined;
  try {
    ip = getConnInfo(c).remote.address;
  } catch {
    ip = undefined; // in-process requests (tests) have no socket
  }
  if (opts.trustProxy) ip = c.req.raw.headers.get('x-forwarded-for')?.split(',')[0].trim() || ip;
  return ip;
}

export async function authenticate(c: HonoContext, db: Db, now: Date, opts: AuthOptions): Promise<RequestAuth> {
  const req = c.req.raw;
  const sessionToken = readCookie(req.headers.get('cookie'), SESSION_COOKIE);
  const deviceToken = readCookie(req.headers.get('cookie'), DEVICE_COOKIE);
  let displayToken = req.headers.get(DISPLAY_HEADER) ?? undefined;
  try {
    displayToken ??= c.req.query('display') ?? undefined;
  } catch {
    displayToken = undefined; // a badly encoded query string: no token
  }
  const ip = clientAddress(c, opts);
  const actor =
    (sessionToken ? await actorFromSession(db, sessionToken, now, await requestSessionPolicy(db), { refuseDemo: opts.production }) : null) ??
    (displayToken ? await actorFromDisplayToken(db, displayToken) : null);
  const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(req.method);
  const origin = sameOrigin(req);
  const csrfOk = !unsafe || (origin && (!sessionToken || req.headers.get(CSRF_HEADER) === csrfTokenFor(sessionToken)));
  return { actor, sessionToken, deviceToken, ip, userAgent: req.headers.get('user-agent') ?? undefined, sameOrigin: !unsafe || origin, csrfOk, displayTokenRejected: !actor && !!displayToken };
}
