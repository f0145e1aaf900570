// Districts and townships (outlines + labels) and villages/communities (points sized by
// residents). Stable layer ids: districts-*, townships-*, villages-*.
import type { MapLayers } from '../../map/map-layers.ts';
import type { Feed } from '../../map/binary-feed.ts';
import { pointFeedLayers, polygonFeedLayers } from '../../map/feed-layers.ts';
import type { FeedMeta, PolygonShapes } from '../../map/polygon-feed.ts';

interface PolygonInput {
  feed: Feed<FeedMeta>;
  shapes: PolygonShapes;
  lang: 'zh' | 'en';
  visible: boolean;
  zoom: number;
  highlight?: number | null;
  theme: 'dark' | 'light';
  /** The screen writes the names itself (a wall): none on the map. */
  noLabels?: boolean;
}

export const DISTRICT_LINE: Record<'dark' | 'light', [number, number, number, number]> = { dark: [120, 170, 230, 230], light: [60, 80, 110, 230] };
export const TOWNSHIP_LINE: Record<'dark' | 'light', [number, number, number, number]> = { dark: [90, 120, 160, 160], light: [110, 120, 140, 160] };
export const VILLAGE_COLOUR: [number, number, number, number] = [240, 200, 120, 200];

const nameOf = (meta: FeedMeta, lang: 'zh' | 'en') => (i: number) => (lang === 'en' && meta.namesEn?.[i]) || meta.names[i];

export function createDistrictsLayers(o: PolygonInput): MapLayers {
  return polygonFeedLayers({
    id: 'districts',
    shapes: o.shapes,
    meta: o.feed.meta,
    visible: o.visible,
    // no fill: the base map draws the land, and districts are picked by point-in-polygon
    line: DISTRICT_LINE[o.theme],
    lineWidthPixels: 2,
    label: o.zoom < 11 && !o.noLabels ? nameOf(o.feed.meta, o.lang) : null,
    labelSize: 16,
    theme: o.theme,
    triggers: [o.lang],
    highlight: o.highlight,
  });
}

export function createTownshipsLayers(o: PolygonInput): MapLayers {
  return polygonFeedLayers({
    id: 'townships',
    shapes: o.shapes,
    meta: o.feed.meta,
    visible: o.visible && o.zoom >= TOWNSHIPS_MIN_ZOOM,
    minZoom: TOWNSHIPS_MIN_ZOOM,
    line: TOWNSHIP_LINE[o.theme],
    lineWidthPixels: 1,
    label: o.zoom >= 9 && o.zoom < 13 && !o.noLabels ? nameOf(o.feed.meta, o.lang) : null,
    labelSize: 12,
    theme: o.theme,
    triggers: [o.lang],
    highlight: o.highlight,
  });
}
export const TOWNSHIPS_MIN_ZOOM = 7.5;

/** Point radius in pixels from residents: area ∝ population, clamped to 2–12 px. */
export function villageRadius(population: number): number {
  return Math.min(12, Math.max(2, Math.sqrt(Math.max(0, population) / 800) * 3));
}

export function createVillagesLayers(o: { feed: Feed<FeedMeta>; lang: 'zh' | 'en'; visible: boolean; zoom: number; highlight?: number | null; theme?: 'dark' | 'light' }): MapLayers {
  const population = (o.feed.meta.props?.population ?? []) as number[];
  return pointFeedLayers({
    id: 'villages',
    feed: o.feed,
    visible: o.visible && o.zoom >= VILLAGES_MIN_ZOOM,
    colour: VILLAGE_COLOUR,
    radiusPixels: (i) => villageRadius(population[i] ?? 0),
    highlight: o.highlight,
    label: nameOf(o.feed.meta, o.lang),
    labelMinZoom: 13,
    zoom: o.zoom,
    theme: o.theme,
    triggers: [o.lang],
  });
}
export const VILLAGES_MIN_ZOOM = 10;
