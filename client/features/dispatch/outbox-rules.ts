// The outbox's rules, apart from its storage (outbox.ts, IndexedDB) so that they can be tested
// without a browser: which failures are worth trying again, how long one send may take, and the
// one-flush-at-a-time gate that a stuck flush can never block.

/** How often the phone tries the outbox again while something waits in it (ms). */
export const OUTBOX_RETRY_MS = 20_000;
/** The longest one request of a flush (a photo upload, a register call) may take before it counts as "no answer" (ms). */
export const SEND_TIMEOUT_MS = 15_000;

const SIGN_IN_AGAIN = new Set(['auth.csrf', 'auth.oneTimePassword']);

/**
 * Worth sending again later: no answer at all (offline, the server unreachable or too slow —
 * a timeout —, a 5xx), a session that ended while the phone was away (401; a 403 for a stale
 * CSRF token or the one-time password not yet changed), or a rate limit (429). Any other
 * refusal (a field is wrong, the role may not report) is final: it stays in the outbox with its
 * reason.
 */
export function retryLater(err: unknown): boolean {
  const e = err as { name?: string; data?: { httpStatus?: number; reason?: string }; cause?: unknown; message?: string } | null;
  const status = e?.data?.httpStatus;
  if (status) return status >= 500 || status === 401 || status === 429 || (status === 403 && SIGN_IN_AGAIN.has(e?.data?.reason ?? ''));
  const names = [e, e?.cause as { name?: string } | undefined].map((x) => x?.name);
  if (names.includes('TimeoutError') || names.includes('AbortError')) return true;
  return [err, e?.cause].some((x) => x instanceof TypeError) || /fetch|network|timed? ?out|abort/i.test(e?.message ?? '');
}

/**
 * One flush at a time, but never one stuck forever: `run()` joins the flush in flight unless it
 * is older than `staleMs` (its requests each have a timeout, so that is a flush that went wrong)
 * or `fresh` is asked (the person pressed 立即重发: what they see must be sent now, and a
 * report sent twice is still registered once — the idempotency key). The clock is injected.
 */
export function singleFlight<T>(task: () => Promise<T>, staleMs: number, now: () => number = Date.now): (fresh?: boolean) => Promise<T> {
  let current: { p: Promise<T>; since: number } | null = null;
  return (fresh = false) => {
    if (current && !fresh && now() - current.since < staleMs) return current.p;
    const mine = { p: task(), since: now() };
    current = mine;
    const clear = () => {
      if (current === mine) current = null;
    };
    mine.p.then(clear, clear);
    return mine.p;
  };
}

/** An AbortSignal that fires after `ms` (AbortSignal.timeout where the browser has it). */
export function timeoutSignal(ms: number): AbortSignal {
  if (typeof AbortSignal.timeout === 'function') return AbortSignal.timeout(ms);
  const c = new AbortController();
  setTimeout(() => c.abort(new DOMException('timed out', 'TimeoutError')), ms);
  return c.signal;
}

/** What `claim` answers when the report is already being sent (by this tab's other sender, or another tab). */
export const BUSY: unique symbol = Symbol('busy');

/** The part of the Web Locks API the outbox uses (navigator.locks; absent in some browsers). */
export interface LocksLike {
  request(name: string, options: { ifAvailable: true }, callback: (lock: unknown) => Promise<unknown>): Promise<unknown>;
}

/**
 * One sender per report: the phone's own send (sendOrKeep) and a flush of the outbox (the 20 s
 * tick, the `online` event, 立即重发) would otherwise send the same report at the same time —
 * both uploading its photos, the second answered `intake.keyReused` or shown an error for a case
 * that was made. `claim(key, task)` runs the task unless that key is in flight in this tab (a
 * set in memory) or, where the browser has Web Locks, in another tab (`citygrid-outbox-<key>`,
 * asked for only if available); then it answers BUSY at once and the caller leaves the report
 * to the one sending it.
 */
export function keyGate(locks?: LocksLike | null) {
  const inFlight = new Set<string>();
  return {
    busy: (key: string) => inFlight.has(key),
    async claim<T>(key: string, task: () => Promise<T>): Promise<T | typeof BUSY> {
      if (inFlight.has(key)) return BUSY;
      inFlight.add(key);
      try {
        if (!locks) return await task();
        return (await locks.request(`citygrid-outbox-${key}`, { ifAvailable: true }, (lock) => (lock ? task() : Promise.resolve(BUSY)))) as T | typeof BUSY;
      } finally {
        inFlight.delete(key);
      }
    },
  };
}

/**
 * The kept photos to upload again after the server answered `photo.unknown`: an upload whose
 * reference was saved but whose report could not be registered then is purged as unattached
 * after photos.unattached_purge_hours, and its reference is dead for good. Each photo that still
 * has its picture loses its reference (so the next send uploads it anew); null when none has
 * both (nothing to upload again: the refusal stands).
 */
export function forgetDeadRefs<P extends { blob?: Blob; ref?: string }>(photos: readonly P[] | undefined): P[] | null {
  if (!photos?.some((p) => p.ref && p.blob)) return null;
  return photos.map((p) => (p.ref && p.blob ? { ...p, ref: undefined } : p));
}

/** The refusal that says a cited photo is gone (or was never the sender's). */
export const isDeadPhoto = (err: unknown) => (err as { data?: { reason?: string } } | null)?.data?.reason === 'photo.unknown';
