// What keeps a live stream honest: the re-check (who is listening, read again every few seconds:
// a session revoked, expired, idle or of a disabled account, a revoked display token, a right
// lost end the stream with their reason; a changed scope narrows it) and the catch-up gate (a
// resume replays at most CATCH_UP_MAX events, one catch-up at a time per actor and at most
// CATCH_UP_BURST in a row, then one per CATCH_UP_EVERY_MS: one viewer reconnecting in a loop
// once took everyone's work queue from 0.2 s to 9 s).
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { actorFromSession, displayActorById, scopeKey, type Actor } from '../auth/actor.ts';
import { hashSecret } from '../auth/secrets.ts';
import { requestSessionPolicy } from '../auth/sessions.ts';
import type { LiveEndReason } from './live-events.ts';

export type Recheck = { ok: true; actor: Actor; scopeChanged: boolean } | { ok: false; reason: LiveEndReason };

/**
 * Who the stream's asker is now. Never touches the session: a stream left open is no sign that
 * someone is there, so an idle session ends its stream as it ends any request.
 */
export async function recheck(db: Db, actor: Actor, sessionToken: string | undefined, now: Date, opts: { refuseDemo: boolean }): Promise<Recheck> {
  let next: Actor | null;
  if (actor.kind === 'display') {
    next = await displayActorById(db, actor.id);
    if (!next) return { ok: false, reason: 'live.tokenRevoked' };
  } else if (!sessionToken) {
    return { ok: true, actor, scopeChanged: false }; // an in-process caller (the command line) has no session to end
  } else {
    next = await actorFromSession(db, sessionToken, now, await requestSessionPolicy(db), { refuseDemo: opts.refuseDemo, touch: false });
    if (!next) return { ok: false, reason: await whySessionEnded(db, sessionToken, now) };
  }
  for (const a of actor.actions) if (!next.actions.has(a)) return { ok: false, reason: 'live.rightsChanged' };
  if (next.mustChangePassword && !actor.mustChangePassword) return { ok: false, reason: 'live.rightsChanged' };
  return { ok: true, actor: next, scopeChanged: scopeKey(next.scope) !== scopeKey(actor.scope) };
}

async function whySessionEnded(db: Db, token: string, now: Date): Promise<LiveEndReason> {
  const [s] = await rows<{ revoked: boolean; disabled: boolean; expired: boolean }>(
    db,
    sql`select s.revoked_at is not null as revoked, u.disabled_at is not null as disabled, s.expires_at <= ${now.toISOString()}::timestamptz as expired
        from sessions s join users u on u.id = s.user_id where s.token_hash = ${hashSecret(token)}`,
  );
  if (!s || s.revoked) return 'live.sessionEnded';
  if (s.disabled) return 'live.accountDisabled';
  if (s.expired) return 'live.sessionExpired';
  return 'live.sessionIdle';
}

/** At most this many events in one catch-up; a subscriber further behind is told to reload. */
export const CATCH_UP_MAX = 500;
/** Catch-ups one actor may start back to back, then one per CATCH_UP_EVERY_MS. */
export const CATCH_UP_BURST = 3;
export const CATCH_UP_EVERY_MS = 1000;

interface Bucket {
  tokens: number;
  at: number;
  tail: Promise<void>;
  users: number;
}

/** One catch-up at a time per actor, paced by a token bucket (per process). */
export class CatchUpGate {
  private readonly buckets = new Map<string, Bucket>();
  constructor(private readonly burst = CATCH_UP_BURST, private readonly everyMs = CATCH_UP_EVERY_MS) {}

  async run<T>(key: string, signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    // a bucket idle long enough to be full again is forgotten (it would start full anyway)
    const now = Date.now();
    for (const [k, x] of this.buckets) if (x.users === 0 && now - x.at >= this.burst * this.everyMs) this.buckets.delete(k);
    let b = this.buckets.get(key);
    if (!b) this.buckets.set(key, (b = { tokens: this.burst, at: Date.now(), tail: Promise.resolve(), users: 0 }));
    const bucket = b;
    bucket.users++;
    const before = bucket.tail;
    let release!: () => void;
    bucket.tail = new Promise<void>((r) => (release = r));
    try {
      await before;
      await this.take(bucket, signal);
      return await fn();
    } finally {
      release();
      bucket.users--;
    }
  }

  /** Catch-ups waiting or running (tests). */
  get busy(): number {
    let n = 0;
    for (const b of this.buckets.values()) n += b.users;
    return n;
  }

  private async take(b: Bucket, signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw new Error('aborted');
      const now = Date.now();
      b.tokens = Math.min(this.burst, b.tokens + (now - b.at) / this.everyMs);
      b.at = now;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.ceil((1 - b.tokens) * this.everyMs));
        function done() {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          resolve();
        }
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }
}

export const catchUps = new CatchUpGate();
