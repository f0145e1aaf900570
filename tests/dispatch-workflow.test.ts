// The case workflow over the API, on the seeded city (both engines): every action of the table
// (domain/transitions.ts) is taken by a real role's account through its tRPC mutation, and the
// test ends by listing any action no path took. Each path runs in a rolled-back savepoint of one
// suite transaction (tests/support/rolled-back.ts), on a clock that advances per step.
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows, type Engine } from '../db/engine.ts';
import { appRouter } from '../server/router.ts';
import { createCallerFactory } from '../server/trpc.ts';
import { ACTIONS, transitionOf } from '../domain/transitions.ts';
import { addWorkingTime, workingMinutesBetween } from '../domain/working-clock.ts';
import { fromWgs84 } from '../domain/coords.ts';
import { loadCalendar } from '../server/dispatch/case-engine.ts';
import { escalateDue, levelAt } from '../server/dispatch/escalation.ts';
import { correctDeadlines } from '../server/dispatch/deadline-correction.ts';
import { correctionLines } from '../server/dispatch/deadline-cli.ts';
import type { Actor } from '../server/auth/actor.ts';
import { actorOf, testEngine } from './support/test-db.ts';
import { rolledBackSuite } from './support/rolled-back.ts';
import { outcome } from './support/procedures.ts';
import { TEST_NOW } from './support/test-config.ts';
import { CASE_TARGETS } from '../data/generators/cases.ts';

const suite = rolledBackSuite(testEngine);
const createCaller = createCallerFactory(appRouter);
/** Who takes each right's actions: the demo account of the role that normally holds it. */
const BY_PERMISSION: Record<string, string> = {
  'case.create': 'demo-intake', 'case.callback': 'demo-intake', 'case.verify': 'demo-inspector', 'case.check': 'demo-inspector',
  'case.file': 'demo-shiftlead', 'case.close': 'demo-shiftlead', 'case.dispatch': 'demo-dispatcher', 'case.extend.approve': 'demo-dispatcher',
  'case.park.approve': 'demo-dispatcher', 'case.handle': 'demo-handler',
};
const actors = new Map<string, Actor>();
const taken = new Set<string>();
/** A point inside a unit grid of 芗城区 (350602) whose 道路不洁 (E0104) cases go to the sanitation centre, the demo handler's department. */
let spot: { lng: number; lat: number; gridCode: string; villageCode: string };
let sanitation: number;

beforeAll(() => suite.setup(async (_tx, engine) => {
  for (const u of new Set([...Object.values(BY_PERMISSION), 'demo-viewer'])) actors.set(u, await actorOf(u, engine));
  [spot] = await rows<typeof spot>(
    engine.db,
    sql`select ST_X(p) as lng, ST_Y(p) as lat, code::text as "gridCode", village_code::text as "villageCode"
        from (select ST_PointOnSurface(geom) as p, code, village_code from unit_grids where district_code = '350602' and valid_to is null
              and not exists (select 1 from property_communities pc where ST_Intersects(pc.geom, unit_grids.geom)) order by code limit 1) g`,
  );
  [{ id: sanitation }] = await rows<{ id: number }>(engine.db, sql`select id from departments where code = 'sanitation'`);
}), 120_000);

/** A walk through the workflow on a clock that moves `stepMinutes` per action. */
function walker(engine: Engine, start = TEST_NOW, stepMinutes = 7) {
  let now = start.getTime();
  const as = (username: string) => createCaller({ engine, actor: actors.get(username)!, now: () => new Date(now) });
  const api = {
    get now() {
      return new Date(now);
    },
    advance(minutes: number) {
      now += minutes * 60_000;
    },
    as,
    register: (input: Record<string, unknown>) => as('demo-intake').dispatch.register(input as never),
    registerAs: (username: string, input: Record<string, unknown>) => as(username).dispatch.register(input as never),
    async act(action: string, input: Record<string, unknown>) {
      const x = transitionOf(action)!;
      now += stepMinutes * 60_000;
      const caller = as(BY_PERMISSION[x.permission]) as unknown as { dispatch: Record<string, (i: unknown) => Promise<{ status: string; version: number; eventId: number }>> };
      const after = await caller.dispatch[action](input);
      taken.add(action);
      return after;
    },
  };
  return api;
}

const events = (engine: Engine, id: number) =>
  rows<{ seq: number; type: string; from_status: string | null; to_status: string; actor: string; payload: Record<string, unknown> | null }>(
    engine.db, sql`select seq, type, from_status, to_status, actor, payload from case_events where case_id = ${id} order by seq`);
const caseRow = async (engine: Engine, id: number) =>
  (await rows<{ status: string; version: number; department_id: number | null; handle_due_at: Date | string; close_due_at: Date | string; pending: string | null; stage: string | null; stage_due_at: Date | string | null; check_passed: boolean | null; satisfaction: string | null }>(
    engine.db, sql`select status, version, department_id, handle_due_at, close_due_at, pending, stage, stage_due_at, check_passed, satisfaction from cases where id = ${id}`))[0];
const ms = (v: Date | string | null) => (v === null ? null : new Date(v).getTime());

describe('the workflow over the API', () => {
  it('a public report from a hotline in GCJ-02, through every side path, to the callback and a reopen', () =>
    suite.run(async (_tx, engine) => {
      const w = walker(engine);
      const [gx, gy] = fromWgs84([spot.lng, spot.lat], 'gcj02');
      const c = await w.register({ channel: '12345', categoryCode: 'E0104', lng: gx, lat: gy, crs: 'gcj02', description: '路面有大片油污', reporter: { name: '王女士', phone: '13800000000', anonymous: false } });
      expect(c).toMatchObject({ status: 'reported', version: 1, suggestedDepartmentId: sanitation });
      expect(c.routeReason).toMatch(/^规则 \d+：道路不洁 → /);
      const [placed] = await rows<{ grid_code: string; orig_crs: string }>(engine.db, sql`select grid_code::text, orig_crs from cases where id = ${c.id}`);
      expect(placed).toEqual({ grid_code: spot.gridCode, orig_crs: 'GCJ02' });
      const id = c.id;
      for (const [action, input] of [
        ['accept', {}], ['verify', { result: '现场属实' }], ['file', {}], ['dispatch', {}], ['signFor', {}],
        ['requestExtension', { amount: 2, unit: 'working_hour', reason: '需协调' }], ['refuseExtension', { reason: '时限足够' }],
        ['requestExtension', { amount: 3, unit: 'working_hour', reason: '需协调市政' }],
      ] as const) await w.act(action, { id, ...input });
      const beforeExtend = await caseRow(engine, id);
      expect(beforeExtend).toMatchObject({ status: 'accepted', pending: 'extension', department_id: sanitation, stage: 'handle' });
      await w.act('extend', { id });
      const cal = await loadCalendar(engine.db);
      const extended = await caseRow(engine, id);
      expect(ms(extended.handle_due_at)).toBe(addWorkingTime(cal, new Date(beforeExtend.handle_due_at), 3, 'working_hour').getTime());
      expect(extended.pending).toBeNull();

      await w.act('requestPark', { id, reason: '待管线迁改' });
      await w.act('refusePark', { id, reason: '可先行处置' });
      await w.act('requestPark', { id, reason: '待管线迁改' });
      await w.act('park', { id });
      const parked = await caseRow(engine, id);
      const left = workingMinutesBetween(cal, w.now, new Date(extended.handle_due_at));
      expect(parked).toMatchObject({ status: 'parked', stage: 'parked', stage_due_at: null });
      w.advance(3 * 24 * 60); // three days parked: the clock does not run
      await w.act('resume', { id });
      const resumed = await caseRow(engine, id);
      expect(ms(resumed.handle_due_at)).toBe(addWorkingTime(cal, w.now, left / 60, 'working_hour').getTime());

      await w.act('handle', { id, result: '已清理', afterPhoto: 'photos/after-1.jpg' });
      await w.act('check', { id, passed: false, note: '仍有油污' });
      expect(await outcome(w.act('close', { id }))).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/failed its check/) });
      await w.act('rework', { id, reason: '返工清洗' });
      const reworked = await caseRow(engine, id);
      expect(reworked).toMatchObject({ status: 'accepted', department_id: sanitation, stage: 'handle', check_passed: null });
      await w.act('handle', { id, result: '已清洗', afterPhoto: 'photos/after-2.jpg' });
      await w.act('check', { id, passed: true });
      await w.act('close', { id });
      await w.act('reply', { id, result: '已处置完毕' });
      await w.act('callback', { id, satisfaction: 'unsatisfied', note: '仍有异味' });
      expect((await caseRow(engine, id)).satisfaction).toBe('unsatisfied');
      await w.act('reopen', { id, reason: '回访不满意' });
      expect((await caseRow(engine, id)).status).toBe('filed');

      // the history: one event per move, in order, each from the status the last one reached
      const h = await events(engine, id);
      expect(h.map((e) => e.seq)).toEqual(h.map((_, i) => i + 1));
      h.slice(1).forEach((e, i) => expect(e.from_status).toBe(h[i].to_status));
      expect(h.length).toBe((await caseRow(engine, id)).version);
      // indicator due dates stay those of the first dispatch and its extension (docs/indicators.md): the rework did not move them
      const [facts] = await rows<{ handle_due_at: Date | string; reworks: number; extensions: number }>(engine.db, sql`select handle_due_at, reworks, extensions from case_facts where case_id = ${id}`);
      expect(facts).toMatchObject({ reworks: 1, extensions: 1 });
      expect(ms(facts.handle_due_at)).toBe(ms(extended.handle_due_at));
    }));

  it("an inspector's own report: reclassified, filed, returned as not ours with a suggested owner, re-dispatched there", () =>
    suite.run(async (_tx, engine) => {
      const w = walker(engine);
      const c = await w.registerAs('demo-inspector', { channel: 'patrol', categoryCode: 'E0101', lng: spot.lng, lat: spot.lat, description: '占道搭建' });
      expect(c.status).toBe('reported');
      const id = c.id;
      await w.act('reclassify', { id, categoryCode: 'E0104', note: '实为道路不洁' });
      expect((await caseRow(engine, id)).status).toBe('reported');
      const [re] = await rows<{ category_code: string; suggested_department_id: number }>(engine.db, sql`select category_code, suggested_department_id from cases where id = ${id}`);
      expect(re).toEqual({ category_code: 'E0104', suggested_department_id: sanitation });
      expect(await w.act('file', { id })).toMatchObject({ status: 'filed', suggestedDepartmentId: sanitation });
    }));

  it('a return carries a reason code and a suggested owner, and the re-dispatch goes there', () =>
    suite.run(async (_tx, engine) => {
      const w = walker(engine);
      const c = await w.registerAs('demo-inspector', { channel: 'patrol', categoryCode: 'E0104', lng: spot.lng, lat: spot.lat, description: '道路不洁' });
      const id = c.id;
      await w.act('file', { id });
      const [other] = await rows<{ id: number }>(engine.db, sql`select id from departments where kind = 'municipal' and id <> ${sanitation} order by id limit 1`);
      // overriding the suggestion needs a reason
      expect(await outcome(w.act('dispatch', { id, departmentId: other.id }))).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/override reason/) });
      await w.act('dispatch', { id });
      await w.act('return', { id, reasonCode: 'needsOtherUnit', suggestedDepartmentId: other.id, note: '属市政管理' });
      expect((await caseRow(engine, id)).status).toBe('returned');
      await w.act('dispatch', { id });
      expect((await caseRow(engine, id)).department_id).toBe(other.id);
      const ret = (await events(engine, id)).find((e) => e.type === 'return')!;
      expect(ret.payload).toMatchObject({ reasonCode: 'needsOtherUnit', suggestedDepartmentId: other.id, departmentId: sanitation });
    }));

  it('a return whose suggested owner a rule names is re-dispatched there by the routing, once: a unit that returned it before is not sent it again', () =>
    suite.run(async (_tx, engine) => {
      const w = walker(engine);
      const [other] = await rows<{ id: number; name: string }>(engine.db, sql`select id, name from departments where kind = 'municipal' and id <> ${sanitation} order by id limit 1`);
      // a rule below the one that names the sanitation centre: road cleanliness in 芗城区 may also go to the other unit
      const [rule] = await rows<{ id: number }>(engine.db, sql`insert into dispatch_rules (priority, category_code, district_code, department_id, note) values (1, 'E0104', '350602', ${other.id}, 'test') returning id`);
      const c = await w.registerAs('demo-inspector', { channel: 'patrol', categoryCode: 'E0104', lng: spot.lng, lat: spot.lat, description: '道路不洁' });
      await w.act('file', { id: c.id });
      await w.act('dispatch', { id: c.id });
      const after = await w.act('return', { id: c.id, reasonCode: 'needsOtherUnit', suggestedDepartmentId: other.id });
      expect(after).toMatchObject({ status: 'dispatched', departmentId: other.id, suggestedDepartmentId: other.id });
      const row = await caseRow(engine, c.id);
      expect(row).toMatchObject({ status: 'dispatched', department_id: other.id, stage: 'accept' });
      const evs = await events(engine, c.id);
      expect(evs.slice(-2).map((e) => [e.type, e.from_status, e.to_status, e.actor])).toEqual([
        ['return', 'dispatched', 'returned', 'demo-handler'],
        ['dispatch', 'returned', 'dispatched', 'system:routing'],
      ]);
      const [why] = await rows<{ reason: string; route_rule_id: number }>(engine.db, sql`select e.reason, c.route_rule_id from case_events e join cases c on c.id = e.case_id where e.case_id = ${c.id} order by e.seq desc limit 1`);
      expect(why.route_rule_id).toBe(rule.id);
      expect(why.reason).toContain(other.name);
      // the other unit hands it back to the sanitation centre, which returned it already: a dispatcher decides
      await engine.db.execute(sql`insert into users (username, display_name, role_code, department_id) values ('redispatch-handler', '处置员', 'department_handler', ${other.id})`);
      const otherHandler = createCaller({ engine, actor: await actorOf('redispatch-handler', engine), now: () => w.now });
      expect(await otherHandler.dispatch.return({ id: c.id, reasonCode: 'notOurDuty', suggestedDepartmentId: sanitation })).toMatchObject({ status: 'returned', suggestedDepartmentId: sanitation });
    }));

  it('an inspector fixes a trivial problem on the spot, and a report that is not a case is voided', () =>
    suite.run(async (_tx, engine) => {
      const w = walker(engine);
      const fixed = await w.registerAs('demo-inspector', { channel: 'patrol', categoryCode: 'E0104', lng: spot.lng, lat: spot.lat, description: '少量纸屑' });
      expect(await w.act('selfHandle', { id: fixed.id, result: '已随手清理', afterPhoto: 'photos/self-1.jpg' })).toMatchObject({ status: 'closed' });
      const pub = await w.register({ channel: 'wechat', categoryCode: 'E0104', lng: spot.lng, lat: spot.lat, description: '重复举报' });
      await w.act('accept', { id: pub.id });
      expect(await w.act('void', { id: pub.id, reason: '重复举报' })).toMatchObject({ status: 'voided' });
    }));

  it('refuses an illegal move as a CONFLICT naming the current state, and a stale version as a CONFLICT with the current one', () =>
    suite.run(async (_tx, engine) => {
      const w = walker(engine);
      const c = await w.registerAs('demo-inspector', { channel: 'patrol', categoryCode: 'E0104', lng: spot.lng, lat: spot.lat, description: '道路不洁' });
      // a department sees only what was dispatched to it: another's case answers as a missing one
      expect(await outcome(w.act('handle', { id: c.id, result: 'x', afterPhoto: 'p' }))).toMatchObject({ code: 'NOT_FOUND' });
      for (const action of ['check', 'close', 'rework', 'dispatch', 'resume', 'extend', 'reply', 'reopen'] as const) {
        const input = { id: c.id, result: 'x', afterPhoto: 'p', reason: 'x', passed: true };
        const got = await outcome(w.act(action, input));
        expect(got.code, action).toBe('CONFLICT');
        expect(got.message, action).toMatch(/is reported \(version 1\)/);
      }
      await w.act('file', { id: c.id, version: 1 });
      expect(await outcome(w.act('dispatch', { id: c.id, version: 1 }))).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/now version 2, you edited version 1/) });
      expect((await events(engine, c.id)).map((e) => e.type)).toEqual(['report', 'file']);
    }));

  it('refuses a point outside the city and a case outside the asker’s districts', () =>
    suite.run(async (_tx, engine) => {
      const w = walker(engine);
      expect(await outcome(w.register({ channel: '12319', categoryCode: 'E0104', lng: 121.47, lat: 31.23, description: '上海' }))).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/outside the city/) });
      const [far] = await rows<{ lng: number; lat: number }>(engine.db, sql`select ST_X(ST_PointOnSurface(geom)) as lng, ST_Y(ST_PointOnSurface(geom)) as lat from districts where code = '350623'`);
      expect(await outcome(w.registerAs('demo-inspector', { channel: 'patrol', categoryCode: 'E0104', ...far, description: '漳浦' }))).toMatchObject({ code: 'FORBIDDEN' });
    }));

  it('dispatches several cases at once, saying per case which went and which did not', () =>
    suite.run(async (_tx, engine) => {
      const w = walker(engine);
      const a = await w.registerAs('demo-inspector', { channel: 'patrol', categoryCode: 'E0104', lng: spot.lng, lat: spot.lat, description: 'a' });
      const b = await w.registerAs('demo-inspector', { channel: 'patrol', categoryCode: 'E0104', lng: spot.lng, lat: spot.lat, description: 'b' });
      await w.act('file', { id: a.id });
      const caller = createCaller({ engine, actor: actors.get('demo-dispatcher')!, now: () => w.now });
      const r = await caller.dispatch.bulkDispatch({ items: [{ id: a.id }, { id: b.id }, { id: 2_000_000_000 }] });
      expect(r).toMatchObject({ dispatched: 1, refused: 2 });
      expect(r.results.map((x) => [x.id, x.ok, x.ok ? x.status : x.code])).toEqual([[a.id, true, 'dispatched'], [b.id, false, 'CONFLICT'], [2_000_000_000, false, 'NOT_FOUND']]);
      // the refused ones changed nothing
      expect((await events(engine, b.id)).map((e) => e.type)).toEqual(['report']);
    }));

  it('escalates a dispatched case not signed for in time to the dispatcher, then at 200 % to the shift lead, each once', () =>
    suite.run(async (_tx, engine) => {
      const w = walker(engine);
      const c = await w.registerAs('demo-inspector', { channel: 'patrol', categoryCode: 'E0104', lng: spot.lng, lat: spot.lat, description: '道路不洁' });
      await w.act('file', { id: c.id });
      const d = await w.act('dispatch', { id: c.id });
      const row = await caseRow(engine, c.id);
      expect(row.stage).toBe('accept');
      const cal = await loadCalendar(engine.db);
      const started = new Date(w.now);
      const due = new Date(row.stage_due_at!);
      // the default sign-for limit: 2 working hours (app_meta 'workflow.limit.accept.normal')
      expect(due.getTime()).toBe(addWorkingTime(cal, started, 2, 'working_hour').getTime());
      const pass = (at: Date) => escalateDue(engine.db, engine.notify, at, 100_000);
      const mine = async () => (await events(engine, c.id)).filter((e) => e.type === 'escalate').map((e) => [e.payload?.level, e.payload?.to]);
      await pass(new Date(due.getTime() - 60_000));
      expect(await mine()).toEqual([]);
      await pass(new Date(due.getTime() + 60_000));
      await pass(new Date(due.getTime() + 120_000));
      expect(await mine()).toEqual([[1, 'dispatcher']]);
      const twice = levelAt(cal, started, due, 2);
      expect(twice.getTime()).toBe(addWorkingTime(cal, started, 4, 'working_hour').getTime());
      await pass(new Date(twice.getTime() + 60_000));
      await pass(new Date(twice.getTime() + 120_000));
      expect(await mine()).toEqual([[1, 'dispatcher'], [2, 'shift_lead']]);
      expect((await caseRow(engine, c.id)).version).toBe(d.version + 2);
      // signing for starts a new stage run: its clock and levels start afresh
      await w.act('signFor', { id: c.id });
      expect(await rows(engine.db, sql`select escalation_level, stage from cases where id = ${c.id}`)).toEqual([{ escalation_level: null, stage: 'handle' }]);
    }));

  it('catches up in bounded passes: many small passes fire what one large pass fires', async () => {
    const at = new Date(TEST_NOW.getTime() + 3 * 86_400_000);
    const inSmall = await suite.run(async (_tx, engine) => {
      let passes = 0;
      for (;;) {
        const p = await escalateDue(engine.db, engine.notify, at, 40);
        passes++;
        expect(p.looked).toBeLessThanOrEqual(40);
        if (p.looked < 40) break;
      }
      const [n] = await rows<{ n: number }>(engine.db, sql`select count(*)::int as n from case_events where type = 'escalate'`);
      return { passes, n: n.n };
    });
    const inOne = await suite.run(async (_tx, engine) => {
      await escalateDue(engine.db, engine.notify, at, 100_000);
      const [n] = await rows<{ n: number }>(engine.db, sql`select count(*)::int as n from case_events where type = 'escalate'`);
      return n.n;
    });
    expect(inSmall.passes).toBeGreaterThan(1);
    expect(inSmall.n).toBe(inOne);
    expect(inOne).toBeGreaterThan(40);
  });

  it('counts jurisdiction disputes: the seeded returns, and a case handed back twice as ping-pong', () =>
    suite.run(async (_tx, engine) => {
      const viewer = createCaller({ engine, actor: await actorOf('demo-viewer', engine) });
      const period = { from: CASE_TARGETS.periodStart, to: CASE_TARGETS.periodEnd };
      const seeded = await viewer.dispatch.disputes(period);
      expect(seeded.returnRate).toBeGreaterThan(0.008);
      expect(seeded.returnRate).toBeLessThan(0.016);
      expect(seeded.returnedTwiceOrMore).toBe(0);
      expect(seeded.pairs.length).toBeGreaterThan(0);
      expect(seeded.reasons.map((r) => r.code)).toEqual(['notOurDuty']);
      // now: one case returned twice, between two units (counted over what the seed already has today)
      const today = { from: new Date(TEST_NOW.getTime() - 86_400_000).toISOString(), to: new Date(TEST_NOW.getTime() + 86_400_000).toISOString() };
      const before = await viewer.dispatch.disputes(today);
      const handoffs = (r: typeof before, fromId: number, toId: number | null) => r.pairs.find((p) => p.fromId === fromId && p.toId === toId)?.handoffs ?? 0;
      const w = walker(engine);
      const c = await w.registerAs('demo-inspector', { channel: 'patrol', categoryCode: 'E0104', lng: spot.lng, lat: spot.lat, description: '道路不洁' });
      await w.act('file', { id: c.id });
      const [other] = await rows<{ id: number }>(engine.db, sql`select id from departments where kind = 'municipal' and id <> ${sanitation} order by id limit 1`);
      await w.act('dispatch', { id: c.id });
      await w.act('return', { id: c.id, reasonCode: 'needsOtherUnit', suggestedDepartmentId: other.id });
      await w.act('dispatch', { id: c.id });
      // the other unit's handler sends it back too
      await engine.db.execute(sql`insert into users (username, display_name, role_code, department_id) values ('dispute-handler', '处置员', 'department_handler', ${other.id})`);
      const otherHandler = createCaller({ engine, actor: await actorOf('dispute-handler', engine), now: () => w.now });
      await otherHandler.dispatch.return({ id: c.id, reasonCode: 'notOurDuty', suggestedDepartmentId: sanitation });
      const now = await viewer.dispatch.disputes(today);
      expect(now.returnedTwiceOrMore).toBeGreaterThanOrEqual(1);
      expect(now.pingPongRate).toBeGreaterThan(0);
      expect(handoffs(now, sanitation, other.id)).toBe(handoffs(before, sanitation, other.id) + 1);
      expect(handoffs(now, other.id, null)).toBe(handoffs(before, other.id, null) + 1);
    }));

  it('a calendar correction: the dry run lists the open cases whose dues move and changes nothing; the run moves them with one event each; undoing it moves them back', () =>
    suite.run(async (_tx, engine) => {
      const w = walker(engine);
      const c = await w.registerAs('demo-inspector', { channel: 'patrol', categoryCode: 'E0104', lng: spot.lng, lat: spot.lat, description: '道路不洁' });
      await w.act('file', { id: c.id });
      const sent = (await w.act('dispatch', { id: c.id })) as unknown as { handleDueAt: string; closeDueAt: string; stageDueAt: string };
      // the day the handling falls due is declared a holiday after the case was dispatched
      const dueDay = new Date(new Date(sent.handleDueAt).getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
      const holiday = { days: [dueDay], kind: 'holiday' as const, name: '补充假日' };
      const dayRow = () => rows<{ kind: string }>(engine.db, sql`select kind from calendar_days where day = ${dueDay}::date`);
      const before = (await events(engine, c.id)).length;
      const dry = await correctDeadlines(engine.db, holiday, { now: w.now, dryRun: true });
      const mine = dry.corrected.find((x) => x.caseId === c.id)!;
      expect(mine.changes.handleDueAt![0]).toBe(sent.handleDueAt);
      expect(mine.changes.closeDueAt![0]).toBe(sent.closeDueAt);
      // the same working minutes, counted past the holiday: later, and not on that day
      const cal = await loadCalendar(engine.db);
      expect(new Date(mine.changes.handleDueAt![1]).getTime()).toBeGreaterThan(new Date(sent.handleDueAt).getTime());
      expect(new Date(new Date(mine.changes.handleDueAt![1]).getTime() + 8 * 3_600_000).toISOString().slice(0, 10)).not.toBe(dueDay);
      // signing for falls due that day too (the handling limit here is hours): it moves to the next working day
      expect(mine.changes.stageDueAt![0]).toBe(sent.stageDueAt);
      expect(new Date(mine.changes.stageDueAt![1]).getTime()).toBeGreaterThan(new Date(sent.stageDueAt).getTime());
      expect(dry.corrected.every((x) => !['closed', 'voided', 'parked'].includes(x.status))).toBe(true);
      expect(await dayRow()).toEqual([]);
      expect((await events(engine, c.id)).length).toBe(before);
      expect(ms((await caseRow(engine, c.id)).handle_due_at)).toBe(ms(sent.handleDueAt));
      expect(correctionLines(dry, 'holiday')[0]).toMatch(new RegExp(`^Dry run \\(${dueDay} → holiday\\): ${dry.corrected.length} open cases`));

      const run = await correctDeadlines(engine.db, holiday, { now: w.now, dryRun: false });
      expect(run.corrected).toEqual(dry.corrected);
      expect(await dayRow()).toEqual([{ kind: 'holiday' }]);
      const last = (await events(engine, c.id)).at(-1)!;
      expect(last).toMatchObject({ type: 'deadlineCorrected', from_status: 'dispatched', to_status: 'dispatched', actor: 'system:calendar', payload: { days: [dueDay], kind: 'holiday', ...mine.changes } });
      expect(ms((await caseRow(engine, c.id)).handle_due_at)).toBe(ms(mine.changes.handleDueAt![1]));
      expect(workingMinutesBetween(await loadCalendar(engine.db), w.now, new Date(mine.changes.handleDueAt![1]))).toBe(workingMinutesBetween(cal, w.now, new Date(sent.handleDueAt)));
      // the same correction again changes nothing
      expect(await correctDeadlines(engine.db, holiday, { now: w.now, dryRun: true })).toMatchObject({ days: [], corrected: [] });
      // the day given back: the due returns to where it was
      const undo = await correctDeadlines(engine.db, { ...holiday, kind: 'normal' }, { now: w.now, dryRun: false });
      expect(undo.corrected.find((x) => x.caseId === c.id)?.changes.handleDueAt).toEqual([mine.changes.handleDueAt![1], sent.handleDueAt]);
      expect(await dayRow()).toEqual([]);
    }));

  it("site visits go to the case's patrol grid's people: another grid's inspector is refused, the shift lead gives a visit to someone else, each sees it in their tasks", () =>
    suite.run(async (_tx, engine) => {
      const w = walker(engine);
      // the spot's patrol grid and its people (seeded inspectors, and demo-inspector, who patrols the district's first street)
      const team = await rows<{ id: number; username: string; role_code: string }>(
        engine.db,
        sql`select u.id, u.username, u.role_code from unit_grids g join responsibility_grid_staff s on s.responsibility_grid_id = g.responsibility_grid_id
            join users u on u.id = s.user_id where g.code = ${spot.gridCode} and g.valid_to is null order by u.id`,
      );
      const demo = actors.get('demo-inspector')!;
      expect(team.map((t) => t.username)).toContain('demo-inspector');
      expect(team.filter((t) => t.role_code === 'inspector').length).toBeGreaterThan(1);
      // the rule, said independently: the grid's inspector with the fewest open visits, ties to the lowest id
      const inspectors = team.filter((t) => t.role_code === 'inspector').map((t) => t.id);
      const next = async () => (await rows<{ id: number }>(
        engine.db,
        sql`select u.id from users u where u.id = any(${sql.param(inspectors)}::int[]) order by (select count(*) from cases c where c.assignee_user_id = u.id), u.id limit 1`,
      ))[0].id;
      const first = await next();
      const c = await w.register({ channel: '12319', categoryCode: 'E0104', lng: spot.lng, lat: spot.lat, description: '路边垃圾' });
      const accepted = await w.act('accept', { id: c.id }) as unknown as { assigneeId: number | null };
      expect(accepted.assigneeId).toBe(first);
      const [assignedEvent] = (await events(engine, c.id)).filter((e) => e.type === 'accept');
      expect(assignedEvent.payload).toMatchObject({ assigneeId: first, assignee: expect.any(String) });
      // the next report goes to whoever now has the fewest (not the same one, when a colleague had as few)
      const second = await next();
      const c2 = await w.register({ channel: '12319', categoryCode: 'E0104', lng: spot.lng, lat: spot.lat, description: '又一处垃圾' });
      expect((await w.act('accept', { id: c2.id }) as unknown as { assigneeId: number }).assigneeId).toBe(second);
      // this test is about demo-inspector's visit: the shift lead gives it to them
      await w.act('assign', { id: c.id, assigneeId: demo.id });
      // an inspector of another street's grid may not do it; a colleague on the same grid may
      const [stranger] = await rows<{ username: string }>(
        engine.db,
        sql`select u.username from users u join responsibility_grid_staff s on s.user_id = u.id
            where u.role_code = 'inspector' and '350602' = any (u.district_codes)
              and not exists (select 1 from responsibility_grid_staff s2 join unit_grids g on g.responsibility_grid_id = s2.responsibility_grid_id where s2.user_id = u.id and g.code = ${spot.gridCode})
            order by u.id limit 1`,
      );
      const strangerCaller = createCaller({ engine, actor: await actorOf(stranger.username, engine), now: () => w.now });
      expect(await outcome(strangerCaller.dispatch.verify({ id: c.id, result: '属实' }))).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining(demo.displayName) });
      expect((await createCaller({ engine, actor: demo, now: () => w.now }).dispatch.myTasks()).map((t) => t.id)).toContain(c.id);
      // the shift lead gives the visit to a colleague: it leaves demo-inspector's list and enters theirs
      const colleague = team.find((t) => t.role_code === 'inspector' && t.username !== 'demo-inspector')!;
      await w.act('assign', { id: c.id, assigneeId: colleague.id, note: '就近核实' });
      const colleagueCaller = createCaller({ engine, actor: await actorOf(colleague.username, engine), now: () => w.now });
      expect((await colleagueCaller.dispatch.myTasks()).filter((t) => t.mine).map((t) => t.id)).toContain(c.id);
      // demo-inspector still sees it among their grid's visits, as a colleague's (they may stand in), after their own
      const demoTasks = await createCaller({ engine, actor: demo, now: () => w.now }).dispatch.myTasks();
      expect(demoTasks.filter((t) => t.mine).map((t) => t.id)).not.toContain(c.id);
      expect(demoTasks.find((t) => t.id === c.id)).toMatchObject({ mine: false });
      expect(demoTasks.findIndex((t) => !t.mine)).toBeGreaterThanOrEqual(demoTasks.filter((t) => t.mine).length);
      expect((await w.as('demo-viewer').cases.byId({ id: c.id })).assignee).toEqual({ id: colleague.id, displayName: expect.any(String) });
      // a person who may not verify, or does not cover the district, is refused with a reason
      const [handler] = await rows<{ id: number }>(engine.db, sql`select id from users where username = 'demo-handler'`);
      expect(await outcome(w.act('assign', { id: c.id, assigneeId: handler.id }))).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/This site visit cannot go to/) });
      const [elsewhere] = await rows<{ id: number }>(engine.db, sql`select id from users where role_code = 'inspector' and not ('350602' = any (district_codes)) and cardinality(district_codes) > 0 order by id limit 1`);
      expect(await outcome(w.act('assign', { id: c.id, assigneeId: elsewhere.id }))).toMatchObject({ code: 'BAD_REQUEST' });
      // the colleague verifies; the visit is done and nobody's task any more
      await colleagueCaller.dispatch.verify({ id: c.id, result: '属实' });
      expect((await rows<{ a: number | null }>(engine.db, sql`select assignee_user_id as a from cases where id = ${c.id}`))[0].a).toBeNull();
      taken.add('verify');
      // the check after handling is a visit too, again for the grid's people
      for (const [action, input] of [['file', {}], ['dispatch', {}], ['signFor', {}], ['handle', { result: '已清理', afterPhoto: 'p.jpg' }]] as const) await w.act(action, { id: c.id, ...input });
      const [checkTask] = await rows<{ a: number }>(engine.db, sql`select assignee_user_id as a from cases where id = ${c.id}`);
      expect(team.map((t) => t.id)).toContain(checkTask.a);
      expect(await outcome(strangerCaller.dispatch.check({ id: c.id, passed: true }))).toMatchObject({ code: 'FORBIDDEN' });
      // a supervisor bound to no grid may stand in
      await engine.db.execute(sql`insert into users (username, display_name, role_code, district_codes) values ('supervisor-x', '督查员', 'inspector', '{350602}')`);
      await createCaller({ engine, actor: await actorOf('supervisor-x', engine), now: () => w.now }).dispatch.check({ id: c.id, passed: true });
      expect((await caseRow(engine, c.id)).status).toBe('checked');
    }));

  it('a coordinator sets who patrols a grid, as accounts; unfit people are refused and the label follows', () =>
    suite.run(async (_tx, engine) => {
      const coordinator = createCaller({ engine, actor: await actorOf('demo-coordinator', engine), now: () => TEST_NOW });
      const [rg] = await rows<{ id: number; version: number }>(engine.db, sql`select id, version from responsibility_grids where district_code = '350602' order by code desc limit 1`);
      const people = await rows<{ id: number; display_name: string }>(engine.db, sql`select id, display_name from users where role_code = 'inspector' and '350602' = any (district_codes) order by id limit 2`);
      const done = await coordinator.grids.setPatrolStaff({ id: rg.id, version: rg.version, userIds: people.map((p) => p.id) });
      expect(done.version).toBe(rg.version + 1);
      const r = await coordinator.grids.responsibilityById({ id: rg.id });
      expect(r.staff.map((p) => p.id).sort()).toEqual(people.map((p) => p.id).sort());
      expect(r.assigneeName).toBe(people.map((p) => p.display_name).join('、'));
      // a stale version, a person who may not verify, a person of another district, a missing id
      expect(await outcome(coordinator.grids.setPatrolStaff({ id: rg.id, version: rg.version, userIds: [] }))).toMatchObject({ code: 'CONFLICT' });
      const [handler] = await rows<{ id: number }>(engine.db, sql`select id from users where username = 'demo-handler'`);
      expect(await outcome(coordinator.grids.setPatrolStaff({ id: rg.id, version: done.version, userIds: [handler.id] }))).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/Not a patrol person for this grid/) });
      const [far] = await rows<{ id: number }>(engine.db, sql`select id from users where role_code = 'inspector' and district_codes = '{350603}' order by id limit 1`);
      expect(await outcome(coordinator.grids.setPatrolStaff({ id: rg.id, version: done.version, userIds: [far.id] }))).toMatchObject({ code: 'BAD_REQUEST' });
      expect(await outcome(coordinator.grids.setPatrolStaff({ id: rg.id, version: done.version, userIds: [2_147_483_000] }))).toMatchObject({ code: 'BAD_REQUEST' });
      // nothing of the refused calls landed
      expect((await coordinator.grids.responsibilityById({ id: rg.id })).version).toBe(done.version);
      // another district's grid is outside a 芗城区 coordinator's reach
      const [other] = await rows<{ id: number; version: number }>(engine.db, sql`select id, version from responsibility_grids where district_code = '350603' order by code limit 1`);
      expect(await outcome(coordinator.grids.setPatrolStaff({ id: other.id, version: other.version, userIds: [] }))).toMatchObject({ code: 'FORBIDDEN' });
    }));

  it('dispatch rules are edited with history: a new version replaces the one in force from an instant, cases keep the rule that routed them', () =>
    suite.run(async (_tx, engine) => {
      const w = walker(engine);
      const admin = createCaller({ engine, actor: await actorOf('demo-admin', engine), now: () => w.now });
      const before = await w.register({ channel: '12345', categoryCode: 'E0104', lng: spot.lng, lat: spot.lat, description: '改规则前' });
      const inForce = await w.as('demo-dispatcher').dispatch.rules();
      const winner = inForce.find((r) => r.id === Number(before.routeReason!.match(/规则 (\d+)/)![1]))!;
      const [parks] = await rows<{ id: number }>(engine.db, sql`select id from departments where id <> ${sanitation} and kind = 'municipal' order by id limit 1`);
      // a more specific rule for 道路不洁 in 芗城区, to another unit, from now
      const added = await admin.dispatch.saveRule({ priority: winner.priority + 10, categoryCode: 'E0104', districtCode: '350602', departmentId: parks.id, note: '试行' });
      const after = await w.register({ channel: '12345', categoryCode: 'E0104', lng: spot.lng, lat: spot.lat, description: '改规则后' });
      expect(after.suggestedDepartmentId).toBe(parks.id);
      expect(after.routeReason).toMatch(new RegExp(`^规则 ${added.id}：`));
      // a new version of it, to sanitation again, replaces it: the old one ends, the history keeps both
      w.advance(60);
      const v2 = await admin.dispatch.saveRule({ replacesId: added.id, priority: winner.priority + 10, categoryCode: 'E0104', districtCode: '350602', departmentId: sanitation, note: '改回环卫' });
      expect(v2.replacesId).toBe(added.id);
      const history = await admin.dispatch.rules({ history: true });
      expect(history.find((r) => r.id === added.id)).toMatchObject({ inForce: false, validTo: v2.validFrom });
      expect(history.find((r) => r.id === v2.id)).toMatchObject({ inForce: true, replacesId: added.id });
      expect((await w.as('demo-dispatcher').dispatch.rules()).map((r) => r.id)).not.toContain(added.id);
      // editing the retired version again is a conflict naming when it ended; so is retiring it
      expect(await outcome(admin.dispatch.saveRule({ replacesId: added.id, priority: 1, departmentId: sanitation }))).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(new RegExp(`Rule ${added.id} ended`)) });
      expect(await outcome(admin.dispatch.retireRule({ id: added.id }))).toMatchObject({ code: 'CONFLICT' });
      // the case routed under the first version still names it
      expect((await rows<{ route_rule_id: number }>(engine.db, sql`select route_rule_id from cases where id = ${after.id}`))[0].route_rule_id).toBe(added.id);
      // bad rules: both or neither target, unknown references, a start in the past
      expect(await outcome(admin.dispatch.saveRule({ priority: 1, departmentId: sanitation, resolve: 'territorial' }))).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/exactly one/) });
      expect(await outcome(admin.dispatch.saveRule({ priority: 1 }))).toMatchObject({ code: 'BAD_REQUEST' });
      expect(await outcome(admin.dispatch.saveRule({ priority: 1, categoryCode: 'E9999', departmentId: sanitation }))).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/E9999/) });
      expect(await outcome(admin.dispatch.saveRule({ priority: 1, townshipCode: '350602999', departmentId: sanitation }))).toMatchObject({ code: 'BAD_REQUEST' });
      expect(await outcome(admin.dispatch.saveRule({ priority: 1, departmentId: sanitation, from: '2022-01-01T00:00:00+08:00' }))).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/past/) });
      // retiring v2 brings the old winner back; the report answers with each save
      const retired = await admin.dispatch.retireRule({ id: v2.id });
      expect(retired.report.shadowed.length).toBeGreaterThan(0); // the seed's shadowed rule
      expect(retired.report).toEqual(await w.as('demo-dispatcher').dispatch.rulesReport());
      const back = await w.register({ channel: '12345', categoryCode: 'E0104', lng: spot.lng, lat: spot.lat, description: '停用后' });
      expect(back.routeReason).toMatch(new RegExp(`^规则 ${winner.id}：`));
      // only the rules' editors may edit them
      expect(await outcome(w.as('demo-dispatcher').dispatch.saveRule({ priority: 1, departmentId: sanitation } as never))).toMatchObject({ code: 'FORBIDDEN' });
    }));

  it('takes every action of the table on some path (lists those without one)', () => {
    expect(ACTIONS.filter((a) => !taken.has(a))).toEqual([]);
  });
});
