// Decoder of the CityGrid binary feed (CGB1; the layout is described in
// server/http/binary-feed.ts). Columns come back as typed-array views on the response buffer.
export type FeedColumn = Float64Array | Float32Array | Uint32Array | Int32Array | Uint16Array | Uint8Array;

export interface Feed<M = Record<string, unknown>> {
  length: number;
  meta: M;
  columns: Record<string, FeedColumn>;
}

const constructors = { f64: Float64Array, f32: Float32Array, u32: Uint32Array, i32: Int32Array, u16: Uint16Array, u8: Uint8Array } as const;

interface HeaderColumn {
  name: string;
  type: keyof typeof constructors;
  length: number;
  offset: number;
}

export class FeedFormatError extends Error {}

export function decodeFeed<M = Record<string, unknown>>(buffer: ArrayBuffer): Feed<M> {
  const bytes = new Uint8Array(buffer);
  if (bytes.length < 8 || String.fromCharCode(...bytes.subarray(0, 4)) !== 'CGB1') throw new FeedFormatError('not a CityGrid binary feed (bad magic)');
  const headerLength = new DataView(buffer).getUint32(4, true);
  if (8 + headerLength > bytes.length) throw new FeedFormatError('truncated feed header');
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as { length: number; meta: M; columns: HeaderColumn[] };
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
