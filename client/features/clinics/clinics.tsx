// The clinics feature: village clinics (村卫生所) as points, and the clinic's details panel.
import { POINT_FEED_COLUMNS } from '../../../domain/feeds.ts';
import { defineLayer } from '../../lib/map-feature.ts';
import { pointLayer } from '../../lib/feature-kit.ts';
import type { FeedMeta } from '../../map/polygon-feed.ts';
import { CLINIC_COLOUR, CLINICS_MIN_ZOOM, createClinicsLayers } from './clinics-layer.ts';
import { ClinicDetails } from './ClinicDetails.tsx';

export const clinicsLayer = defineLayer<FeedMeta>({
  id: 'clinics',
  label: { zh: '村卫生所', en: 'Village clinics' },
  feed: { file: 'clinics.bin', columns: POINT_FEED_COLUMNS },
  minZoom: CLINICS_MIN_ZOOM,
  swatch: { shape: 'point', colour: () => CLINIC_COLOUR },
  selection: { kind: 'clinic', keyBy: 'id', fitMaxZoom: 17 },
  draw: (v) => createClinicsLayers({ feed: v.feed, visible: v.visible, zoom: v.zoom, theme: v.theme, highlight: v.highlight }),
  ...pointLayer,
  Details: ({ lang, selKey }) => <ClinicDetails id={Number(selKey)} lang={lang} />,
});
