import { z } from 'zod';
import { router, signedIn, mutation } from '../trpc.ts';
import { communitiesSummary, communityById, updateCommunity } from './communities-queries.ts';
import { idInput } from '../geo/bbox.ts';
import { int32Id, text } from '../inputs.ts';
import { mayEditDistrict } from '../auth/scope-check.ts';
import { announceCommunity } from '../live/live-channels.ts';

export const communitiesRouter = router({
  /** Property-managed compounds and their companies. */
  summary: signedIn.query(({ ctx }) => communitiesSummary(ctx.engine.db)),
  /** One compound: company, households, party organisation, village and township, extent; `editable` for the asker. */
  byId: signedIn.input(idInput).query(async ({ ctx, input }) => {
    const c = await communityById(ctx.engine.db, input.id);
    return { ...c, editable: mayEditDistrict(ctx.actor, 'community.edit', c.districtCode) };
  }),
  /** Name, households and party organisation (inside the editor's districts; `version` as read). */
  update: mutation('community.edit', { scoped: 'district' })
    .input(
      z.object({
        id: int32Id('id'),
        version: int32Id('version'),
        name: text('name', 60, { min: 1, name: true }),
        households: z.int('households is a whole number').min(0).max(100_000),
        partyOrgName: text('party organisation', 80, { name: true }).nullable(),
        partyOrgKind: z.enum(['branch', 'joint_branch', 'none'], { message: "partyOrgKind is 'branch', 'joint_branch' or 'none'" }),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      ctx.audit.targetKind = 'community';
      ctx.audit.targetId = input.id;
      const done = await updateCommunity(ctx.db, ctx.actor.scope, { ...input, partyOrgName: input.partyOrgKind === 'none' ? null : input.partyOrgName || null });
      await announceCommunity(ctx.db, input.id); // live: delivered at commit (server/live/live-hub.ts)
      return done;
    }),
});
