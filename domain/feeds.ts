// The contract of the map's binary feeds (CGB1), written once for the encoder (server/http/
// binary-feed.ts), the decoder (client/map/binary-feed.ts) and the layers on both sides: the
// header's shape, the column types, and the columns and meta of each kind of feed. Pure:
// imports nothing of ours.
//
// Layout (all little-endian):
//   0..3   'CGB1'
//   4..7   uint32 header length H (bytes of UTF-8 JSON)
//   8..    header JSON { length, meta, columns: [{ name, type, length, offset }] }
//   then   zero padding to an 8-byte boundary; column bodies follow at `offset` from there,
//          each starting on an 8-byte boundary.

export const FEED_MAGIC = 'CGB1';
export const COLUMN_TYPES = ['f64', 'f32', 'u32', 'i32', 'u16', 'u8'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export interface FeedHeaderColumn {
  name: string;
  type: ColumnType;
  /** Elements, not bytes. */
  length: number;
  /** Bytes from the start of the body. */
  offset: number;
}

export interface FeedHeader<M = Record<string, unknown>> {
  /** Rows (features, points); columns may be longer (vertex arrays). */
  length: number;
  meta: M;
  columns: FeedHeaderColumn[];
}

/** A feature's property value in a feature feed's meta.props. */
export type FeedProp = string | number | null;

/** Meta of the feature feeds (districts, townships, villages, grids, compounds, clinics). */
export interface FeatureFeedMeta {
  /** Positions are float32 offsets from this point (degrees, WGS-84). */
  origin: [number, number];
  codes: string[];
  names: string[];
  namesEn?: string[];
  /** Per-feature values by property name, in feature order. */
  props?: Record<string, FeedProp[]>;
}

/** Columns of a point feed (clinics, villages …). */
export const POINT_FEED_COLUMNS = { id: 'u32', x: 'f32', y: 'f32' } as const satisfies Record<string, ColumnType>;
/** Columns of a polygon feed: the point columns' id, label position, and the deck.gl binary polygon arrays. */
export const POLYGON_FEED_COLUMNS = {
  id: 'u32',
  labelX: 'f32',
  labelY: 'f32',
  /** x,y interleaved, every ring closed (first vertex repeated). */
  positions: 'f32',
  /** Start vertex of each polygon part, then the vertex count. */
  polygonIndices: 'u32',
  /** Start vertex of each ring (exterior first, then holes), then the vertex count. */
  primitivePolygonIndices: 'u32',
  /** Feature index of each polygon part. */
  partFeature: 'u32',
} as const satisfies Record<string, ColumnType>;

/** A reporting period as the feed echoes it (null ends: open-ended). */
export interface FeedPeriod {
  from: string | null;
  to: string | null;
}

/** Meta of the cases feed. */
export interface CasesFeedMeta {
  origin: [number, number];
  /** The period asked for; null when neither end was given. */
  period: FeedPeriod | null;
  /** Dictionaries the u8/u16 columns index into. */
  statuses: string[];
  sources: string[];
  categories: { code: string; name: string; nameEn: string; major: string }[];
  districts: { code: string; name: string; nameEn: string }[];
  /** The lights the browser derives (domain/case-light.ts LIGHTS), by name. */
  lights: readonly string[];
  warnRatio: number;
}

/**
 * Columns of the cases feed: id, position (offset from meta.origin), reported_at (unix s),
 * dictionary positions, and the clock marks the light is read from as of now
 * (domain/case-light.ts): warnAt, dueAt (unix s, 0 = none), closed (0 none, 1 on time, 2 late).
 */
export const CASES_FEED_COLUMNS = {
  id: 'u32',
  x: 'f32',
  y: 'f32',
  t: 'u32',
  status: 'u8',
  source: 'u8',
  category: 'u16',
  district: 'u8',
  warnAt: 'u32',
  dueAt: 'u32',
  closed: 'u8',
} as const satisfies Record<string, ColumnType>;
/**
 * What a live case event (live.events) says of its case: the fields of its cases-feed row,
 * so a browser patches its layer from the event instead of downloading the period again.
 */
export interface LiveCaseRow {
  caseId: number;
  status: string;
  source: string;
  categoryCode: string;
  districtCode: string | null;
  /** WGS-84 degrees. */
  lng: number;
  lat: number;
  /** Unix seconds; the clock marks as the feed's columns (0 none; closed 0 none, 1 on time, 2 late). */
  reportedAt: number;
  warnAt: number;
  dueAt: number;
  closed: number;
}

/** The district column's value for a case outside every district. */
export const NO_DISTRICT = 255;
/** The category column's value for a case without a known category. */
export const NO_CATEGORY = 0xffff;

/** The typed array each column type decodes to. */
export interface ColumnArrays {
  f64: Float64Array;
  f32: Float32Array;
  u32: Uint32Array;
  i32: Int32Array;
  u16: Uint16Array;
  u8: Uint8Array;
}
/** The columns a feed of this spec carries, typed. */
export type FeedColumnsOf<S extends Record<string, ColumnType>> = { [K in keyof S]: ColumnArrays[S[K]] };

/** The spec's columns missing from a decoded header or of another type (empty: the feed fits). */
export function columnMismatches(header: readonly Pick<FeedHeaderColumn, 'name' | 'type'>[], spec: Record<string, ColumnType>): string[] {
  const got = new Map(header.map((c) => [c.name, c.type]));
  return Object.entries(spec)
    .filter(([name, type]) => got.get(name) !== type)
    .map(([name, type]) => `${name}: expected ${type}, got ${got.get(name) ?? 'nothing'}`);
}

/** Index of `id` among the first `length` values of an ascending id column (the feeds are sorted by id), or −1. */
export function sortedIndexOf(ids: ArrayLike<number>, id: number, length = ids.length): number {
  let lo = 0;
  let hi = length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid] === id) return mid;
    if (ids[mid] < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
