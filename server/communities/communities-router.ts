import { router, publicProcedure } from '../trpc.ts';
import { communitiesSummary, communityById } from './communities-queries.ts';
import { idInput } from '../geo/bbox.ts';

export const communitiesRouter = router({
  /** Property-managed compounds and their companies. */
  summary: publicProcedure.query(({ ctx }) => communitiesSummary(ctx.engine.db)),
  /** One compound: company, households, party organisation, village and township, extent. */
  byId: publicProcedure.input(idInput).query(({ ctx, input }) => communityById(ctx.engine.db, input.id)),
});
