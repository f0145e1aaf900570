// Who sent an HTTP request, for tRPC and the binary feeds alike: the session cookie (HttpOnly,
// SameSite=Strict), or a wall-screen display token (header `x-display-token`, or `?display=`
// on the feeds); plus the CSRF verdict for state-changing requests.
// CSRF: a request that is not GET/HEAD must come from our own origin (Origin and
// Sec-Fetch-Site, when the browser sends them) and, when it carries a session cookie, must
// repeat that session's CSRF token in `x-csrf-token` (the client gets it from auth.me).
import type { Context as HonoContext } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Db } from '../../db/engine.ts';
import { actorFromDisplayToken, actorFromSession, csrfTokenFor, type Actor } from '../auth/actor.ts';
import { loadSessionPolicy, type SessionPolicy } from '../auth/sessions.ts';

export const SESSION_COOKIE = 'cg_session';
export const CSRF_HEADER = 'x-csrf-token';
export const DISPLAY_HEADER = 'x-display-token';

export interface RequestAuth {
  actor: Actor | null;
  sessionToken?: string;
  /** The device cookie, if the browser sent one (checked against the user name at sign-in). */
  deviceToken?: string;
  ip?: string;
  userAgent?: string;
  sameOrigin: boolean;
  csrfOk: boolean;
}

/** Cookie values longer than this are ignored (a session token is 43 characters). */
const MAX_COOKIE_VALUE = 200;

/**
 * One cookie's value, parsed defensively: a value that is badly percent-encoded, too long, or
 * holds control characters is treated as absent (the request is then simply not signed in),
 * never as an error.
 */
export function readCookie(header: string | null | undefined, name: string): string | undefined {
  if (!header || header.length > 8192) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i <= 0 || part.slice(0, i).trim() !== name) continue;
    const raw = part.slice(i + 1).trim();
    if (raw.length > MAX_COOKIE_VALUE) return undefined;
    let value: string;
    try {
      value = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    // eslint-disable-next-line no-control-regex
    return /[\u0000-\u001f\u007f]/.test(value) ? undefined : value;
  }
  return undefined;
}

export const DEVICE_COOKIE = 'cg_device';

/** The device cookie (see login_devices): sent only to the API, long-lived, HttpOnly. */
export function deviceCookie(token: string, expiresAt: Date, secure: boolean): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  return `${DEVICE_COOKIE}=${token}; Path=/trpc; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure ? '; Secure' : ''}`;
}

/** The session cookie: never readable by scripts, never sent cross-site, Secure in production. */
export function sessionCookie(token: string, expiresAt: Date, secure: boolean): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure ? '; Secure' : ''}`;
}

export const clearedSessionCookie = (secure: boolean) => `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;

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

/** The session policy changes rarely: read at most every 10 s per database. */
const policies = new WeakMap<Db, { at: number; p: Promise<SessionPolicy> }>();
/** Forget the cached policy (tests that change app_meta auth.*). */
export const forgetSessionPolicy = (db: Db) => void policies.delete(db);
export function sessionPolicy(db: Db): Promise<SessionPolicy> {
  const hit = policies.get(db);
  if (hit && Date.now() - hit.at < 10_000) return hit.p;
  const p = loadSessionPolicy(db);
  policies.set(db, { at: Date.now(), p });
  p.catch(() => policies.delete(db));
  return p;
}

export interface AuthOptions {
  production: boolean;
  /** Read the client address from X-Forwarded-For (set only behind a proxy that always sets it). */
  trustProxy?: boolean;
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
  let ip: string | undefined;
  try {
    ip = getConnInfo(c).remote.address;
  } catch {
    ip = undefined; // in-process requests (tests) have no socket
  }
  if (opts.trustProxy) ip = req.headers.get('x-forwarded-for')?.split(',')[0].trim() || ip;
  const actor =
    (sessionToken ? await actorFromSession(db, sessionToken, now, await sessionPolicy(db), { refuseDemo: opts.production }) : null) ??
    (displayToken ? await actorFromDisplayToken(db, displayToken) : null);
  const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(req.method);
  const origin = sameOrigin(req);
  const csrfOk = !unsafe || (origin && (!sessionToken || req.headers.get(CSRF_HEADER) === csrfTokenFor(sessionToken)));
  return { actor, sessionToken, deviceToken, ip, userAgent: req.headers.get('user-agent') ?? undefined, sameOrigin: !unsafe || origin, csrfOk };
}
