// Village clinics (村卫生所) as points; stable id clinics-*.
import type { Feed } from '../../map/binary-feed.ts';
import type { MapLayers } from '../../map/map-layers.ts';
import { pointFeedLayers } from '../../map/feed-layers.ts';
import type { FeedMeta } from '../../map/polygon-feed.ts';

export const CLINIC_COLOUR: [number, number, number, number] = [255, 80, 120, 235];
export const CLINICS_MIN_ZOOM = 9;

export function createClinicsLayers(o: { feed: Feed<FeedMeta>; visible: boolean; zoom: number; highlight?: number | null; theme?: 'dark' | 'light' }): MapLayers {
  return pointFeedLayers({
    id: 'clinics',
    feed: o.feed,
    visible: o.visible && o.zoom >= CLINICS_MIN_ZOOM,
    colour: CLINIC_COLOUR,
    radiusPixels: o.zoom >= 13 ? 6 : 4,
    highlight: o.highlight,
    theme: o.theme,
    label: (i) => o.feed.meta.names[i],
    labelMinZoom: 14,
    zoom: o.zoom,
  });
}
