// Requests per minute of an API key (api_keys.rate_per_minute): a token bucket per key, in this
// process's memory. It holds `rate` requests and refills at `rate` per minute, so a key may
// burst its minute's worth and then goes at its rate. Several server processes on one PostgreSQL
// each count on their own (a key may get `rate` × processes); a restart forgets the counts.
// Both are accepted for now (docs/decisions/0020-one-write-pipeline.md): the limit protects the
// process's own work, and the daily budgets that matter (photos) are counted in the database.
import { refuse } from '../query-error.ts';

interface Bucket {
  tokens: number;
  at: number;
  rate: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  /** Takes one request for `key` at `nowMs`; throws 429 apiKey.rateLimited (with the seconds until the next one) when none is left. */
  take(key: string, ratePerMinute: number, nowMs: number): void {
    const rate = Math.max(1, ratePerMinute);
    if (this.buckets.size > 10_000) this.sweep(nowMs);
    let b = this.buckets.get(key);
    if (!b || b.rate !== rate) {
      b = { tokens: rate, at: nowMs, rate };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(rate, b.tokens + ((Math.max(0, nowMs - b.at) / 60_000) * rate));
    b.at = Math.max(b.at, nowMs);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return;
    }
    const retryAfterSeconds = Math.max(1, Math.ceil(((1 - b.tokens) * 60) / rate));
    throw refuse('TOO_MANY_REQUESTS', 'apiKey.rateLimited', { perMinute: rate, retryAfterSeconds });
  }

  /** Forgets idle buckets (full again by now), so the map stays as large as the keys in use. */
  sweep(nowMs: number): void {
    for (const [k, b] of this.buckets) if (b.tokens + ((nowMs - b.at) / 60_000) * b.rate >= b.rate) this.buckets.delete(k);
  }
}

/** The process's limiter of API keys. */
export const apiKeyLimiter = new RateLimiter();
