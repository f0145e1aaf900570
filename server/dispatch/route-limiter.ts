// The public routing dry-run's limit per address: a sliding minute per client address, kept in
// this process's memory (each server process counts its own; behind a load balancer the limit
// is per process, which bounds the cost per process — what it is for). In-process callers
// (tests, the command line) carry no address and are not limited.
import { refuse } from '../query-error.ts';

export class RouteLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(readonly perMinute: number, private readonly maxAddresses = 10_000) {}

  /** Counts one query from `ip` at `now`; refuses (TOO_MANY_REQUESTS, with when to retry) past the limit. */
  check(ip: string | undefined, now: Date): void {
    if (!ip) return;
    const t = now.getTime();
    const since = t - 60_000;
    const list = (this.hits.get(ip) ?? []).filter((x) => x > since);
    if (list.length >= this.perMinute) {
      this.hits.set(ip, list);
      throw refuse('TOO_MANY_REQUESTS', 'route.rateLimited', { retryAfterSeconds: Math.max(1, Math.ceil((list[0] + 60_000 - t) / 1000)) });
    }
    list.push(t);
    // bounded memory: forget the oldest addresses first (Map keeps insertion order)
    this.hits.delete(ip);
    this.hits.set(ip, list);
    while (this.hits.size > this.maxAddresses) this.hits.delete(this.hits.keys().next().value!);
  }

  reset(): void {
    this.hits.clear();
  }
}

/** 60 routing queries a minute per address. */
export const routeLimiter = new RouteLimiter(60);
