// What only shows once moves commit, on a fresh, migrated database of this file's own with a few
// hand-made rows (the shared city is never touched; dropped at the end):
// - live case events (server/dispatch/live.ts, the dispatch.events subscription): scope and
//   masking per role, catch-up from the last event seen, a revoked session or display token
//   ending its stream, delivery over HTTP as SSE, and — on the server engine — two processes on
//   one database seeing the same events (a NOTIFY is delivered only at commit);
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
import { CASE_EVENTS_CHANNEL } from '../server/dispatch/case-engine.ts';
import { LIVE_RECHECK_MS, type LiveMessage } from '../server/dispatch/dispatch-router.ts';
import { hubOf, type LiveEvent } from '../server/dispatch/live.ts';
import { createApp } from '../server/app.ts';
import { SESSION_COOKIE } from '../server/auth/cookies.ts';
import { migratedDatabases } from './support/test-db.ts';
import { readSse, sseError } from './support/http-session.ts';
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
  await hubOf(engine).close();
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

let seq = 10;
/** One committed move on a case, announced the way the engine announces it (in the transaction). */
async function commitEvent(on: Engine, caseId: number, type = 'file'): Promise<number> {
  let id = 0;
  await on.db.transaction(async (t) => {
    const tx = t as unknown as Db;
    id = (await one<{ id: number }>(tx, sql`insert into case_events (case_id, seq, at, type, from_status, to_status, actor, actor_role, reason)
                                           values (${caseId}, ${seq++}, now(), ${type}, 'reported', 'reported', 'someone-with-a-name', 'shift_lead', 'note') returning id::int as id`)).id;
    await tx.execute(sql`update cases set version = version + 1 where id = ${caseId}`);
    await on.notify(tx, CASE_EVENTS_CHANNEL, JSON.stringify({ eventId: id, caseId }));
  });
  return id;
}

/** A subscriber: collects messages until stopped; `error` holds how the stream ended, if it did. */
async function subscribe(actor: Actor, opts: { lastEventId?: string; sessionToken?: string; on?: Engine } = {}) {
  const ac = new AbortController();
  const caller = createCaller(
    { engine: opts.on ?? engine, actor, http: opts.sessionToken ? ({ sessionToken: opts.sessionToken } as never) : undefined },
    { signal: ac.signal },
  );
  const iterable = (await caller.dispatch.events(opts.lastEventId ? { lastEventId: opts.lastEventId } : undefined)) as AsyncIterable<unknown>;
  const got: LiveMessage[] = [];
  const state: { error: unknown; ended: boolean } = { error: null, ended: false };
  const done = (async () => {
    try {
      for await (const v of iterable) got.push((Array.isArray(v) ? v[1] : (v as { data?: unknown }).data ?? v) as LiveMessage);
    } catch (err) {
      state.error = err;
    } finally {
      state.ended = true;
    }
  })();
  await until('the stream to be ready', () => got.some((m) => m.kind === 'ready') || state.ended);
  return {
    got,
    state,
    events: () => got.filter((m): m is Extract<LiveMessage, { kind: 'event' }> => m.kind === 'event').map((m) => m.event),
    stop: async () => {
      ac.abort();
      await done;
    },
  };
}

async function until(what: string, ok: () => boolean, ms = 8000) {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// the event and where the case now stands, as a row of the cases feed (domain/feeds.ts LiveCaseRow): still no one's name
const LIVE_KEYS = ['actorRole', 'at', 'caseId', 'categoryCode', 'closed', 'code', 'departmentId', 'districtCode', 'dueAt', 'fromStatus', 'id', 'lat', 'lng', 'reason', 'reportedAt', 'seq', 'source', 'status', 'toStatus', 'type', 'version', 'warnAt'];

describe('live case events', () => {
  it('each subscriber gets only the events of cases its scope may read, with no one’s name', async () => {
    const subs = {
      viewer: await subscribe(actors.viewer), inspector: await subscribe(actors.inspector), handler: await subscribe(actors.handler), display: await subscribe(actors.display),
    };
    await hubOf(engine).ready();
    const x = await commitEvent(engine, ids.caseX);
    const y = await commitEvent(engine, ids.caseY);
    await until('the viewer to hear both', () => subs.viewer.events().length >= 2);
    await until('the display to hear Y', () => subs.display.events().length >= 1);
    await new Promise((r) => setTimeout(r, 200)); // time for a wrong delivery to arrive
    const seen = Object.fromEntries(Object.entries(subs).map(([k, s]) => [k, s.events().map((e) => e.id)]));
    expect(seen).toEqual({ viewer: [x, y], inspector: [x], handler: [x], display: [y] });
    const e: LiveEvent = subs.viewer.events()[0];
    expect(Object.keys(e).sort()).toEqual(LIVE_KEYS);
    expect(JSON.stringify(subs.viewer.got)).not.toContain('someone-with-a-name');
    expect(e).toMatchObject({ caseId: ids.caseX, code: 'LIVE-X', districtCode: '350602', departmentId: ids.deptA, type: 'file', actorRole: 'shift_lead' });
    await Promise.all(Object.values(subs).map((s) => s.stop()));
    expect(hubOf(engine).subscribers).toBe(0);
  });

  it('a move that takes a case out of a scope (to another unit) still reaches who had it: the announcement names where it was', async () => {
    const handler = await subscribe(actors.handler); // unit A
    await hubOf(engine).ready();
    const move = async (was: { districtCode: string; departmentId: number } | null) => {
      let id = 0;
      await engine.db.transaction(async (t) => {
        const tx = t as unknown as Db;
        id = (await one<{ id: number }>(tx, sql`insert into case_events (case_id, seq, at, type, from_status, to_status, actor, actor_role)
                                               values (${ids.caseX}, ${seq++}, now(), 'dispatch', 'returned', 'dispatched', 'routing', 'system') returning id::int as id`)).id;
        await tx.execute(sql`update cases set department_id = ${ids.deptB}, version = version + 1 where id = ${ids.caseX}`);
        await engine.notify(tx, CASE_EVENTS_CHANNEL, JSON.stringify({ eventId: id, caseId: ids.caseX, ...(was ? { was } : {}) }));
      });
      return id;
    };
    try {
      const left = await move({ districtCode: '350602', departmentId: ids.deptA });
      await until('the unit it left to hear it', () => handler.events().some((e) => e.id === left));
      expect(handler.events().find((e) => e.id === left)).toMatchObject({ caseId: ids.caseX, departmentId: ids.deptB });
      // without the former place, unit A would never hear that the case is no longer theirs
      const unheard = await move(null);
      const marker = await commitEvent(engine, ids.caseY); // another unit's case: not theirs either
      await new Promise((r) => setTimeout(r, 300));
      expect(handler.events().map((e) => e.id)).not.toContain(unheard);
      expect(handler.events().map((e) => e.id)).not.toContain(marker);
    } finally {
      await engine.db.execute(sql`update cases set department_id = ${ids.deptA} where id = ${ids.caseX}`);
      await handler.stop();
    }
  });

  it('a reconnecting subscriber first gets what it missed since its last event id, then the live ones, each once', async () => {
    const before = await commitEvent(engine, ids.caseX);
    const missed = [await commitEvent(engine, ids.caseX), await commitEvent(engine, ids.caseY)];
    const s = await subscribe(actors.viewer, { lastEventId: String(before) });
    await until('the catch-up', () => s.events().length >= 2);
    const live = await commitEvent(engine, ids.caseX);
    await until('the live event', () => s.events().length >= 3);
    expect(s.events().map((e) => e.id)).toEqual([...missed, live]);
    await s.stop();
  });

  it('a revoked session ends its stream within seconds, with a sign-in refusal', async () => {
    const s = await subscribe(actors.viewer, { sessionToken: tokens.viewer });
    await engine.db.execute(sql`update sessions set revoked_at = now() where user_id = ${actors.viewer.id}`);
    await until('the stream to end', () => s.state.ended, LIVE_RECHECK_MS * 3);
    expect((s.state.error as { code?: string })?.code).toBe('UNAUTHORIZED');
  });

  it('a revoked display token ends its stream too', async () => {
    const s = await subscribe(actors.display);
    await engine.db.execute(sql`update display_tokens set revoked_at = now() where id = ${actors.display.id}`);
    await until('the stream to end', () => s.state.ended, LIVE_RECHECK_MS * 3);
    expect((s.state.error as { message?: string })?.message).toMatch(/display token/);
  });

  it('is served over HTTP as server-sent events, with the event id for reconnecting', async () => {
    const app = createApp(engine);
    const viewer = await one<{ id: number }>(engine.db, sql`select id from users where username = 'live-viewer'`);
    const { token } = await createSession(engine.db, viewer.id, {}, new Date(), await loadSessionPolicy(engine.db));
    const res = await app.request('/trpc/dispatch.events', { headers: { cookie: `${SESSION_COOKIE}=${token}`, accept: 'text/event-stream' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    const readUntil = async (mark: string) => {
      const end = Date.now() + 8000;
      while (!text.includes(mark)) {
        const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), Math.max(1, end - Date.now())))]);
        if (!chunk || chunk.done) break;
        text += new TextDecoder().decode(chunk.value);
      }
    };
    await readUntil('"kind":"ready"');
    const id = await commitEvent(engine, ids.caseX);
    await readUntil(`id: ${id}`);
    await reader.cancel();
    expect(text).toContain(`id: ${id}`);
    expect(text).toContain('"code":"LIVE-X"');
  });

  it('refuses a stream to nobody and to a bad last event id with a reason the client translates', async () => {
    const app = createApp(engine);
    const nobody = sseError(await readSse(await app.request('/trpc/dispatch.events', { headers: { accept: 'text/event-stream' } })));
    expect(nobody.error?.data).toMatchObject({ code: 'UNAUTHORIZED', reason: 'auth.signInFirst' });
    const viewer = await one<{ id: number }>(engine.db, sql`select id from users where username = 'live-viewer'`);
    const { token } = await createSession(engine.db, viewer.id, {}, new Date(), await loadSessionPolicy(engine.db));
    const bad = await app.request(`/trpc/dispatch.events?input=${encodeURIComponent(JSON.stringify({ lastEventId: '12ab' }))}`, { headers: { cookie: `${SESSION_COOKIE}=${token}`, accept: 'text/event-stream' } });
    expect(sseError(await readSse(bad)).error?.data).toMatchObject({ code: 'BAD_REQUEST', reason: 'input.invalid' });
  });

  it.runIf(server)('two server processes on one database show the same live picture', async () => {
    const other = await openEngine({ databaseUrl: databases.urlOf(engine)! });
    try {
      const here = await subscribe(actors.viewer);
      const there = await subscribe(actors.viewer, { on: other });
      await hubOf(other).ready();
      const fromHere = await commitEvent(engine, ids.caseX);
      const fromThere = await commitEvent(other, ids.caseY);
      await until('both to hear both', () => here.events().length >= 2 && there.events().length >= 2);
      expect(here.events().map((e) => e.id)).toEqual([fromHere, fromThere]);
      expect(there.events().map((e) => e.id)).toEqual([fromHere, fromThere]);
      await Promise.all([here.stop(), there.stop()]);
    } finally {
      await hubOf(other).close();
      await other.close();
    }
  });
});

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
