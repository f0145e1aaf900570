// The cookies of signing in (docs/decisions/0006, 0008): the session cookie (HttpOnly, SameSite=Strict,
// Secure in production) and the device cookie (login_devices), written and read here only.
// Reading is defensive: a malformed value is treated as absent, never as an error.

export const SESSION_COOKIE = 'cg_session';

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

