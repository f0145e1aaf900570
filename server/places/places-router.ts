import { z } from 'zod';
import { router, signedIn } from '../trpc.ts';
import { districtList, placesSummary, villageByCode } from './places-queries.ts';

export const placesRouter = router({
  /** Counts and extents of districts, townships and villages/communities. */
  summary: signedIn.query(({ ctx }) => placesSummary(ctx.engine.db)),
  /** The districts with population and extent, optionally one by code. */
  districts: signedIn
    .input(z.object({ code: z.string().regex(/^\d{6}$/, 'A district code has 6 digits').optional() }).optional())
    .query(({ ctx, input }) => districtList(ctx.engine.db, input?.code)),
  /**
   * One village or community, by its 12-digit code (stable) or by `id`: villages have no
   * numeric key, so `id` is the feature index in code order, as in villages.bin and search hits.
   */
  villageById: signedIn
    .input(
      z.union([
        z.object({ code: z.string().regex(/^\d{12}$/, 'A village code has 12 digits') }),
        z.object({ id: z.int('id must be a whole number').min(0, 'id must be 0 or more') }),
      ]),
    )
    .query(({ ctx, input }) => villageByCode(ctx.engine.db, input)),
});
