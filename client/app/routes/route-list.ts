// The console's routes, in the header's order. Adding a screen is adding its route file and a
// line here.
import type { RouteDef } from './route.ts';
import { mapRoute } from './map-route.tsx';
import { commandRoute } from './command-route.tsx';
import { coverageRoute } from './coverage-route.tsx';
import { dispatchRoute } from './dispatch-route.tsx';
import { fieldRoute } from './field-route.tsx';
import { gridsRoute } from './grids-route.tsx';
import { adminRoute } from './admin-route.tsx';
import { reportRoute } from './report-route.tsx';

export const ROUTES: readonly RouteDef[] = [mapRoute, commandRoute, dispatchRoute, fieldRoute, gridsRoute, coverageRoute, adminRoute, reportRoute];

/** Whether a path opens a panel over the map (the page does not prefetch the map's feeds for it). */
export const isOverlayPath = (path: string): boolean => !!ROUTES.find((r) => r.path === path)?.Overlay;
