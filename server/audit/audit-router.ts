import { z } from 'zod';
import { router, allowed } from '../trpc.ts';
import { listAudit } from './audit-queries.ts';

const instant = z.iso.datetime({ offset: true, message: 'an ISO date-time with offset, e.g. 2026-11-26T00:00:00+08:00' });

export const auditRouter = router({
  /** The newest entries first, filtered; page with `beforeId` (the last id shown). */
  list: allowed('audit.read')
    .input(
      z.object({
        actor: z.string().trim().max(100).optional(),
        action: z.string().trim().max(100).optional(),
        targetKind: z.string().trim().max(50).optional(),
        targetId: z.string().trim().max(50).optional(),
        outcome: z.string().trim().max(30).optional(),
        from: instant.optional(),
        to: instant.optional(),
        beforeId: z.int().positive().optional(),
        limit: z.int().min(1).max(500).default(100),
      }),
    )
    .query(({ ctx, input }) => listAudit(ctx.engine.db, input)),
});
