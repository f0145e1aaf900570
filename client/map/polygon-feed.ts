// Turns a decoded polygon feed (columns positions / polygonIndices / primitivePolygonIndices /
// partFeature / labelX / labelY, offsets in degrees from meta.origin) into what deck.gl's
// SolidPolygonLayer and PathLayer draw: flat XY arrays with hole indices, no GeoJSON objects.
import type { Feed } from './binary-feed.ts';

export interface FeedMeta {
  origin: [number, number];
  codes: string[];
  names: string[];
  namesEn?: string[];
  props?: Record<string, (string | number | null)[]>;
}

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
  rings: Ring[];
  /** One label anchor per feature, offsets like the positions. */
  labels: { feature: number; position: [number, number] }[];
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
  const lx = c.labelX as Float32Array;
  const ly = c.labelY as Float32Array;
  const labels = Array.from({ length: feed.length }, (_, i) => ({ feature: i, position: [lx[i], ly[i]] as [number, number] }));
  return { parts, rings, labels };
}
