// The page's one live stream (server/live/: live.events), on a fresh, migrated database of this
// file's own with a few hand-made rows (the shared city is never touched; dropped at the end;
// a NOTIFY is delivered only at commit, so nothing here can run in a rolled-back transaction):
// - each domain's events (cases, grids, compounds, figures) reach only who may read them;
// - one read per burst of case notifications;
// - a revoked session, sign-out, idle timeout, disabled account, revoked display token or lost
//   right ends the stream with a final message saying why; a changed district list or
//   department narrows it (a 'resync', then only the new scope's events);
// - a stream resumed after a drop or a restart gets each event it missed once, none twice, also
//   when commits arrive out of id order;
// - one catch-up at a time per viewer; delivery over HTTP as SSE; on the server engine, two
//   processes on one database see the same events.
// Negative checks wait for a positive signal (a later event that must arrive), never just sleep.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openEngine, rows, type Db, type Engine } from '../db/engine.ts';
import { appRouter } from '../server/router.ts';
import { createCallerFactory } from '../server/trpc.ts';
import { actorFromDisplayToken, actorFromSession, type Actor } from '../server/auth/actor.ts';
import { createSession, loadSessionPolicy } from '../server/auth/sessions.ts';
import { hashSecret } from '../server/auth/secrets.ts';
import { randomBytes } from 'node:crypto';
import { CASE_EVENTS_CHANNEL, announceCommunity, announceGrid } from '../server/live/live-channels.ts';
import { CATCH_UP_SPAN, LIVE_RECHECK_MS, liveLimits } from '../server/live/live-router.ts';
import { hubOf, INDICATORS_EVERY_MS, LiveHub, type HubTimers } from '../server/live/live-hub.ts';
import { CatchUpGate } from '../server/live/live-guard.ts';
import { decodeCursor, encodeCursor, markSeen, wasSeen, type LiveCaseEvent, type LiveMessage } from '../server/live/live-events.ts';
import { createApp } from '../server/app.ts';
import { SESSION_COOKIE } from '../server/auth/cookies.ts';
import { migratedDatabases } from './support/test-db.ts';
import { readSse, sseError } from './support/http-session.ts';
import { statementsOf } from './support/statements.ts';

const server = inject('testDb').engine === 'server';
const databases = migratedDatabases('citygrid_live');
const createCaller = createCallerFactory(appRouter);
let engine: Engine;
const ids = {} as { deptA: number; deptB: number; caseX: number; caseY: number; gridX: number; gridY: number; compoundX: number };
type Who = 'viewer' | 'inspector' | 'handler' | 'display' | 'coordinator' | 'mover' | 'limited';
const actors = {} as Record<Who, Actor>;
const tokens = {} as Record<Who, string>;

afterAll(async () => {
  await hubOf(engine).close();
  await databases.dispose();
});

const one = async <T>(db: Db, q: ReturnType<typeof sql>) => (await rows<T>(db, q))[0];
const square = sql`ST_Multi(ST_MakeEnvelope(117.6, 24.5, 117.7, 24.6, 4326))`;

beforeAll(async () => {
  engine = await databases.next();
  const db = engine.db;
  await db.execute(sql`insert into case_categories (code, kind, major_code, major_name, minor_code, name, name_en, filing_condition, closure_condition, owner_kind)
                       values ('E0104', 'event', '01', '市容环境', '04', '道路不洁', 'Dirty road', '-', '-', 'sanitation')`);
  ids.deptA = (await one<{ id: number }>(db, sql`insert into departments (code, name, name_en, kind) values ('live-a', '甲', 'A', 'municipal') returning id`)).id;
  ids.deptB = (await one<{ id: number }>(db, sql`insert into departments (code, name, name_en, kind) values ('live-b', '乙', 'B', 'municipal') returning id`)).id;
  const newCase = async (code: string, district: string, dept: number) =>
    (await one<{ id: number }>(db, sql`insert into cases (code, source, channel, category_code, geom, orig_lng, orig_lat, orig_crs, status, district_code, department_id, reported_at)
                                       values (${code}, 'inspector', 'patrol', 'E0104', ST_SetSRID(ST_MakePoint(117.65, 24.51), 4326), 117.65, 24.51, 'WGS84', 'reported', ${district}, ${dept}, now())
                                       returning id::int as id`)).id;
  ids.caseX = await newCase('LIVE-X', '350602', ids.deptA);
  ids.caseY = await newCase('LIVE-Y', '350603', ids.deptB);
  await db.execute(sql`insert into districts (code, name, name_en, population, population_source, geom) values ('350602', '芗城区', 'Xiangcheng', 1, 'test', ${square}), ('350603', '龙文区', 'Longwen', 1, 'test', ${square})`);
  await db.execute(sql`insert into townships (code, district_code, name, kind, population, geom) values ('350602001', '350602', '甲街道', 'subdistrict', 1, ${square})`);
  await db.execute(sql`insert into villages (code, township_code, district_code, name, kind, population, geom, lng, lat) values ('350602001001', '350602001', '350602', '甲社区', 'community', 1, ST_SetSRID(ST_MakePoint(117.65, 24.55), 4326), 117.65, 24.55)`);
  const grid = async (code: string, district: string) =>
    (await one<{ id: number }>(db, sql`insert into responsibility_grids (code, name, district_code, assignee_role, assignee_name, geom) values (${code}, ${code}, ${district}, 'inspector', '某人', ${square}) returning id`)).id;
  ids.gridX = await grid('LIVE-GX', '350602');
  ids.gridY = await grid('LIVE-GY', '350603');
  const company = await one<{ id: number }>(db, sql`insert into property_companies (name, credit_code, phone) values ('甲物业', '91350600LIVE00000X', '0596') returning id`);
  ids.compoundX = (await one<{ id: number }>(db, sql`insert into property_communities (name, village_code, company_id, households, geom) values ('甲小区', '350602001001', ${company.id}, 100, ${square}) returning id`)).id;
  // a role of this file's own (its rights are changed by a test)
  await db.execute(sql`insert into roles (code, name, name_en, scope) values ('live_reader', '实时', 'Live reader', 'city')`);
  await db.execute(sql`insert into role_permissions (role_code, permission) values ('live_reader', 'case.read')`);
  const policy = await loadSessionPolicy(db);
  const user = async (who: Who, role: string, districts: string, dept: number | null) => {
    const u = await one<{ id: number }>(db, sql`insert into users (username, display_name, role_code, district_codes, department_id) values (${`live-${who}`}, ${who}, ${role}, ${districts}::char(6)[], ${dept}) returning id`);
    const { token } = await createSession(db, u.id, {}, new Date(), policy);
    tokens[who] = token;
    actors[who] = (await actorFromSession(db, token, new Date(), policy, { refuseDemo: false }))!;
  };
  await user('viewer', 'command_viewer', '{}', null);
  await user('inspector', 'inspector', '{350602}', null);
  await user('handler', 'department_handler', '{}', ids.deptA);
  await user('coordinator', 'district_coordinator', '{350602,350603}', null);
  await user('mover', 'department_handler', '{}', ids.deptA);
  await user('limited', 'live_reader', '{}', null);
  // a wall screen for 350603 (made here: the admin path checks the district against a districts table this database leaves empty)
  tokens.display = randomBytes(24).toString('base64url');
  await db.execute(sql`insert into display_tokens (name, token_hash, district_codes) values ('live-wall', ${hashSecret(tokens.display)}, '{350603}')`);
  actors.display = (await actorFromDisplayToken(db, tokens.display))!;
}, 120_000);

let seq = 10;
/** One committed move on a case, announced the way the engine announces it (in the transaction); `id`: an id taken before (a commit out of id order). */
async function commitEvent(on: Engine, caseId: number, opts: { id?: number; was?: { districtCode: string; departmentId: number } } = {}): Promise<number> {
  let id = 0;
  await on.db.transaction(async (t) => {
    const tx = t as unknown as Db;
    id = (await one<{ id: number }>(tx, sql`insert into case_events (id, case_id, seq, at, type, from_status, to_status, actor, actor_role, reason)
                                           values (coalesce(${opts.id ?? null}::bigint, nextval('case_events_id_seq')), ${caseId}, ${seq++}, now(), 'file', 'reported', 'reported', 'someone-with-a-name', 'shift_lead', 'note') returning id::int as id`)).id;
    await tx.execute(sql`update cases set version = version + 1 where id = ${caseId}`);
    await on.notify(tx, CASE_EVENTS_CHANNEL, JSON.stringify({ eventId: id, caseId, ...(opts.was ? { was: opts.was } : {}) }));
  });
  return id;
}
/** An event id taken now, committed later (another transaction's commit overtakes it). */
const takeId = async () => (await one<{ id: number }>(engine.db, sql`select nextval('case_events_id_seq')::int as id`)).id;

type Stream = Awaited<ReturnType<typeof subscribe>>;
/** A subscriber: collects messages (and the last resume token) until stopped or ended. */
async function subscribe(who: Who, opts: { lastEventId?: string; session?: boolean; on?: Engine } = {}) {
  const ac = new AbortController();
  const actor = actors[who];
  const session = opts.session ?? true;
  const caller = createCaller(
    { engine: opts.on ?? engine, actor, http: session && actor.kind === 'user' ? ({ sessionToken: tokens[who] } as never) : undefined },
    { signal: ac.signal },
  );
  const iterable = (await caller.live.events(opts.lastEventId ? { lastEventId: opts.lastEventId } : undefined)) as AsyncIterable<unknown>;
  const got: LiveMessage[] = [];
  const state: { error: unknown; ended: boolean; token: string | null } = { error: null, ended: false, token: null };
  const done = (async () => {
    try {
      for await (const v of iterable) {
        const [id, m] = Array.isArray(v) ? v : [(v as { id?: string }).id, (v as { data?: unknown }).data ?? v];
        state.token = (id as string) ?? state.token;
        got.push(m as LiveMessage);
      }
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
    cases: () => got.filter((m): m is Extract<LiveMessage, { kind: 'case' }> => m.kind === 'case').map((m) => m.event),
    caseIds: () => got.flatMap((m) => (m.kind === 'case' ? [m.event.id] : [])),
    leftIds: () => got.flatMap((m) => (m.kind === 'caseLeft' ? [m.id] : [])),
    of: <K extends LiveMessage['kind']>(kind: K) => got.filter((m): m is Extract<LiveMessage, { kind: K }> => m.kind === kind),
    stop: async () => {
      ac.abort();
      await done;
    },
  };
}

async function until(what: string, ok: () => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A stream whose reader pulls only when told (a slow reader): `next()` is its next message. */
async function pulled(who: Who) {
  const ac = new AbortController();
  const actor = actors[who];
  const caller = createCaller({ engine, actor, http: actor.kind === 'user' ? ({ sessionToken: tokens[who] } as never) : undefined }, { signal: ac.signal });
  const it = ((await caller.live.events(undefined)) as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  const next = async (): Promise<LiveMessage> => {
    const r = await it.next();
    if (r.done) throw new Error('the stream ended');
    const v = r.value;
    return (Array.isArray(v) ? v[1] : ((v as { data?: unknown }).data ?? v)) as LiveMessage;
  };
  expect((await next()).kind).toBe('ready');
  return {
    next,
    stop: async () => {
      ac.abort();
      await it.return?.(undefined);
    },
  };
}

const stopAll = (subs: Record<string, Stream>) => Promise.all(Object.values(subs).map((s) => s.stop()));

// the event and where the case now stands, as a row of the cases feed (domain/feeds.ts LiveCaseRow): still no one's name
const LIVE_KEYS = ['actorRole', 'at', 'caseId', 'categoryCode', 'closed', 'code', 'departmentId', 'districtCode', 'dueAt', 'fromStatus', 'id', 'lat', 'lng', 'reason', 'reportedAt', 'seq', 'source', 'status', 'toStatus', 'type', 'version', 'warnAt'];

describe('each domain reaches only who may read it', () => {
  it('case events: by the case’s district or unit, with no one’s name; figures follow per district, to who may read them', async () => {
    const subs = {
      viewer: await subscribe('viewer'), inspector: await subscribe('inspector'), handler: await subscribe('handler'), display: await subscribe('display'), coordinator: await subscribe('coordinator'),
    };
    const x = await commitEvent(engine, ids.caseX);
    const y = await commitEvent(engine, ids.caseY);
    await until('the viewer to hear both', () => subs.viewer.cases().length >= 2);
    // the figures of both districts (x's at once, y's at once or at the window's end): by then every delivery of x and y has been made
    const figures = (s: Stream) => [...new Set(s.of('indicators').flatMap((m) => m.districtCodes))].sort();
    await until('the figures', () => figures(subs.viewer).length === 2 && figures(subs.coordinator).length === 2 && figures(subs.display).length === 1, INDICATORS_EVERY_MS * 5);
    const seen = Object.fromEntries(Object.entries(subs).map(([k, s]) => [k, s.caseIds()]));
    expect(seen).toEqual({ viewer: [x, y], inspector: [x], handler: [x], display: [y], coordinator: [x, y] });
    const e: LiveCaseEvent = subs.viewer.cases()[0];
    expect(Object.keys(e).sort()).toEqual(LIVE_KEYS);
    expect(JSON.stringify(subs.viewer.got)).not.toContain('someone-with-a-name');
    expect(e).toMatchObject({ caseId: ids.caseX, code: 'LIVE-X', districtCode: '350602', departmentId: ids.deptA, type: 'file', actorRole: 'shift_lead' });
    expect(figures(subs.viewer)).toEqual(['350602', '350603']);
    expect(figures(subs.coordinator)).toEqual(['350602', '350603']);
    // an inspector and a handling unit do not read indicators; the wall reads its own district's
    expect(figures(subs.display)).toEqual(['350603']);
    expect(subs.inspector.of('indicators')).toEqual([]);
    expect(subs.handler.of('indicators')).toEqual([]);
    await stopAll(subs);
    expect(hubOf(engine).subscribers).toBe(0);
  });

  it('grid and compound changes: to whose districts cover them, announced in the change’s transaction', async () => {
    const subs = { viewer: await subscribe('viewer'), inspector: await subscribe('inspector'), handler: await subscribe('handler'), display: await subscribe('display') };
    const change = (fn: (tx: Db) => Promise<void>) => engine.db.transaction((t) => fn(t as unknown as Db));
    await change(async (tx) => {
      await tx.execute(sql`update responsibility_grids set version = version + 1 where id = ${ids.gridX}`);
      await announceGrid(tx, ids.gridX);
    });
    // a change rolled back is never announced
    await change(async (tx) => {
      await announceGrid(tx, ids.gridY);
      throw new Error('rolled back on purpose');
    }).catch(() => {});
    await change(async (tx) => announceCommunity(tx, ids.compoundX));
    await change(async (tx) => announceGrid(tx, ids.gridY));
    await until('the viewer to hear the last', () => subs.viewer.of('grid').length >= 2);
    await until('the wall to hear grid Y', () => subs.display.of('grid').length >= 1);
    const seen = Object.fromEntries(Object.entries(subs).map(([k, s]) => [k, s.got.filter((m) => m.kind === 'grid' || m.kind === 'community').map((m) => `${m.kind}:${(m as { id: number }).id}`)]));
    expect(seen).toEqual({
      viewer: [`grid:${ids.gridX}`, `community:${ids.compoundX}`, `grid:${ids.gridY}`],
      inspector: [`grid:${ids.gridX}`, `community:${ids.compoundX}`],
      handler: [], // a unit's scope is its cases, not an area
      display: [`grid:${ids.gridY}`],
    });
    expect(subs.viewer.of('grid')[0]).toEqual({ kind: 'grid', id: ids.gridX, districtCode: '350602', version: 2 });
    expect(JSON.stringify(subs.viewer.got)).not.toContain('某人');
    await stopAll(subs);
  });

  it('the grid and compound edits announce themselves (communities.update, grids.assignResponsibility), and a refused edit does not', async () => {
    const viewer = await subscribe('viewer');
    const display = await subscribe('display'); // 350603: neither is its
    const editor = createCaller({ engine, actor: actors.coordinator });
    const [compound] = await rows<{ version: number }>(engine.db, sql`select version from property_communities where id = ${ids.compoundX}`);
    const [grid] = await rows<{ version: number }>(engine.db, sql`select version from responsibility_grids where id = ${ids.gridX}`);
    // a stale version is refused: nothing announced (the next edit is the first the viewer hears)
    await expect(editor.communities.update({ id: ids.compoundX, version: compound.version + 5, name: '甲小区', households: 120, partyOrgName: null, partyOrgKind: 'none' })).rejects.toThrow();
    await editor.communities.update({ id: ids.compoundX, version: compound.version, name: '甲小区', households: 120, partyOrgName: null, partyOrgKind: 'none' });
    await editor.grids.assignResponsibility({ id: ids.gridX, version: grid.version, assigneeRole: 'grid_worker', assigneeName: '某某' });
    await until('both edits', () => viewer.of('grid').length >= 1);
    expect(viewer.got.filter((m) => m.kind === 'grid' || m.kind === 'community')).toEqual([
      { kind: 'community', id: ids.compoundX, districtCode: '350602', version: compound.version + 1 },
      { kind: 'grid', id: ids.gridX, districtCode: '350602', version: grid.version + 1 },
    ]);
    const marker = await commitEvent(engine, ids.caseY);
    await until('the wall to hear a later event', () => display.caseIds().includes(marker));
    expect(display.got.filter((m) => m.kind === 'grid' || m.kind === 'community')).toEqual([]);
    await stopAll({ viewer, display });
  });

  it('a published grid draft is announced to the district (gridCells), and not to another district', async () => {
    const viewer = await subscribe('viewer');
    const display = await subscribe('display'); // 350603
    const editor = createCaller({ engine, actor: actors.coordinator });
    const [cell] = await rows<{ id: number }>(
      engine.db,
      sql`insert into unit_grids (code, version, status, valid_from, village_code, township_code, district_code, area_m2, geom)
          values ('350602001001001', 1, 'active', now(), '350602001001', '350602001', '350602', 1, ${square}) returning id`,
    );
    await editor.grids.publish({ districtCode: '350602', base: { '350602001001': 0 }, changes: [{ op: 'update', id: cell.id, version: 1, attributes: { landUse: 'green' } }], note: 'live' });
    await until('the publish', () => viewer.got.some((m) => m.kind === 'gridCells'));
    expect(viewer.got.filter((m) => m.kind === 'gridCells')).toEqual([{ kind: 'gridCells', districtCode: '350602', villageCodes: ['350602001001'], at: expect.any(String) }]);
    const marker = await commitEvent(engine, ids.caseY);
    await until('the wall to hear a later event', () => display.caseIds().includes(marker));
    expect(display.got.filter((m) => m.kind === 'gridCells')).toEqual([]);
    await stopAll({ viewer, display });
  });

  it('a move that takes a case out of a scope (to another unit) still reaches who had it: the announcement names where it was', async () => {
    const handler = await subscribe('handler'); // unit A
    const viewer = await subscribe('viewer');
    try {
      await engine.db.execute(sql`update cases set department_id = ${ids.deptB} where id = ${ids.caseX}`);
      const left = await commitEvent(engine, ids.caseX, { was: { districtCode: '350602', departmentId: ids.deptA } });
      await until('the unit it left to hear it', () => handler.leftIds().includes(left));
      // that it left, and nothing of where it went (it is no longer theirs to see)
      expect(handler.of('caseLeft').find((m) => m.id === left)).toEqual({ kind: 'caseLeft', id: left, caseId: ids.caseX });
      expect(handler.caseIds()).not.toContain(left);
      // without the former place, unit A would never hear that the case is no longer theirs
      const unheard = await commitEvent(engine, ids.caseX);
      await until('the viewer to hear it', () => viewer.caseIds().includes(unheard));
      const marker = await commitEvent(engine, ids.caseY, { was: { districtCode: '350603', departmentId: ids.deptA } });
      await until('the unit to hear a later one', () => handler.leftIds().includes(marker));
      expect([...handler.caseIds(), ...handler.leftIds()]).not.toContain(unheard);
    } finally {
      await engine.db.execute(sql`update cases set department_id = ${ids.deptA} where id = ${ids.caseX}`);
      await Promise.all([handler.stop(), viewer.stop()]);
    }
  });

  it('a case moved out of a district: who saw it only there gets caseLeft (no place, category or reason), the new district the full event', async () => {
    const inspector = await subscribe('inspector'); // 350602
    const display = await subscribe('display'); // 350603
    try {
      await engine.db.execute(sql`update cases set district_code = '350603' where id = ${ids.caseX}`);
      const moved = await commitEvent(engine, ids.caseX, { was: { districtCode: '350602', departmentId: ids.deptA } });
      await until('both to hear it', () => inspector.leftIds().includes(moved) && display.caseIds().includes(moved));
      expect(inspector.of('caseLeft')).toEqual([{ kind: 'caseLeft', id: moved, caseId: ids.caseX }]);
      expect(inspector.caseIds()).not.toContain(moved);
      for (const leak of ['lng', 'lat', 'districtCode', 'categoryCode', 'reason', '350603', 'LIVE-X']) expect(JSON.stringify(inspector.got)).not.toContain(leak);
      expect(display.cases().find((e) => e.id === moved)).toMatchObject({ caseId: ids.caseX, districtCode: '350603', code: 'LIVE-X', lng: 117.65 });
      expect(display.leftIds()).toEqual([]);
    } finally {
      await engine.db.execute(sql`update cases set district_code = '350602' where id = ${ids.caseX}`);
      await Promise.all([inspector.stop(), display.stop()]);
    }
  });

  it('a burst of notifications (one transaction, several events) costs one read', async () => {
    const viewer = await subscribe('viewer');
    const hub = hubOf(engine);
    const before = { heard: hub.heard, reads: hub.reads };
    let made: number[] = [];
    await engine.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      made = (await rows<{ id: number }>(tx, sql`insert into case_events (case_id, seq, at, type, from_status, to_status, actor, actor_role)
                                                select ${ids.caseX}, ${seq} + g, now(), 'file', 'reported', 'reported', 'x', 'shift_lead' from generate_series(1, 5) g returning id::int as id`)).map((r) => r.id);
      seq += 6;
      for (const id of made) await engine.notify(tx, CASE_EVENTS_CHANNEL, JSON.stringify({ eventId: id, caseId: ids.caseX }));
    });
    await until('all five', () => made.every((id) => viewer.caseIds().includes(id)));
    expect(viewer.caseIds().slice(-5)).toEqual(made);
    expect(hub.heard - before.heard).toBe(5);
    expect(hub.reads - before.reads).toBe(1);
    await viewer.stop();
  });
});

describe('figures follow a commit at once, then at most once per window (INDICATORS_EVERY_MS)', () => {
  // a hub of its own whose window is ended by hand: nothing here depends on how long anything takes
  it('the first burst of a quiet spell is said at once; moves within the window once at its end; an empty window closes', async () => {
    const windows: (() => void)[] = [];
    const timers: HubTimers = {
      set: (fn) => (windows.push(fn), fn),
      clear: (h) => {
        const i = windows.indexOf(h as () => void);
        if (i >= 0) windows.splice(i, 1);
      },
    };
    const endWindow = () => {
      expect(windows).toHaveLength(1);
      windows.shift()!();
    };
    const hub = new LiveHub(engine, timers);
    await hub.ready();
    const got: LiveMessage[] = [];
    hub.subscribe({ scope: actors.viewer.scope, actions: new Set(['case.read', 'indicators.read']), deliver: (m) => got.push(m) });
    const figures = () => got.flatMap((m) => (m.kind === 'indicators' ? [m.districtCodes] : []));
    const heard = (id: number) => got.some((m) => m.kind === 'case' && m.event.id === id);
    try {
      const x = await commitEvent(engine, ids.caseX);
      // at once: no window has to end first (a trailing-only debounce never sends this here)
      await until('the first figures', () => figures().length === 1);
      expect(figures()).toEqual([['350602']]);
      expect(got.findIndex((m) => m.kind === 'case' && m.event.id === x)).toBeLessThan(got.findIndex((m) => m.kind === 'indicators')); // after its case: a reload sees it
      expect(windows).toHaveLength(1); // the window it opened
      // a burst within the window: its case messages come, its figures wait for the window's end
      const y = await commitEvent(engine, ids.caseY);
      const z = await commitEvent(engine, ids.caseX);
      await until('the burst', () => heard(y) && heard(z));
      expect(figures()).toHaveLength(1); // (the hub says figures in the same turn as a burst's last case message)
      endWindow();
      expect(figures()).toEqual([['350602'], ['350602', '350603']]); // one message for the burst, nothing lost
      // the window's end opened the next: a steady stream is said once per window
      const w = await commitEvent(engine, ids.caseY);
      await until('the next move', () => heard(w));
      expect(figures()).toHaveLength(2);
      endWindow();
      expect(figures()).toEqual([['350602'], ['350602', '350603'], ['350603']]);
      // a window with nothing in it closes without a message…
      endWindow();
      expect(figures()).toHaveLength(3);
      expect(windows).toEqual([]);
      // …and the next move is said at once again
      await commitEvent(engine, ids.caseX);
      await until('figures at once after a quiet window', () => figures().length === 4);
      expect(figures()[3]).toEqual(['350602']);
    } finally {
      await hub.close();
    }
    expect(windows).toEqual([]); // close ends an open window
  });
});

describe('a stream ends or narrows when who listens changes', () => {
  const ended = async (s: Stream) => {
    await until('the stream to end', () => s.state.ended, LIVE_RECHECK_MS * 4);
    expect(s.state.error).toBeNull();
    const last = s.got.at(-1)!;
    expect(last.kind).toBe('end');
    return (last as Extract<LiveMessage, { kind: 'end' }>).reason;
  };
  const freshSession = async (who: Who) => {
    const { token } = await createSession(engine.db, actors[who].id, {}, new Date(), await loadSessionPolicy(engine.db));
    tokens[who] = token;
  };

  it('sign-out (a revoked session): live.sessionEnded', async () => {
    await freshSession('viewer');
    const s = await subscribe('viewer');
    await engine.db.execute(sql`update sessions set revoked_at = now() where token_hash = ${hashSecret(tokens.viewer)}`);
    expect(await ended(s)).toBe('live.sessionEnded');
  });

  it('idle timeout: live.sessionIdle (the stream itself never counts as activity)', async () => {
    await freshSession('viewer');
    const s = await subscribe('viewer');
    await engine.db.execute(sql`update sessions set last_seen_at = now() - interval '1 day' where token_hash = ${hashSecret(tokens.viewer)}`);
    expect(await ended(s)).toBe('live.sessionIdle');
  });

  it('an expired session and a disabled account: live.sessionExpired, live.accountDisabled', async () => {
    await freshSession('inspector');
    let s = await subscribe('inspector');
    await engine.db.execute(sql`update sessions set expires_at = now() - interval '1 second' where token_hash = ${hashSecret(tokens.inspector)}`);
    expect(await ended(s)).toBe('live.sessionExpired');
    await freshSession('inspector');
    s = await subscribe('inspector');
    await engine.db.execute(sql`update users set disabled_at = now() where id = ${actors.inspector.id}`);
    try {
      expect(await ended(s)).toBe('live.accountDisabled');
    } finally {
      await engine.db.execute(sql`update users set disabled_at = null where id = ${actors.inspector.id}`);
      await freshSession('inspector');
    }
  });

  it('a revoked display token: live.tokenRevoked', async () => {
    const s = await subscribe('display');
    await engine.db.execute(sql`update display_tokens set revoked_at = now() where id = ${actors.display.id}`);
    try {
      expect(await ended(s)).toBe('live.tokenRevoked');
    } finally {
      await engine.db.execute(sql`update display_tokens set revoked_at = null where id = ${actors.display.id}`);
    }
  });

  it('a role losing case.read: live.rightsChanged', async () => {
    const s = await subscribe('limited');
    await engine.db.execute(sql`delete from role_permissions where role_code = 'live_reader' and permission = 'case.read'`);
    expect(await ended(s)).toBe('live.rightsChanged');
  });

  it('a coordinator’s districts narrowed: a resync, then only the new districts’ events', async () => {
    const s = await subscribe('coordinator');
    await engine.db.execute(sql`update users set district_codes = '{350603}' where id = ${actors.coordinator.id}`);
    try {
      await until('the resync', () => s.of('resync').length >= 1, LIVE_RECHECK_MS * 4);
      expect(s.of('resync')[0].reason).toBe('live.scopeChanged');
      const gone = await commitEvent(engine, ids.caseX); // 350602: no longer theirs
      const kept = await commitEvent(engine, ids.caseY);
      await until('the kept district’s event', () => s.caseIds().includes(kept));
      expect(s.caseIds()).not.toContain(gone);
      expect(s.state.ended).toBe(false);
    } finally {
      await s.stop();
      await engine.db.execute(sql`update users set district_codes = '{350602,350603}' where id = ${actors.coordinator.id}`);
    }
  });

  it('narrowing drops what is queued under the former scope in every domain (a grid of a district no longer theirs)', async () => {
    const s = await pulled('coordinator'); // reads nothing until told
    const watcher = await subscribe('display'); // 350603: hears grid Y, after grid X (the order heard)
    await engine.db.execute(sql`update users set district_codes = '{350603}' where id = ${actors.coordinator.id}`);
    try {
      await new Promise((r) => setTimeout(r, LIVE_RECHECK_MS + 200)); // the re-check is due before the next message
      await engine.db.transaction((t) => announceGrid(t as unknown as Db, ids.gridX)); // 350602: queued under the former scope
      await engine.db.transaction((t) => announceGrid(t as unknown as Db, ids.gridY));
      await until('both grids to be delivered', () => watcher.of('grid').some((g) => g.id === ids.gridY));
      const got: LiveMessage[] = [];
      while (!got.some((m) => m.kind === 'grid' && m.id === ids.gridY)) got.push(await s.next());
      expect(got.filter((m) => m.kind !== 'indicators')).toEqual([{ kind: 'resync', reason: 'live.scopeChanged' }, { kind: 'grid', id: ids.gridY, districtCode: '350603', version: expect.any(Number) }]);
    } finally {
      await Promise.all([s.stop(), watcher.stop()]);
      await engine.db.execute(sql`update users set district_codes = '{350602,350603}' where id = ${actors.coordinator.id}`);
    }
  });

  it('a handler moved to another unit: a resync, then that unit’s cases only', async () => {
    const s = await subscribe('mover');
    await engine.db.execute(sql`update users set department_id = ${ids.deptB} where id = ${actors.mover.id}`);
    try {
      await until('the resync', () => s.of('resync').length >= 1, LIVE_RECHECK_MS * 4);
      const gone = await commitEvent(engine, ids.caseX); // unit A's
      const kept = await commitEvent(engine, ids.caseY); // unit B's
      await until('the new unit’s event', () => s.caseIds().includes(kept));
      expect(s.caseIds()).not.toContain(gone);
    } finally {
      await s.stop();
    }
  });
});

describe('resuming loses and doubles nothing', () => {
  it('the resume token marks what was delivered in a window below the newest id', () => {
    const c = decodeCursor('0.0');
    for (const id of [100, 102, 101, 200]) markSeen(c, id);
    const back = decodeCursor(encodeCursor(c));
    expect([100, 101, 102, 103, 199, 200, 201].map((id) => wasSeen(back, id))).toEqual([true, true, true, false, false, true, false]);
    expect([72, 73].map((id) => wasSeen(back, id))).toEqual([true, false]); // the window is the 128 ids up to the newest: below it, never replayed
    expect(wasSeen(decodeCursor('10'), 9)).toBe(true); // a bare id: everything up to it
  });

  it('after a drop: what was missed once, also an event that committed after a later id was delivered', async () => {
    const early = await takeId(); // taken first, committed last
    const s = await subscribe('viewer');
    const late = await commitEvent(engine, ids.caseX);
    await until('the later id', () => s.caseIds().includes(late));
    await s.stop();
    const token = s.state.token!;
    await commitEvent(engine, ids.caseX, { id: early }); // commits after `late` was delivered, with a smaller id
    const after = await commitEvent(engine, ids.caseY);
    const again = await subscribe('viewer', { lastEventId: token });
    expect(again.of('ready')[0].resumed).toBe(true);
    const live = await commitEvent(engine, ids.caseY);
    await until('the live event', () => again.caseIds().includes(live));
    expect(again.caseIds()).toEqual([early, after, live]);
    await again.stop();
  });

  it('an out-of-order commit heard live is delivered, and not again on resume', async () => {
    const early = await takeId();
    const s = await subscribe('viewer');
    const late = await commitEvent(engine, ids.caseX);
    await commitEvent(engine, ids.caseX, { id: early });
    await until('both', () => s.caseIds().includes(early));
    expect(s.caseIds()).toEqual([late, early]);
    await s.stop();
    const again = await subscribe('viewer', { lastEventId: s.state.token! });
    const live = await commitEvent(engine, ids.caseY);
    await until('the live event', () => again.caseIds().includes(live));
    expect(again.caseIds()).toEqual([live]);
    await again.stop();
  });

  it('a restart mid-stream (a new hub: another process) resumes with nothing lost or doubled', async () => {
    const other = server ? await openEngine({ databaseUrl: databases.urlOf(engine)! }) : engine;
    try {
      const early = await takeId();
      const s = await subscribe('viewer');
      const a = await commitEvent(engine, ids.caseX);
      await until('a', () => s.caseIds().includes(a));
      await s.stop();
      await hubOf(engine).close(); // the process goes away
      await commitEvent(engine, ids.caseY, { id: early });
      const b = await commitEvent(engine, ids.caseY);
      const again = await subscribe('viewer', { lastEventId: s.state.token!, on: other });
      const c = await commitEvent(engine, ids.caseX);
      await until('c', () => again.caseIds().includes(c));
      expect([...s.caseIds(), ...again.caseIds()]).toEqual([a, early, b, c]);
      await again.stop();
    } finally {
      if (other !== engine) {
        await hubOf(other).close();
        await other.close();
      }
    }
  });

  it('a subscriber too far behind is told to reload instead of replaying everything', async () => {
    const s = await subscribe('viewer', { lastEventId: '1' });
    // this database holds fewer than CATCH_UP_MAX events: a catch-up, not a resync
    expect(s.of('resync')).toEqual([]);
    await s.stop();
    await engine.db.execute(sql`insert into case_events (case_id, seq, at, type, from_status, to_status, actor, actor_role)
                                select ${ids.caseY}, 100000 + g, now(), 'file', 'reported', 'reported', 'x', 'shift_lead' from generate_series(1, 600) g`);
    const far = await subscribe('viewer', { lastEventId: '1' });
    expect(far.got.map((m) => m.kind)).toEqual(['resync', 'ready']);
    expect(far.of('resync')[0].reason).toBe('live.behind');
    await far.stop();
  });

  it('a token far behind the newest id (old or forged) is told to reload without a scan of the events', async () => {
    await engine.db.execute(sql`select setval('case_events_id_seq', (select max(id) from case_events) + ${CATCH_UP_SPAN + 10})`);
    await commitEvent(engine, ids.caseY);
    const { result: far, statements } = await statementsOf(engine, () => subscribe('viewer', { lastEventId: '129.0' }));
    expect(far.got.map((m) => m.kind)).toEqual(['resync', 'ready']);
    expect(far.of('resync')[0].reason).toBe('live.behind');
    expect(statements.some((x) => /max\(id\)/.test(x.sql))).toBe(true); // the newest id was read: the recorder saw the stream's statements
    expect(statements.filter((x) => /e\.id >/.test(x.sql))).toEqual([]);
    await far.stop();
  });

  it('an event announced again (by a process behind the one before) is not sent twice after a resume', async () => {
    const s = await subscribe('viewer');
    const seen = await commitEvent(engine, ids.caseX);
    await until('it', () => s.caseIds().includes(seen));
    await s.stop();
    const again = await subscribe('viewer', { lastEventId: s.state.token! });
    await engine.db.transaction((t) => engine.notify(t as unknown as Db, CASE_EVENTS_CHANNEL, JSON.stringify({ eventId: seen, caseId: ids.caseX })));
    const marker = await commitEvent(engine, ids.caseY);
    await until('a later event', () => again.caseIds().includes(marker));
    expect(again.caseIds()).toEqual([marker]);
    await again.stop();
  });

  it('catch-ups run one at a time per viewer; another viewer’s go by', async () => {
    const gate = new CatchUpGate(100, 1);
    let running = 0;
    let most = 0;
    const order: string[] = [];
    const work = (who: string, wait: Promise<void> | null) => async () => {
      running++;
      most = Math.max(most, running);
      await (wait ?? new Promise((r) => setTimeout(r, 5)));
      running--;
      order.push(who);
    };
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const storm = [gate.run('viewer:1', undefined, work('first', held)), ...Array.from({ length: 39 }, () => gate.run('viewer:1', undefined, work('storm', null)))];
    await gate.run('viewer:2', undefined, work('other', null)); // not behind the storm
    expect(order).toEqual(['other']);
    release();
    await Promise.all(storm);
    expect(order.filter((o) => o === 'storm')).toHaveLength(39);
    expect(most).toBe(2); // the other viewer's beside the first of the storm, never two of one viewer
  });
});

describe('limits on streams', () => {
  beforeAll(async () => {
    // a session of its own (an earlier test left the viewer's idle): these streams live past a re-check
    const { token } = await createSession(engine.db, actors.viewer.id, {}, new Date(), await loadSessionPolicy(engine.db));
    tokens.viewer = token;
  });
  it('one asker’s streams on a process are capped: the oldest ends (live.tooManyStreams), the others go on', async () => {
    const streams: Stream[] = [];
    for (let i = 0; i < liveLimits.streamsPerActor; i++) streams.push(await subscribe('viewer'));
    expect(streams.some((x) => x.state.ended)).toBe(false);
    const newest = await subscribe('viewer');
    try {
      await until('the oldest to end', () => streams[0].state.ended);
      expect(streams[0].state.error).toBeNull();
      expect(streams[0].got.at(-1)).toEqual({ kind: 'end', reason: 'live.tooManyStreams' });
      const marker = await commitEvent(engine, ids.caseX);
      const rest = [...streams.slice(1), newest];
      await until('the rest to hear a later event', () => rest.every((x) => x.caseIds().includes(marker)));
      expect(rest.some((x) => x.state.ended)).toBe(false);
    } finally {
      await Promise.all([...streams, newest].map((x) => x.stop()));
    }
  });

  it('a stream whose reader is slow holds at most queueMax messages: past it, a resync (live.behind) instead of the backlog', async () => {
    const max = liveLimits.queueMax;
    liveLimits.queueMax = 3;
    const s = await pulled('viewer');
    const watcher = await subscribe('viewer');
    try {
      const made: number[] = [];
      for (let i = 0; i < 4; i++) made.push(await commitEvent(engine, ids.caseX));
      await until('the four to be delivered', () => made.every((id) => watcher.caseIds().includes(id)));
      expect(await s.next()).toEqual({ kind: 'resync', reason: 'live.behind' });
      const after = await commitEvent(engine, ids.caseY);
      let m: LiveMessage;
      const got: LiveMessage[] = [];
      do got.push((m = await s.next()));
      while (!(m.kind === 'case' && m.event.id === after));
      expect(got.flatMap((x) => (x.kind === 'case' ? [x.event.id] : []))).toEqual([after]);
    } finally {
      liveLimits.queueMax = max;
      await Promise.all([s.stop(), watcher.stop()]);
    }
  });
});

describe('over HTTP', () => {
  it('is served as server-sent events, with the resume token as the event id', async () => {
    const app = createApp(engine);
    const { token } = await createSession(engine.db, actors.viewer.id, {}, new Date(), await loadSessionPolicy(engine.db));
    const res = await app.request('/trpc/live.events', { headers: { cookie: `${SESSION_COOKIE}=${token}`, accept: 'text/event-stream' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    const readUntil = async (mark: RegExp) => {
      const end = Date.now() + 8000;
      while (!mark.test(text)) {
        const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), Math.max(1, end - Date.now())))]);
        if (!chunk || chunk.done) break;
        text += new TextDecoder().decode(chunk.value);
      }
    };
    await readUntil(/"kind":"ready"/);
    const id = await commitEvent(engine, ids.caseX);
    await readUntil(new RegExp(`id: ${id}\\.[0-9a-f]+`));
    await reader.cancel();
    expect(text).toMatch(new RegExp(`id: ${id}\\.[0-9a-f]+`));
    expect(text).toContain('"code":"LIVE-X"');
    expect(text).toContain('reconnectAfterInactivityMs'); // the browser reconnects after a silence (pings keep it from one)
  });

  it('refuses a stream to nobody and to a bad resume token with a reason the client translates', async () => {
    const app = createApp(engine);
    const nobody = sseError(await readSse(await app.request('/trpc/live.events', { headers: { accept: 'text/event-stream' } })));
    expect(nobody.error?.data).toMatchObject({ code: 'UNAUTHORIZED', reason: 'auth.signInFirst' });
    const { token } = await createSession(engine.db, actors.viewer.id, {}, new Date(), await loadSessionPolicy(engine.db));
    const bad = await app.request(`/trpc/live.events?input=${encodeURIComponent(JSON.stringify({ lastEventId: '12ab' }))}`, { headers: { cookie: `${SESSION_COOKIE}=${token}`, accept: 'text/event-stream' } });
    expect(sseError(await readSse(bad)).error?.data).toMatchObject({ code: 'BAD_REQUEST', reason: 'input.invalid' });
  });

  it.runIf(server)('two server processes on one database show the same live picture, every domain', async () => {
    const other = await openEngine({ databaseUrl: databases.urlOf(engine)! });
    try {
      const here = await subscribe('viewer');
      const there = await subscribe('viewer', { on: other });
      const fromHere = await commitEvent(engine, ids.caseX);
      const fromThere = await commitEvent(other, ids.caseY);
      await other.db.transaction((t) => announceGrid(t as unknown as Db, ids.gridX));
      await until('both to hear all', () => [here, there].every((s) => s.caseIds().length >= 2 && s.of('grid').length >= 1));
      for (const s of [here, there]) {
        expect(s.caseIds()).toEqual([fromHere, fromThere]);
        expect(s.of('grid').map((g) => g.id)).toEqual([ids.gridX]);
      }
      await Promise.all([here.stop(), there.stop()]);
    } finally {
      await hubOf(other).close();
      await other.close();
    }
  });
});
