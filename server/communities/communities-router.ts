import { router, publicProcedure } from '../trpc.ts';
import { communitiesSummary } from './communities-queries.ts';

export const communitiesRouter = router({
  /** Property-managed compounds and their companies. */
  summary: publicProcedure.query(({ ctx }) => communitiesSummary(ctx.engine.db)),
});
