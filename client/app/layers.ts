// The console's layers, in drawing order (bottom first): ids as they appear in the URL, the
// feed each one draws from, the zoom from which it shows, and its label. Data, not code paths.
import type { StringKey } from './i18n.ts';
import { TOWNSHIPS_MIN_ZOOM, VILLAGES_MIN_ZOOM } from '../features/places/places-layers.ts';
import { CLINICS_MIN_ZOOM } from '../features/clinics/clinics-layer.ts';
import { COMMUNITIES_MIN_ZOOM } from '../features/communities/communities-layer.ts';
import { GRIDS_MIN_ZOOM, RESPONSIBILITY_MIN_ZOOM } from '../features/grids/grids-layers.ts';

export type LayerId = 'districts' | 'townships' | 'communities' | 'grids' | 'rgrids' | 'villages' | 'clinics' | 'cases';

export interface LayerDef {
  id: LayerId;
  label: StringKey;
  /** file under /api/layers/ */
  feed: string;
  minZoom: number;
}

export const LAYERS: LayerDef[] = [
  { id: 'districts', label: 'layerDistricts', feed: 'districts.bin', minZoom: 0 },
  { id: 'townships', label: 'layerTownships', feed: 'townships.bin', minZoom: TOWNSHIPS_MIN_ZOOM },
  { id: 'communities', label: 'layerCommunities', feed: 'communities.bin', minZoom: COMMUNITIES_MIN_ZOOM },
  { id: 'grids', label: 'layerGrids', feed: 'grids.bin', minZoom: GRIDS_MIN_ZOOM },
  { id: 'rgrids', label: 'layerRgrids', feed: 'responsibility-grids.bin', minZoom: RESPONSIBILITY_MIN_ZOOM },
  { id: 'villages', label: 'layerVillages', feed: 'villages.bin', minZoom: VILLAGES_MIN_ZOOM },
  { id: 'clinics', label: 'layerClinics', feed: 'clinics.bin', minZoom: CLINICS_MIN_ZOOM },
  { id: 'cases', label: 'layerCases', feed: 'cases.bin', minZoom: 0 },
];

export const DEFAULT_LAYERS: LayerId[] = ['districts', 'townships', 'cases'];
