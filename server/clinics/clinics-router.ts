import { router, signedIn } from '../trpc.ts';
import { clinicById, clinicsSummary } from './clinics-queries.ts';
import { idInput } from '../geo/bbox.ts';

export const clinicsRouter = router({
  /** Village clinics: count, extent and how many administrative villages have one. */
  summary: signedIn.query(({ ctx }) => clinicsSummary(ctx.engine.db)),
  /** One clinic: kind, attributes, village and township, position. */
  byId: signedIn.input(idInput).query(({ ctx, input }) => clinicById(ctx.engine.db, input.id)),
});
