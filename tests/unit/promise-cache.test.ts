import { describe, expect, it } from 'vitest';
import { PromiseCache } from '../../server/promise-cache.ts';

describe('the promise cache (feed payloads, indicator answers)', () => {
  it('a burst of the same question computes it once', async () => {
    const c = new PromiseCache<number>(4);
    let made = 0;
    const make = async () => ++made;
    expect(await Promise.all([c.get('a', make), c.get('a', make), c.get('a', make)])).toEqual([1, 1, 1]);
    expect(made).toBe(1);
  });
  it('a failure is not kept: the next ask computes again', async () => {
    const c = new PromiseCache<number>(4);
    await expect(c.get('a', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(await c.get('a', async () => 2)).toBe(2);
  });
  it('an old entry that fails late does not evict the newer one under the same key', async () => {
    const c = new PromiseCache<number>(4, 0); // every entry expired at once
    let fail!: (e: Error) => void;
    const old = c.get('a', () => new Promise<number>((_, reject) => (fail = reject)));
    const fresh = c.get('a', async () => 7); // replaced the expired one
    fail(new Error('late'));
    await expect(old).rejects.toThrow('late');
    const ttlCache = c as unknown as { map: Map<string, unknown> };
    expect(ttlCache.map.has('a')).toBe(true);
    expect(await fresh).toBe(7);
  });
  it('keeps at most `capacity` entries, dropping the least recently used', async () => {
    const c = new PromiseCache<string>(2);
    let made = 0;
    const make = (v: string) => async () => (made++, v);
    await c.get('a', make('a'));
    await c.get('b', make('b'));
    await c.get('a', make('a')); // a is now the most recent
    await c.get('c', make('c')); // b goes
    made = 0;
    await c.get('a', make('a'));
    expect(made).toBe(0);
    await c.get('b', make('b'));
    expect(made).toBe(1);
  });
  it('an entry older than the time limit is computed again', async () => {
    const c = new PromiseCache<number>(4, -1);
    let made = 0;
    await c.get('a', async () => ++made);
    expect(await c.get('a', async () => ++made)).toBe(2);
  });
});
