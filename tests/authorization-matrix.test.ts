// The authorisation matrix, generated: every mutation of the API × every role (plus a display
// token and nobody) × in and out of scope. The expected answer comes from data alone: the role's
// permissions (role_permissions), its scope kind (roles.scope) and where the target lies; the
// server must agree, with a clear FORBIDDEN/UNAUTHORIZED message, and audit every attempt.
// All of it in one transaction on the test city that is rolled back after the last test
// (tests/support/rolled-back.ts): the actors are made once in it, and each cell runs in a
// savepoint of it that is rolled back, so no cell sees another's change or audit row.
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../db/engine.ts';
import { appRouter } from '../server/router.ts';
import { createCallerFactory } from '../server/trpc.ts';
import { createApiKey, createToken } from '../server/admin/admin-queries.ts';
import { testEngine } from './support/test-db.ts';
import { rolledBackSuite } from './support/rolled-back.ts';
import { ACTOR_LABELS, HANDLER_DEPARTMENT, IN_DISTRICT, OUT_DISTRICT, ROLE_PASSWORD, roleActors, type RoleActor } from './support/role-actors.ts';
import { callPath, listProcedures, outcome } from './support/procedures.ts';
import { ACTION_FIXTURES, fixtureActor, gridPoint, workflowFixtures, type FixtureState } from './support/workflow-fixtures.ts';
import { TRANSITIONS } from '../domain/transitions.ts';

const tag = `${process.pid}${Date.now() % 100000}`;
const IN = IN_DISTRICT;
const OUT = OUT_DISTRICT;

const suite = rolledBackSuite(testEngine);
/** The innermost transaction of the suite open now (the cell's savepoint, in a cell). */
const db = (): Db => suite.engine.db;
let actors: RoleActor[] = [];
let sanitation: number;
const fx = {} as {
  rgIn: number; rgOut: number; communityIn: number; communityOut: number; caseIn: number; caseOut: number; target: number; inspectorIn: number; inspectorOut: number;
  /** Cases in every workflow state: in scope (350602, dispatched to the handlers' department) and out (350603, another unit). */
  workflow: Record<'in' | 'out', Record<FixtureState, number>>;
  spotIn: { lng: number; lat: number };
};
/** Where each fixture lies: a district and, for cases, the department it is assigned to. */
const where = (at: 'in' | 'out') => (at === 'in' ? { district: IN, department: HANDLER_DEPARTMENT } : { district: OUT, department: 'other' });

const one = async <T>(q: ReturnType<typeof sql>) => (await rows<T>(db(), q))[0];
let n = 0;

/** Inputs for each mutation, in and (for scoped ones) out of scope. Async: versions are read fresh. */
const MATRIX: Record<string, { input: (at: 'in' | 'out') => Promise<unknown> }> = {
  'auth.logout': { input: async () => undefined },
  'auth.changePassword': { input: async () => ({ currentPassword: ROLE_PASSWORD, newPassword: `matrix-new-${tag}-${n++}` }) },
  'admin.createUser': { input: async () => ({ username: `mx-${tag}-${n++}`, displayName: 'Matrix', roleCode: 'command_viewer' }) },
  'admin.updateUser': {
    input: async () => ({ id: fx.target, version: (await one<{ v: number }>(sql`select version as v from users where id = ${fx.target}`)).v, displayName: 'Matrix target' }),
  },
  'admin.resetPassword': { input: async () => ({ id: fx.target }) },
  'admin.setPermission': { input: async () => ({ roleCode: 'command_viewer', permission: 'case.read', granted: true }) },
  'admin.createToken': { input: async () => ({ name: `mx-${tag}-${n++}` }) },
  'admin.createApiKey': { input: async () => ({ name: `mx-key-${tag}-${n++}`, rights: ['case.create'] }) },
  'admin.revokeApiKey': { input: async () => ({ id: (await createApiKey(db(), actors[0].actor!, { name: `mx-key-revoke-${tag}-${n++}`, rights: [], districtCodes: [], ratePerMinute: 60 })).id }) },
  'admin.liftLoginLock': { input: async () => ({ username: `matrix-target-${tag}` }) },
  'admin.saveSetting': { input: async () => ({ key: 'workflow.visit_far_meters', value: '250', expected: (await one<{ v: string }>(sql`select value as v from app_meta where key = 'workflow.visit_far_meters'`)).v }) },
  'admin.revokeToken': { input: async () => ({ id: (await createToken(db(), actors[0].actor!, { name: `mx-revoke-${tag}-${n++}`, districtCodes: [] })).id }) },
  'grids.assignResponsibility': {
    input: async (at) => {
      const id = at === 'in' ? fx.rgIn : fx.rgOut;
      const r = await one<{ version: number; assignee_role: string; assignee_name: string }>(sql`select version, assignee_role, assignee_name from responsibility_grids where id = ${id}`);
      return { id, version: r.version, assigneeRole: r.assignee_role, assigneeName: r.assignee_name };
    },
  },
  'grids.setPatrolStaff': {
    input: async (at) => {
      const id = at === 'in' ? fx.rgIn : fx.rgOut;
      const r = await one<{ version: number; ids: number[] }>(sql`select version, array(select user_id from responsibility_grid_staff where responsibility_grid_id = r.id order by user_id) as ids from responsibility_grids r where id = ${id}`);
      return { id, version: r.version, userIds: r.ids };
    },
  },
  // the grid editor: an attribute-only change of one cell (the coverage is as it was), on the base read now
  'grids.publish': {
    input: async (at) => {
      const g = await one<{ id: number; version: number; village: string; revision: number }>(
        sql`select u.id, u.version, u.village_code::text as village, v.grid_revision as revision from unit_grids u join villages v on v.code = u.village_code
            where u.district_code = ${at === 'in' ? IN : OUT} and u.valid_to is null order by u.id limit 1`,
      );
      return { districtCode: at === 'in' ? IN : OUT, base: { [g.village]: g.revision }, changes: [{ op: 'update', id: g.id, version: g.version, attributes: { landUse: 'mixed' } }], note: 'matrix' };
    },
  },
  'dispatch.saveRule': { input: async () => ({ priority: 1, categoryCode: 'E0104', districtCode: IN, departmentId: sanitation, note: 'matrix' }) },
  'dispatch.retireRule': { input: async () => ({ id: (await one<{ id: number }>(sql`insert into dispatch_rules (priority, department_id, note) values (0, ${sanitation}, 'matrix') returning id`)).id }) },
  'communities.update': {
    input: async (at) => {
      const id = at === 'in' ? fx.communityIn : fx.communityOut;
      const c = await one<{ version: number; name: string; households: number; party_org_name: string | null; party_org_kind: 'branch' | 'joint_branch' | 'none' }>(
        sql`select version, name, households, party_org_name, party_org_kind from property_communities where id = ${id}`,
      );
      return { id, version: c.version, name: c.name, households: c.households, partyOrgName: c.party_org_name, partyOrgKind: c.party_org_kind };
    },
  },
  'cases.revealReporter': { input: async (at) => ({ id: at === 'in' ? fx.caseIn : fx.caseOut }) },
  'dispatch.register': { input: async () => ({ channel: '12345', categoryCode: 'E0104', ...fx.spotIn, description: 'matrix' }) },
  'dispatch.bulkDispatch': { input: async (at) => ({ items: [{ id: fx.workflow[at].filed }] }) },
  // every action of the workflow table, on a case in the state it starts from
  ...Object.fromEntries(TRANSITIONS.map((x) => [`dispatch.${x.action}`, { input: async (at: 'in' | 'out') => ({ id: fx.workflow[at][ACTION_FIXTURES[x.action].state], ...ACTION_FIXTURES[x.action].fields }) }])),
  // a site visit goes to a patrol account of the case's district
  'dispatch.assign': { input: async (at) => ({ id: fx.workflow[at].verifying, assigneeId: at === 'in' ? fx.inspectorIn : fx.inspectorOut }) },
};

const mutations = listProcedures().filter((p) => p.type === 'mutation' && !p.meta.public);

beforeAll(() => suite.setup(async (_tx, engine) => {
  sanitation = (await one<{ id: number }>(sql`select id from departments where code = ${HANDLER_DEPARTMENT}`)).id;
  actors = await roleActors(engine, tag);
  fx.rgIn = (await one<{ id: number }>(sql`select id from responsibility_grids where district_code = ${IN} order by id limit 1`)).id;
  fx.rgOut = (await one<{ id: number }>(sql`select id from responsibility_grids where district_code = ${OUT} order by id limit 1`)).id;
  const inspectorOf = async (district: string) => (await one<{ id: number }>(sql`select id from users where role_code = 'inspector' and ${district}::char(6) = any (district_codes) order by id limit 1`)).id;
  fx.inspectorIn = await inspectorOf(IN);
  fx.inspectorOut = await inspectorOf(OUT);
  fx.communityIn = (await one<{ id: number }>(sql`select id from property_communities where village_code like ${`${IN}%`} order by id limit 1`)).id;
  fx.communityOut = (await one<{ id: number }>(sql`select id from property_communities where village_code like ${`${OUT}%`} order by id limit 1`)).id;
  const pubCase = (district: string, same: boolean) =>
    one<{ id: number }>(sql`select c.id::int as id from cases c join case_reporters r on r.case_id = c.id
                            where c.district_code = ${district} and ${same ? sql`c.department_id = ${sanitation}` : sql`c.department_id <> ${sanitation}`} order by c.id limit 1`);
  fx.caseIn = (await pubCase(IN, true)).id;
  fx.caseOut = (await pubCase(OUT, false)).id;
  const call = { db: engine.db, actor: await fixtureActor(engine.db), now: new Date(), notify: engine.notify };
  fx.spotIn = await gridPoint(engine.db, IN);
  fx.workflow = {
    in: await workflowFixtures(call, { ...fx.spotIn, categoryCode: 'E0104' }),
    out: await workflowFixtures(call, { ...(await gridPoint(engine.db, OUT)), categoryCode: 'E0101' }),
  };
  fx.target = (await one<{ id: number }>(
    sql`insert into users (username, display_name, role_code) values (${`matrix-target-${tag}`}, 'Matrix target', 'command_viewer') returning id`,
  )).id;
}), 120_000);

/** What the data says should happen. */
function expected(who: RoleActor, permission: string | null | undefined, scoped: 'district' | 'case' | undefined, at: 'in' | 'out'): 'OK' | 'FORBIDDEN' | 'UNAUTHORIZED' | 'NOT_FOUND' {
  if (!who.actor) return 'UNAUTHORIZED';
  if (who.actor.kind === 'display') return 'FORBIDDEN'; // tokens are read-only
  if (permission && !who.grants.has(permission)) return 'FORBIDDEN';
  if (!scoped || who.scope === 'city') return 'OK';
  const target = where(at);
  // a case outside the scope answers as a missing one (its existence and district are case data)
  const outside = scoped === 'case' ? 'NOT_FOUND' : 'FORBIDDEN';
  if (who.scope === 'department') return scoped === 'case' && target.department === HANDLER_DEPARTMENT ? 'OK' : outside;
  return target.district === IN ? 'OK' : outside;
}

describe('the matrix covers the API', () => {
  it('every mutation has an entry, and only auth.login is a public mutation', () => {
    expect(mutations.map((m) => m.path).filter((p) => !MATRIX[p])).toEqual([]);
    expect(listProcedures().filter((p) => p.type === 'mutation' && p.meta.public).map((p) => p.path)).toEqual(['auth.login']);
  });
  it('has one actor per role in the roles table, a display token and nobody', () =>
    suite.run(async () => {
      const roles = await one<{ n: number }>(sql`select count(*)::int as n from roles where assignable`);
      expect(actors.length).toBe(roles.n + 2);
      expect(actors.map((a) => a.label)).toEqual(ACTOR_LABELS);
    }));
  it('every permission a procedure names exists in the permissions table', () =>
    suite.run(async (tx) => {
      const known = new Set((await rows<{ code: string }>(tx, sql`select code from permissions`)).map((r) => r.code));
      const named = listProcedures().map((p) => p.meta.permission).filter((x): x is string => !!x);
      expect(named.filter((p) => !known.has(p))).toEqual([]);
    }));
});

const createCaller = createCallerFactory(appRouter);
const cases = mutations.flatMap((m) => (m.meta.scoped ? (['in', 'out'] as const) : (['in'] as const)).map((at) => ({ m, at })));

describe.each(cases)('$m.path ($at of scope)', ({ m, at }) => {
  it.each(ACTOR_LABELS)('%s', (label) =>
    suite.run(async (_tx, engine) => {
      const who = actors.find((a) => a.label === label)!;
      const want = expected(who, m.meta.permission, m.meta.scoped, at);
      // identical refusals are one counted row: attempts are the sum of repeats
      const count = () => one<{ n: number }>(sql`select coalesce(sum(repeats), 0)::int as n from audit_log where action = ${m.path} and actor = ${who.actor?.name ?? ''}`);
      const before = await count();
      const caller = createCaller({ engine, actor: who.actor });
      const got = await outcome(callPath(caller, m.path, await MATRIX[m.path].input(at)));
      expect({ who: who.label, code: got.code, message: got.message }).toMatchObject({ who: who.label, code: want });
      if (want !== 'OK') expect(got.message).toMatch(/permission|outside your districts|not assigned to your department|read-only|Sign in|No case with id/);
      // every attempt by someone is audited: done or denied
      if (who.actor) {
        expect((await count()).n).toBe(before.n + 1);
        const last = await one<{ outcome: string | null }>(sql`select detail->>'outcome' as outcome from audit_log where action = ${m.path} and actor = ${who.actor.name} order by coalesce(last_at, at) desc, id desc limit 1`);
        expect(last.outcome ?? 'ok').toBe(want === 'OK' ? 'ok' : 'denied');
      }
    }));
});
