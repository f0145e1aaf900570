// Unit grids (单元网格) and responsibility grids (责任网格); stable ids grids-*, rgrids-*.
// Unit grids appear from street level (zoom 13), responsibility grids from zoom 11.
import type { Feed } from '../../map/binary-feed.ts';
import type { MapLayers } from '../../map/map-layers.ts';
import { polygonFeedLayers } from '../../map/feed-layers.ts';
import type { FeedMeta, PolygonShapes } from '../../map/polygon-feed.ts';

export const GRIDS_MIN_ZOOM = 13;
export const RESPONSIBILITY_MIN_ZOOM = 11;
export const GRID_LINE: [number, number, number, number] = [120, 255, 160, 200];
export const RESPONSIBILITY_LINE: [number, number, number, number] = [255, 190, 60, 230];

interface Input {
  feed: Feed<FeedMeta>;
  shapes: PolygonShapes;
  visible: boolean;
  zoom: number;
  highlight?: number | null;
  theme?: 'dark' | 'light';
}

export function createUnitGridsLayers(o: Input): MapLayers {
  return polygonFeedLayers({
    id: 'grids',
    shapes: o.shapes,
    meta: o.feed.meta,
    visible: o.visible && o.zoom >= GRIDS_MIN_ZOOM,
    minZoom: GRIDS_MIN_ZOOM,
    // no fill: a full-screen translucent fill costs a software renderer a frame's worth of
    // pixels; grids are picked by point-in-polygon (client/map/polygon-feed.ts featureAt)
    line: GRID_LINE,
    lineWidthPixels: 1,
    label: o.zoom >= 16 ? (i) => o.feed.meta.codes[i].slice(-6) : null,
    labelSize: 10,
    highlight: o.highlight,
    theme: o.theme,
  });
}

export function createResponsibilityGridsLayers(o: Input): MapLayers {
  return polygonFeedLayers({
    id: 'rgrids',
    shapes: o.shapes,
    meta: o.feed.meta,
    visible: o.visible && o.zoom >= RESPONSIBILITY_MIN_ZOOM,
    minZoom: RESPONSIBILITY_MIN_ZOOM,
    line: RESPONSIBILITY_LINE,
    lineWidthPixels: 2.5,
    label: o.zoom >= 12 && o.zoom < 16 ? (i) => o.feed.meta.names[i] : null,
    labelSize: 12,
    labelColour: [255, 210, 120, 230],
    highlight: o.highlight,
    theme: o.theme,
  });
}
