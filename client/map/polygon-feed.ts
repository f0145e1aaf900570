// Turns a decoded polygon feed (columns positions / polygonIndices / primitivePolygonIndices /
// partFeature / labelX / labelY, offsets in degrees from meta.origin) into what deck.gl's
// SolidPolygonLayer and PathLayer draw: flat XY arrays with hole indices, no GeoJSON objects.
import type { FeatureFeedMeta } from '../../domain/feeds.ts';
import type { Feed } from './binary-feed.ts';

/** The feature feeds' meta: the contract in domain/feeds.ts. */
export type FeedMeta = FeatureFeedMeta;

export interface PolygonPart {
  feature: number;
  /** Flat [x0, y0, x1, y1, …] offsets; the exterior ring first, then holes. */
  positions: Float32Array;
  /** Where each hole starts in `positions` (in numbers, not vertices), as deck.gl expects. */
  holeIndices: number[];
}

export interface Ring {
  feature: number;
  path: Float32Array;
}

export interface PolygonShapes {
  parts: PolygonPart[];
  /** [minX, minY, maxX, maxY] per part, offsets like the positions. */
  partBoxes: Float32Array;
  rings: Ring[];
  /** One label anchor per feature, offsets like the positions. */
  labels: { feature: number; position: [number, number] }[];
  /** Every ring as a WGS-84 LineString (property `f`: the feature index), for MapLibre outlines. */
  outline: GeoJSON.FeatureCollection;
}

export function polygonShapes(feed: Feed<FeedMeta>): PolygonShapes {
  const c = feed.columns;
  const positions = c.positions as Float32Array;
  const partStarts = c.polygonIndices as Uint32Array;
  const ringStarts = c.primitivePolygonIndices as Uint32Array;
  const partFeature = c.partFeature as Uint32Array;
  const parts: PolygonPart[] = [];
  const rings: Ring[] = [];
  let r = 0;
  for (let p = 0; p + 1 < partStarts.length; p++) {
    const start = partStarts[p];
    const end = partStarts[p + 1];
    const holeIndices: number[] = [];
    while (r + 1 < ringStarts.length && ringStarts[r] < end) {
      const ringStart = ringStarts[r];
      if (ringStart > start) holeIndices.push((ringStart - start) * 2);
      rings.push({ feature: partFeature[p], path: positions.subarray(ringStart * 2, ringStarts[r + 1] * 2) });
      r++;
    }
    parts.push({ feature: partFeature[p], positions: positions.subarray(start * 2, end * 2), holeIndices });
  }
  const partBoxes = new Float32Array(parts.length * 4);
  parts.forEach((part, k) => {
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    for (let i = 0; i < part.positions.length; i += 2) {
      x0 = Math.min(x0, part.positions[i]);
      x1 = Math.max(x1, part.positions[i]);
      y0 = Math.min(y0, part.positions[i + 1]);
      y1 = Math.max(y1, part.positions[i + 1]);
    }
    partBoxes.set([x0, y0, x1, y1], k * 4);
  });
  const lx = c.labelX as Float32Array;
  const ly = c.labelY as Float32Array;
  const labels = Array.from({ length: feed.length }, (_, i) => ({ feature: i, position: [lx[i], ly[i]] as [number, number] }));
  const [ox, oy] = feed.meta.origin;
  const outline: GeoJSON.FeatureCollection = {
    type: 'FeatureCollection',
    features: rings.map((r) => {
      const coordinates: [number, number][] = [];
      for (let i = 0; i < r.path.length; i += 2) coordinates.push([ox + r.path[i], oy + r.path[i + 1]]);
      return { type: 'Feature', properties: { f: r.feature }, geometry: { type: 'LineString', coordinates } };
    }),
  };
  return { parts, partBoxes, rings, labels, outline };
}

/**
 * The feature whose polygon contains the point (offsets from the feed's origin, degrees), or
 * null. Even-odd rule over every ring of a part, so holes are outside. Large flat layers (unit
 * grids, districts) are picked this way instead of drawing a fill just to pick it.
 */
export function featureAt(shapes: PolygonShapes, x: number, y: number): number | null {
  const b = shapes.partBoxes;
  for (let k = shapes.parts.length - 1; k >= 0; k--) {
    if (x < b[4 * k] || x > b[4 * k + 2] || y < b[4 * k + 1] || y > b[4 * k + 3]) continue;
    const { positions: p, holeIndices, feature } = shapes.parts[k];
    const starts = [0, ...holeIndices, p.length];
    let inside = false;
    for (let r = 0; r + 1 < starts.length; r++) {
      for (let i = starts[r], j = starts[r + 1] - 2; i < starts[r + 1]; j = i, i += 2) {
        const [xi, yi, xj, yj] = [p[i], p[i + 1], p[j], p[j + 1]];
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      }
    }
    if (inside) return feature;
  }
  return null;
}
