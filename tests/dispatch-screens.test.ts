// What the case screens read and send, over the API on the seeded city (both engines): the work
// queue per role (dispatch.queue: the table's queue actions, scope, time left and its light), the
// intake's preview with its duplicate hint (dispatch.intakePreview), a report sent twice with one
// idempotency key, where a site visit was recorded (standLng/standLat: distance, `far`, the
// threshold as data), a live event's cases-feed row (source, reportedAt, dueAt), the pickers'
// lists (categories, departments) and a case's timeline as cases.byId shows it (department and
// person names; a wall screen's token sees roles only). Each test runs in a rolled-back savepoint
// of one suite transaction (tests/support/rolled-back.ts) on a fixed clock (TEST_NOW, advanced
// per step); the concurrent registrations run on a migrated database of their own, where they
// commit (on the server engine on separate pool connections at once).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { ZodError } from 'zod';
import { rows, type Db, type Engine } from '../db/engine.ts';
import { appRouter } from '../server/router.ts';
import { createCallerFactory } from '../server/trpc.ts';
import { actorFromDisplayToken, CITY, type Actor, type Scope } from '../server/auth/actor.ts';
import { createToken } from '../server/admin/admin-queries.ts';
import { DEMO_ACCOUNTS } from '../server/auth/demo-accounts.ts';
import { eventsAfter, lastEventId } from '../server/dispatch/live.ts';
import { QUEUE_MAX } from '../server/dispatch/queue-queries.ts';
import { QUEUE_ACTIONS, transitionOf } from '../domain/transitions.ts';
import { fromWgs84 } from '../domain/coords.ts';
import { TEXT_LIMITS } from '../domain/request-limits.ts';
import { messageOf } from '../domain/messages.ts';
import { actorOf, migratedDatabases, testEngine } from './support/test-db.ts';
import { rolledBackSuite } from './support/rolled-back.ts';
import { TEST_NOW } from './support/test-config.ts';

const suite = rolledBackSuite(testEngine);
const createCaller = createCallerFactory(appRouter);
type Caller = ReturnType<typeof createCaller>;

/** Who takes each right's actions: the demo account of the role that normally holds it. */
const BY_PERMISSION: Record<string, string> = {
  'case.create': 'demo-intake', 'case.callback': 'demo-intake', 'case.verify': 'demo-inspector', 'case.check': 'demo-inspector',
  'case.file': 'demo-shiftlead', 'case.close': 'demo-shiftlead', 'case.dispatch': 'demo-dispatcher', 'case.extend.approve': 'demo-dispatcher',
  'case.park.approve': 'demo-dispatcher', 'case.handle': 'demo-handler',
};
const DEMO_USERS = ['demo-intake', 'demo-inspector', 'demo-shiftlead', 'demo-dispatcher', 'demo-handler', 'demo-viewer', 'demo-planner', 'demo-admin'];
const displayNameOf = (username: string) => DEMO_ACCOUNTS.find((a) => a.username === username)!.displayName;
const actors = new Map<string, Actor>();
/** A wall screen's display token for 芗城区. */
let display: Actor;
/** A point inside a unit grid of 芗城区 (350602), outside managed compounds, whose 道路不洁 (E0104) cases go to the sanitation centre (demo-handler's unit). */
let spot: { lng: number; lat: number; gridCode: string };
let sanitation: { id: number; name: string };

/** Metres per degree of latitude at Zhangzhou (~24.5° N, on the WGS-84 spheroid). */
const M_PER_DEG_LAT = 110_766;
const north = (p: { lng: number; lat: number }, meters: number) => ({ lng: p.lng, lat: p.lat + meters / M_PER_DEG_LAT });

beforeAll(() => suite.setup(async (tx, engine) => {
  for (const u of DEMO_USERS) actors.set(u, await actorOf(u, engine));
  // an inspector of another district (漳浦县 350623 is not 芗城区)
  await tx.execute(sql`insert into users (username, display_name, role_code, district_codes) values ('screens-outsider', '外区监督员', 'inspector', '{350623}')`);
  actors.set('screens-outsider', await actorOf('screens-outsider', engine));
  [spot] = await rows<typeof spot>(
    tx,
    sql`select ST_X(p) as lng, ST_Y(p) as lat, code::text as "gridCode"
        from (select ST_PointOnSurface(geom) as p, code from unit_grids where district_code = '350602' and valid_to is null
              and not exists (select 1 from property_communities pc where ST_Intersects(pc.geom, unit_grids.geom)) order by code) g
        -- the checks look 50 m and 300 m north of it: both still in 芗城区's cells
        where (select count(*) from unit_grids h, unnest(array[50, 290, 300]) as m(metres)
               where h.district_code = '350602' and h.valid_to is null and ST_Intersects(h.geom, ST_Translate(g.p, 0, m.metres / 111320.0))) = 3
        order by g.code limit 1`,
  );
  [sanitation] = await rows<{ id: number; name: string }>(tx, sql`select id, name from departments where code = 'sanitation'`);
  const token = await createToken(tx, actors.get('demo-admin')!, { name: 'screens-wall', districtCodes: ['350602'] });
  display = (await actorFromDisplayToken(tx, token.token))!;
}), 120_000);

/** How a call was refused: the tRPC code, our reason and parameters, the input fields zod named. */
async function refusal(p: Promise<unknown>): Promise<{ code: string; reason: string | null; params: Record<string, unknown>; fields: string[]; message: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as { code?: string; reason?: string | null; params?: Record<string, unknown>; cause?: unknown; message?: string };
    const fields = e.cause instanceof ZodError ? e.cause.issues.map((i) => i.path.map(String).join('.')) : [];
    return { code: e.code ?? 'THROWN', reason: e.reason ?? null, params: e.params ?? {}, fields, message: e.message ?? '' };
  }
  return { code: 'OK', reason: null, params: {}, fields: [], message: '' };
}

type Moved = { id: number; status: string; version: number; eventId: number; assigneeId: number | null; handleDueAt: string | null };

/** The demo accounts at work on a clock that moves `stepMinutes` per action. */
function hands(engine: Engine, start = TEST_NOW, stepMinutes = 5) {
  let now = start.getTime();
  const as = (who: string | Actor, at?: Date): Caller => createCaller({ engine, actor: typeof who === 'string' ? actors.get(who)! : who, now: () => at ?? new Date(now) });
  const act = async (action: string, input: Record<string, unknown>, who?: string): Promise<Moved> => {
    now += stepMinutes * 60_000;
    const caller = as(who ?? BY_PERMISSION[transitionOf(action)!.permission]) as unknown as { dispatch: Record<string, (i: unknown) => Promise<Moved>> };
    return caller.dispatch[action](input);
  };
  const report = (who: string, at: { lng: number; lat: number }, extra: Record<string, unknown> = {}) =>
    as(who).dispatch.register({ channel: who === 'demo-intake' ? '12345' : 'patrol', categoryCode: 'E0104', lng: at.lng, lat: at.lat, description: '路面不洁', ...extra } as never);
  const demoInspector = () => actors.get('demo-inspector')!.id;
  return {
    get now() {
      return new Date(now);
    },
    advance(minutes: number) {
      now += minutes * 60_000;
    },
    as,
    act,
    /** A public report (12345) by the intake operator. */
    publicReport: (at: { lng: number; lat: number } = spot, extra: Record<string, unknown> = {}) => report('demo-intake', at, extra),
    /** An inspector's own report (patrol). */
    inspectorReport: (at: { lng: number; lat: number } = spot, extra: Record<string, unknown> = {}) => report('demo-inspector', at, extra),
    /** A public report accepted and its site visit given to demo-inspector. */
    async toVerifying(id: number) {
      await act('accept', { id });
      return act('assign', { id, assigneeId: demoInspector() });
    },
    /** An inspector's report filed, dispatched (to the suggested unit) and signed for. */
    async toAccepted(id: number) {
      await act('file', { id });
      await act('dispatch', { id });
      return act('signFor', { id });
    },
    /** An accepted case handled and its check given to demo-inspector. */
    async toHandled(id: number) {
      await act('handle', { id, result: '已处置', afterPhoto: 'photos/after.jpg' });
      return act('assign', { id, assigneeId: demoInspector() });
    },
  };
}

type QueueRow = Awaited<ReturnType<Caller['dispatch']['queue']>>[number];

/** The queue's order and light, for any queue: time left ascending (no limit last, then by id), red exactly when overdue. */
function expectOrderedAndLit(q: QueueRow[]) {
  for (let i = 1; i < q.length; i++) {
    const [a, b] = [q[i - 1], q[i]];
    const key = (r: QueueRow) => (r.stageDueAt === null ? Infinity : new Date(r.stageDueAt).getTime());
    expect(key(a) < key(b) || (key(a) === key(b) && a.id < b.id), `row ${i}: ${a.id} (${a.stageDueAt}) before ${b.id} (${b.stageDueAt})`).toBe(true);
  }
  for (const r of q) {
    expect(r.light === 'red', `case ${r.id}: light ${r.light}, ${r.minutesLeft} minutes left`).toBe(r.minutesLeft !== null && r.minutesLeft < 0);
    expect(r.light === 'none').toBe(r.stageDueAt === null);
    expect(r.minutesLeft === null).toBe(r.stageDueAt === null);
    expect(r.actions.length).toBeGreaterThan(0);
    // in the table's order
    expect(r.actions).toEqual(QUEUE_ACTIONS.filter((a) => r.actions.includes(a)));
  }
}

/** Case id → the queue actions a person should be offered on it, from the database read here (not through the queue's code). */
const expected = async (db: Db, q: ReturnType<typeof sql>) => new Map((await rows<{ id: number; actions: string[] }>(db, q)).map((r) => [r.id, r.actions]));
const byId = (q: QueueRow[]) => new Map(q.map((r) => [r.id, r.actions]));

describe('dispatch.queue', () => {
  it("the dispatcher's queue: dispatch for filed and returned cases, extend / park for a pending request, resume for a parked case; an accepted case without a request is not in it", () =>
    suite.run(async (tx, engine) => {
      const w = hands(engine);
      const asked = await w.inspectorReport();
      await w.toAccepted(asked.id);
      await w.act('requestExtension', { id: asked.id, amount: 2, unit: 'working_hour', reason: '需协调' });
      const quiet = await w.inspectorReport();
      await w.toAccepted(quiet.id);
      const parked = await w.inspectorReport();
      await w.toAccepted(parked.id);
      await w.act('requestPark', { id: parked.id, reason: '待迁改' });
      await w.act('park', { id: parked.id });
      const filed = await w.inspectorReport();
      await w.act('file', { id: filed.id });
      const q = await w.as('demo-dispatcher').dispatch.queue({ limit: QUEUE_MAX });
      const want = await expected(tx, sql`
        select id::int as id, case when status in ('filed', 'returned') then array['dispatch'] when status = 'parked' then array['resume']
                                  when pending = 'extension' then array['extend'] else array['park'] end as actions
        from cases where status in ('filed', 'returned', 'parked') or (status = 'accepted' and pending in ('extension', 'park'))`);
      expect(want.size).toBeLessThan(QUEUE_MAX);
      expect(byId(q)).toEqual(want);
      expect(byId(q).get(asked.id)).toEqual(['extend']);
      expect(byId(q).get(parked.id)).toEqual(['resume']);
      expect(byId(q).get(filed.id)).toEqual(['dispatch']);
      expect(byId(q).has(quiet.id)).toBe(false);
      expect(q.find((r) => r.id === asked.id)).toMatchObject({ status: 'accepted', pending: 'extension', pendingDetail: { amount: 2, unit: 'working_hour' }, departmentId: sanitation.id, departmentName: sanitation.name });
      expectOrderedAndLit(q);
      // a month on, every clock that runs is overdue
      const later = await w.as('demo-dispatcher', new Date(TEST_NOW.getTime() + 30 * 86_400_000)).dispatch.queue({ limit: QUEUE_MAX });
      expectOrderedAndLit(later);
      expect(later.filter((r) => r.stageDueAt !== null).every((r) => r.light === 'red')).toBe(true);
      expect(later.find((r) => r.id === asked.id)!.minutesLeft).toBeLessThan(0);
    }));

  it('is sorted by the time left in the running stage, the cases without a limit last; red exactly when overdue (also one second past due, or past due outside working hours)', () =>
    suite.run(async (tx, engine) => {
      const w = hands(engine);
      const a = await w.inspectorReport();
      const b = await w.inspectorReport();
      // the filing stage is due 1 working hour after each report (app_meta 'workflow.limit.file')
      const [due] = await rows<{ ms: number }>(tx, sql`select (extract(epoch from stage_due_at) * 1000)::float8 as ms from cases where id = ${a.id}`);
      const at = (ms: number) => w.as('demo-shiftlead', new Date(ms)).dispatch.queue({ actions: ['file'], limit: QUEUE_MAX });
      const before = (await at(due.ms - 10_000)).find((r) => r.id === a.id)!;
      expect(before).toMatchObject({ minutesLeft: 0, stage: 'file' });
      expect(before.light).not.toBe('red');
      // due now is not overdue yet (domain/case-light.ts: red strictly after the due instant)
      const onTime = (await at(due.ms)).find((r) => r.id === a.id)!;
      expect(onTime.light).not.toBe('red');
      expect(onTime.minutesLeft).toBe(0);
      const past = (await at(due.ms + 10_000)).find((r) => r.id === a.id)!;
      expect(past.light).toBe('red');
      expect(past.minutesLeft).toBeLessThan(0);
      // past due in the evening (no working time since): still red, still a negative count
      await tx.execute(sql`update cases set stage_due_at = '2026-11-26T10:30:00Z', stage_started_at = '2026-11-26T09:50:00Z' where id = ${a.id}`); // 18:30 local
      const evening = (await at(Date.parse('2026-11-26T11:00:00Z'))).find((r) => r.id === a.id)!;
      expect(evening.light).toBe('red');
      expect(evening.minutesLeft).toBeLessThan(0);
      const q = await at(Date.parse('2026-11-26T11:00:00Z'));
      expectOrderedAndLit(q);
      const ia = q.findIndex((r) => r.id === a.id);
      const ib = q.findIndex((r) => r.id === b.id);
      // b (reported after a) is due an hour after its report, a now only at 18:30 local: b comes first
      expect(b.id).toBeGreaterThan(a.id);
      expect(ib).toBeGreaterThanOrEqual(0);
      expect(ib).toBeLessThan(ia);
      // the shift lead's seeded queue has cases without a limit (verified public reports) after every limited one
      expect(q.some((r) => r.stageDueAt === null)).toBe(true);
      expect(q.some((r) => r.light === 'red')).toBe(true);
    }));

  it("a department handler sees only its own unit's cases: signFor when dispatched, handle when signed for without a pending request", () =>
    suite.run(async (tx, engine) => {
      const w = hands(engine);
      const mine = await w.inspectorReport();
      await w.act('file', { id: mine.id });
      await w.act('dispatch', { id: mine.id });
      const other = await w.inspectorReport();
      await w.act('file', { id: other.id });
      const [elsewhere] = await rows<{ id: number }>(tx, sql`select id from departments where kind = 'municipal' and id <> ${sanitation.id} order by id limit 1`);
      await w.act('dispatch', { id: other.id, departmentId: elsewhere.id, overrideReason: '属市政' });
      const q = await w.as('demo-handler').dispatch.queue({ limit: QUEUE_MAX });
      const want = await expected(tx, sql`
        select id::int as id, case when status = 'dispatched' then array['signFor'] else array['handle'] end as actions
        from cases where department_id = ${sanitation.id} and (status = 'dispatched' or (status = 'accepted' and pending is null))`);
      expect(want.size).toBeGreaterThan(1);
      expect(byId(q)).toEqual(want);
      expect(byId(q).get(mine.id)).toEqual(['signFor']);
      expect(byId(q).has(other.id)).toBe(false);
      expect(q.every((r) => r.departmentId === sanitation.id)).toBe(true);
      expectOrderedAndLit(q);
      await w.act('signFor', { id: mine.id });
      expect(byId(await w.as('demo-handler').dispatch.queue()).get(mine.id)).toEqual(['handle']);
      await w.act('requestPark', { id: mine.id, reason: '待迁改' });
      expect(byId(await w.as('demo-handler').dispatch.queue()).has(mine.id)).toBe(false);
    }));

  it('a shift lead sees file for reported and verified cases, close after a passed check, rework after a failed one', () =>
    suite.run(async (tx, engine) => {
      const w = hands(engine);
      const failed = await w.inspectorReport();
      await w.toAccepted(failed.id);
      await w.toHandled(failed.id);
      await w.act('check', { id: failed.id, passed: false, note: '仍有垃圾' });
      const fresh = await w.inspectorReport();
      const q = await w.as('demo-shiftlead').dispatch.queue({ limit: QUEUE_MAX });
      const want = await expected(tx, sql`
        select id::int as id, case when status in ('reported', 'verified') then array['file'] when check_passed then array['close'] else array['rework'] end as actions
        from cases where status in ('reported', 'verified') or (status = 'checked' and check_passed is not null)`);
      expect(byId(q)).toEqual(want);
      expect(byId(q).get(failed.id)).toEqual(['rework']);
      expect(byId(q).get(fresh.id)).toEqual(['file']);
      expect(q.filter((r) => r.actions.includes('close')).length).toBeGreaterThan(0);
      expectOrderedAndLit(q);
    }));

  it('an intake operator sees accept for public reports, and reply / callback only for closed public cases within the reopening window; a closed 2022 case never appears', () =>
    suite.run(async (tx, engine) => {
      const w = hands(engine);
      const pub = await w.publicReport();
      const q = await w.as('demo-intake').dispatch.queue({ limit: QUEUE_MAX });
      expect(byId(q).get(pub.id)).toEqual(['accept']);
      // every public report waiting for acceptance is offered, and accept only on reported cases
      const reported = await rows<{ id: number }>(tx, sql`select id::int as id from cases where status = 'reported' and source = 'public'`);
      for (const r of reported) expect(byId(q).get(r.id), `case ${r.id}`).toEqual(['accept']);
      expect(q.filter((r) => r.actions.includes('accept')).every((r) => r.status === 'reported')).toBe(true);
      // the closed ones: public, closed less than workflow.reopen_days (7) ago, not yet replied to or called back
      const closedWant = await expected(tx, sql`
        select id::int as id, array_remove(array[case when replied_at is null then 'reply' end, case when satisfaction is null then 'callback' end], null) as actions
        from cases where status = 'closed' and source = 'public' and closed_at > ${TEST_NOW.toISOString()}::timestamptz - interval '7 days'
          and (replied_at is null or satisfaction is null)`);
      expect(closedWant.size).toBeGreaterThan(0);
      expect(new Map(q.filter((r) => r.status === 'closed').map((r) => [r.id, r.actions]))).toEqual(closedWant);
      expect(q.filter((r) => r.status === 'closed').every((r) => r.source === 'public')).toBe(true);
      expectOrderedAndLit(q);
      // a 2022 case closed without its reply and callback: outside the window, it never appears
      const [old] = await rows<{ id: number }>(tx, sql`select id::int as id from cases where status = 'closed' and source = 'public' and closed_at < '2023-01-01' order by id limit 1`);
      await tx.execute(sql`update cases set replied_at = null, satisfaction = null where id = ${old.id}`);
      const intake = () => w.as('demo-intake').dispatch.queue({ actions: ['reply', 'callback'], limit: QUEUE_MAX });
      expect(byId(await intake()).has(old.id)).toBe(false);
      // the window is what keeps it out: closed yesterday, it is offered (then eight days ago, not)
      await tx.execute(sql`update cases set closed_at = ${new Date(TEST_NOW.getTime() - 86_400_000).toISOString()}::timestamptz where id = ${old.id}`);
      expect(byId(await intake()).get(old.id)).toEqual(['reply', 'callback']);
      await tx.execute(sql`update cases set closed_at = ${new Date(TEST_NOW.getTime() - 8 * 86_400_000).toISOString()}::timestamptz where id = ${old.id}`);
      expect(byId(await intake()).has(old.id)).toBe(false);
      // replied to: callback only
      await tx.execute(sql`update cases set closed_at = ${new Date(TEST_NOW.getTime() - 86_400_000).toISOString()}::timestamptz, replied_at = ${TEST_NOW.toISOString()}::timestamptz where id = ${old.id}`);
      expect(byId(await intake()).get(old.id)).toEqual(['callback']);
      // nobody else sees the 2022 case in a queue
      for (const u of ['demo-dispatcher', 'demo-shiftlead', 'demo-handler']) expect(byId(await w.as(u).dispatch.queue({ limit: QUEUE_MAX })).has(old.id), u).toBe(false);
    }));

  it('a viewer (no queue action rights) and a wall screen get an empty queue; `actions` narrows it; the limit is bounded (301 refused with a field error)', () =>
    suite.run(async (_tx, engine) => {
      const w = hands(engine);
      expect(await w.as('demo-viewer').dispatch.queue()).toEqual([]);
      expect(await w.as(display).dispatch.queue()).toEqual([]);
      // an action the asker has no right to: nothing
      expect(await w.as('demo-handler').dispatch.queue({ actions: ['dispatch'] })).toEqual([]);
      const all = await w.as('demo-dispatcher').dispatch.queue({ limit: QUEUE_MAX });
      const extend = await w.as('demo-dispatcher').dispatch.queue({ actions: ['extend'], limit: QUEUE_MAX });
      expect(extend.length).toBeGreaterThan(0);
      expect(extend.every((r) => r.actions.join() === 'extend')).toBe(true);
      expect(extend.map((r) => r.id)).toEqual(all.filter((r) => r.actions.includes('extend')).map((r) => r.id));
      const dispatchOrResume = await w.as('demo-dispatcher').dispatch.queue({ actions: ['dispatch', 'resume'], limit: QUEUE_MAX });
      expect(dispatchOrResume.map((r) => r.id)).toEqual(all.filter((r) => r.actions.some((a) => a === 'dispatch' || a === 'resume')).map((r) => r.id));
      expect(dispatchOrResume.some((r) => r.actions.includes('resume'))).toBe(true);
      // the limit: the first n of the same order
      expect((await w.as('demo-dispatcher').dispatch.queue({ limit: 2 })).map((r) => r.id)).toEqual(all.slice(0, 2).map((r) => r.id));
      expect(await refusal(w.as('demo-dispatcher').dispatch.queue({ limit: QUEUE_MAX + 1 }))).toMatchObject({ code: 'BAD_REQUEST', fields: ['limit'] });
      expect(await refusal(w.as('demo-dispatcher').dispatch.queue({ limit: 0 }))).toMatchObject({ code: 'BAD_REQUEST', fields: ['limit'] });
      expect(await refusal(w.as('demo-dispatcher').dispatch.queue({ actions: ['verify'] } as never))).toMatchObject({ code: 'BAD_REQUEST', fields: ['actions.0'] });
      expect(await refusal(createCaller({ engine, actor: null }).dispatch.queue())).toMatchObject({ code: 'UNAUTHORIZED', reason: 'auth.signInFirst' });
    }));
});

describe('dispatch.intakePreview', () => {
  it('says where a point lies and who would handle it, and lists an open case of the same subclass about 50 m away — not one of another subclass, a closed or voided one, or one beyond the radius', () =>
    suite.run(async (_tx, engine) => {
      const w = hands(engine);
      const open = await w.publicReport();
      const otherKind = await w.publicReport(spot, { categoryCode: 'E0101' });
      const fixed = await w.inspectorReport();
      expect(await w.act('selfHandle', { id: fixed.id, result: '已清理', afterPhoto: 'photos/fixed.jpg' })).toMatchObject({ status: 'closed' });
      const voided = await w.publicReport();
      await w.act('accept', { id: voided.id });
      expect(await w.act('void', { id: voided.id, reason: '重复' })).toMatchObject({ status: 'voided' });
      const far = await w.publicReport(north(spot, 300));
      const at = north(spot, 50);
      const p = await w.as('demo-intake').dispatch.intakePreview({ ...at, category: 'E0104' });
      expect(p).toMatchObject({ districtCode: '350602', districtName: '芗城区', gridCode: expect.stringMatching(/^350602\d{9}$/), unit: { code: 'sanitation', name: sanitation.name } });
      expect(p.lng).toBeCloseTo(at.lng, 9);
      expect(p.lat).toBeCloseTo(at.lat, 9);
      expect(p.reason).toMatch(/^规则 \d+：道路不洁 → /);
      expect(p.townshipCode).toMatch(/^350602\d{3}$/);
      expect(p.nearby.radiusMeters).toBe(150);
      const found = p.nearby.cases.find((c) => c.id === open.id);
      expect(found).toMatchObject({ code: open.code, status: 'reported' });
      expect(Math.abs(found!.distanceMeters - 50)).toBeLessThanOrEqual(10);
      const listed = p.nearby.cases.map((c) => c.id);
      for (const id of [otherKind.id, fixed.id, voided.id, far.id]) expect(listed).not.toContain(id);
      // nearest first, all within the radius
      expect(p.nearby.cases.map((c) => c.distanceMeters)).toEqual([...p.nearby.cases.map((c) => c.distanceMeters)].sort((a, b) => a - b));
      expect(p.nearby.cases.every((c) => c.distanceMeters <= 150)).toBe(true);
      // the other subclass's case is there for its own subclass; the far one for a point beside it
      expect((await w.as('demo-intake').dispatch.intakePreview({ ...at, category: 'E0101' })).nearby.cases.map((c) => c.id)).toContain(otherKind.id);
      expect((await w.as('demo-intake').dispatch.intakePreview({ ...north(spot, 290), category: 'E0104' })).nearby.cases.map((c) => c.id)).toContain(far.id);
    }));

  it('converts a GCJ-02 point: the shifted point previewed as gcj02 lies where the WGS-84 point does', () =>
    suite.run(async (_tx, engine) => {
      const w = hands(engine);
      const open = await w.publicReport();
      const at = north(spot, 50);
      const [gx, gy] = fromWgs84([at.lng, at.lat], 'gcj02');
      const wgs = await w.as('demo-intake').dispatch.intakePreview({ ...at, category: 'E0104' });
      const gcj = await w.as('demo-intake').dispatch.intakePreview({ lng: gx, lat: gy, crs: 'gcj02', category: 'E0104' });
      // the offset is hundreds of metres here: a preview that ignored the system would lie elsewhere
      expect(Math.hypot((gx - at.lng) * 101_000, (gy - at.lat) * M_PER_DEG_LAT)).toBeGreaterThan(100);
      expect(gcj.gridCode).toBe(wgs.gridCode);
      expect(gcj.villageCode).toBe(wgs.villageCode);
      expect(Math.abs(gcj.lng - at.lng) * 101_000).toBeLessThan(1);
      expect(Math.abs(gcj.lat - at.lat) * M_PER_DEG_LAT).toBeLessThan(1);
      expect(Math.abs(gcj.nearby.cases.find((c) => c.id === open.id)!.distanceMeters - 50)).toBeLessThanOrEqual(10);
    }));

  it("keeps the duplicate hint inside the asker's scope, and is refused to a viewer and a department handler (no case.create)", () =>
    suite.run(async (_tx, engine) => {
      const w = hands(engine);
      const open = await w.publicReport();
      const input = { ...north(spot, 50), category: 'E0104' };
      expect((await w.as('demo-inspector').dispatch.intakePreview(input)).nearby.cases.map((c) => c.id)).toContain(open.id);
      const outsider = await w.as('screens-outsider').dispatch.intakePreview(input);
      expect(outsider.districtCode).toBe('350602');
      expect(outsider.nearby.cases).toEqual([]);
      for (const u of ['demo-viewer', 'demo-handler']) {
        expect(await refusal(w.as(u).dispatch.intakePreview(input)), u).toMatchObject({ code: 'FORBIDDEN', reason: 'auth.lacksPermission', params: { action: 'case.create' } });
      }
      expect(await refusal(w.as(display).dispatch.intakePreview(input))).toMatchObject({ code: 'FORBIDDEN' });
      expect(await refusal(w.as('demo-intake').dispatch.intakePreview({ lng: 121.47, lat: 31.23, category: 'E0104' }))).toMatchObject({ code: 'BAD_REQUEST', reason: 'route.outsideCity' });
    }));
});

describe('idempotent registration', () => {
  it('the same key from the same person answers with the same case, replayed, and makes one case; from another person it is a CONFLICT; a malformed key is a field error', () =>
    suite.run(async (tx, engine) => {
      const w = hands(engine);
      const key = randomUUID();
      const first = await w.publicReport(spot, { idempotencyKey: key });
      expect(first).not.toHaveProperty('replayed');
      w.advance(3);
      const again = await w.publicReport(spot, { idempotencyKey: key });
      expect(again).toMatchObject({ id: first.id, code: first.code, eventId: first.eventId, status: 'reported', version: 1, replayed: true });
      const count = async () => (await rows<{ n: number }>(tx, sql`select count(*)::int as n from cases where idempotency_key = ${key}::uuid`))[0].n;
      expect(await count()).toBe(1);
      expect(await rows(tx, sql`select type from case_events where case_id = ${first.id}`)).toEqual([{ type: 'report' }]);
      // the same key from someone else neither makes a case nor shows theirs
      expect(await refusal(w.inspectorReport(spot, { idempotencyKey: key }))).toMatchObject({ code: 'CONFLICT', reason: 'intake.keyTaken' });
      expect(await count()).toBe(1);
      // a report sent again after the case moved on still finds it
      await w.act('accept', { id: first.id });
      expect(await w.publicReport(spot, { idempotencyKey: key })).toMatchObject({ id: first.id, replayed: true, status: 'verifying' });
      expect(await count()).toBe(1);
      // another key makes another case
      const other = await w.publicReport(spot, { idempotencyKey: randomUUID() });
      expect(other.id).not.toBe(first.id);
      for (const bad of ['not-a-uuid', `${key}x`, '']) {
        expect(await refusal(w.publicReport(spot, { idempotencyKey: bad })), bad).toMatchObject({ code: 'BAD_REQUEST', fields: ['idempotencyKey'] });
      }
    }));

  it('a report with longitude and latitude swapped is refused with input.coordsSwapped (said in both languages) and makes no case; a description one beyond TEXT_LIMITS is refused, at it taken', () =>
    suite.run(async (tx, engine) => {
      const w = hands(engine);
      const reasonsOf = async (p: Promise<unknown>) => {
        try {
          await p;
          return ['OK'];
        } catch (err) {
          const c = (err as { cause?: unknown }).cause;
          return c instanceof ZodError ? c.issues.map((i) => (i as { params?: { reason?: string } }).params?.reason ?? i.code) : ['not an input refusal'];
        }
      };
      const cases = async () => (await rows<{ n: number }>(tx, sql`select count(*)::int as n from cases`))[0].n;
      const before = await cases();
      expect(await reasonsOf(w.publicReport({ lng: spot.lat, lat: spot.lng }))).toContain('input.coordsSwapped');
      expect(messageOf('input.coordsSwapped', { lng: spot.lat, lat: spot.lng }, 'zh')).toContain('经度与纬度似乎填反了');
      expect(messageOf('input.coordsSwapped', { lng: spot.lat, lat: spot.lng }, 'en')).toContain('swapped');
      expect(await reasonsOf(w.publicReport(spot, { description: '路'.repeat(TEXT_LIMITS.description + 1) }))).toEqual(['input.textTooLong']);
      expect(await cases()).toBe(before);
      expect(await reasonsOf(w.publicReport(spot, { description: '路'.repeat(TEXT_LIMITS.description) }))).toEqual(['OK']);
      expect(await cases()).toBe(before + 1);
    }));
});

describe('idempotent registration, sent at once', () => {
  // a database of this block's own, where the registrations commit (a rolled-back transaction has one connection)
  const databases = migratedDatabases('citygrid_screens');
  let own: Engine;
  let intake: Actor;
  beforeAll(async () => {
    own = await databases.next();
    const db = own.db;
    await db.execute(sql`insert into districts (code, name, name_en, population, population_source, geom)
                         values ('350602', '芗城区', 'Xiangcheng', 1, 'test', ST_Multi(ST_MakeEnvelope(117.55, 24.45, 117.75, 24.60, 4326)))`);
    await db.execute(sql`insert into case_categories (code, kind, major_code, major_name, minor_code, name, name_en, filing_condition, closure_condition, owner_kind)
                         values ('E0104', 'event', '01', '市容环境', '04', '道路不洁', 'Dirty road', '-', '-', 'sanitation')`);
    await db.execute(sql`insert into category_time_limits (category_code, stage, urgency, area_class, amount, unit)
                         select 'E0104', s, 'normal', 'general', a, 'working_hour' from (values ('verify', 2), ('handle', 4), ('check', 4)) v(s, a)`);
    await db.execute(sql`insert into working_periods (starts_at, ends_at) values ('08:00', '12:00'), ('14:00', '18:00')`);
    await db.execute(sql`insert into users (username, display_name, role_code) values ('idem-intake', '受理员', 'intake_operator')`);
    intake = await actorOf('idem-intake', own);
  }, 120_000);
  afterAll(() => databases.dispose());

  it('eight registrations with one key at once (separate connections on the server engine) make one case; seven are replays of it', async () => {
    const key = randomUUID();
    const send = () => createCaller({ engine: own, actor: intake, now: () => TEST_NOW }).dispatch.register({
      channel: '12345', categoryCode: 'E0104', lng: 117.65, lat: 24.51, description: '同一举报，离线重发', idempotencyKey: key,
    });
    const answers = await Promise.all(Array.from({ length: 8 }, send));
    expect(new Set(answers.map((a) => a.id)).size).toBe(1);
    expect(answers.filter((a) => !('replayed' in a)).length).toBe(1);
    expect(answers.filter((a) => 'replayed' in a && a.replayed === true).length).toBe(7);
    expect(await rows(own.db, sql`select count(*)::int as n from cases where idempotency_key = ${key}::uuid`)).toEqual([{ n: 1 }]);
    expect(await rows(own.db, sql`select count(*)::int as n from cases`)).toEqual([{ n: 1 }]);
    expect(await rows(own.db, sql`select count(*)::int as n from case_events`)).toEqual([{ n: 1 }]);
  });
});

describe('where a site visit was recorded', () => {
  const payloadOf = async (db: Db, id: number, type: string) =>
    (await rows<{ payload: Record<string, unknown> }>(db, sql`select payload from case_events where case_id = ${id} and type = ${type} order by seq desc limit 1`))[0].payload;

  it('a verify 20 m from the case records distanceMeters 20 and far false; a check 500 m away records far true; the shift lead’s queue flags it', () =>
    suite.run(async (tx, engine) => {
      const w = hands(engine);
      const c = await w.publicReport();
      await w.toVerifying(c.id);
      const near = north(spot, 20);
      await w.act('verify', { id: c.id, result: '属实', standLng: near.lng, standLat: near.lat });
      const v = await payloadOf(tx, c.id, 'verify');
      expect(v).toMatchObject({ far: false, farMeters: 200 });
      expect(Math.abs((v.distanceMeters as number) - 20)).toBeLessThanOrEqual(1);
      expect(v.standLng).toBeCloseTo(near.lng, 9);
      expect(v.standLat).toBeCloseTo(near.lat, 9);
      expect((await w.as('demo-shiftlead').dispatch.queue({ actions: ['file'], limit: QUEUE_MAX })).find((r) => r.id === c.id)).toMatchObject({ farVisit: false, actions: ['file'] });
      await w.act('file', { id: c.id });
      await w.act('dispatch', { id: c.id });
      await w.act('signFor', { id: c.id });
      await w.toHandled(c.id);
      const away = north(spot, 500);
      // in GCJ-02, as a phone's map gives it: recorded in WGS-84, measured from there
      const [gx, gy] = fromWgs84([away.lng, away.lat], 'gcj02');
      await w.act('check', { id: c.id, passed: true, standLng: gx, standLat: gy, standCrs: 'gcj02' });
      const k = await payloadOf(tx, c.id, 'check');
      expect(k).toMatchObject({ far: true, farMeters: 200 });
      expect(Math.abs((k.distanceMeters as number) - 500)).toBeLessThanOrEqual(2);
      expect(k.standLat).toBeCloseTo(away.lat, 6);
      // the timeline shows it, and the shift lead closing on it sees the flag
      const shown = (await w.as('demo-viewer').cases.byId({ id: c.id })).events;
      expect(shown.find((e) => e.type === 'verify')!.detail).toMatchObject({ far: false, farMeters: 200, distanceMeters: v.distanceMeters });
      expect(shown.find((e) => e.type === 'check')!.detail).toMatchObject({ far: true, farMeters: 200, distanceMeters: k.distanceMeters });
      expect((await w.as('demo-shiftlead').dispatch.queue({ actions: ['close'], limit: QUEUE_MAX })).find((r) => r.id === c.id)).toMatchObject({ farVisit: true, actions: ['close'] });
    }));

  it('a position needs both coordinates: standLng without standLat (or the other way) is refused as workflow.missingField and changes nothing', () =>
    suite.run(async (tx, engine) => {
      const w = hands(engine);
      const c = await w.publicReport();
      const moved = await w.toVerifying(c.id);
      const near = north(spot, 20);
      expect(await refusal(w.act('verify', { id: c.id, result: '属实', standLng: near.lng }))).toMatchObject({ code: 'BAD_REQUEST', reason: 'workflow.missingField', params: { action: 'verify', field: 'standLat' } });
      expect(await refusal(w.act('verify', { id: c.id, result: '属实', standLat: near.lat }))).toMatchObject({ code: 'BAD_REQUEST', reason: 'workflow.missingField', params: { action: 'verify', field: 'standLng' } });
      expect(await rows(tx, sql`select status, version from cases where id = ${c.id}`)).toEqual([{ status: 'verifying', version: moved.version }]);
      // without a position at all a visit is recorded as before, without a distance
      await w.act('verify', { id: c.id, result: '属实' });
      expect(await payloadOf(tx, c.id, 'verify')).not.toHaveProperty('far');
    }));

  it("the threshold is data: with app_meta 'workflow.visit_far_meters' lowered to 10 inside the transaction, the same 20 m visit is far", () =>
    suite.run(async (tx, engine) => {
      const w = hands(engine);
      const c = await w.publicReport();
      await w.toVerifying(c.id);
      // the engine has read (and cached) the reference data already in this transaction: the change must still be seen
      await tx.execute(sql`update app_meta set value = '10' where key = 'workflow.visit_far_meters'`);
      const near = north(spot, 20);
      await w.act('verify', { id: c.id, result: '属实', standLng: near.lng, standLat: near.lat });
      const v = await payloadOf(tx, c.id, 'verify');
      expect(v).toMatchObject({ far: true, farMeters: 10 });
      expect(Math.abs((v.distanceMeters as number) - 20)).toBeLessThanOrEqual(1);
    }));
});

describe("a live event's cases-feed row", () => {
  it('the registration event carries the source, reportedAt (unix s, the case’s reported_at) and status; after a dispatch dueAt is handle_due_at in unix seconds', () =>
    suite.run(async (tx, engine) => {
      const w = hands(engine);
      const from = await lastEventId(tx);
      const c = await w.publicReport();
      const [reg] = (await eventsAfter(tx, CITY, from)).filter((e) => e.caseId === c.id);
      const [stored] = await rows<{ s: number }>(tx, sql`select extract(epoch from reported_at)::float8 as s from cases where id = ${c.id}`);
      expect(stored.s).toBe(TEST_NOW.getTime() / 1000);
      expect(reg).toMatchObject({ id: c.eventId, type: 'report', source: 'public', status: 'reported', toStatus: 'reported', reportedAt: stored.s, warnAt: 0, dueAt: 0, closed: 0, districtCode: '350602', categoryCode: 'E0104' });
      await w.toVerifying(c.id);
      await w.act('verify', { id: c.id, result: '属实' });
      await w.act('file', { id: c.id });
      const mark = await lastEventId(tx);
      const sent = await w.act('dispatch', { id: c.id });
      const [ev] = await eventsAfter(tx, CITY, mark);
      const [due] = await rows<{ ms: number }>(tx, sql`select (extract(epoch from handle_due_at) * 1000)::float8 as ms from cases where id = ${c.id}`);
      expect(due.ms).toBe(Date.parse(sent.handleDueAt!));
      expect(ev).toMatchObject({ id: sent.eventId, caseId: c.id, type: 'dispatch', status: 'dispatched', source: 'public', reportedAt: stored.s, dueAt: Math.ceil(due.ms / 1000), closed: 0, departmentId: sanitation.id });
      // yellow from a point between the dispatch and the due instant
      expect(ev.warnAt).toBeGreaterThan(w.now.getTime() / 1000);
      expect(ev.warnAt).toBeLessThan(ev.dueAt);
      // no person's name travels with it
      expect(JSON.stringify(ev)).not.toContain(displayNameOf('demo-dispatcher'));
      expect(JSON.stringify(ev)).not.toContain('demo-dispatcher');
      // the scope: the sanitation centre's handler now reads the case, another district's people do not
      const scoped = (s: Scope) => eventsAfter(tx, s, mark);
      expect((await scoped(actors.get('demo-handler')!.scope)).map((e) => e.id)).toEqual([sent.eventId]);
      expect(await scoped(actors.get('screens-outsider')!.scope)).toEqual([]);
    }));
});

describe('the pickers', () => {
  it('dispatch.categories and dispatch.departments list the catalogue for a reader, and are refused without sign-in or without case.read', () =>
    suite.run(async (tx, engine) => {
      const w = hands(engine);
      const cats = await w.as('demo-viewer').dispatch.categories();
      const [n] = await rows<{ n: number }>(tx, sql`select count(*)::int as n from case_categories where active`);
      expect(cats.length).toBe(n.n);
      expect(cats.length).toBeGreaterThan(10);
      expect(cats.find((c) => c.code === 'E0104')).toMatchObject({ kind: 'event', majorCode: '01', name: '道路不洁' });
      expect(cats.map((c) => c.code)).toEqual([...cats.map((c) => c.code)].sort());
      const depts = await w.as('demo-dispatcher').dispatch.departments();
      expect(depts.length).toBeGreaterThan(10);
      expect(depts.find((d) => d.id === sanitation.id)).toMatchObject({ code: 'sanitation', name: sanitation.name });
      const district = depts.find((d) => d.code === 'sanitation-350602');
      expect(district?.districts).toEqual(['350602']);
      const nobody = createCaller({ engine, actor: null });
      expect(await refusal(nobody.dispatch.categories())).toMatchObject({ code: 'UNAUTHORIZED', reason: 'auth.signInFirst' });
      expect(await refusal(nobody.dispatch.departments())).toMatchObject({ code: 'UNAUTHORIZED', reason: 'auth.signInFirst' });
      expect(await refusal(w.as('demo-planner').dispatch.categories())).toMatchObject({ code: 'FORBIDDEN', reason: 'auth.lacksPermission' });
    }));
});

describe('who a site visit may go to (dispatch.visitStaff)', () => {
  it("the case's grid's people first (its assignee among them), then others fit for the visit in its district; refused without the shift lead's right, and for a case that does not exist", () =>
    suite.run(async (tx, engine) => {
      const w = hands(engine);
      const r = await w.publicReport();
      await w.act('accept', { id: r.id });
      const [c] = await rows<{ id: number; assignee: number; district: string }>(
        tx,
        sql`select id::int as id, assignee_user_id as assignee, district_code::text as district from cases where id = ${r.id}`,
      );
      expect(c.assignee).not.toBeNull();
      const people = await w.as('demo-shiftlead').dispatch.visitStaff({ id: c.id });
      expect(people.length).toBeGreaterThan(1);
      const onGrid = people.filter((p) => p.onGrid);
      expect(onGrid.map((p) => p.id)).toContain(c.assignee);
      // the grid's people come first, and everyone offered may verify in the case's district
      expect(people.slice(0, onGrid.length).every((p) => p.onGrid)).toBe(true);
      const [fit] = await rows<{ n: number }>(
        tx,
        sql`select count(*)::int as n from users u join roles r on r.code = u.role_code
            where u.id = any(${sql.param(people.map((p) => p.id))}::int[]) and u.disabled_at is null
              and exists (select 1 from role_permissions rp where rp.role_code = u.role_code and rp.permission = 'case.verify')
              and (r.scope = 'city' or cardinality(u.district_codes) = 0 or ${c.district}::char(6) = any(u.district_codes))`,
      );
      expect(fit.n).toBe(people.length);
      expect(await refusal(w.as('demo-handler').dispatch.visitStaff({ id: c.id }))).toMatchObject({ code: 'FORBIDDEN', reason: 'auth.lacksPermission' });
      expect(await refusal(w.as('demo-shiftlead').dispatch.visitStaff({ id: 2_000_000_000 }))).toMatchObject({ code: 'NOT_FOUND' });
    }));
});

describe("a case's timeline (cases.byId)", () => {
  it("after a dispatch shows the unit's name in the event's detail and each person by display name; a wall screen's token sees roles only", () =>
    suite.run(async (_tx, engine) => {
      const w = hands(engine);
      const c = await w.inspectorReport();
      await w.act('file', { id: c.id });
      await w.act('dispatch', { id: c.id });
      const seen = await w.as('demo-viewer').cases.byId({ id: c.id });
      expect(seen.events.map((e) => [e.type, e.actorName])).toEqual([
        ['report', displayNameOf('demo-inspector')],
        ['file', displayNameOf('demo-shiftlead')],
        ['dispatch', displayNameOf('demo-dispatcher')],
      ]);
      const sent = seen.events.find((e) => e.type === 'dispatch')!;
      expect(sent.detail).toMatchObject({ departmentId: sanitation.id, departmentName: sanitation.name, suggestedDepartmentName: sanitation.name, override: false });
      expect(sent.actorRole).toBe('dispatcher');
      expect(seen).toMatchObject({ status: 'dispatched', version: 3, stage: 'accept', department: { id: sanitation.id, name: sanitation.name } });
      const wall = await w.as(display).cases.byId({ id: c.id });
      expect(wall.events.map((e) => [e.type, e.actorRole, e.actorName])).toEqual([['report', 'inspector', null], ['file', 'shift_lead', null], ['dispatch', 'dispatcher', null]]);
      expect(wall.events.find((e) => e.type === 'dispatch')!.detail).toMatchObject({ departmentName: sanitation.name });
      expect(wall).not.toHaveProperty('reporter');
      const text = JSON.stringify(wall);
      for (const u of ['demo-inspector', 'demo-shiftlead', 'demo-dispatcher']) {
        expect(text).not.toContain(u);
        expect(text).not.toContain(displayNameOf(u));
      }
    }));
});

