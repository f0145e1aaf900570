import { z } from 'zod';
import { router, allowed } from '../trpc.ts';
import { periodIndicators } from './indicators-queries.ts';
import { instant, issue } from '../inputs.ts';
import { checkPeriodOrder } from '../geo/period.ts';

/** A closed period (at most MAX_PERIOD_DAYS) and an optional evaluation instant not before its start. */
const input = z
  .object({
    from: instant('from'),
    to: instant('to'),
    /** Evaluate as of this instant (default: the end of the period). */
    asOf: instant('asOf').optional(),
  })
  .check((ctx) => {
    const { from, to, asOf } = ctx.value;
    checkPeriodOrder(ctx, from, to);
    if (asOf && Date.parse(asOf) < Date.parse(from)) {
      const at = ctx.issues.length;
      issue(ctx, 'input.asOfBeforeFrom');
      (ctx.issues[at] as { path?: PropertyKey[] }).path = ['asOf'];
    }
  });

export const indicatorsRouter = router({
  /** GB/T 30428.4 rates over the cases due in [from, to) that the asker may see, from the event log. */
  period: allowed('indicators.read').input(input).query(({ ctx, input }) => periodIndicators(ctx.engine.db, { ...input, scope: ctx.actor.scope })),
});
