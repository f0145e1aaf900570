import { z } from 'zod';
import { router, signedIn } from '../trpc.ts';
import { NOWHERE } from '../auth/actor.ts';
import { search } from './search-queries.ts';
import { boundedInt, text } from '../inputs.ts';

export const searchRouter = router({
  /** Cases by exact code, unit grids by code prefix, places/compounds/clinics by name. */
  query: signedIn
    .input(
      z.object({
        q: text('search', 50, { min: 1 }),
        limit: boundedInt(1, 20).default(10),
      }),
    )
    .query(({ ctx, input }) => search(ctx.engine.db, input.q, input.limit, ctx.actor.actions.has('case.read') ? ctx.actor.scope : NOWHERE)),
});
