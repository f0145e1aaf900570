// What a layer factory hands the map shell: deck.gl layers (points, fills, labels, picking) and
// outlines drawn by MapLibre itself. MapLibre tiles and simplifies line geometry per zoom
// in its worker and culls what is off screen, where deck.gl's PathLayer would push every
// vertex of every outline through its shader each frame (a second per frame for township and
// grid outlines under software rendering).
import type { Layer } from '@deck.gl/core';

export interface LineSpec {
  /** Stable id; the MapLibre source and layer are `cg-<id>`. */
  id: string;
  /** Lines (or polygons) in WGS-84 lng/lat. Keep the object identity while the data is unchanged. */
  data: GeoJSON.FeatureCollection;
  colour: [number, number, number, number];
  widthPixels: number;
  minZoom: number;
  visible: boolean;
}

export interface MapLayers {
  deck: Layer[];
  lines: LineSpec[];
}

export const cssColour = (c: readonly number[]) => `rgba(${c[0]},${c[1]},${c[2]},${(c[3] ?? 255) / 255})`;

export function mergeMapLayers(parts: MapLayers[]): MapLayers {
  return { deck: parts.flatMap((p) => p.deck), lines: parts.flatMap((p) => p.lines) };
}
