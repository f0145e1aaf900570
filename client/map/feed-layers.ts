// Generic layers over decoded binary feeds (no domain knowledge): polygons (MapLibre
// outlines; deck.gl fills, labels and the highlighted outline) and points (deck.gl).
// Positions are float32 offsets in degrees from the feed's origin, drawn with LNGLAT_OFFSETS
// so nothing is copied into float64.
import { COORDINATE_SYSTEM, type Color, type Layer } from '@deck.gl/core';
import { PathLayer, ScatterplotLayer, SolidPolygonLayer, TextLayer } from '@deck.gl/layers';
import type { Feed } from './binary-feed.ts';
import type { FeedMeta, PolygonShapes } from './polygon-feed.ts';
import type { MapLayers } from './map-layers.ts';
import { LABEL_FONT } from './fonts.ts';

/** Label ink and halo for a dark or a light base map. */
export const LABEL_INK: Record<'dark' | 'light', { text: Color; halo: Color }> = {
  dark: { text: [230, 237, 247, 235], halo: [0, 0, 0, 200] },
  light: { text: [25, 35, 50, 240], halo: [255, 255, 255, 220] },
};

const offsets = (origin: [number, number]) => ({ coordinateSystem: COORDINATE_SYSTEM.LNGLAT_OFFSETS, coordinateOrigin: [origin[0], origin[1], 0] as [number, number, number] });

/** Labels in the page's local fonts, Latin first (a glyph atlas of just the characters in the data). */
function labelLayer<D>(id: string, common: object, data: D, props: Record<string, unknown>): Layer {
  return new TextLayer({ id, ...common, data: data as never, fontFamily: LABEL_FONT, fontWeight: 600, characterSet: 'auto', outlineWidth: 2, fontSettings: { sdf: true }, ...props });
}

/** deck.gl's glyph atlas: glyphs drawn at 64 px, distance field 12 px wide (its defaults). */
const ATLAS_FONT_SIZE = 64;
const SDF_RADIUS = 12;

/**
 * TextLayer props for a halo `pixels` wide on screen around text of `size` pixels. deck.gl's
 * outlineWidth is in atlas pixels (at 64 px) and the atlas keeps only `buffer` pixels around
 * each glyph, so both grow with the wanted halo (the field reaches 0.75 × radius outside).
 */
export function haloProps(pixels: number, size: number): { outlineWidth: number; fontSettings: { sdf: true; buffer: number; radius: number } } {
  const atlasPixels = Math.min(0.75 * SDF_RADIUS, (pixels * ATLAS_FONT_SIZE) / size);
  return { outlineWidth: atlasPixels / 0.75, fontSettings: { sdf: true, buffer: Math.max(4, Math.ceil(atlasPixels) + 2), radius: SDF_RADIUS } };
}

/** The on-screen halo width (pixels) of a label layer's props, the inverse of haloProps. */
export function haloPixels(outlineWidth: number, size: number): number {
  return (Math.min(outlineWidth, SDF_RADIUS) * 0.75 * size) / ATLAS_FONT_SIZE;
}

export interface PolygonLayerOptions {
  id: string;
  shapes: PolygonShapes;
  meta: FeedMeta;
  visible: boolean;
  fill?: Color | ((feature: number) => Color);
  line: Color;
  lineWidthPixels: number;
  /** Label text per feature, or null for no labels. */
  label?: ((feature: number) => string) | null;
  labelColour?: Color;
  labelSize?: number;
  /** Label weight (CSS font-weight; default 600). */
  labelWeight?: number;
  /** Halo around labels, in screen pixels (default: deck.gl's thin outline). */
  labelHalo?: number;
  theme?: 'dark' | 'light';
  pickable?: boolean;
  highlight?: number | null;
  /** Zoom from which the outline shows (MapLibre hides it below). */
  minZoom?: number;
  /** What the fill and label functions depend on (e.g. the language): they are re-run only when it changes. */
  triggers?: unknown[];
}

/** Fill (when given), outlines and labels of a polygon feed. Picked objects carry `feature`. */
export function polygonFeedLayers(o: PolygonLayerOptions): MapLayers {
  const common = { ...offsets(o.meta.origin), visible: o.visible };
  const layers: Layer[] = [];
  if (o.fill) {
    const fill = o.fill;
    layers.push(
      new SolidPolygonLayer({
        id: `${o.id}-fill`,
        ...common,
        data: o.shapes.parts,
        getPolygon: (p) => ({ positions: p.positions, holeIndices: p.holeIndices }),
        positionFormat: 'XY',
        getFillColor: typeof fill === 'function' ? (p) => fill(p.feature) : fill,
        pickable: o.pickable ?? false,
        autoHighlight: o.pickable ?? false,
        highlightColor: [255, 255, 255, 60],
        updateTriggers: { getFillColor: o.triggers ?? [] },
      }),
    );
  }
  if (o.highlight !== null && o.highlight !== undefined) {
    const h = o.highlight;
    layers.push(
      new PathLayer({
        id: `${o.id}-highlight`,
        ...common,
        data: o.shapes.rings.filter((r) => r.feature === h),
        getPath: (r) => r.path,
        positionFormat: 'XY',
        getColor: [255, 255, 255, 255],
        getWidth: o.lineWidthPixels + 2,
        widthUnits: 'pixels',
      }),
    );
  }
  if (o.label) {
    const label = o.label;
    layers.push(
      labelLayer(`${o.id}-label`, common, o.shapes.labels, {
        getPosition: (l: { position: [number, number] }) => l.position,
        getText: (l: { feature: number }) => label(l.feature),
        getSize: o.labelSize ?? 13,
        getColor: o.labelColour ?? LABEL_INK[o.theme ?? 'dark'].text,
        outlineColor: LABEL_INK[o.theme ?? 'dark'].halo,
        ...(o.labelWeight ? { fontWeight: o.labelWeight } : {}),
        ...(o.labelHalo ? haloProps(o.labelHalo, o.labelSize ?? 13) : {}),
        updateTriggers: { getText: o.triggers ?? [] },
      }),
    );
  }
  return { deck: layers, lines: [{ id: `${o.id}-line`, data: o.shapes.outline, colour: o.line as [number, number, number, number], widthPixels: o.lineWidthPixels, minZoom: o.minZoom ?? 0, visible: o.visible }] };
}

export interface PointLayerOptions {
  id: string;
  feed: Feed<FeedMeta>;
  visible: boolean;
  colour: Color | ((i: number) => Color);
  radiusPixels: number | ((i: number) => number);
  pickable?: boolean;
  highlight?: number | null;
  label?: ((i: number) => string) | null;
  labelMinZoom?: number;
  zoom: number;
  theme?: 'dark' | 'light';
  /** What the colour, radius and label functions depend on: they are re-run only when it changes. */
  triggers?: unknown[];
}

/** One `{length}` object per feed, so deck.gl sees the same data across re-renders. */
const rowsOf = new WeakMap<object, { length: number }>();
export function stableRows(key: object, length: number): { length: number } {
  let d = rowsOf.get(key);
  if (!d) rowsOf.set(key, (d = { length }));
  return d;
}

/** Points of a point feed (columns x, y). Picked objects are row indices. */
export function pointFeedLayers(o: PointLayerOptions): MapLayers {
  const x = o.feed.columns.x as Float32Array;
  const y = o.feed.columns.y as Float32Array;
  const data = stableRows(o.feed, o.feed.length);
  const common = { ...offsets(o.feed.meta.origin), visible: o.visible };
  const position = (_: unknown, { index }: { index: number }): [number, number] => [x[index], y[index]];
  const colour = o.colour;
  const radius = o.radiusPixels;
  const layers: Layer[] = [
    new ScatterplotLayer({
      id: `${o.id}-points`,
      ...common,
      data,
      getPosition: position,
      getFillColor: typeof colour === 'function' ? (_: unknown, { index }: { index: number }) => colour(index) : colour,
      getRadius: typeof radius === 'function' ? (_: unknown, { index }: { index: number }) => radius(index) : radius,
      radiusUnits: 'pixels',
      stroked: true,
      getLineColor: (_: unknown, { index }: { index: number }) => (index === o.highlight ? [255, 255, 255, 255] : [0, 0, 0, 160]),
      getLineWidth: (_: unknown, { index }: { index: number }) => (index === o.highlight ? 3 : 1),
      lineWidthUnits: 'pixels',
      pickable: o.pickable ?? true,
      autoHighlight: true,
      updateTriggers: { getFillColor: o.triggers ?? [], getRadius: o.triggers ?? [], getLineColor: [o.highlight], getLineWidth: [o.highlight] },
    }),
  ];
  if (o.label && o.zoom >= (o.labelMinZoom ?? 0)) {
    const label = o.label;
    layers.push(
      labelLayer(`${o.id}-label`, common, data, {
        getPosition: position,
        getText: (_: unknown, { index }: { index: number }) => label(index),
        getSize: 12,
        getPixelOffset: [0, -14],
        getColor: LABEL_INK[o.theme ?? 'dark'].text,
        outlineColor: LABEL_INK[o.theme ?? 'dark'].halo,
        updateTriggers: { getText: o.triggers ?? [] },
      }),
    );
  }
  return { deck: layers, lines: [] };
}
