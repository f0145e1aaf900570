// Two people acting on one case at once (server/dispatch/case-engine.ts): 50 parallel,
// conflicting moves — exactly one wins, the others get a CONFLICT naming the state it left, and
// the history holds each event once. The moves commit (their events are append-only), so the
// test takes a fresh, migrated database of its own with a few hand-made rows. On the server
// engine the calls run on separate pool connections at once; on the embedded engine (one
// connection) they queue, and the answer must be the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows, type Db, type Engine } from '../db/engine.ts';
import { appRouter } from '../server/router.ts';
import { createCallerFactory } from '../server/trpc.ts';
import { actorFromSession, type Actor } from '../server/auth/actor.ts';
import { createSession, loadSessionPolicy } from '../server/auth/sessions.ts';
import { migratedDatabases } from './support/test-db.ts';
import { outcome } from './support/procedures.ts';

const databases = migratedDatabases('citygrid_dispatch_race');
const createCaller = createCallerFactory(appRouter);
let engine: Engine;
let dispatcher: Actor;
let dept: number;
afterAll(() => databases.dispose());

const one = async <T>(db: Db, q: ReturnType<typeof sql>) => (await rows<T>(db, q))[0];

beforeAll(async () => {
  engine = await databases.next();
  const db = engine.db;
  await db.execute(sql`insert into case_categories (code, kind, major_code, major_name, minor_code, name, name_en, filing_condition, closure_condition, owner_kind)
                       values ('E0104', 'event', '01', '市容环境', '04', '道路不洁', 'Dirty road', '-', '-', 'sanitation')`);
  await db.execute(sql`insert into category_time_limits (category_code, stage, urgency, area_class, amount, unit)
                       select 'E0104', s, 'normal', 'core', a, 'working_hour' from (values ('verify', 2), ('handle', 4), ('check', 4)) v(s, a)`);
  await db.execute(sql`insert into working_periods (starts_at, ends_at) values ('08:00', '12:00'), ('14:00', '18:00')`);
  dept = (await one<{ id: number }>(db, sql`insert into departments (code, name, name_en, kind) values ('race', '竞态', 'Race', 'municipal') returning id`)).id;
  const policy = await loadSessionPolicy(db);
  const actor = async (name: string, role: string) => {
    const u = await one<{ id: number }>(db, sql`insert into users (username, display_name, role_code) values (${name}, ${name}, ${role}) returning id`);
    const { token } = await createSession(db, u.id, {}, new Date(), policy);
    return (await actorFromSession(db, token, new Date(), policy, { refuseDemo: false }))!;
  };
  dispatcher = await actor('race-dispatcher', 'dispatcher');
}, 120_000);

async function filedCase(n: number): Promise<number> {
  const c = await one<{ id: number }>(
    engine.db,
    sql`insert into cases (code, source, channel, category_code, urgency, area_class, geom, orig_lng, orig_lat, orig_crs, status, district_code, suggested_department_id, reported_at)
        values (${`RACE-${n}`}, 'inspector', 'patrol', 'E0104', 'normal', 'core', ST_SetSRID(ST_MakePoint(117.65, 24.51), 4326), 117.65, 24.51, 'WGS84', 'filed', '350602', ${dept}, now())
        returning id::int as id`,
  );
  await engine.db.execute(sql`insert into case_events (case_id, seq, at, type, from_status, to_status, actor, actor_role) values (${c.id}, 1, now(), 'report', null, 'reported', 'x', 'inspector'),
                              (${c.id}, 2, now(), 'file', 'reported', 'filed', 'x', 'shift_lead')`);
  await engine.db.execute(sql`update cases set version = 2 where id = ${c.id}`);
  return c.id;
}

const history = (id: number) => rows<{ seq: number; type: string }>(engine.db, sql`select seq, type from case_events where case_id = ${id} order by seq`);

describe('one case, many hands', () => {
  it('50 parallel dispatches of one case: one wins, 49 are told it is dispatched now, one event', async () => {
    const id = await filedCase(1);
    const caller = createCaller({ engine, actor: dispatcher });
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
    const id = await filedCase(2);
    const answers = await Promise.all(Array.from({ length: 50 }, () => outcome(createCaller({ engine, actor: dispatcher }).dispatch.dispatch({ id, version: 2 }))));
    expect(answers.filter((a) => a.code === 'OK')).toHaveLength(1);
    const refused = answers.filter((a) => a.code !== 'OK');
    expect(refused.every((a) => a.code === 'CONFLICT' && /now version 3, you edited version 2/.test(a.message))).toBe(true);
    const h = await history(id);
    expect(h).toHaveLength(3);
    expect(h.map((e) => e.seq)).toEqual([1, 2, 3]);
  });
});
