import { router, publicProcedure } from '../trpc.ts';
import { gridsSummary, responsibilityGridById, unitGridById } from './grids-queries.ts';
import { idInput } from '../geo/bbox.ts';

export const gridsRouter = router({
  /** Active unit grids (count, extent, area) and responsibility grids. */
  summary: publicProcedure.query(({ ctx }) => gridsSummary(ctx.engine.db)),
  /** One unit grid: code, version, area, places, responsibility grid, cases located in it. */
  byId: publicProcedure.input(idInput).query(({ ctx, input }) => unitGridById(ctx.engine.db, input.id)),
  /** One responsibility grid: assignee, district, number of unit grids, extent. */
  responsibilityById: publicProcedure.input(idInput).query(({ ctx, input }) => responsibilityGridById(ctx.engine.db, input.id)),
});
