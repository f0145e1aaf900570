// The phone outbox's rules (client/features/dispatch/outbox-rules.ts), apart from IndexedDB
// (which the browser test exercises): what is worth sending again, and the one-flush-at-a-time
// gate that a stuck flush never blocks (the clock injected, no waiting); one sender per report
// (in the tab and across tabs); kept photos whose upload was purged are uploaded again; and the
// form's draft after a send keeps what was typed meanwhile (client/features/dispatch/draft-store.ts).
import { describe, expect, it } from 'vitest';
import { BUSY, forgetDeadRefs, isDeadPhoto, keyGate, retryLater, singleFlight, type LocksLike } from '../../client/features/dispatch/outbox-rules.ts';
import { draftAfterSent, type DraftPhoto } from '../../client/features/dispatch/draft-store.ts';

describe('outbox: what is sent again later', () => {
  it('no answer: fetch failed, timed out or aborted, also inside a tRPC client error', () => {
    expect(retryLater(new TypeError('Failed to fetch'))).toBe(true);
    expect(retryLater(new DOMException('signal timed out', 'TimeoutError'))).toBe(true);
    expect(retryLater(new DOMException('aborted', 'AbortError'))).toBe(true);
    expect(retryLater({ message: 'x', cause: new DOMException('signal timed out', 'TimeoutError') })).toBe(true);
    expect(retryLater({ message: 'x', cause: new TypeError('NetworkError when attempting to fetch resource.') })).toBe(true);
  });
  it('a server error, a lost session, a rate limit, a stale CSRF token: later', () => {
    for (const httpStatus of [500, 502, 503, 401, 429]) expect(retryLater({ data: { httpStatus } })).toBe(true);
    expect(retryLater({ data: { httpStatus: 403, reason: 'auth.csrf' } })).toBe(true);
    expect(retryLater({ data: { httpStatus: 403, reason: 'auth.oneTimePassword' } })).toBe(true);
  });
  it('a refusal of the report itself is final (kept with its reason, not retried forever)', () => {
    expect(retryLater({ data: { httpStatus: 400, reason: 'input.invalid' } })).toBe(false);
    expect(retryLater({ data: { httpStatus: 403, reason: 'auth.forbidden' } })).toBe(false);
    expect(retryLater({ data: { httpStatus: 413 } })).toBe(false);
    expect(retryLater(new Error('something else'))).toBe(false);
  });
});

describe('outbox: one flush at a time, never one stuck forever', () => {
  const gate = (staleMs: number) => {
    let clock = 0;
    const started: { resolve: (n: number) => void }[] = [];
    const run = singleFlight(() => new Promise<number>((resolve) => started.push({ resolve })), staleMs, () => clock);
    return { run, started, tick: (ms: number) => (clock += ms) };
  };
  it('a second call while one is in flight joins it', async () => {
    const g = gate(1000);
    const a = g.run();
    const b = g.run();
    expect(a).toBe(b);
    expect(g.started).toHaveLength(1);
    g.started[0].resolve(3);
    expect(await b).toBe(3);
  });
  it('after it ends, the next call starts a new flush', async () => {
    const g = gate(1000);
    const a = g.run();
    g.started[0].resolve(1);
    await a;
    const b = g.run();
    expect(b).not.toBe(a);
    expect(g.started).toHaveLength(2);
  });
  it('a flush that never ends (a request with no answer) does not block the retry once stale', () => {
    const g = gate(1000);
    const stuck = g.run();
    g.tick(999);
    expect(g.run()).toBe(stuck);
    g.tick(2);
    const next = g.run();
    expect(next).not.toBe(stuck);
    expect(g.started).toHaveLength(2);
  });
  it('立即重发 (fresh) starts a flush now even while one is in flight', () => {
    const g = gate(60_000);
    const a = g.run();
    const b = g.run(true);
    expect(b).not.toBe(a);
    expect(g.started).toHaveLength(2);
  });
  it('the stuck flush ending late does not clear the newer one', async () => {
    const g = gate(1000);
    g.run();
    g.tick(2000);
    const newer = g.run();
    g.started[0].resolve(0);
    await Promise.resolve();
    await Promise.resolve();
    expect(g.run()).toBe(newer);
  });
});

describe('outbox: one sender per report', () => {
  const later = () => {
    let resolve!: (v: string) => void;
    const p = new Promise<string>((r) => (resolve = r));
    return { p, resolve };
  };
  it("the form's own send holds the key: a flush meanwhile skips it (BUSY, nothing sent), and may send it once the key is free", async () => {
    const gate = keyGate(null);
    const own = later();
    let sends = 0;
    const first = gate.claim('k1', () => { sends++; return own.p; });
    expect(gate.busy('k1')).toBe(true);
    expect(await gate.claim('k1', async () => { sends++; return 'flush'; })).toBe(BUSY);
    expect(await gate.claim('k2', async () => 'other key')).toBe('other key');
    own.resolve('sent');
    expect(await first).toBe('sent');
    expect(sends).toBe(1);
    expect(gate.busy('k1')).toBe(false);
    expect(await gate.claim('k1', async () => 'again')).toBe('again');
  });
  it('a failing send frees its key', async () => {
    const gate = keyGate(null);
    await expect(gate.claim('k', async () => { throw new Error('no'); })).rejects.toThrow('no');
    expect(gate.busy('k')).toBe(false);
  });
  it('across tabs: a Web Lock per key, asked for only if available; held by another tab, BUSY', async () => {
    const held = new Set<string>();
    const asked: string[] = [];
    const locks: LocksLike = {
      async request(name, options, callback) {
        asked.push(name);
        expect(options).toEqual({ ifAvailable: true });
        if (held.has(name)) return callback(null);
        held.add(name);
        try {
          return await callback({ name });
        } finally {
          held.delete(name);
        }
      },
    };
    const tabA = keyGate(locks);
    const tabB = keyGate(locks);
    const own = later();
    const a = tabA.claim('k', () => own.p);
    await Promise.resolve();
    let ran = false;
    expect(await tabB.claim('k', async () => { ran = true; return 'b'; })).toBe(BUSY);
    expect(ran).toBe(false);
    own.resolve('a');
    expect(await a).toBe('a');
    expect(await tabB.claim('k', async () => 'b')).toBe('b');
    expect(asked).toEqual(['citygrid-outbox-k', 'citygrid-outbox-k', 'citygrid-outbox-k']);
  });
});

describe('outbox: a kept photo whose upload was purged is uploaded again', () => {
  const blob = new Blob(['x']);
  it('photo.unknown: each photo that still has its picture loses its reference; the others are left', () => {
    const photos = [{ blob, ref: 'photo:dead' }, { blob }, { ref: 'photo:no-picture' }];
    expect(forgetDeadRefs(photos)).toEqual([{ blob, ref: undefined }, { blob }, { ref: 'photo:no-picture' }]);
    expect(photos[0].ref).toBe('photo:dead'); // (a copy)
  });
  it('nothing to upload again (no picture kept, or no reference yet): null, the refusal stands', () => {
    expect(forgetDeadRefs([{ ref: 'photo:no-picture' }])).toBeNull();
    expect(forgetDeadRefs([{ blob }])).toBeNull();
    expect(forgetDeadRefs(undefined)).toBeNull();
  });
  it('the refusal that says so', () => {
    expect(isDeadPhoto({ data: { httpStatus: 400, reason: 'photo.unknown' } })).toBe(true);
    expect(isDeadPhoto({ data: { httpStatus: 400, reason: 'input.invalid' } })).toBe(false);
    expect(isDeadPhoto(null)).toBe(false);
  });
});

describe('the form after a send: what was typed while it was pending is not lost', () => {
  interface D { key: string; description: string; address: string; photos: DraftPhoto[] }
  const p1: DraftPhoto = { ref: 'photo:1', thumbUrl: 'u1' };
  const sent: D = { key: 'k1', description: '井盖缺失', address: '', photos: [p1] };
  const fresh = (): D => ({ key: 'k2', description: '', address: '', photos: [] });
  it('unchanged since it was sent: a new empty draft', () => {
    expect(draftAfterSent({ ...sent }, sent, fresh)).toEqual(fresh());
  });
  it('typed on meanwhile: the text stays, under a new key, without the photos that went with the sent report', () => {
    const p2: DraftPhoto = { blob: new Blob(['y']), thumbUrl: 'u2' };
    expect(draftAfterSent({ ...sent, address: '胜利路 1 号', photos: [p1, p2] }, sent, fresh)).toEqual({ key: 'k2', description: '井盖缺失', address: '胜利路 1 号', photos: [p2] });
    expect(draftAfterSent({ ...sent, photos: [p1, p2] }, sent, fresh)).toMatchObject({ key: 'k2', photos: [p2] });
  });
  it('a draft that already has another key is left as it is', () => {
    const other: D = { key: 'k9', description: '另一件', address: '', photos: [] };
    expect(draftAfterSent(other, sent, fresh)).toBe(other);
  });
});
