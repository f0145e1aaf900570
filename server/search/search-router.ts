import { z } from 'zod';
import { router, signedIn } from '../trpc.ts';
import { search } from './search-queries.ts';

export const searchRouter = router({
  /** Cases by exact code, unit grids by code prefix, places/compounds/clinics by name. */
  query: signedIn
    .input(
      z.object({
        q: z.string().trim().min(1, 'Type something to search for').max(50, 'Search for at most 50 characters'),
        limit: z.int().min(1).max(20).default(10),
      }),
    )
    .query(({ ctx, input }) => search(ctx.engine.db, input.q, input.limit, ctx.actor.actions.has('case.read') ? ctx.actor.scope : null)),
});
