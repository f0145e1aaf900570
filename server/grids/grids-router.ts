import { z } from 'zod';
import { router, signedIn, mutation, allowed, nowOf } from '../trpc.ts';
import { assignResponsibilityGrid, gridsSummary, patrolCandidates, responsibilityGridById, setPatrolStaff, STAFF_MAX, unitGridById } from './grids-queries.ts';
import { idInput } from '../geo/bbox.ts';
import { int32Id, text } from '../inputs.ts';
import { mayEditDistrict } from '../auth/scope-check.ts';
import { NOWHERE } from '../auth/actor.ts';
import { announceGrid } from '../live/live-channels.ts';
import { bboxSchema, placeCode } from '../geo/bbox.ts';
import { lineSchema, polygonSchema, vertexCount } from '../geo/geometry-input.ts';
import { issue } from '../inputs.ts';
import { DRAFT_LIMITS, LAND_USES, MANAGEMENT_LEVELS, type CellGeometry, type LandUse, type ManagementLevel } from '../../domain/grid-rules.ts';
import { gridRules } from '../settings/settings.ts';
import { districtInScope } from '../auth/scope-check.ts';
import { refuse } from '../query-error.ts';
import { cellHistory, editArea, exportDistrict, importPreview, mergePreview, publishDraft, splitPreview, validateDraft } from './grid-edit-queries.ts';
import { districtReport } from './grid-check-queries.ts';
import type { Actor } from '../auth/actor.ts';

// ---- the grid editor's inputs (docs/decisions/0027-grid-editor.md)
const cellGeometry = polygonSchema(DRAFT_LIMITS.verticesPerCell);
const attributes = z
  .object({
    landUse: z.enum(Object.keys(LAND_USES) as [LandUse, ...LandUse[]]).nullable().optional(),
    managementLevel: z.enum(Object.keys(MANAGEMENT_LEVELS) as [ManagementLevel, ...ManagementLevel[]]).nullable().optional(),
    responsibleParty: text('responsible party', 60, { name: true }).nullable().optional(),
    responsibilityGridId: int32Id('responsibilityGridId').optional(),
  })
  .strict();
const changeKey = z.string().check((ctx) => {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(ctx.value)) issue(ctx, 'input.changeKey');
});
const gridCode = z.string().check((ctx) => {
  if (!/^\d{15}$/.test(ctx.value)) issue(ctx, 'input.gridCode');
});
const change = z.discriminatedUnion('op', [
  z.object({ op: z.literal('update'), id: int32Id('id'), version: int32Id('version'), geometry: cellGeometry.optional(), attributes: attributes.optional() }).strict(),
  z.object({ op: z.literal('add'), key: changeKey, villageCode: placeCode(12), geometry: cellGeometry, attributes: attributes.optional() }).strict(),
  z.object({ op: z.literal('retire'), id: int32Id('id'), version: int32Id('version') }).strict(),
]);
const draft = z
  .object({
    districtCode: placeCode(6),
    /** Community code → the grid revision the draft was built on (grids.editArea's `revisions`). */
    base: z.record(placeCode(12), z.int().min(0).max(2_147_483_647)).check((ctx) => {
      if (Object.keys(ctx.value).length > 2000) issue(ctx, 'input.tooMany', { field: 'base', max: 2000 });
    }),
    changes: z.array(change).max(DRAFT_LIMITS.changes),
  })
  .check((ctx) => {
    const n = ctx.value.changes.reduce((m, c) => m + (c.op === 'retire' || !c.geometry ? 0 : vertexCount(c.geometry as CellGeometry)), 0);
    if (n > DRAFT_LIMITS.vertices) issue(ctx, 'input.tooManyVertices', { max: DRAFT_LIMITS.vertices });
    const keys = ctx.value.changes.flatMap((c) => (c.op === 'add' ? [c.key] : []));
    if (new Set(keys).size !== keys.length) issue(ctx, 'input.invalid', { details: 'each added cell needs its own key' });
  });
const districtInput = z.object({ districtCode: placeCode(6) });

/** A coordinator works in their own districts: refused (FORBIDDEN) elsewhere. */
function ownDistrict(actor: Actor, districtCode: string) {
  if (!districtInScope(actor.scope, districtCode)) throw refuse('FORBIDDEN', 'grid.notYourDistrict', { district: districtCode, yours: actor.scope.districts?.join(', ') || '—' });
}

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
  /** Who may patrol a responsibility grid (the picker of grids.setPatrolStaff): people fit for site visits in its district. */
  patrolCandidates: allowed('grid.edit').input(idInput).query(({ ctx, input }) => patrolCandidates(ctx.engine.db, input.id)),
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
  // ---- the grid editor (docs/decisions/0027-grid-editor.md)
  /** The current cells of a district at full precision (and their pinned neighbours), its communities and their revisions. */
  editArea: allowed('grid.edit')
    .input(z.object({ districtCode: placeCode(6), bbox: bboxSchema.optional() }))
    .query(async ({ ctx, input }) => {
      ownDistrict(ctx.actor, input.districtCode);
      return { ...(await editArea(ctx.engine.db, ctx.actor.scope, input)), rules: await gridRules(ctx.engine.db) };
    }),
  /** The problems of a draft (nothing written). */
  validate: allowed('grid.edit')
    .input(draft)
    .query(async ({ ctx, input }) => {
      ownDistrict(ctx.actor, input.districtCode);
      return validateDraft(ctx.engine.db, ctx.actor.scope, await gridRules(ctx.engine.db), input);
    }),
  /** A district's published cells against the rules (invalid, outside, overlapping, gaps). */
  report: allowed('grid.edit')
    .input(districtInput)
    .query(async ({ ctx, input }) => {
      ownDistrict(ctx.actor, input.districtCode);
      return { problems: await districtReport(ctx.engine.db, await gridRules(ctx.engine.db), input.districtCode) };
    }),
  /** Publishes a draft: checked again under lock; CONFLICT when a community changed since the draft's base. */
  publish: mutation('grid.edit', { scoped: 'district' })
    .input(draft.and(z.object({ note: text('note', 200, { min: 0 }) })))
    .mutation(async ({ ctx, input }) => {
      ctx.audit.targetKind = 'district';
      ctx.audit.targetId = Number(input.districtCode);
      return publishDraft(ctx.db, ctx.actor, await gridRules(ctx.db), input, nowOf(ctx), ctx.engine.notify);
    }),
  /** The pieces of a cell cut by a line (preview; the draft retires it and adds them). */
  split: allowed('grid.edit')
    .input(
      z.union([
        z.object({ id: int32Id('id'), version: int32Id('version'), line: lineSchema(500) }),
        z.object({ geometry: cellGeometry, line: lineSchema(500) }),
      ]),
    )
    .query(({ ctx, input }) => splitPreview(ctx.engine.db, ctx.actor.scope, input as Parameters<typeof splitPreview>[2])),
  /** The union of adjacent cells of one community (preview). */
  merge: allowed('grid.edit')
    .input(
      z
        .object({ ids: z.array(int32Id('id')).max(20).default([]), geometries: z.array(cellGeometry).max(20).optional() })
        .check((ctx) => {
          const n = new Set(ctx.value.ids).size + (ctx.value.geometries?.length ?? 0);
          if (n < 2 || n > 20) issue(ctx, 'grid.mergeCount', { min: 2, max: 20 });
        }),
    )
    .query(({ ctx, input }) => mergePreview(ctx.engine.db, ctx.actor.scope, { ids: [...new Set(input.ids)], geometries: input.geometries as CellGeometry[] | undefined })),
  /** Every version of a unit grid's code, oldest first. */
  history: signedIn.input(z.object({ code: gridCode })).query(({ ctx, input }) => cellHistory(ctx.engine.db, input.code)),
  /** A district's current cells as GeoJSON (codes and attributes). */
  exportDistrict: allowed('grid.edit')
    .input(districtInput)
    .query(({ ctx, input }) => {
      ownDistrict(ctx.actor, input.districtCode);
      return exportDistrict(ctx.engine.db, input.districtCode);
    }),
  /** A GeoJSON file turned into a draft: snapped within toleranceM metres, then checked (nothing written). */
  importPreview: allowed('grid.edit')
    .input(
      z.object({
        districtCode: placeCode(6),
        toleranceM: z.number().min(0).max(5),
        features: z
          .array(z.object({ code: gridCode.nullable().optional(), geometry: cellGeometry, attributes: attributes.optional() }))
          .min(1)
          .max(DRAFT_LIMITS.importFeatures)
          .check((ctx) => {
            if (ctx.value.reduce((n, f) => n + vertexCount(f.geometry as CellGeometry), 0) > DRAFT_LIMITS.vertices) issue(ctx, 'input.tooManyVertices', { max: DRAFT_LIMITS.vertices });
          }),
      }),
    )
    .query(async ({ ctx, input }) => {
      ownDistrict(ctx.actor, input.districtCode);
      return importPreview(ctx.engine.db, ctx.actor.scope, await gridRules(ctx.engine.db), input as Parameters<typeof importPreview>[3]);
    }),
});

