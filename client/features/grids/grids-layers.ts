// Unit grids (单元网格) and responsibility grids (责任网格); stable ids grids-*, rgrids-*.
// Unit grids appear from street level (zoom 13), responsibility grids from zoom 11.
// Line colours per theme keep at least 3:1 against the base map's land (WCAG 1.4.11, graphical
// objects; tests/unit/grid-style.test.ts): the wall screen's pale green would vanish on the
// light theme's cream.
import type { Feed } from '../../map/binary-feed.ts';
import type { MapLayers } from '../../map/map-layers.ts';
import { polygonFeedLayers } from '../../map/feed-layers.ts';
import type { FeedMeta, PolygonShapes } from '../../map/polygon-feed.ts';

type Rgba = [number, number, number, number];
type Theme = 'dark' | 'light';

export const GRIDS_MIN_ZOOM = 13;
export const RESPONSIBILITY_MIN_ZOOM = 11;
/** Zoom from which unit grids carry their code (the last 6 digits: street, community, serial). */
export const GRID_LABEL_MIN_ZOOM = 16;
export const GRID_LINE: Record<Theme, Rgba> = { dark: [120, 255, 160, 200], light: [22, 120, 70, 230] };
export const RESPONSIBILITY_LINE: Record<Theme, Rgba> = { dark: [255, 190, 60, 230], light: [176, 84, 0, 255] };
export const RESPONSIBILITY_LABEL: Record<Theme, Rgba> = { dark: [255, 210, 120, 230], light: [150, 70, 0, 255] };

/**
 * Grid-code label size (CSS pixels) at a zoom: a grid is ~150 px across at 16, twice that at
 * 17. Bold digits of 16 px and more read from 3 m on a wall screen and on a phone.
 */
export function gridLabelSize(zoom: number): number {
  return zoom >= 18 ? 20 : zoom >= 17 ? 17 : 14;
}
/** Halo (pixels) around grid codes, so they read over lines, points and both base maps. */
export const GRID_LABEL_HALO = 2;

interface Input {
  feed: Feed<FeedMeta>;
  shapes: PolygonShapes;
  visible: boolean;
  zoom: number;
  highlight?: number | null;
  theme?: Theme;
}

export function createUnitGridsLayers(o: Input): MapLayers {
  const theme = o.theme ?? 'dark';
  return polygonFeedLayers({
    id: 'grids',
    shapes: o.shapes,
    meta: o.feed.meta,
    visible: o.visible && o.zoom >= GRIDS_MIN_ZOOM,
    minZoom: GRIDS_MIN_ZOOM,
    // no fill: a full-screen translucent fill costs a software renderer a frame's worth of
    // pixels; grids are picked by point-in-polygon (client/map/polygon-feed.ts featureAt)
    line: GRID_LINE[theme],
    lineWidthPixels: 1,
    label: o.zoom >= GRID_LABEL_MIN_ZOOM ? (i) => o.feed.meta.codes[i].slice(-6) : null,
    labelSize: gridLabelSize(o.zoom),
    labelWeight: 700,
    labelHalo: GRID_LABEL_HALO,
    highlight: o.highlight,
    theme,
  });
}

export function createResponsibilityGridsLayers(o: Input): MapLayers {
  const theme = o.theme ?? 'dark';
  return polygonFeedLayers({
    id: 'rgrids',
    shapes: o.shapes,
    meta: o.feed.meta,
    visible: o.visible && o.zoom >= RESPONSIBILITY_MIN_ZOOM,
    minZoom: RESPONSIBILITY_MIN_ZOOM,
    line: RESPONSIBILITY_LINE[theme],
    lineWidthPixels: 2.5,
    label: o.zoom >= 12 && o.zoom < 16 ? (i) => o.feed.meta.names[i] : null,
    labelSize: 12,
    labelColour: RESPONSIBILITY_LABEL[theme],
    highlight: o.highlight,
    theme,
  });
}
