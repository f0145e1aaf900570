import { z } from 'zod';
import { router, signedIn } from '../trpc.ts';
import { districtList, placesSummary, villageByCode } from './places-queries.ts';
import { boundedInt, INT32_MAX } from '../inputs.ts';
import { placeCode } from '../geo/bbox.ts';

export const placesRouter = router({
  /** Counts and extents of districts, townships and villages/communities. */
  summary: signedIn.query(({ ctx }) => placesSummary(ctx.engine.db)),
  /** The districts with population and extent, optionally one by code. */
  districts: signedIn
    .input(z.object({ code: placeCode(6).optional() }).optional())
    .query(({ ctx, input }) => districtList(ctx.engine.db, input?.code)),
  /**
   * One village or community, by its 12-digit code (stable) or by `id`: villages have no
   * numeric key, so `id` is the feature index in code order, as in villages.bin and search hits.
   */
  villageById: signedIn
    .input(
      z.union([
        z.object({ code: placeCode(12) }),
        z.object({ id: boundedInt(0, INT32_MAX) }),
      ]),
    )
    .query(({ ctx, input }) => villageByCode(ctx.engine.db, input)),
});
