// Encoder of the CityGrid binary feed (CGB1): typed-array columns behind a small JSON header,
// so the browser gets zero-copy views instead of parsing JSON. The layout and the columns of
// each feed are the contract in domain/feeds.ts; the decoder is client/map/binary-feed.ts, and
// tests/unit/binary-feed.test.ts holds the two together.
import { FEED_MAGIC, type ColumnType, type FeedHeader, type FeedHeaderColumn } from '../../domain/feeds.ts';

export type Column = Float64Array | Float32Array | Uint32Array | Int32Array | Uint16Array | Uint8Array;

export interface FeedInput {
  /** Number of rows (features, points); columns may be longer (e.g. vertex arrays). */
  length: number;
  /** Small JSON-able facts about the feed: origin, dictionaries, labels. */
  meta: object;
  columns: Record<string, Column>;
}

const typeOf = (c: Column): ColumnType =>
  c instanceof Float64Array ? 'f64' : c instanceof Float32Array ? 'f32' : c instanceof Uint32Array ? 'u32' : c instanceof Int32Array ? 'i32' : c instanceof Uint16Array ? 'u16' : 'u8';

const align8 = (n: number) => (n + 7) & ~7;

export function encodeFeed(feed: FeedInput): Uint8Array {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('binary feeds need a little-endian host');
  let offset = 0;
  const columns = Object.entries(feed.columns).map(([name, col]): FeedHeaderColumn => {
    const entry = { name, type: typeOf(col), length: col.length, offset };
    offset = align8(offset + col.byteLength);
    return entry;
  });
  const header = new TextEncoder().encode(JSON.stringify({ length: feed.length, meta: feed.meta, columns } satisfies FeedHeader<object>));
  const bodyStart = align8(8 + header.length);
  const out = new Uint8Array(bodyStart + offset);
  out.set(new TextEncoder().encode(FEED_MAGIC), 0);
  new DataView(out.buffer).setUint32(4, header.length, true);
  out.set(header, 8);
  for (const entry of columns) {
    const col = feed.columns[entry.name];
    out.set(new Uint8Array(col.buffer, col.byteOffset, col.byteLength), bodyStart + entry.offset);
  }
  return out;
}
