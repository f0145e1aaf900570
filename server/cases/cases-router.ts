import { router, allowed, mutation, nowOf } from '../trpc.ts';
import { z } from 'zod';
import { caseById, caseReporter, casesSummary, latestCases, LATEST_MAX } from './cases-queries.ts';
import { boundedInt } from '../inputs.ts';
import { idInput } from '../geo/bbox.ts';
import { periodSchema } from '../geo/period.ts';

/** ISO instants inside 2000 … 2100; the period is [from, to), at most MAX_PERIOD_DAYS long. */
const period = periodSchema;

export const casesRouter = router({
  /** Cases reported in the period (all when open-ended) that the asker may see: count, extent, by source, by status. */
  summary: allowed('case.read').input(period.optional()).query(({ ctx, input }) => casesSummary(ctx.engine.db, { ...input, scope: ctx.actor.scope })),
  /** The newest cases the asker may see (code, time, district, category; no personal data): a wall's ticker. */
  latest: allowed('case.read')
    .input(z.object({ limit: boundedInt(1, LATEST_MAX).default(8) }))
    .query(({ ctx, input }) => latestCases(ctx.engine.db, { scope: ctx.actor.scope, limit: input.limit })),
  /** One case in full: category, department, due dates, light as of now, location, event history; the reporter masked. */
  byId: allowed('case.read')
    .input(idInput)
    .query(async ({ ctx, input }) => {
      const c = await caseById(ctx.engine.db, input.id, nowOf(ctx), ctx.actor.scope);
      // a wall screen's token never sees personal data, not even masked: no reporter field at all, and the staff by role only
      if (ctx.actor.kind === 'display') return { ...c, assignee: null, events: c.events.map((e) => ({ ...e, actorName: null, detail: { ...e.detail, assignee: undefined as string | undefined } })) };
      return { ...c, reporter: await caseReporter(ctx.engine.db, input.id, ctx.actor.scope, false) };
    }),
  /** The reporter's name and phone unmasked: an audited action. */
  revealReporter: mutation('case.reporter.reveal', { scoped: 'case' })
    .input(idInput)
    .mutation(async ({ ctx, input }) => {
      ctx.audit.targetKind = 'case';
      ctx.audit.targetId = input.id;
      return { reporter: await caseReporter(ctx.db, input.id, ctx.actor.scope, true) };
    }),
});
