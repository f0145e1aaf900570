// The phone outbox's rules (client/features/dispatch/outbox-rules.ts), apart from IndexedDB
// (which the browser test exercises): what is worth sending again, and the one-flush-at-a-time
// gate that a stuck flush never blocks (the clock injected, no waiting).
import { describe, expect, it } from 'vitest';
import { retryLater, singleFlight } from '../../client/features/dispatch/outbox-rules.ts';

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
