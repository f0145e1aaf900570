import { z } from 'zod';
import { router, allowed } from '../trpc.ts';
import { periodIndicators } from './indicators-queries.ts';

const input = z
  .object({
    from: z.iso.datetime({ offset: true, message: 'from must be an ISO date-time with offset, e.g. 2022-01-01T00:00:00+08:00' }),
    to: z.iso.datetime({ offset: true, message: 'to must be an ISO date-time with offset' }),
    /** Evaluate as of this instant (default: the end of the period). */
    asOf: z.iso.datetime({ offset: true, message: 'asOf must be an ISO date-time with offset' }).optional(),
  })
  .refine((p) => Date.parse(p.from) < Date.parse(p.to), { message: 'from must be before to', path: ['to'] })
  .refine((p) => !p.asOf || Date.parse(p.asOf) >= Date.parse(p.from), { message: 'asOf must not be before from', path: ['asOf'] });

export const indicatorsRouter = router({
  /** GB/T 30428.4 rates over the cases due in [from, to) that the asker may see, from the event log. */
  period: allowed('indicators.read').input(input).query(({ ctx, input }) => periodIndicators(ctx.engine.db, { ...input, scope: ctx.actor.scope })),
});
