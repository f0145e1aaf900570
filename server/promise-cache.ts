// A small LRU of answers being or already computed (payloads of the binary feeds, indicator
// answers): a burst of the same question computes it once, a failure is not kept, and an entry
// may also expire after `ttlMs`. Bounded by `capacity` entries.
export class PromiseCache<T> {
  private readonly map = new Map<string, { at: number; value: Promise<T> }>();
  constructor(
    private readonly capacity: number,
    private readonly ttlMs = Infinity,
  ) {}

  get(key: string, make: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = this.map.get(key);
    this.map.delete(key);
    if (hit && now - hit.at < this.ttlMs) {
      this.map.set(key, hit); // most recently used last
      return hit.value;
    }
    const entry = { at: now, value: make() };
    this.map.set(key, entry);
    // a failure is not cached — but only this entry goes, not a newer one under the same key
    entry.value.catch(() => {
      if (this.map.get(key) === entry) this.map.delete(key);
    });
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
    return entry.value;
  }
}
