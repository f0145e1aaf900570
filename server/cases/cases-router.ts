import { z } from 'zod';
import { router, publicProcedure } from '../trpc.ts';
import { casesSummary } from './cases-queries.ts';

const period = z
  .object({
    /** ISO instants; the period is [from, to). */
    from: z.iso.datetime({ offset: true, message: 'from must be an ISO date-time with offset, e.g. 2022-01-01T00:00:00+08:00' }).optional(),
    to: z.iso.datetime({ offset: true, message: 'to must be an ISO date-time with offset' }).optional(),
  })
  .refine((p) => !p.from || !p.to || Date.parse(p.from) < Date.parse(p.to), { message: 'from must be before to', path: ['to'] });

export const casesRouter = router({
  /** Cases reported in the period (all when open-ended): count, extent, by source, by status. */
  summary: publicProcedure.input(period.optional()).query(({ ctx, input }) => casesSummary(ctx.engine.db, input ?? {})),
});
