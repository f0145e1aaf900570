// Polygon and point layers as binary feeds (CGB1). Positions are Float32 offsets from
// FEED_ORIGIN in WGS-84 degrees (x = lng − 117.6, y = lat − 24.5): about 1 cm of precision.
// Polygon columns follow deck.gl's binary polygon layout; the columns and the meta are the
// contract in domain/feeds.ts (POINT_FEED_COLUMNS, POLYGON_FEED_COLUMNS, FeatureFeedMeta).
import type { FeedInput } from '../http/binary-feed.ts';
import { FEED_ORIGIN } from '../cases/cases-queries.ts';
import type { FeatureFeedMeta, FeedColumnsOf, FeedProp, POINT_FEED_COLUMNS, POLYGON_FEED_COLUMNS } from '../../domain/feeds.ts';

export interface FeatureRow {
  id: number;
  code: string;
  name: string;
  nameEn?: string | null;
  /** lng/lat (label point or the point itself). */
  lng: number;
  lat: number;
  props: Record<string, FeedProp>;
}

export interface PolygonRow extends FeatureRow {
  /** ST_AsGeoJSON of a Polygon or MultiPolygon. */
  geojson: string;
}

type FeatureMeta = FeatureFeedMeta & { props: Record<string, FeedProp[]> };

function featureMeta(rows: FeatureRow[], withNamesEn: boolean): FeatureMeta {
  const props: Record<string, FeedProp[]> = {};
  for (const key of Object.keys(rows[0]?.props ?? {})) props[key] = rows.map((r) => r.props[key] ?? null);
  return {
    origin: FEED_ORIGIN,
    codes: rows.map((r) => r.code),
    names: rows.map((r) => r.name),
    ...(withNamesEn ? { namesEn: rows.map((r) => r.nameEn ?? '') } : {}),
    props,
  };
}

export function pointFeed(rows: FeatureRow[], withNamesEn = false): FeedInput & { meta: FeatureFeedMeta; columns: FeedColumnsOf<typeof POINT_FEED_COLUMNS> } {
  const n = rows.length;
  const id = new Uint32Array(n);
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  rows.forEach((r, i) => {
    id[i] = r.id;
    x[i] = r.lng - FEED_ORIGIN[0];
    y[i] = r.lat - FEED_ORIGIN[1];
  });
  return { length: n, meta: { ...featureMeta(rows, withNamesEn) }, columns: { id, x, y } };
}

type Ring = [number, number][];

export function polygonFeed(rows: PolygonRow[], withNamesEn = false): FeedInput & { meta: FeatureFeedMeta; columns: FeedColumnsOf<typeof POLYGON_FEED_COLUMNS> } {
  const n = rows.length;
  const id = new Uint32Array(n);
  const labelX = new Float32Array(n);
  const labelY = new Float32Array(n);
  const partsOf: Ring[][][] = rows.map((r, i) => {
    id[i] = r.id;
    labelX[i] = r.lng - FEED_ORIGIN[0];
    labelY[i] = r.lat - FEED_ORIGIN[1];
    const g = JSON.parse(r.geojson) as { type: string; coordinates: unknown };
    if (g.type === 'Polygon') return [g.coordinates as Ring[]];
    if (g.type === 'MultiPolygon') return g.coordinates as Ring[][];
    throw new Error(`feature ${r.code}: expected a polygon, got ${g.type}`);
  });
  let vertices = 0;
  let parts = 0;
  let rings = 0;
  for (const ps of partsOf) {
    for (const p of ps) {
      parts++;
      rings += p.length;
      for (const ring of p) vertices += ring.length;
    }
  }
  const positions = new Float32Array(vertices * 2);
  const polygonIndices = new Uint32Array(parts + 1);
  const primitivePolygonIndices = new Uint32Array(rings + 1);
  const partFeature = new Uint32Array(parts);
  let v = 0;
  let pi = 0;
  let ri = 0;
  partsOf.forEach((ps, f) => {
    for (const p of ps) {
      partFeature[pi] = f;
      polygonIndices[pi++] = v;
      for (const ring of p) {
        primitivePolygonIndices[ri++] = v;
        for (const [lng, lat] of ring) {
          positions[2 * v] = lng - FEED_ORIGIN[0];
          positions[2 * v + 1] = lat - FEED_ORIGIN[1];
          v++;
        }
      }
    }
  });
  polygonIndices[parts] = v;
  primitivePolygonIndices[rings] = v;
  return {
    length: n,
    meta: { ...featureMeta(rows, withNamesEn) },
    columns: { id, labelX, labelY, positions, polygonIndices, primitivePolygonIndices, partFeature },
  };
}
