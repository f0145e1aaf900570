// 巡查: the inspector's and grid worker's phone page, a full panel over the map (which waits
// meanwhile): their site visits and a report of a new problem.
import { FieldPage } from '../../features/dispatch/FieldPage.tsx';
import type { RouteDef } from './route.ts';

export const fieldRoute: RouteDef = { path: '/field', title: 'routeField', permissions: ['case.verify', 'case.check'], Overlay: ({ lang }) => <FieldPage lang={lang} /> };
