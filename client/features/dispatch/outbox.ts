// The phone's outbox: every report is written to the browser's IndexedDB (per user, photos kept
// as Blobs) *before* it is sent, and leaves it only once the server has taken it — so a report
// made offline, or during an outage, or in a tab closed mid-send, is never lost. It is sent when
// the network is back: on the 'online' event, every OUTBOX_RETRY_MS, at the next start, and at
// once on 立即重发. Every request of a flush has a timeout (SEND_TIMEOUT_MS) and a stuck flush
// never blocks the next (outbox-rules.ts singleFlight). The server answers a key it has seen with
// the case it made (dispatch.register `replayed`), so a report that reached the server but whose
// answer was lost is never registered twice. A refusal (the server said no: a field is wrong)
// stays in the outbox with its reason until the person discards it or sends it again.
// The storage is asked to be persistent (navigator.storage.persist()) so the browser does not
// evict it under pressure. Reports kept by the earlier localStorage outbox are moved in once.
import { api } from '../../lib/api.ts';
import { done, inTransaction, openDb } from '../../lib/idb.ts';
import { uploadPhoto } from './CaseActions.tsx';
import type { RegisterInput } from './IntakeForm.tsx';
import { BUSY, OUTBOX_RETRY_MS, SEND_TIMEOUT_MS, forgetDeadRefs, isDeadPhoto, keyGate, retryLater, singleFlight, timeoutSignal, type LocksLike } from './outbox-rules.ts';

export { OUTBOX_RETRY_MS };

export interface Kept {
  key: string;
  user: string;
  input: RegisterInput;
  keptAt: string;
  /** Photos taken while offline: the picture itself until it is uploaded, then its reference too. */
  photos?: { blob: Blob; ref?: string }[];
  /** The server's refusal (reason code and params), when it refused it. */
  refusal?: { reason?: string; params?: Record<string, unknown>; message?: string };
}

const DB = 'citygrid-outbox';
const STORE = 'kept';
const db = () => openDb(DB, 1, [STORE]);
const changed = () => window.dispatchEvent(new Event('citygrid:outbox'));
/** One sender per report, in this tab and (Web Locks) across tabs: the form's own send and a flush never send the same report at once. */
const gate = keyGate(typeof navigator !== 'undefined' && navigator.locks ? (navigator.locks as unknown as LocksLike) : null);

let persistAsked = false;
function askPersistence() {
  if (persistAsked) return;
  persistAsked = true;
  void navigator.storage?.persist?.().catch(() => false);
}

/** Moves what the localStorage outbox of earlier versions kept into IndexedDB (once). */
async function moveLegacy(user: string): Promise<void> {
  const legacyKey = `citygrid.outbox.${user}`;
  const raw = localStorage.getItem(legacyKey);
  if (raw === null) return;
  let items: Omit<Kept, 'user'>[] = [];
  try {
    const v = JSON.parse(raw) as unknown;
    if (Array.isArray(v)) items = v as Omit<Kept, 'user'>[];
  } catch {
    /* unreadable: nothing to move */
  }
  await inTransaction(await db(), STORE, 'readwrite', async (s) => {
    for (const k of items) await done(s.put({ ...k, user }));
  });
  localStorage.removeItem(legacyKey);
}

/** What the outbox holds for `user`, oldest first. */
export async function readOutbox(user: string): Promise<Kept[]> {
  await moveLegacy(user);
  const all = await inTransaction(await db(), STORE, 'readonly', (s) => done(s.getAll() as IDBRequest<Kept[]>));
  return all.filter((k) => k.user === user).sort((a, b) => a.keptAt.localeCompare(b.keptAt));
}

async function put(k: Kept): Promise<void> {
  await inTransaction(await db(), STORE, 'readwrite', (s) => done(s.put(k)));
  changed();
}

async function get(key: string): Promise<Kept | undefined> {
  return (await inTransaction(await db(), STORE, 'readonly', (s) => done(s.get(key)))) as Kept | undefined;
}

async function update(key: string, patch: (k: Kept) => Kept): Promise<void> {
  await inTransaction(await db(), STORE, 'readwrite', async (s) => {
    const k = (await done(s.get(key))) as Kept | undefined;
    if (k) await done(s.put(patch(k)));
  });
  changed();
}

async function remove(key: string): Promise<void> {
  await inTransaction(await db(), STORE, 'readwrite', (s) => done(s.delete(key)));
  changed();
}

/** Uploads a kept report's photos not yet uploaded (saving each reference as it comes), then registers it. */
async function send(k: Kept): Promise<{ id: number; code: string }> {
  const refs: string[] = [];
  for (const [i, p] of (k.photos ?? []).entries()) {
    if (p.ref) refs.push(p.ref);
    else {
      const { ref } = await uploadPhoto(p.blob, timeoutSignal(SEND_TIMEOUT_MS));
      refs.push(ref);
      // (remembered so that a retry does not upload it again; without IndexedDB there is nothing to remember it in)
      await update(k.key, (x) => ({ ...x, photos: x.photos?.map((q, j) => (j === i ? { ...q, ref } : q)) })).catch(() => undefined);
    }
  }
  const photos = [...(k.input.photos ?? []), ...refs];
  return api.dispatch.register.mutate({ ...k.input, ...(photos.length ? { photos } : {}) }, { signal: timeoutSignal(SEND_TIMEOUT_MS) });
}

/**
 * Keeps a report, then sends it when there is a network: the answer, or 'kept' when it could
 * not be taken now (no network, no answer in time, signed out, rate-limited). A final refusal
 * leaves the outbox and is thrown: the form shows it and keeps what was typed.
 */
export async function sendOrKeep(user: string, input: RegisterInput, blobs: Blob[] = []): Promise<{ id: number; code: string } | 'kept'> {
  askPersistence();
  const k: Kept = { key: input.idempotencyKey, user, input, keptAt: new Date().toISOString(), ...(blobs.length ? { photos: blobs.map((blob) => ({ blob })) } : {}) };
  // claimed before it is stored: a flush that reads the outbox meanwhile skips it (it is being sent here)
  const r = await gate.claim(k.key, async () => {
    // no IndexedDB (a private window that refuses it): sent directly, and a failure stays in the form (its draft is kept)
    const stored = await put(k).then(() => true, () => false);
    if (!navigator.onLine && stored) return 'kept' as const;
    try {
      const r = await send(k);
      if (stored) await remove(k.key);
      return r;
    } catch (err) {
      if (retryLater(err) && stored) return 'kept' as const;
      if (stored) await remove(k.key);
      throw err;
    }
  });
  // (the same key already being sent, by another tab: it is in the outbox and that sender delivers it)
  return r === BUSY ? 'kept' : r;
}

const flights = new Map<string, (fresh?: boolean) => Promise<number>>();

/**
 * Sends what the outbox holds, one at a time, oldest first; resolves to how many were sent.
 * One flush at a time per user, unless `now` (立即重发) or the one in flight is stale.
 */
export function flushOutbox(user: string, now = false): Promise<number> {
  let f = flights.get(user);
  if (!f) {
    f = singleFlight(async () => {
      let sent = 0;
      for (const k of await readOutbox(user)) {
        if (k.refusal) continue;
        // (read again once claimed: the sender that just let it go may have delivered it)
        const r = await gate.claim(k.key, async () => {
          const cur = await get(k.key);
          return cur && !cur.refusal ? deliverKept(cur) : 'gone';
        });
        if (r === BUSY) continue; // being sent right now (the form's own send, another flush, another tab)
        if (r === 'later') break; // still offline, the server still away, or signed out: try again later
        if (r === 'sent') sent++;
      }
      return sent;
    }, 2 * SEND_TIMEOUT_MS + 5_000);
    flights.set(user, f);
  }
  return f(now);
}

/**
 * Sends one kept report (its key claimed): 'sent', 'later' (worth trying again), or 'refused'
 * (its reason kept with it). A photo reference the server no longer knows (`photo.unknown`: the
 * upload was purged while the report waited) is dropped and the photo uploaded again, once.
 */
async function deliverKept(k: Kept): Promise<'sent' | 'later' | 'refused' | 'gone'> {
  for (let attempt = 0; ; attempt++) {
    try {
      await send(k);
      await remove(k.key);
      return 'sent';
    } catch (err) {
      if (retryLater(err)) return 'later';
      const fresh = attempt === 0 && isDeadPhoto(err) ? forgetDeadRefs(k.photos) : null;
      if (fresh) {
        k = { ...k, photos: fresh };
        await update(k.key, (x) => ({ ...x, photos: forgetDeadRefs(x.photos) ?? x.photos }));
        continue;
      }
      const e = err as { data?: { reason?: string; params?: Record<string, unknown> }; message?: string };
      await update(k.key, (x) => ({ ...x, refusal: { reason: e.data?.reason, params: e.data?.params, message: e.message } }));
      return 'refused';
    }
  }
}

/**
 * Sends a refused report again (after the person fixed what was wrong elsewhere, or signed in
 * again); its photos that still have their picture are uploaded anew (a saved reference may
 * have been purged meanwhile).
 */
export async function retryKept(user: string, key: string): Promise<number> {
  await update(key, (x) => ({ ...x, refusal: undefined, photos: forgetDeadRefs(x.photos) ?? x.photos }));
  return flushOutbox(user, true);
}

export function discardKept(key: string): Promise<void> {
  return remove(key);
}
