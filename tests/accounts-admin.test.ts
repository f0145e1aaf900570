// Accounts administration and edits on the engine under test: bindings checked against the
// role's scope, stale versions refused with CONFLICT, no self-lockout, sessions ended when an
// account is disabled, secrets never in the audit log, and the audit log's filters.
// Each test runs in a transaction that is rolled back (tests/support/rolled-back.ts): the
// callers act in it, so the users, rights, grids and audit rows they change go with it.
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows, type Db, type Engine } from '../db/engine.ts';
import { appRouter } from '../server/router.ts';
import { createCallerFactory } from '../server/trpc.ts';
import { actorFromSession, type Actor } from '../server/auth/actor.ts';
import { createSession, loadSessionPolicy } from '../server/auth/sessions.ts';
import { actorOf, testEngine } from './support/test-db.ts';
import { inRolledBackTransaction } from './support/rolled-back.ts';
import { outcome } from './support/procedures.ts';

const createCaller = createCallerFactory(appRouter);
type Caller = ReturnType<typeof createCaller>;
const tag = `${process.pid}${Date.now() % 100000}`;
let adminActor: Actor;
let coordinatorActor: Actor;
let db: Db;
const one = async <T>(q: ReturnType<typeof sql>) => (await rows<T>(db, q))[0];

beforeAll(async () => {
  const engine = await testEngine();
  adminActor = await actorOf('demo-admin', engine);
  coordinatorActor = await actorOf('demo-coordinator', engine);
});

/** Runs a test in a rolled-back transaction: `db` (and `one`) and the callers act in it. */
const inTx = async (fn: (t: { engine: Engine; admin: Caller; coordinator: Caller }) => Promise<void>) =>
  inRolledBackTransaction(await testEngine(), async (tx, engine) => {
    db = tx;
    await fn({ engine, admin: createCaller({ engine, actor: adminActor }), coordinator: createCaller({ engine, actor: coordinatorActor }) });
  });

describe('creating and changing users', () => {
  it('creates a user with a one-time password that must be changed', () =>
    inTx(async ({ admin }) => {
      const r = await admin.admin.createUser({ username: `inspector-${tag}`, displayName: '监督员甲', roleCode: 'inspector', districtCodes: ['350602'] });
      expect(r.oneTimePassword).toMatch(/^[\w-]{16}$/);
      const u = await one<{ must_change_password: boolean; district_codes: string[] | string }>(sql`select must_change_password, district_codes::text[] as district_codes from users where id = ${r.id}`);
      expect(u.must_change_password).toBe(true);
    }));
  it.each([
    [{ roleCode: 'department_handler' }, 'BAD_REQUEST', /must be bound to a department/],
    [{ roleCode: 'district_coordinator' }, 'BAD_REQUEST', /needs at least one district/],
    [{ roleCode: 'district_coordinator', districtCodes: ['999999'] }, 'BAD_REQUEST', /Unknown district code\(s\): 999999/],
    [{ roleCode: 'wall_display' }, 'BAD_REQUEST', /for display tokens, not people/],
    [{ roleCode: 'no_such_role' }, 'BAD_REQUEST', /Unknown role 'no_such_role'/],
  ])('refuses a binding that does not fit the role: %j', (binding, code, message) =>
    inTx(async ({ admin }) => {
      const got = await outcome(admin.admin.createUser({ username: `bad-${tag}-${Math.floor(Math.random() * 1e6)}`, displayName: 'x', ...binding }));
      expect(got.code).toBe(code);
      expect(got.message).toMatch(message);
    }));
  it('refuses a taken user name with CONFLICT, and a malformed one with a field message', () =>
    inTx(async ({ admin }) => {
      expect((await outcome(admin.admin.createUser({ username: 'demo-viewer', displayName: 'x', roleCode: 'command_viewer' }))).code).toBe('CONFLICT');
      const bad = await outcome(admin.admin.createUser({ username: 'Has Spaces', displayName: 'x', roleCode: 'command_viewer' }));
      expect(bad).toMatchObject({ code: 'BAD_REQUEST' });
      expect(bad.message).toContain("A user name has 3–40 lower-case letters");
    }));
  it('refuses an update of a stale version with CONFLICT naming the current one', () =>
    inTx(async ({ admin }) => {
      const { id } = await admin.admin.createUser({ username: `stale-${tag}`, displayName: 'v1', roleCode: 'command_viewer' });
      await admin.admin.updateUser({ id, version: 1, displayName: 'v2' });
      const got = await outcome(admin.admin.updateUser({ id, version: 1, displayName: 'v2 again' }));
      expect(got.code).toBe('CONFLICT');
      expect(got.message).toContain('version 2');
    }));
  it('does not let an administrator disable themselves or change their own role', () =>
    inTx(async ({ admin }) => {
      const me = await one<{ id: number; version: number }>(sql`select id, version from users where username = 'demo-admin'`);
      expect((await outcome(admin.admin.updateUser({ id: me.id, version: me.version, disabled: true }))).message).toMatch(/cannot disable yourself/);
      expect((await outcome(admin.admin.setPermission({ roleCode: 'admin', permission: 'user.manage', granted: false }))).message).toMatch(/keep 'user.manage'/);
    }));
  it('disabling an account ends its sessions at once', () =>
    inTx(async ({ admin }) => {
      const { id } = await admin.admin.createUser({ username: `leaver-${tag}`, displayName: 'x', roleCode: 'command_viewer' });
      await db.execute(sql`update users set must_change_password = false where id = ${id}`);
      const policy = await loadSessionPolicy(db);
      const { token } = await createSession(db, id, {}, new Date(), policy);
      expect(await actorFromSession(db, token, new Date(), policy, { refuseDemo: false })).not.toBeNull();
      const v = await one<{ version: number }>(sql`select version from users where id = ${id}`);
      await admin.admin.updateUser({ id, version: v.version, disabled: true });
      expect(await actorFromSession(db, token, new Date(), policy, { refuseDemo: false })).toBeNull();
    }));
  it('a granted right takes effect at the next request', () =>
    inTx(async ({ engine, admin }) => {
      const { id } = await admin.admin.createUser({ username: `planner-${tag}`, displayName: 'x', roleCode: 'health_planner' });
      await db.execute(sql`update users set must_change_password = false where id = ${id}`);
      const before = await actorOf(`planner-${tag}`, engine);
      expect(before.actions.has('indicators.read')).toBe(false);
      await admin.admin.setPermission({ roleCode: 'health_planner', permission: 'indicators.read', granted: true });
      // (the right goes with the transaction: nothing to take back by hand)
      expect((await actorOf(`planner-${tag}`, engine)).actions.has('indicators.read')).toBe(true);
    }));
});

describe('scoped edits', () => {
  it('a responsibility grid: saved in scope, CONFLICT on a stale version, NOT_FOUND for none', () =>
    inTx(async ({ coordinator }) => {
      const rg = await one<{ id: number; version: number; assignee_name: string; assignee_role: 'inspector' | 'grid_worker' }>(
        sql`select id, version, assignee_name, assignee_role from responsibility_grids where district_code = '350602' order by id desc limit 1`,
      );
      // the change goes with the transaction (other suites compare the shared city with a fresh seed)
      const saved = await coordinator.grids.assignResponsibility({ id: rg.id, version: rg.version, assigneeRole: 'grid_worker', assigneeName: '网格员乙' });
      expect(saved).toEqual({ id: rg.id, version: rg.version + 1 });
      const now = await one<{ assignee_role: string; assignee_name: string }>(sql`select assignee_role, assignee_name from responsibility_grids where id = ${rg.id}`);
      expect(now).toEqual({ assignee_role: 'grid_worker', assignee_name: '网格员乙' });
      const stale = await outcome(coordinator.grids.assignResponsibility({ id: rg.id, version: rg.version, assigneeRole: 'inspector', assigneeName: rg.assignee_name }));
      expect(stale.code).toBe('CONFLICT');
      expect(stale.message).toContain(`now version ${rg.version + 1}`);
      expect((await outcome(coordinator.grids.assignResponsibility({ id: 999_999, version: 1, assigneeRole: 'inspector', assigneeName: 'x' }))).code).toBe('NOT_FOUND');
    }));
  it('a compound outside the district is refused with the districts named, and nothing changes', () =>
    inTx(async ({ coordinator }) => {
      const c = await one<{ id: number; version: number; name: string }>(sql`select id, version, name from property_communities where village_code like '350603%' order by id limit 1`);
      const got = await outcome(coordinator.communities.update({ id: c.id, version: c.version, name: '改名', households: 1, partyOrgName: null, partyOrgKind: 'none' }));
      expect(got.code).toBe('FORBIDDEN');
      expect(got.message).toBe(`Property-managed community ${c.id} is in district 350603, outside your districts (350602).`);
      expect((await one<{ name: string }>(sql`select name from property_communities where id = ${c.id}`)).name).toBe(c.name);
    }));
  it('the editable hint follows permission and district', () =>
    inTx(async ({ admin, coordinator }) => {
      const inside = await one<{ id: number }>(sql`select id from responsibility_grids where district_code = '350602' order by id limit 1`);
      const outside = await one<{ id: number }>(sql`select id from responsibility_grids where district_code = '350603' order by id limit 1`);
      expect((await coordinator.grids.responsibilityById({ id: inside.id })).editable).toBe(true);
      expect((await coordinator.grids.responsibilityById({ id: outside.id })).editable).toBe(false);
      expect((await admin.grids.responsibilityById({ id: inside.id })).editable).toBe(false); // admin has no grid.edit
    }));
});

describe('the audit log', () => {
  it('keeps no secrets: password inputs are recorded as ***', () =>
    inTx(async ({ engine, admin }) => {
      const { id } = await admin.admin.createUser({ username: `secret-${tag}`, displayName: 'x', roleCode: 'command_viewer' });
      const { oneTimePassword } = await admin.admin.resetPassword({ id });
      const user = createCaller({ engine, actor: { ...(await actorOf('demo-viewer', engine)), id, name: `secret-${tag}`, mustChangePassword: true } });
      await user.auth.changePassword({ currentPassword: oneTimePassword, newPassword: 'Another-pass-2026' });
      const row = await one<{ detail: string }>(sql`select detail::text as detail from audit_log where action = 'auth.changePassword' and actor = ${`secret-${tag}`}`);
      expect(row.detail).toContain('"currentPassword": "***"');
      expect(row.detail).not.toContain(oneTimePassword);
      expect(row.detail).not.toContain('Another-pass-2026');
      expect(JSON.stringify(await admin.audit.list({ actor: `secret-${tag}`, limit: 10 }))).not.toContain(oneTimePassword);
    }));
  it('filters by actor, action and outcome, newest first, and pages with beforeId', () =>
    inTx(async ({ admin, coordinator }) => {
      for (let i = 0; i < 3; i++) await outcome(coordinator.admin.createToken({ name: `nope-${i}` }));
      const denied = await admin.audit.list({ actor: 'demo-coordinator', action: 'admin.', outcome: 'denied', limit: 2 });
      expect(denied.rows).toHaveLength(2);
      expect(denied.more).toBe(true);
      expect(denied.rows.every((r) => r.actor === 'demo-coordinator' && r.action === 'admin.createToken' && r.outcome === 'denied')).toBe(true);
      expect(denied.rows[0].id).toBeGreaterThan(denied.rows[1].id);
      const next = await admin.audit.list({ actor: 'demo-coordinator', action: 'admin.', outcome: 'denied', limit: 2, beforeId: denied.rows[1].id });
      expect(next.rows[0].id).toBeLessThan(denied.rows[1].id);
    }));
  it('cannot be read without audit.read', () =>
    inTx(async ({ coordinator }) => {
      expect((await outcome(coordinator.audit.list({ limit: 1 }))).code).toBe('FORBIDDEN');
    }));
});
