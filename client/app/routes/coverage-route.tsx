// 医疗覆盖: the clinic coverage planner (client/features/coverage) beside the map.
import { CoveragePanel } from '../../features/coverage/CoveragePanel.tsx';
import type { RouteDef } from './route.ts';

export const coverageRoute: RouteDef = { path: '/coverage', title: 'routeCoverage', permissions: ['coverage.read'], Panel: ({ lang }) => <CoveragePanel lang={lang} /> };
