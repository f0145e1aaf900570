// An API key's requests per minute (server/http/rate-limit.ts): a token bucket on the clock it is
// given (no wall clock here): a minute's worth at once, then one per 60/rate seconds; each key its own.
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../server/http/rate-limit.ts';

describe('the rate limit of API keys', () => {
  it('3 a minute: three at once, the fourth refused 429 with the seconds until the next; 20 s later one more', () => {
    const l = new RateLimiter();
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i++) l.take('apiKey:1', 3, t0);
    let err: unknown;
    try {
      l.take('apiKey:1', 3, t0);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'TOO_MANY_REQUESTS', reason: 'apiKey.rateLimited', params: { perMinute: 3, retryAfterSeconds: 20 } });
    // another key is not held back
    l.take('apiKey:2', 3, t0);
    expect(() => l.take('apiKey:1', 3, t0 + 19_000)).toThrow();
    l.take('apiKey:1', 3, t0 + 40_000);
    expect(() => l.take('apiKey:1', 3, t0 + 40_000)).toThrow();
  });
  it('a full bucket is forgotten by a sweep; a used one is kept', () => {
    const l = new RateLimiter();
    l.take('a', 60, 0);
    l.sweep(500);
    expect(() => { for (let i = 0; i < 60; i++) l.take('a', 60, 500); }).toThrow(); // kept: 59.5 left, not 60
    l.sweep(120_000);
    for (let i = 0; i < 60; i++) l.take('a', 60, 120_000);
  });
});
