import { z } from 'zod';
import { router, publicProcedure } from '../trpc.ts';
import { districtList, placesSummary } from './places-queries.ts';

export const placesRouter = router({
  /** Counts and extents of districts, townships and villages/communities. */
  summary: publicProcedure.query(({ ctx }) => placesSummary(ctx.engine.db)),
  /** The districts with population and extent, optionally one by code. */
  districts: publicProcedure
    .input(z.object({ code: z.string().regex(/^\d{6}$/, 'A district code has 6 digits').optional() }).optional())
    .query(({ ctx, input }) => districtList(ctx.engine.db, input?.code)),
});
