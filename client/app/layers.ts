// The console's layers, in drawing order (bottom first): ids as they appear in the URL, the
// feed each one draws from, the zoom from which it shows, and its label. Data, not code paths.
import type { StringKey } from '../lib/i18n.ts';
import { DISTRICT_LINE, TOWNSHIP_LINE, TOWNSHIPS_MIN_ZOOM, VILLAGE_COLOUR, VILLAGES_MIN_ZOOM } from '../features/places/places-layers.ts';
import { CLINIC_COLOUR, CLINICS_MIN_ZOOM } from '../features/clinics/clinics-layer.ts';
import { COMMUNITIES_MIN_ZOOM, COMMUNITY_FILL } from '../features/communities/communities-layer.ts';
import { GRID_LINE, GRIDS_MIN_ZOOM, RESPONSIBILITY_LINE, RESPONSIBILITY_MIN_ZOOM } from '../features/grids/grids-layers.ts';

type Rgba = [number, number, number, number];

export type LayerId = 'districts' | 'townships' | 'communities' | 'grids' | 'rgrids' | 'villages' | 'clinics' | 'cases';

export interface LayerDef {
  id: LayerId;
  label: StringKey;
  /** file under /api/layers/ */
  feed: string;
  minZoom: number;
  /** The permission its feed needs (the server refuses it otherwise; the panel shows it locked). */
  permission?: string;
  /** How the legend shows it (cases have a legend of their own). */
  swatch?: { shape: 'line' | 'point' | 'fill'; colour: (theme: 'dark' | 'light') => Rgba };
}

export const LAYERS: LayerDef[] = [
  { id: 'districts', label: 'layerDistricts', feed: 'districts.bin', minZoom: 0, swatch: { shape: 'line', colour: (t) => DISTRICT_LINE[t] } },
  { id: 'townships', label: 'layerTownships', feed: 'townships.bin', minZoom: TOWNSHIPS_MIN_ZOOM, swatch: { shape: 'line', colour: (t) => TOWNSHIP_LINE[t] } },
  { id: 'communities', label: 'layerCommunities', feed: 'communities.bin', minZoom: COMMUNITIES_MIN_ZOOM, swatch: { shape: 'fill', colour: () => COMMUNITY_FILL } },
  { id: 'grids', label: 'layerGrids', feed: 'grids.bin', minZoom: GRIDS_MIN_ZOOM, swatch: { shape: 'line', colour: (t) => GRID_LINE[t] } },
  { id: 'rgrids', label: 'layerRgrids', feed: 'responsibility-grids.bin', minZoom: RESPONSIBILITY_MIN_ZOOM, swatch: { shape: 'line', colour: (t) => RESPONSIBILITY_LINE[t] } },
  { id: 'villages', label: 'layerVillages', feed: 'villages.bin', minZoom: VILLAGES_MIN_ZOOM, swatch: { shape: 'point', colour: () => VILLAGE_COLOUR } },
  { id: 'clinics', label: 'layerClinics', feed: 'clinics.bin', minZoom: CLINICS_MIN_ZOOM, swatch: { shape: 'point', colour: () => CLINIC_COLOUR } },
  { id: 'cases', label: 'layerCases', feed: 'cases.bin', minZoom: 0, permission: 'case.read' },
];

export const DEFAULT_LAYERS: LayerId[] = ['districts', 'townships', 'cases'];
