// The communities feature: property-managed compounds (物业小区), filled and picked on the GPU.
import { POLYGON_FEED_COLUMNS } from '../../../domain/feeds.ts';
import { defineLayer } from '../../lib/map-feature.ts';
import { nameOf } from '../../lib/feature-kit.ts';
import { polygonShapes, type FeedMeta, type PolygonShapes } from '../../map/polygon-feed.ts';
import { COMMUNITIES_MIN_ZOOM, COMMUNITY_FILL, createCommunitiesLayers } from './communities-layer.ts';
import { CommunityDetails } from './CommunityDetails.tsx';

const rowOf = (object: unknown) => (object as { feature?: number } | undefined)?.feature ?? -1;

export const communitiesLayer = defineLayer<FeedMeta, PolygonShapes>({
  id: 'communities',
  label: { zh: '物业小区', en: 'Managed compounds' },
  feed: { file: 'communities.bin', columns: POLYGON_FEED_COLUMNS },
  minZoom: COMMUNITIES_MIN_ZOOM,
  swatch: { shape: 'fill', colour: () => COMMUNITY_FILL },
  selection: { kind: 'community', keyBy: 'id', fitMaxZoom: 15 },
  derive: (feed) => polygonShapes(feed),
  draw: (v) => createCommunitiesLayers({ feed: v.feed, shapes: v.data, visible: v.visible, zoom: v.zoom, theme: v.theme, highlight: v.highlight }),
  pick: (info, v) => {
    const key = rowOf(info.object) >= 0 ? v.keyOf(rowOf(info.object)) : undefined;
    return key === undefined ? null : { select: key };
  },
  tooltip: (info, v) => (rowOf(info.object) >= 0 ? nameOf(v.feed.meta, rowOf(info.object), v.lang) : null),
  Details: ({ lang, selKey }) => <CommunityDetails id={Number(selKey)} lang={lang} />,
});
