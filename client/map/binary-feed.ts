// Decoder of the CityGrid binary feed (CGB1; the layout and each feed's columns are the
// contract in domain/feeds.ts). Columns come back as typed-array views on the response buffer.
import { columnMismatches, FEED_MAGIC, type ColumnType, type FeedHeader } from '../../domain/feeds.ts';

export type FeedColumn = Float64Array | Float32Array | Uint32Array | Int32Array | Uint16Array | Uint8Array;

export interface Feed<M = Record<string, unknown>> {
  length: number;
  meta: M;
  columns: Record<string, FeedColumn>;
}

const constructors = { f64: Float64Array, f32: Float32Array, u32: Uint32Array, i32: Int32Array, u16: Uint16Array, u8: Uint8Array } as const;

export class FeedFormatError extends Error {}

/**
 * Decodes a feed; with `spec` (a feed's columns from domain/feeds.ts) also checks that every
 * column the spec names is there with its type, so a server and a browser of different
 * versions fail with a message instead of drawing nonsense.
 */
export function decodeFeed<M = Record<string, unknown>>(buffer: ArrayBuffer, spec?: Record<string, ColumnType>): Feed<M> {
  const bytes = new Uint8Array(buffer);
  if (bytes.length < 8 || String.fromCharCode(...bytes.subarray(0, 4)) !== FEED_MAGIC) throw new FeedFormatError('not a CityGrid binary feed (bad magic)');
  const headerLength = new DataView(buffer).getUint32(4, true);
  if (8 + headerLength > bytes.length) throw new FeedFormatError('truncated feed header');
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as FeedHeader<M>;
  const mismatches = spec ? columnMismatches(header.columns, spec) : [];
  if (mismatches.length) throw new FeedFormatError(`the feed does not have the expected columns (${mismatches.join('; ')})`);
  const bodyStart = (8 + headerLength + 7) & ~7;
  const columns: Record<string, FeedColumn> = {};
  for (const c of header.columns) {
    const Ctor = constructors[c.type];
    if (!Ctor) throw new FeedFormatError(`unknown column type ${String(c.type)} in ${c.name}`);
    const start = bodyStart + c.offset;
    if (start + c.length * Ctor.BYTES_PER_ELEMENT > buffer.byteLength) throw new FeedFormatError(`truncated column ${c.name}`);
    columns[c.name] = new Ctor(buffer, start, c.length);
  }
  return { length: header.length, meta: header.meta, columns };
}
