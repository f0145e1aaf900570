// The phone's outbox: a report made without network is kept in the browser's storage
// (localStorage, per user) with its idempotency key and sent when the network is back — on the
// 'online' event, every OUTBOX_RETRY_MS, and at the next start. The server answers a key it has
// seen with the case it made (dispatch.register `replayed`), so a report that reached the server
// but whose answer was lost is never registered twice. A refusal (the server said no: a field is
// wrong) stays in the outbox with its reason until the person discards it.
import { api } from '../../lib/api.ts';
import type { RegisterInput } from './IntakeForm.tsx';

export const OUTBOX_RETRY_MS = 20_000;

export interface Kept {
  key: string;
  input: RegisterInput;
  keptAt: string;
  /** The server's refusal (reason code and params), when it refused it. */
  refusal?: { reason?: string; params?: Record<string, unknown>; message?: string };
}

const storeKey = (user: string) => `citygrid.outbox.${user}`;

export function readOutbox(user: string): Kept[] {
  try {
    const v = JSON.parse(localStorage.getItem(storeKey(user)) ?? '[]') as Kept[];
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

function writeOutbox(user: string, items: Kept[]): void {
  localStorage.setItem(storeKey(user), JSON.stringify(items));
  window.dispatchEvent(new Event('citygrid:outbox'));
}

/**
 * Worth sending again later: no answer at all (offline, the server unreachable, a 5xx), a
 * session that ended while the phone was away (401; a 403 for a stale CSRF token or the
 * one-time password not yet changed), or a rate limit (429). Any other refusal (a field is
 * wrong, the role may not report) is final: it stays in the outbox with its reason.
 */
const SIGN_IN_AGAIN = new Set(['auth.csrf', 'auth.oneTimePassword']);
function retryLater(err: unknown): boolean {
  const e = err as { data?: { httpStatus?: number; reason?: string }; cause?: unknown; message?: string };
  const status = e?.data?.httpStatus;
  if (status) return status >= 500 || status === 401 || status === 429 || (status === 403 && SIGN_IN_AGAIN.has(e.data?.reason ?? ''));
  return [err, e?.cause].some((x) => x instanceof TypeError) || /fetch|network/i.test(e?.message ?? '');
}

/** Sends a report, or keeps it when it cannot be taken now ('kept': no network, signed out, rate-limited). */
export async function sendOrKeep(user: string, input: RegisterInput): Promise<{ id: number; code: string } | 'kept'> {
  try {
    return await api.dispatch.register.mutate(input);
  } catch (err) {
    if (!retryLater(err)) throw err;
    writeOutbox(user, [...readOutbox(user).filter((k) => k.key !== input.idempotencyKey), { key: input.idempotencyKey, input, keptAt: new Date().toISOString() }]);
    return 'kept';
  }
}

let flushing: Promise<number> | null = null;

/** Sends what the outbox holds, one at a time, oldest first; resolves to how many were sent. One flush at a time. */
export function flushOutbox(user: string): Promise<number> {
  flushing ??= (async () => {
    let sent = 0;
    try {
      for (const k of readOutbox(user)) {
        if (k.refusal) continue;
        try {
          await api.dispatch.register.mutate(k.input);
          writeOutbox(user, readOutbox(user).filter((x) => x.key !== k.key));
          sent++;
        } catch (err) {
          if (retryLater(err)) break; // still offline, or signed out: try again later
          const e = err as { data?: { reason?: string; params?: Record<string, unknown> }; message?: string };
          writeOutbox(user, readOutbox(user).map((x) => (x.key === k.key ? { ...x, refusal: { reason: e.data?.reason, params: e.data?.params, message: e.message } } : x)));
        }
      }
    } finally {
      flushing = null;
    }
    return sent;
  })();
  return flushing;
}

/** Sends a refused report again (after the person fixed what was wrong elsewhere, or signed in again). */
export function retryKept(user: string, key: string): Promise<number> {
  writeOutbox(user, readOutbox(user).map((x) => (x.key === key ? { ...x, refusal: undefined } : x)));
  return flushOutbox(user);
}

export function discardKept(user: string, key: string): void {
  writeOutbox(user, readOutbox(user).filter((x) => x.key !== key));
}
