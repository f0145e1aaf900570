import { z } from 'zod';
import { router, allowed } from '../trpc.ts';
import { listAudit } from './audit-queries.ts';
import { boundedInt, instant, int32Id, text } from '../inputs.ts';
import { checkPeriodOrder } from '../geo/period.ts';

export const auditRouter = router({
  /** The newest entries first, filtered; page with `beforeId` (the last id shown). */
  list: allowed('audit.read')
    .input(
      z.object({
        actor: text('actor', 100).optional(),
        action: text('action', 100).optional(),
        targetKind: text('targetKind', 50).optional(),
        targetId: text('targetId', 50).optional(),
        outcome: text('outcome', 30).optional(),
        from: instant('from').optional(),
        to: instant('to').optional(),
        beforeId: int32Id('beforeId').optional(),
        limit: boundedInt(1, 500).default(100),
      })
      // from before to; any length (browsing the log is paged, not aggregated)
      .check((ctx) => checkPeriodOrder(ctx, ctx.value.from, ctx.value.to, { bounded: false })),
    )
    .query(({ ctx, input }) => listAudit(ctx.engine.db, input)),
});
