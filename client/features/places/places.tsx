// The places feature: districts and townships (outlines, picked in JS) and villages and
// communities (points sized by residents), each a layer module the console composes.
import { POINT_FEED_COLUMNS, POLYGON_FEED_COLUMNS } from '../../../domain/feeds.ts';
import { defineLayer, type DetailsProps } from '../../lib/map-feature.ts';
import { nameOf, pointLayer, polygonLayer } from '../../lib/feature-kit.ts';
import type { FeedMeta, PolygonShapes } from '../../map/polygon-feed.ts';
import { createDistrictsLayers, createTownshipsLayers, createVillagesLayers, DISTRICT_LINE, TOWNSHIP_LINE, TOWNSHIPS_MIN_ZOOM, VILLAGE_COLOUR, VILLAGES_MIN_ZOOM } from './places-layers.ts';
import { AreaDetails, VillageDetails } from './VillageDetails.tsx';

const areaDetails = (kind: 'district' | 'township') =>
  function Area({ lang, selKey, feed }: DetailsProps<FeedMeta>) {
    return <AreaDetails feed={feed} code={selKey} kind={kind} lang={lang} />;
  };

export const districtsLayer = defineLayer<FeedMeta, PolygonShapes>({
  id: 'districts',
  label: { zh: '区县', en: 'Districts' },
  feed: { file: 'districts.bin', columns: POLYGON_FEED_COLUMNS, always: true },
  minZoom: 0,
  swatch: { shape: 'line', colour: (t) => DISTRICT_LINE[t] },
  selection: { kind: 'district', keyBy: 'code', fitMaxZoom: 15 },
  ...polygonLayer,
  draw: (v) => createDistrictsLayers({ feed: v.feed, shapes: v.data, lang: v.lang, visible: v.visible, zoom: v.zoom, theme: v.theme, highlight: v.highlight, noLabels: v.screenLabels }),
  describe: (v, row) => nameOf(v.feed.meta, row, v.lang),
  Details: areaDetails('district'),
});

export const townshipsLayer = defineLayer<FeedMeta, PolygonShapes>({
  id: 'townships',
  label: { zh: '乡镇街道', en: 'Townships' },
  feed: { file: 'townships.bin', columns: POLYGON_FEED_COLUMNS },
  minZoom: TOWNSHIPS_MIN_ZOOM,
  swatch: { shape: 'line', colour: (t) => TOWNSHIP_LINE[t] },
  selection: { kind: 'township', keyBy: 'code', fitMaxZoom: 15 },
  ...polygonLayer,
  draw: (v) => createTownshipsLayers({ feed: v.feed, shapes: v.data, lang: v.lang, visible: v.visible, zoom: v.zoom, theme: v.theme, highlight: v.highlight, noLabels: v.screenLabels }),
  describe: (v, row) => nameOf(v.feed.meta, row, v.lang),
  Details: areaDetails('township'),
});

export const villagesLayer = defineLayer<FeedMeta>({
  id: 'villages',
  label: { zh: '村（社区）', en: 'Villages & communities' },
  feed: { file: 'villages.bin', columns: POINT_FEED_COLUMNS },
  minZoom: VILLAGES_MIN_ZOOM,
  swatch: { shape: 'point', colour: () => VILLAGE_COLOUR },
  selection: { kind: 'village', keyBy: 'code', fitMaxZoom: 15 },
  draw: (v) => createVillagesLayers({ feed: v.feed, lang: v.lang, visible: v.visible, zoom: v.zoom, theme: v.theme, highlight: v.highlight }),
  ...pointLayer,
  Details: ({ lang, selKey }) => <VillageDetails code={selKey} lang={lang} />,
});
