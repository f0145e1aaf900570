import { router, publicProcedure } from '../trpc.ts';
import { caseById, casesSummary } from './cases-queries.ts';
import { idInput } from '../geo/bbox.ts';
import { periodSchema } from '../geo/period.ts';

/** ISO instants; the period is [from, to). */
const period = periodSchema;

export const casesRouter = router({
  /** Cases reported in the period (all when open-ended): count, extent, by source, by status. */
  summary: publicProcedure.input(period.optional()).query(({ ctx, input }) => casesSummary(ctx.engine.db, input ?? {})),
  /** One case in full: category, department, due dates, light as of now, location, event history. */
  byId: publicProcedure.input(idInput).query(({ ctx, input }) => caseById(ctx.engine.db, input.id, ctx.now?.() ?? new Date())),
});
