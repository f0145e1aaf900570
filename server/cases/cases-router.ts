import { router, publicProcedure } from '../trpc.ts';
import { casesSummary } from './cases-queries.ts';
import { periodSchema } from '../geo/period.ts';

/** ISO instants; the period is [from, to). */
const period = periodSchema;

export const casesRouter = router({
  /** Cases reported in the period (all when open-ended): count, extent, by source, by status. */
  summary: publicProcedure.input(period.optional()).query(({ ctx, input }) => casesSummary(ctx.engine.db, input ?? {})),
});
