import { z } from 'zod';
import { router, allowed } from '../trpc.ts';
import { groupedIndicators, groupedSet, periodIndicators } from './indicators-queries.ts';
import { instant, issue } from '../inputs.ts';
import { checkPeriodOrder } from '../geo/period.ts';
import { GROUPINGS } from '../../domain/indicators.ts';

const period = {
  from: instant('from'),
  to: instant('to'),
  /** Evaluate as of this instant (default: the end of the period). */
  asOf: instant('asOf').optional(),
};

/** A closed period (at most MAX_PERIOD_DAYS) and an optional evaluation instant not before its start. */
function checkPeriod(ctx: Parameters<typeof issue>[0] & { value: { from: string; to: string; asOf?: string } }) {
  const { from, to, asOf } = ctx.value;
  checkPeriodOrder(ctx, from, to);
  if (asOf && Date.parse(asOf) < Date.parse(from)) {
    const at = ctx.issues.length;
    issue(ctx, 'input.asOfBeforeFrom');
    (ctx.issues[at] as { path?: PropertyKey[] }).path = ['asOf'];
  }
}

const input = z.object(period).check(checkPeriod);
const grouping = z.enum(GROUPINGS, { message: `by is one of ${GROUPINGS.join(', ')}` });
const groupedInput = z
  .object({ ...period, by: grouping })
  .check(checkPeriod);
const groupedSetInput = z
  .object({ ...period, by: z.array(grouping).min(1).max(GROUPINGS.length) })
  .check(checkPeriod);

export const indicatorsRouter = router({
  /** GB/T 30428.4 rates over the cases due in [from, to) that the asker may see, from the event log. */
  period: allowed('indicators.read').input(input).query(({ ctx, input }) => periodIndicators(ctx.engine.db, { ...input, scope: ctx.actor.scope })),
  /** The same, whole and one row per district, township, unit grid, department, channel or category (domain/indicators.ts). */
  grouped: allowed('indicators.read').input(groupedInput).query(({ ctx, input }) => groupedIndicators(ctx.engine.db, { ...input, scope: ctx.actor.scope })),
  /** The same for several groupings at once, counted in one pass (a wall screen's four). */
  groupedSet: allowed('indicators.read').input(groupedSetInput).query(({ ctx, input }) => groupedSet(ctx.engine.db, { ...input, scope: ctx.actor.scope })),
});
