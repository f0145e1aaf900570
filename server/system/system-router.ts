import { router, signedIn } from '../trpc.ts';
import { engineInfo } from '../../db/engine.ts';

export const systemRouter = router({
  /** Which engine, PostgreSQL and PostGIS versions, how many migrations applied. */
  info: signedIn.query(({ ctx }) => engineInfo(ctx.engine)),
});
