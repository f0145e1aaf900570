import { router, publicProcedure } from '../trpc.ts';
import { gridsSummary } from './grids-queries.ts';

export const gridsRouter = router({
  /** Active unit grids (count, extent, area) and responsibility grids. */
  summary: publicProcedure.query(({ ctx }) => gridsSummary(ctx.engine.db)),
});
