import { z } from 'zod';
import { router, allowed } from '../trpc.ts';
import { boundedInt, int32Id, issue } from '../inputs.ts';
import { coordsCheck } from '../../domain/coords.ts';
import { DEFAULT_THRESHOLD_MINUTES, THRESHOLD_MINUTES, TRAVEL_MODES } from '../../domain/coverage.ts';
import { coverageCells, coverageSummary } from './coverage-queries.ts';
import { suggestSites, MAX_EXACT_K, MAX_K } from './coverage-suggest.ts';
import { actorKey } from '../http/work-queue.ts';

/** What-if bounds: the cost of a scenario stays one index probe per cell whatever is sent. */
export const MAX_PROPOSED = 50;
export const MAX_CLOSED = 200;

const site = z
  .object({ lng: z.number().min(-180).max(180), lat: z.number().min(-90).max(90) })
  .check((ctx) => {
    if (coordsCheck(ctx.value.lng, ctx.value.lat) === 'swapped') issue(ctx, 'input.coordsSwapped', { lng: ctx.value.lng, lat: ctx.value.lat });
  });

const params = {
  mode: z.enum(TRAVEL_MODES).default('walking'),
  /** Whole minutes, inclusive (a place exactly at the threshold is covered). */
  thresholdMinutes: boundedInt(THRESHOLD_MINUTES.min, THRESHOLD_MINUTES.max).default(DEFAULT_THRESHOLD_MINUTES),
  closed: z.array(int32Id('closed')).max(MAX_CLOSED).default([]),
  proposed: z.array(site).max(MAX_PROPOSED).default([]),
};

const summaryInput = z.object(params).strict();
const suggestInput = z
  .object({ ...params, k: boundedInt(1, MAX_K).default(5), exact: z.boolean().default(false) })
  .strict()
  .check((ctx) => {
    if (ctx.value.exact && ctx.value.k > MAX_EXACT_K) {
      const at = ctx.issues.length;
      issue(ctx, 'coverage.exactTooLarge', { k: ctx.value.k, max: MAX_EXACT_K });
      (ctx.issues[at] as { path?: PropertyKey[] }).path = ['k'];
    }
  });

export const coverageRouter = router({
  /** The measures of a scenario (defaults: today's clinics, walking, 15 min) in the asker's districts. */
  summary: allowed('coverage.read')
    .input(summaryInput)
    .query(({ ctx, input }) => coverageSummary(ctx.engine.db, { mode: input.mode, thresholdMinutes: input.thresholdMinutes, scope: ctx.actor.scope, scenario: { closed: input.closed, proposed: input.proposed } })),
  /** Every demand cell of the asker's districts with its nearest clinic (the what-if recomputes from these). */
  cells: allowed('coverage.read').query(({ ctx }) => coverageCells(ctx.engine.db, ctx.actor.scope)),
  /** k new sites among the village centres: greedy (each pick's added residents) and, with `exact`, the optimum and the gap. */
  suggest: allowed('coverage.plan')
    .input(suggestInput)
    .query(({ ctx, input }) =>
      suggestSites(ctx.engine.db, { mode: input.mode, thresholdMinutes: input.thresholdMinutes, scope: ctx.actor.scope, scenario: { closed: input.closed, proposed: input.proposed } }, input.k, input.exact, { actor: actorKey(ctx.actor) }),
    ),
});
