// The API: one router per domain. The client imports only `type AppRouter`.
import { router } from './trpc.ts';
import { systemRouter } from './system/system-router.ts';
import { placesRouter } from './places/places-router.ts';
import { gridsRouter } from './grids/grids-router.ts';
import { communitiesRouter } from './communities/communities-router.ts';
import { clinicsRouter } from './clinics/clinics-router.ts';
import { casesRouter } from './cases/cases-router.ts';
import { dispatchRouter } from './dispatch/dispatch-router.ts';
import { indicatorsRouter } from './indicators/indicators-router.ts';
import { searchRouter } from './search/search-router.ts';
import { authRouter } from './auth/auth-router.ts';
import { adminRouter } from './admin/admin-router.ts';
import { auditRouter } from './audit/audit-router.ts';
import { liveRouter } from './live/live-router.ts';
import { coverageRouter } from './coverage/coverage-router.ts';

export const appRouter = router({
  auth: authRouter,
  admin: adminRouter,
  audit: auditRouter,
  system: systemRouter,
  places: placesRouter,
  grids: gridsRouter,
  communities: communitiesRouter,
  clinics: clinicsRouter,
  cases: casesRouter,
  dispatch: dispatchRouter,
  indicators: indicatorsRouter,
  search: searchRouter,
  live: liveRouter,
  coverage: coverageRouter,
});

export type AppRouter = typeof appRouter;
