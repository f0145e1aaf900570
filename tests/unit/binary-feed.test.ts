// The CGB1 encoder (server) and decoder (client) held together.
import { describe, expect, it } from 'vitest';
import { encodeFeed } from '../../server/http/binary-feed.ts';
import { decodeFeed, FeedFormatError } from '../../client/map/binary-feed.ts';

const copy = (b: Uint8Array) => b.slice().buffer; // a fresh, exactly-sized ArrayBuffer

describe('binary feed round trip', () => {
  it('keeps every column type, value for value, and the meta', () => {
    const columns = {
      f64: new Float64Array([Math.PI, -1e300, 0]),
      f32: new Float32Array([1.5, -0.25, 3.4e38]),
      u32: new Uint32Array([0, 1, 0xffffffff]),
      i32: new Int32Array([-2147483648, 0, 2147483647]),
      u16: new Uint16Array([0, 65535, 7]),
      u8: new Uint8Array([0, 255, 9]),
    };
    const meta = { origin: [117.6, 24.5], names: ['芗城区', 'Longwen'], nested: { a: null } };
    const feed = decodeFeed(copy(encodeFeed({ length: 3, meta, columns })));
    expect(feed.length).toBe(3);
    expect(feed.meta).toEqual(meta);
    for (const [name, col] of Object.entries(columns)) {
      expect(feed.columns[name].constructor, name).toBe(col.constructor);
      expect(Array.from(feed.columns[name]), name).toEqual(Array.from(col));
    }
  });

  it('handles a feed with no rows and empty columns', () => {
    const feed = decodeFeed(copy(encodeFeed({ length: 0, meta: {}, columns: { id: new Uint32Array(0), x: new Float32Array(0) } })));
    expect(feed.length).toBe(0);
    expect(feed.columns.id).toHaveLength(0);
    expect(feed.columns.x).toHaveLength(0);
  });

  it('handles a feed with no columns at all', () => {
    expect(decodeFeed(copy(encodeFeed({ length: 0, meta: { empty: true }, columns: {} }))).meta).toEqual({ empty: true });
  });

  it.each([1, 3, 5, 7, 9])('aligns every column to 8 bytes after odd-length columns (%i bytes of u8 first)', (n) => {
    const columns = { a: new Uint8Array(n).fill(1), b: new Float64Array([1.25, 2.5]), c: new Uint16Array(n).fill(3), d: new Float32Array([4]) };
    const bytes = encodeFeed({ length: n, meta: { label: 'x'.repeat(n) }, columns }); // odd header lengths too
    const feed = decodeFeed(copy(bytes));
    for (const col of Object.values(feed.columns)) expect(col.byteOffset % 8).toBe(0);
    expect(Array.from(feed.columns.b)).toEqual([1.25, 2.5]);
    expect(Array.from(feed.columns.c)).toEqual(Array(n).fill(3));
    expect(Array.from(feed.columns.d)).toEqual([4]);
  });

  it('encodes subarray views (byteOffset ≠ 0) by their own bytes only', () => {
    const big = new Uint32Array([9, 8, 7, 6]);
    const feed = decodeFeed(copy(encodeFeed({ length: 2, meta: {}, columns: { v: big.subarray(1, 3) } })));
    expect(Array.from(feed.columns.v)).toEqual([8, 7]);
  });
});

describe('binary feed errors', () => {
  const good = encodeFeed({ length: 2, meta: { a: 1 }, columns: { x: new Float32Array([1, 2]) } });

  it('rejects bad magic', () => {
    const bad = good.slice();
    bad[0] = 0x58;
    expect(() => decodeFeed(bad.buffer)).toThrow(FeedFormatError);
    expect(() => decodeFeed(bad.buffer)).toThrow(/bad magic/);
  });

  it('checks the columns against a feed spec of domain/feeds.ts, naming what is missing or of another type', () => {
    expect(decodeFeed(good.slice().buffer, { x: 'f32' }).columns.x).toEqual(new Float32Array([1, 2]));
    expect(() => decodeFeed(good.slice().buffer, { x: 'f64' })).toThrow('the feed does not have the expected columns (x: expected f64, got f32)');
    expect(() => decodeFeed(good.slice().buffer, { x: 'f32', id: 'u32' })).toThrow(/id: expected u32, got nothing/);
  });

  it('rejects a buffer shorter than the fixed header', () => {
    expect(() => decodeFeed(good.slice(0, 6).buffer)).toThrow(/bad magic/);
    expect(() => decodeFeed(new ArrayBuffer(0))).toThrow(FeedFormatError);
  });

  it('rejects a truncated header', () => {
    expect(() => decodeFeed(good.slice(0, 12).buffer)).toThrow(/truncated feed header/);
  });

  it('rejects a truncated column', () => {
    expect(() => decodeFeed(good.slice(0, good.length - 1).buffer)).toThrow(/truncated column x/);
  });

  it('rejects an unknown column type', () => {
    const header = JSON.stringify({ length: 1, meta: {}, columns: [{ name: 'q', type: 'f16', length: 1, offset: 0 }] });
    const h = new TextEncoder().encode(header);
    const buf = new Uint8Array(((8 + h.length + 7) & ~7) + 8);
    buf.set([0x43, 0x47, 0x42, 0x31]);
    new DataView(buf.buffer).setUint32(4, h.length, true);
    buf.set(h, 8);
    expect(() => decodeFeed(buf.buffer)).toThrow(/unknown column type f16/);
  });
});
