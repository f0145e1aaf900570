// The console's layers, in drawing order (bottom first; the layer list shows them top first).
// Adding a layer is adding its feature's module here: the console, the layer list, the legend,
// picking, tooltips, search and the details panel all follow from the module.
import type { LayerModule } from '../lib/map-feature.ts';
import { districtsLayer, townshipsLayer, villagesLayer } from '../features/places/places.tsx';
import { communitiesLayer } from '../features/communities/communities.tsx';
import { responsibilityGridsLayer, unitGridsLayer } from '../features/grids/grids.tsx';
import { clinicsLayer } from '../features/clinics/clinics.tsx';
import { casesLayer } from '../features/cases/cases.tsx';

export const LAYERS: readonly LayerModule[] = [districtsLayer, townshipsLayer, communitiesLayer, responsibilityGridsLayer, unitGridsLayer, villagesLayer, clinicsLayer, casesLayer];

/** Shown on a first visit (and whenever the URL names no layers). */
export const DEFAULT_LAYERS: string[] = ['districts', 'townships', 'cases'];
