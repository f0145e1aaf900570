// The case workflow over the API: the public routing dry-run, intake, one mutation per action of
// the workflow table (domain/transitions.ts; tests/dispatch-workflow.test.ts checks that the
// list below is the table), bulk dispatch, and the rules report.
import { z } from 'zod';
import { router, allowed, mutation, nowOf, publicProcedure, type Context } from '../trpc.ts';
import { int32Id, issue, text } from '../inputs.ts';
import { INPUT_CRS, coordsCheck, toWgs84 } from '../../domain/coords.ts';
import { TEXT_LIMITS } from '../../domain/request-limits.ts';
import { CHANNELS } from '../../domain/vocabulary.ts';
import { FIELD_KINDS, QUEUE_ACTIONS, RETURN_REASONS, SATISFACTIONS, transitionOf, type FieldName } from '../../domain/transitions.ts';
import { actOnCase, registerCase, type ActInput, type EngineCall } from './case-engine.ts';
import { categoryOf, decideRoute, disputes, placeInCity, rulesReport } from './dispatch-queries.ts';
import { closedPeriodInput } from '../inputs.ts';
import { refuse } from '../query-error.ts';
import { routeLimiter } from './route-limiter.ts';
import { tasksOf, visitStaff } from './patrol-staff.ts';
import { QUEUE_MAX, categoryList, departmentList, nearbyOpenCases, workQueue } from './queue-queries.ts';
import { listRules, retireRule, saveRule } from './dispatch-rules.ts';
import { placeCode } from '../geo/bbox.ts';
import { boundedInt, instant } from '../inputs.ts';
import type { Actor } from '../auth/actor.ts';
import type { Db } from '../../db/engine.ts';

const lng = z.number().min(-180).max(180);
const lat = z.number().min(-90).max(90);
const crs = z.enum(INPUT_CRS);
const categoryCode = z.string().regex(/^[CE]\d{4}$/, 'a category code is C or E and 4 digits (e.g. E0101)');

/** The input of each field kind of the table, validated with the shared primitives. */
const FIELD_SCHEMAS: Record<(typeof FIELD_KINDS)[FieldName], (f: string) => z.ZodType> = {
  text: (f) => text(f, 500),
  ref: (f) => text(f, 300, { min: 1 }),
  id: (f) => int32Id(f),
  returnReason: () => z.enum(RETURN_REASONS),
  boolean: () => z.boolean(),
  amount: () => z.number().positive().max(720),
  limitUnit: () => z.enum(['hour', 'working_hour', 'working_day']),
  satisfaction: () => z.enum(SATISFACTIONS),
  category: () => categoryCode,
  lng: () => lng,
  lat: () => lat,
  crs: () => crs,
};

/** `{ id, version?, …the action's fields }`: required ones required, the rest optional. */
function inputOf(action: string) {
  const x = transitionOf(action)!;
  const shape: Record<string, z.ZodType> = { id: int32Id('id'), version: int32Id('version').optional() };
  for (const f of x.required) shape[f] = FIELD_SCHEMAS[FIELD_KINDS[f]](f);
  for (const f of x.optional) shape[f] = FIELD_SCHEMAS[FIELD_KINDS[f]](f).optional();
  return z.object(shape) as unknown as z.ZodType<ActInput>;
}

const callOf = (ctx: Context & { actor: Actor; db: Db }): EngineCall => ({ db: ctx.db, actor: ctx.actor, now: nowOf(ctx), notify: ctx.engine.notify });

/** One action of the table as a mutation: its right, its input, one engine call. */
function act(action: string) {
  const x = transitionOf(action);
  if (!x) throw new Error(`No action '${action}' in the workflow table`);
  return mutation(x.permission, { scoped: 'case' })
    .input(inputOf(action))
    .mutation(({ ctx, input }) => {
      ctx.audit.targetKind = 'case';
      ctx.audit.targetId = input.id;
      return actOnCase(callOf(ctx), action, input);
    });
}

/** A dispatch rule's conditions and target (server/dispatch/dispatch-rules.ts checks the references). */
const ruleInput = z.object({
  priority: boundedInt(0, 100_000),
  categoryCode: categoryCode.nullish(),
  majorKind: z.enum(['component', 'event']).nullish(),
  majorCode: z.string().regex(/^\d{2}$/, 'a major class code is 2 digits').nullish(),
  districtCode: placeCode(6).nullish(),
  townshipCode: placeCode(9).nullish(),
  villageCode: placeCode(12).nullish(),
  inPropertyCommunity: z.boolean().nullish(),
  channel: z.enum(CHANNELS).nullish(),
  areaClass: z.enum(['core', 'general']).nullish(),
  departmentId: int32Id('departmentId').nullish(),
  resolve: z.enum(['territorial', 'property']).nullish(),
  note: text('note', 200).optional(),
});

const routeInput = z.object({ lng, lat, crs: crs.optional(), category: categoryCode.optional() });

/** Where a point lies and, with a category, who would handle it and why (the public dry-run and the intake's preview). */
async function routeAnswer(db: Db, input: z.infer<typeof routeInput>, now: Date) {
  const [wlng, wlat] = toWgs84([input.lng, input.lat], input.crs ?? 'wgs84');
  const place = await placeInCity(db, wlng, wlat, now);
  let unit: { code: string; name: string; nameEn: string } | null = null;
  let reason: string | null = null;
  let reasonEn: string | null = null;
  if (input.category) {
    const category = await categoryOf(db, input.category);
    if (!category) throw refuse('BAD_REQUEST', 'route.unknownCategory', { code: input.category });
    const d = await decideRoute(db, place, category, now, null);
    if (d) [unit, reason, reasonEn] = [{ code: d.departmentCode, name: d.departmentName, nameEn: d.departmentNameEn }, d.reason, d.reasonEn];
  }
  return {
    lng: wlng, lat: wlat, districtCode: place.districtCode, districtName: place.districtName, townshipCode: place.townshipCode, townshipName: place.townshipName,
    villageCode: place.villageCode, villageName: place.villageName, gridCode: place.gridCode, areaClass: place.areaClass, inCompound: place.compoundId !== null,
    unit, reason, reasonEn,
  };
}

/** A stored photo, as the upload route answered (`photo:<uuid>`). */
const photoRef = z.string().regex(/^photo:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'a photo reference is photo:<id> as the upload answered');

/** dispatch.register's input (exported for the limits test: the form counts against the same numbers). */
export const registerInput = z.object({
  channel: z.enum(CHANNELS),
  categoryCode,
  lng,
  lat,
  crs: crs.default('wgs84'),
  urgency: z.enum(['normal', 'urgent']).default('normal'),
  description: text('description', TEXT_LIMITS.description, { min: 1 }),
  address: text('address', TEXT_LIMITS.address).optional(),
  externalId: text('externalId', TEXT_LIMITS.externalId).optional(),
  reporter: z.object({ name: text('name', TEXT_LIMITS.callerName, { name: true }).optional(), phone: z.string().regex(/^\+?\d{5,20}$/, 'a phone number has 5–20 digits').optional(), anonymous: z.boolean().default(false) }).optional(),
  photos: z.array(photoRef).max(6).optional(),
  idempotencyKey: z.string().uuid('an idempotency key is a UUID').optional(),
}).check((ctx) => {
  // longitude and latitude typed the other way round: said as such (the range check alone would only say "latitude ≤ 90")
  const { lng: x, lat: y } = ctx.value;
  if (coordsCheck(x, y) === 'swapped') issue(ctx, 'input.coordsSwapped', { lng: x, lat: y });
});

/** At most this many tasks in one task list. */
export const TASKS_MAX = 200;

/** At most this many cases in one bulk dispatch. */
export const BULK_MAX = 100;

export const dispatchRouter = router({
  /**
   * Public dry-run (no sign-in, no personal data, rate-limited per address): where a point lies
   * (district, township, village, unit grid) and, with a category, the unit that would handle it and why.
   */
  route: publicProcedure.input(routeInput).query(({ ctx, input }) => {
    routeLimiter.check(ctx.http?.ip, nowOf(ctx));
    return routeAnswer(ctx.engine.db, input, nowOf(ctx));
  }),
  /**
   * The intake's preview while a case is typed in (an operator's, not rate-limited like the public
   * dry-run): where the point lies, the unit the rules give and why, and the open cases of the
   * same subclass nearby inside the asker's scope (a duplicate hint).
   */
  intakePreview: allowed('case.create')
    .input(routeInput.extend({ category: categoryCode }))
    .query(async ({ ctx, input }) => {
      const answer = await routeAnswer(ctx.engine.db, input, nowOf(ctx));
      const nearby = await nearbyOpenCases(ctx.engine.db, ctx.actor.scope, answer.lng, answer.lat, input.category);
      return { ...answer, nearby };
    }),
  /** Who may be given a case's site visit (the shift lead's assign): its grid's people first, then the least busy. */
  visitStaff: allowed('case.file')
    .input(z.object({ id: int32Id('id') }))
    .query(({ ctx, input }) => visitStaff(ctx.engine.db, ctx.actor.scope, input.id)),
  /** The category catalogue (大类/小类, filing and closure conditions) for the intake's picker. */
  categories: allowed('case.read').query(({ ctx }) => categoryList(ctx.engine.db)),
  /** The departments, for a dispatch override or a return's suggested owner. */
  departments: allowed('case.read').query(({ ctx }) => departmentList(ctx.engine.db)),
  /** The cases waiting for one of the asker's actions now (QUEUE_ACTIONS), most urgent first; `actions` narrows it. */
  queue: allowed('case.read')
    .input(z.object({ actions: z.array(z.enum(QUEUE_ACTIONS as [string, ...string[]])).max(QUEUE_ACTIONS.length).optional(), limit: z.number().int().min(1).max(QUEUE_MAX).default(100) }).optional())
    .query(({ ctx, input }) => workQueue(ctx.engine.db, ctx.actor, nowOf(ctx), { limit: input?.limit ?? 100, actions: input?.actions })),
  /** Jurisdiction disputes in a period: return and ping-pong rates, hand-offs per department pair, returns by reason. */
  disputes: allowed('indicators.read').input(closedPeriodInput).query(({ ctx, input }) => disputes(ctx.engine.db, { ...input, scope: ctx.actor.scope })),
  /** The dispatch rules in force now (or at `at`), highest priority first; with `history`, every version. */
  rules: allowed('dispatch.rules.read')
    .input(z.object({ at: instant('at').optional(), history: z.boolean().default(false) }).optional())
    .query(({ ctx, input }) => listRules(ctx.engine.db, input?.at ? new Date(input.at) : nowOf(ctx), input?.history ?? false)),
  /** Adds a rule, or a new version of one (`replacesId`: the version in force ends when this one starts); answers with the rules report. */
  saveRule: mutation('dispatch.rules.edit')
    .input(ruleInput.extend({ replacesId: int32Id('replacesId').optional(), from: instant('from').optional() }))
    .mutation(async ({ ctx, input }) => {
      const { from, ...rest } = input;
      const r = await saveRule(ctx.db, nowOf(ctx), { ...rest, from: from ? new Date(from) : undefined });
      ctx.audit.targetKind = 'dispatchRule';
      ctx.audit.targetId = r.id;
      return r;
    }),
  /** Ends a rule (now, or at a later `at`) without a successor. */
  retireRule: mutation('dispatch.rules.edit')
    .input(z.object({ id: int32Id('id'), at: instant('at').optional() }))
    .mutation(({ ctx, input }) => {
      ctx.audit.targetKind = 'dispatchRule';
      ctx.audit.targetId = input.id;
      return retireRule(ctx.db, nowOf(ctx), input.id, input.at ? new Date(input.at) : undefined);
    }),
  /** Shadowed and ambiguous dispatch rules among those in force now. */
  rulesReport: allowed('case.dispatch').query(({ ctx }) => rulesReport(ctx.engine.db, nowOf(ctx))),
  /** Registers a case from any channel (coordinates in the system they came in). */
  register: mutation('case.create').input(registerInput).mutation(async ({ ctx, input }) => {
    const c = await registerCase(callOf(ctx), input);
    ctx.audit.targetKind = 'case';
    ctx.audit.targetId = c.id;
    return c;
  }),
  /** Dispatches several cases: each in its own savepoint, reported one by one (done or refused, with why). */
  bulkDispatch: mutation('case.dispatch', { scoped: 'case' })
    .input(z.object({ items: z.array(z.object({ id: int32Id('id'), version: int32Id('version').optional(), departmentId: int32Id('departmentId').optional(), overrideReason: text('overrideReason', 500).optional() })).min(1).max(BULK_MAX) }))
    .mutation(async ({ ctx, input }) => {
      const results = [];
      for (const item of input.items) {
        try {
          const after = await ctx.db.transaction((sp) => actOnCase({ ...callOf(ctx), db: sp as unknown as Db }, 'dispatch', item));
          results.push({ id: item.id, ok: true as const, status: after.status, version: after.version, departmentId: after.departmentId });
        } catch (err) {
          const e = err as { code?: string; reason?: string; params?: Record<string, unknown>; message?: string };
          if (!e.reason) throw err;
          results.push({ id: item.id, ok: false as const, code: e.code ?? 'CONFLICT', reason: e.reason, params: e.params ?? {}, message: e.message ?? '' });
        }
      }
      ctx.audit.targetKind = 'case';
      ctx.audit.targetId = input.items.map((i) => i.id).join(',').slice(0, 200);
      return { results, dispatched: results.filter((r) => r.ok).length, refused: results.filter((r) => !r.ok).length };
    }),
  /** The asker's own open site visits (verify and check tasks of the grids they patrol), most urgent first. */
  myTasks: allowed('case.read')
    .input(z.object({ limit: z.number().int().min(1).max(TASKS_MAX).default(50) }).optional())
    .query(({ ctx, input }) => (ctx.actor.kind === 'user' ? tasksOf(ctx.engine.db, ctx.actor.scope, ctx.actor.id, input?.limit ?? 50) : [])),
  accept: act('accept'),
  assign: act('assign'),
  verify: act('verify'),
  selfHandle: act('selfHandle'),
  reclassify: act('reclassify'),
  file: act('file'),
  void: act('void'),
  dispatch: act('dispatch'),
  signFor: act('signFor'),
  return: act('return'),
  requestExtension: act('requestExtension'),
  extend: act('extend'),
  refuseExtension: act('refuseExtension'),
  requestPark: act('requestPark'),
  park: act('park'),
  refusePark: act('refusePark'),
  resume: act('resume'),
  handle: act('handle'),
  check: act('check'),
  close: act('close'),
  rework: act('rework'),
  reply: act('reply'),
  callback: act('callback'),
  reopen: act('reopen'),
});
