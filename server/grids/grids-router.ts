import { z } from 'zod';
import { router, signedIn, mutation } from '../trpc.ts';
import { assignResponsibilityGrid, gridsSummary, responsibilityGridById, setPatrolStaff, STAFF_MAX, unitGridById } from './grids-queries.ts';
import { idInput } from '../geo/bbox.ts';
import { int32Id, text } from '../inputs.ts';
import { mayEditDistrict } from '../auth/scope-check.ts';
import { NOWHERE } from '../auth/actor.ts';
import { announceGrid } from '../live/live-channels.ts';

export const gridsRouter = router({
  /** Active unit grids (count, extent, area) and responsibility grids. */
  summary: signedIn.query(({ ctx }) => gridsSummary(ctx.engine.db)),
  /** One unit grid: code, version, area, places, responsibility grid, the asker's cases located in it. */
  byId: signedIn.input(idInput).query(async ({ ctx, input }) => {
    const g = await unitGridById(ctx.engine.db, input.id, ctx.actor.actions.has('case.read') ? ctx.actor.scope : NOWHERE);
    return { ...g, editable: mayEditDistrict(ctx.actor, 'grid.edit', g.district.code) };
  }),
  /** One responsibility grid: assignee, district, number of unit grids, extent; `editable` for the asker. */
  responsibilityById: signedIn.input(idInput).query(async ({ ctx, input }) => {
    const r = await responsibilityGridById(ctx.engine.db, input.id);
    return { ...r, editable: mayEditDistrict(ctx.actor, 'grid.edit', r.district.code) };
  }),
  /** Who patrols a responsibility grid (inside the editor's districts; `version` as read). */
  assignResponsibility: mutation('grid.edit', { scoped: 'district' })
    .input(
      z.object({
        id: int32Id('id'),
        version: int32Id('version'),
        assigneeRole: z.enum(['inspector', 'grid_worker'], { message: "assigneeRole is 'inspector' (监督员) or 'grid_worker' (网格员)" }),
        assigneeName: text('assignee name', 60, { min: 1, name: true }),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      ctx.audit.targetKind = 'responsibilityGrid';
      ctx.audit.targetId = input.id;
      const done = await assignResponsibilityGrid(ctx.db, ctx.actor.scope, input);
      await announceGrid(ctx.db, input.id); // live: delivered at commit (server/live/live-hub.ts)
      return done;
    }),
  /** The people who patrol a responsibility grid, as accounts (its site visits go to them); `version` as read. */
  setPatrolStaff: mutation('grid.edit', { scoped: 'district' })
    .input(z.object({ id: int32Id('id'), version: int32Id('version'), userIds: z.array(int32Id('userId')).max(STAFF_MAX, `at most ${STAFF_MAX} people`) }))
    .mutation(async ({ ctx, input }) => {
      ctx.audit.targetKind = 'responsibilityGrid';
      ctx.audit.targetId = input.id;
      const done = await setPatrolStaff(ctx.db, ctx.actor.scope, { ...input, userIds: [...new Set(input.userIds)] });
      await announceGrid(ctx.db, input.id);
      return done;
    }),
});
