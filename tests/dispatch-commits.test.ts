// What only shows once moves commit, on a fresh, migrated database of this file's own with a few
// hand-made rows (the shared city is never touched; dropped at the end) (live events: tests/live.test.ts):
// - two people acting on one case at once (server/dispatch/case-engine.ts): 50 parallel,
//   conflicting moves — exactly one wins, the others get a CONFLICT naming the state it left, and
//   the history holds each event once (on the server engine the calls run on separate pool
//   connections at once; on the embedded engine they queue, and the answer must be the same);
// - escalation fired once per level by two server processes at once.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openEngine, rows, type Db, type Engine } from '../db/engine.ts';
import { appRouter } from '../server/router.ts';
import { createCallerFactory } from '../server/trpc.ts';
import { actorFromDisplayToken, actorFromSession, type Actor } from '../server/auth/actor.ts';
import { createSession, loadSessionPolicy } from '../server/auth/sessions.ts';
import { hashSecret } from '../server/auth/secrets.ts';
import { randomBytes } from 'node:crypto';
import { migratedDatabases } from './support/test-db.ts';
import { outcome } from './support/procedures.ts';
import { escalateDue } from '../server/dispatch/escalation.ts';

const server = inject('testDb').engine === 'server';
const databases = migratedDatabases('citygrid_commits');
const createCaller = createCallerFactory(appRouter);
let engine: Engine;
const ids = {} as { deptA: number; deptB: number; caseX: number; caseY: number };
const actors = {} as Record<'viewer' | 'inspector' | 'handler' | 'display' | 'dispatcher', Actor>;
const tokens = {} as { viewer: string; display: string };

afterAll(async () => {
  await databases.dispose();
});

const one = async <T>(db: Db, q: ReturnType<typeof sql>) => (await rows<T>(db, q))[0];

beforeAll(async () => {
  engine = await databases.next();
  const db = engine.db;
  await db.execute(sql`insert into case_categories (code, kind, major_code, major_name, minor_code, name, name_en, filing_condition, closure_condition, owner_kind)
                       values ('E0104', 'event', '01', '市容环境', '04', '道路不洁', 'Dirty road', '-', '-', 'sanitation')`);
  await db.execute(sql`insert into category_time_limits (category_code, stage, urgency, area_class, amount, unit)
                       select 'E0104', s, 'normal', 'core', a, 'working_hour' from (values ('verify', 2), ('handle', 4), ('check', 4)) v(s, a)`);
  await db.execute(sql`insert into working_periods (starts_at, ends_at) values ('08:00', '12:00'), ('14:00', '18:00')`);
  ids.deptA = (await one<{ id: number }>(db, sql`insert into departments (code, name, name_en, kind) values ('live-a', '甲', 'A', 'municipal') returning id`)).id;
  ids.deptB = (await one<{ id: number }>(db, sql`insert into departments (code, name, name_en, kind) values ('live-b', '乙', 'B', 'municipal') returning id`)).id;
  const newCase = async (code: string, district: string, dept: number) =>
    (await one<{ id: number }>(db, sql`insert into cases (code, source, channel, category_code, geom, orig_lng, orig_lat, orig_crs, status, district_code, department_id, reported_at)
                                       values (${code}, 'inspector', 'patrol', 'E0104', ST_SetSRID(ST_MakePoint(117.65, 24.51), 4326), 117.65, 24.51, 'WGS84', 'reported', ${district}, ${dept}, now())
                                       returning id::int as id`)).id;
  ids.caseX = await newCase('LIVE-X', '350602', ids.deptA);
  ids.caseY = await newCase('LIVE-Y', '350603', ids.deptB);
  const policy = await loadSessionPolicy(db);
  const user = async (name: string, role: string, districts: string, dept: number | null) => {
    const u = await one<{ id: number }>(db, sql`insert into users (username, display_name, role_code, district_codes, department_id) values (${name}, ${name}, ${role}, ${districts}::char(6)[], ${dept}) returning id`);
    const { token } = await createSession(db, u.id, {}, new Date(), policy);
    return { token, actor: (await actorFromSession(db, token, new Date(), policy, { refuseDemo: false }))! };
  };
  const viewer = await user('live-viewer', 'command_viewer', '{}', null);
  actors.viewer = viewer.actor;
  tokens.viewer = viewer.token;
  actors.inspector = (await user('live-inspector', 'inspector', '{350602}', null)).actor;
  actors.handler = (await user('live-handler', 'department_handler', '{}', ids.deptA)).actor;
  actors.dispatcher = (await user('live-dispatcher', 'dispatcher', '{}', null)).actor;
  // a wall screen for 350603 (made here: the admin path checks the district against a districts table this database leaves empty)
  tokens.display = randomBytes(24).toString('base64url');
  await db.execute(sql`insert into display_tokens (name, token_hash, district_codes) values ('live-wall', ${hashSecret(tokens.display)}, '{350603}')`);
  actors.display = (await actorFromDisplayToken(db, tokens.display))!;
}, 120_000);

let races = 0;
/** A filed case (report and file events, version 2) whose suggested unit is department A. */
async function filedCase(): Promise<number> {
  const c = await one<{ id: number }>(
    engine.db,
    sql`insert into cases (code, source, channel, category_code, urgency, area_class, geom, orig_lng, orig_lat, orig_crs, status, district_code, suggested_department_id, reported_at, version)
        values (${`RACE-${++races}`}, 'inspector', 'patrol', 'E0104', 'normal', 'core', ST_SetSRID(ST_MakePoint(117.65, 24.51), 4326), 117.65, 24.51, 'WGS84', 'filed', '350602', ${ids.deptA}, now(), 2)
        returning id::int as id`,
  );
  await engine.db.execute(sql`insert into case_events (case_id, seq, at, type, from_status, to_status, actor, actor_role) values (${c.id}, 1, now(), 'report', null, 'reported', 'x', 'inspector'),
                              (${c.id}, 2, now(), 'file', 'reported', 'filed', 'x', 'shift_lead')`);
  return c.id;
}
const history = (id: number) => rows<{ seq: number; type: string; payload: Record<string, unknown> | null }>(engine.db, sql`select seq, type, payload from case_events where case_id = ${id} order by seq`);

describe('one case, many hands', () => {
  it('50 parallel dispatches of one case: one wins, 49 are told it is dispatched now, one event', async () => {
    const id = await filedCase();
    const caller = createCaller({ engine, actor: actors.dispatcher });
    const answers = await Promise.all(Array.from({ length: 50 }, () => outcome(caller.dispatch.dispatch({ id }))));
    expect(answers.filter((a) => a.code === 'OK')).toHaveLength(1);
    const refused = answers.filter((a) => a.code !== 'OK');
    expect(refused.every((a) => a.code === 'CONFLICT' && /is dispatched \(version 3\)/.test(a.message))).toBe(true);
    expect((await history(id)).map((e) => e.type)).toEqual(['report', 'file', 'dispatch']);
    expect(await one(engine.db, sql`select status, version from cases where id = ${id}`)).toEqual({ status: 'dispatched', version: 3 });
    const [facts] = await rows<{ dispatched_at: unknown }>(engine.db, sql`select dispatched_at from case_facts where case_id = ${id}`);
    expect(facts.dispatched_at).not.toBeNull();
  });

  it('50 people sending the version they read: one wins, the rest are told the version moved on', async () => {
    const id = await filedCase();
    const answers = await Promise.all(Array.from({ length: 50 }, () => outcome(createCaller({ engine, actor: actors.dispatcher }).dispatch.dispatch({ id, version: 2 }))));
    expect(answers.filter((a) => a.code === 'OK')).toHaveLength(1);
    const refused = answers.filter((a) => a.code !== 'OK');
    expect(refused.every((a) => a.code === 'CONFLICT' && /now version 3, you edited version 2/.test(a.message))).toBe(true);
    expect((await history(id)).map((e) => e.seq)).toEqual([1, 2, 3]);
  });
});

describe('escalation across processes', () => {
  it.runIf(server)('two server processes passing at once fire each level of an overdue stage exactly once', async () => {
    const id = await filedCase();
    // signed-for limit long past: 100 % and 200 % both reached
    await engine.db.execute(sql`update cases set status = 'dispatched', stage = 'accept', stage_started_at = now() - interval '30 days', stage_due_at = now() - interval '29 days', next_escalation_at = now() - interval '29 days' where id = ${id}`);
    const other = await openEngine({ databaseUrl: databases.urlOf(engine)! });
    try {
      for (let i = 0; i < 3; i++) await Promise.all([escalateDue(engine.db, engine.notify, new Date()), escalateDue(other.db, other.notify, new Date())]);
    } finally {
      await other.close();
    }
    const fired = (await history(id)).filter((e) => e.type === 'escalate');
    expect(fired.map((e) => [e.payload?.level, e.payload?.to])).toEqual([[1, 'dispatcher'], [2, 'shift_lead']]);
    expect(await one(engine.db, sql`select escalation_level from cases where id = ${id}`)).toEqual({ escalation_level: 2 });
  });
});
