// Cases in every state the workflow table starts from (domain/transitions.ts), made through the
// engine itself, and for each action the state it starts from and the fields it needs: the
// generated tests (the authorisation matrix, hostile input) take every action on a case it can
// really be taken on. Call inside a test transaction: the cases are written there.
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { actOnCase, registerCase, type EngineCall } from '../../server/dispatch/case-engine.ts';
import { TRANSITIONS } from '../../domain/transitions.ts';
import { CITY, type Actor } from '../../server/auth/actor.ts';

/** The states the table's actions start from, each as the path that reaches it from a fresh public report. */
export const FIXTURE_PATHS = {
  reported: [],
  verifying: [['accept', {}]],
  verified: [['accept', {}], ['verify', { result: 'ok' }]],
  filed: [['file', {}]],
  dispatched: [['file', {}], ['dispatch', {}]],
  returned: [['file', {}], ['dispatch', {}], ['return', { reasonCode: 'notOurDuty' }]],
  accepted: [['file', {}], ['dispatch', {}], ['signFor', {}]],
  extensionAsked: [['file', {}], ['dispatch', {}], ['signFor', {}], ['requestExtension', { amount: 2, unit: 'working_hour', reason: 'r' }]],
  parkAsked: [['file', {}], ['dispatch', {}], ['signFor', {}], ['requestPark', { reason: 'r' }]],
  parked: [['file', {}], ['dispatch', {}], ['signFor', {}], ['requestPark', { reason: 'r' }], ['park', {}]],
  handled: [['file', {}], ['dispatch', {}], ['signFor', {}], ['handle', { result: 'r', afterPhoto: 'p' }]],
  checkedPassed: [['file', {}], ['dispatch', {}], ['signFor', {}], ['handle', { result: 'r', afterPhoto: 'p' }], ['check', { passed: true }]],
  checkedFailed: [['file', {}], ['dispatch', {}], ['signFor', {}], ['handle', { result: 'r', afterPhoto: 'p' }], ['check', { passed: false }]],
  closed: [['file', {}], ['dispatch', {}], ['signFor', {}], ['handle', { result: 'r', afterPhoto: 'p' }], ['check', { passed: true }], ['close', {}]],
} satisfies Record<string, [string, Record<string, unknown>][]>;
export type FixtureState = keyof typeof FIXTURE_PATHS;

/** Each action: the state it is taken from and the fields it needs. */
export const ACTION_FIXTURES: Record<string, { state: FixtureState; fields: Record<string, unknown> }> = {
  accept: { state: 'reported', fields: {} },
  // the person it goes to is the caller's to add (a patrol account of the case's district)
  assign: { state: 'verifying', fields: {} },
  verify: { state: 'verifying', fields: { result: '属实' } },
  selfHandle: { state: 'reported', fields: { result: '已处置', afterPhoto: 'photos/x.jpg' } },
  reclassify: { state: 'filed', fields: { note: '更正' } },
  file: { state: 'verified', fields: {} },
  void: { state: 'verified', fields: { reason: '不属实' } },
  dispatch: { state: 'filed', fields: {} },
  signFor: { state: 'dispatched', fields: {} },
  return: { state: 'accepted', fields: { reasonCode: 'notOurDuty' } },
  requestExtension: { state: 'accepted', fields: { amount: 4, unit: 'working_hour', reason: '需协调' } },
  extend: { state: 'extensionAsked', fields: {} },
  refuseExtension: { state: 'extensionAsked', fields: { reason: '时限足够' } },
  requestPark: { state: 'accepted', fields: { reason: '待迁改' } },
  park: { state: 'parkAsked', fields: {} },
  refusePark: { state: 'parkAsked', fields: { reason: '可处置' } },
  resume: { state: 'parked', fields: {} },
  handle: { state: 'accepted', fields: { result: '已处置', afterPhoto: 'photos/y.jpg' } },
  check: { state: 'handled', fields: { passed: true } },
  close: { state: 'checkedPassed', fields: {} },
  rework: { state: 'checkedFailed', fields: { reason: '返工' } },
  reply: { state: 'closed', fields: { result: '已答复' } },
  callback: { state: 'closed', fields: { satisfaction: 'satisfied' } },
  reopen: { state: 'closed', fields: { reason: '不满意' } },
};

/** Every action of the table has a fixture (checked when this module loads). */
const missing = TRANSITIONS.map((x) => x.action).filter((a) => !ACTION_FIXTURES[a]);
if (missing.length) throw new Error(`tests/support/workflow-fixtures.ts: no fixture for ${missing.join(', ')}`);

/** An actor with every right, city-wide: the hand that builds fixtures (its events name it). */
export async function fixtureActor(db: Db): Promise<Actor> {
  const perms = await rows<{ code: string }>(db, sql`select code from permissions`);
  return { kind: 'user', id: 0, name: 'fixture', displayName: 'fixture', roleCode: 'admin', actions: new Set(perms.map((p) => p.code)), scope: CITY, mustChangePassword: false, demo: false };
}

/** A point in a unit grid of a district, outside managed compounds. */
export async function gridPoint(db: Db, district: string): Promise<{ lng: number; lat: number }> {
  const [p] = await rows<{ lng: number; lat: number }>(
    db,
    sql`select ST_X(p) as lng, ST_Y(p) as lat from (select ST_PointOnSurface(geom) as p from unit_grids g where district_code = ${district} and valid_to is null
          and not exists (select 1 from property_communities pc where ST_Intersects(pc.geom, g.geom)) order by code limit 1) x`,
  );
  return p;
}

/** A public report (12345) at a point, driven to each fixture state: state → case id. */
export async function workflowFixtures(call: EngineCall, at: { lng: number; lat: number; categoryCode: string }): Promise<Record<FixtureState, number>> {
  const out = {} as Record<FixtureState, number>;
  for (const [state, path] of Object.entries(FIXTURE_PATHS) as [FixtureState, [string, Record<string, unknown>][]][]) {
    const c = await registerCase(call, { channel: '12345', categoryCode: at.categoryCode, lng: at.lng, lat: at.lat, crs: 'wgs84', urgency: 'normal', description: `fixture ${state}` });
    for (const [action, fields] of path) await actOnCase(call, action, { id: c.id, ...fields });
    out[state] = c.id;
  }
  return out;
}
