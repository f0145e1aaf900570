import { router, publicProcedure } from '../trpc.ts';
import { clinicsSummary } from './clinics-queries.ts';

export const clinicsRouter = router({
  /** Village clinics: count, extent and how many administrative villages have one. */
  summary: publicProcedure.query(({ ctx }) => clinicsSummary(ctx.engine.db)),
});
