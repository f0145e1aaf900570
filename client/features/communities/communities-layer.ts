// Property-managed residential compounds (物业小区) as polygons; stable id communities-*.
import type { Feed } from '../../map/binary-feed.ts';
import type { MapLayers } from '../../map/map-layers.ts';
import { polygonFeedLayers } from '../../map/feed-layers.ts';
import type { FeedMeta, PolygonShapes } from '../../map/polygon-feed.ts';

export const COMMUNITY_FILL: [number, number, number, number] = [120, 200, 255, 70];
export const COMMUNITIES_MIN_ZOOM = 12;

export function createCommunitiesLayers(o: { feed: Feed<FeedMeta>; shapes: PolygonShapes; visible: boolean; zoom: number; highlight?: number | null; theme?: 'dark' | 'light' }): MapLayers {
  return polygonFeedLayers({
    id: 'communities',
    shapes: o.shapes,
    meta: o.feed.meta,
    visible: o.visible && o.zoom >= COMMUNITIES_MIN_ZOOM,
    minZoom: COMMUNITIES_MIN_ZOOM,
    fill: COMMUNITY_FILL,
    line: [120, 200, 255, 220],
    lineWidthPixels: 1,
    label: o.zoom >= 15 ? (i) => o.feed.meta.names[i] : null,
    labelSize: 11,
    pickable: true,
    highlight: o.highlight,
    theme: o.theme,
  });
}
