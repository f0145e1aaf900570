// The grids feature: unit grids (单元网格) and responsibility grids (责任网格), outlines picked
// in JS, and their details panels (a responsibility grid's inspector is assigned there).
import { POLYGON_FEED_COLUMNS } from '../../../domain/feeds.ts';
import { defineLayer } from '../../lib/map-feature.ts';
import { polygonLayer } from '../../lib/feature-kit.ts';
import { say } from '../../lib/i18n.ts';
import type { FeedMeta, PolygonShapes } from '../../map/polygon-feed.ts';
import { createResponsibilityGridsLayers, createUnitGridsLayers, GRID_LINE, GRIDS_MIN_ZOOM, RESPONSIBILITY_LINE, RESPONSIBILITY_MIN_ZOOM } from './grids-layers.ts';
import { GridDetails, ResponsibilityGridDetails } from './GridDetails.tsx';

export const responsibilityGridsLayer = defineLayer<FeedMeta, PolygonShapes>({
  id: 'rgrids',
  label: { zh: '责任网格', en: 'Responsibility grids' },
  feed: { file: 'responsibility-grids.bin', columns: POLYGON_FEED_COLUMNS },
  minZoom: RESPONSIBILITY_MIN_ZOOM,
  swatch: { shape: 'line', colour: (t) => RESPONSIBILITY_LINE[t] },
  selection: { kind: 'rgrid', keyBy: 'id', searchKinds: ['responsibilityGrid'], fitMaxZoom: 15 },
  ...polygonLayer,
  draw: (v) => createResponsibilityGridsLayers({ feed: v.feed, shapes: v.data, visible: v.visible, zoom: v.zoom, theme: v.theme, highlight: v.highlight }),
  describe: (v, row) => `${say(v.lang, 'kind_responsibilityGrid', 'rgrid')} ${v.feed.meta.codes[row]}`,
  Details: ({ lang, selKey }) => <ResponsibilityGridDetails id={Number(selKey)} lang={lang} />,
});

export const unitGridsLayer = defineLayer<FeedMeta, PolygonShapes>({
  id: 'grids',
  label: { zh: '单元网格', en: 'Unit grids' },
  feed: { file: 'grids.bin', columns: POLYGON_FEED_COLUMNS },
  minZoom: GRIDS_MIN_ZOOM,
  swatch: { shape: 'line', colour: (t) => GRID_LINE[t] },
  selection: { kind: 'grid', keyBy: 'id', fitMaxZoom: 17 },
  ...polygonLayer,
  draw: (v) => createUnitGridsLayers({ feed: v.feed, shapes: v.data, visible: v.visible, zoom: v.zoom, theme: v.theme, highlight: v.highlight }),
  describe: (v, row) => `${say(v.lang, 'kind_grid', 'grid')} ${v.feed.meta.codes[row]}`,
  Details: ({ lang, selKey }) => <GridDetails id={Number(selKey)} lang={lang} />,
});
