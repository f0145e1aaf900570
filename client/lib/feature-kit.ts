// What many layer modules share: polygon feeds turned into shapes once and picked in JS, points
// picked on the GPU, and names in the UI's language.
import { featureAt, polygonShapes, type FeedMeta, type PolygonShapes } from '../map/polygon-feed.ts';
import type { Feed } from '../map/binary-feed.ts';
import type { Lang } from './i18n.ts';
import type { PickingInfo } from '@deck.gl/core';
import type { LayerView, Picked } from './map-feature.ts';

/** A feature's name in the UI's language (the Chinese name where no English one is given). */
export const nameOf = (meta: FeedMeta, row: number, lang: Lang): string => (lang === 'en' && meta.namesEn?.[row]) || meta.names[row];

/** For a polygon layer: shapes made once per feed, and picking by point-in-polygon. */
export const polygonLayer = {
  derive: (feed: Feed<FeedMeta>): PolygonShapes => polygonShapes(feed),
  featureAt: (v: LayerView<FeedMeta, PolygonShapes>, lng: number, lat: number): number | null => featureAt(v.data, lng - v.feed.meta.origin[0], lat - v.feed.meta.origin[1]),
};

/** For a point layer: a click selects the point's feature, a hover names it. */
export const pointLayer = {
  pick: (info: PickingInfo, v: LayerView<FeedMeta, unknown>): Picked => {
    const key = v.keyOf(info.index);
    return key === undefined ? null : { select: key };
  },
  tooltip: (info: PickingInfo, v: LayerView<FeedMeta, unknown>): string | null => (info.index >= 0 ? nameOf(v.feed.meta, info.index, v.lang) : null),
};
