// What one request may carry and what every answer says about itself: body limits before any
// parsing, a bounded audit of a refused oversized input, defensive cookies, security and cache
// headers, and a 404 (not the app page) for missing files. Over HTTP on the test city, in a
// transaction that is rolled back after the last test (the sign-in, sessions and the audit rows
// of refusals go with it); each test in a savepoint of it (tests/support/rolled-back.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Hono } from 'hono';
import { rows, type Engine } from '../db/engine.ts';
import { createApp } from '../server/app.ts';
import { appRouter } from '../server/router.ts';
import { createCallerFactory } from '../server/trpc.ts';
import { BODY_LIMITS } from '../domain/request-limits.ts';
import { actorOf, testEngine } from './support/test-db.ts';
import { rolledBackSuite } from './support/rolled-back.ts';
import { login, type HttpSession } from './support/http-session.ts';
import { outcome } from './support/procedures.ts';

const suite = rolledBackSuite(testEngine);
const engine: Engine = suite.engine;
let app: Hono;
let viewer: HttpSession;
const reasonOf = async (res: Response) => ((await res.json()) as { error: { data?: { reason?: string }; reason?: string } }).error.data?.reason;

beforeAll(() =>
  suite.setup(async () => {
    app = createApp(engine);
    viewer = await login(app, 'demo-viewer');
  }), 120_000);

const post = (path: string, body: BodyInit, headers: Record<string, string> = {}) =>
  app.request(`/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: viewer.cookie, 'x-csrf-token': viewer.csrf, ...headers }, body });

describe('body limits before parsing', () => {
  it(`a grid draft comes alone by POST, up to ${BODY_LIMITS.gridDraft / 1024 / 1024} MB (a query too); any other query by POST, or a larger draft, is refused`, () =>
    suite.run(async () => {
      const coordinator = await login(app, 'demo-coordinator');
      const [cell] = await rows<{ id: number; version: number; geojson: string }>(engine.db, sql`select id, version, ST_AsGeoJSON(geom, 15) as geojson from unit_grids where district_code = '350602' and valid_to is null order by id limit 1`);
      const g = JSON.parse(cell.geojson) as { coordinates: [number, number][][][] };
      // the cell's outline with 3,000 extra points along its first edge (a ~150 KB body: no URL holds it)
      const [a, b] = g.coordinates[0][0];
      const ring = [a, ...Array.from({ length: 3000 }, (_, i): [number, number] => [a[0] + ((b[0] - a[0]) * (i + 1)) / 3001, a[1] + ((b[1] - a[1]) * (i + 1)) / 3001]), ...g.coordinates[0][0].slice(1)];
      const draft = JSON.stringify({ districtCode: '350602', base: {}, changes: [{ op: 'update', id: cell.id, version: cell.version, geometry: { type: 'Polygon', coordinates: [ring] } }] });
      expect(draft.length).toBeGreaterThan(BODY_LIMITS.trpc);
      const headers = { 'content-type': 'application/json', cookie: coordinator.cookie, 'x-csrf-token': coordinator.csrf };
      const ok = await app.request('/trpc/grids.validate', { method: 'POST', headers, body: draft });
      expect([ok.status, ok.status === 200 ? '' : await ok.clone().text()]).toEqual([200, '']); // (a shared edge densified with 3,000 points: the overlays snap-round)
      expect(((await ok.json()) as { result: { data: { problems: unknown[] } } }).result.data.problems).toBeInstanceOf(Array);
      const other = await app.request('/trpc/grids.history', { method: 'POST', headers, body: JSON.stringify({ code: '350602001001001' }) });
      expect(other.status).toBe(405);
      const over = await app.request('/trpc/grids.validate', { method: 'POST', headers, body: 'x'.repeat(BODY_LIMITS.gridDraft + 1) });
      expect(over.status).toBe(413);
      const batched = await app.request('/trpc/grids.validate,grids.validate?batch=1', { method: 'POST', headers, body: JSON.stringify({ 0: JSON.parse(draft), 1: JSON.parse(draft) }) });
      expect(batched.status).toBe(413);
    }));
  it('a 3.2 MB change is refused with 413 request.tooLarge, and nothing of it reaches the audit log', () =>
    suite.run(async () => {
      const big = JSON.stringify({ id: 1, version: 1, ...Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, 'xxxxxxxxxxxxxxxxxxxxx'])) });
      expect(big.length).toBeGreaterThan(3_000_000);
      const before = await rows<{ n: number }>(engine.db, sql`select count(*)::int as n from audit_log where action = 'communities.update'`);
      const res = await post('communities.update', big);
      expect(res.status).toBe(413);
      expect(await reasonOf(res)).toBe('request.tooLarge');
      expect(await rows<{ n: number }>(engine.db, sql`select count(*)::int as n from audit_log where action = 'communities.update'`)).toEqual(before);
    }));
  it(`sign-in takes at most ${BODY_LIMITS.auth / 1024} KB, unauthenticated, whatever Content-Length says`, () =>
    suite.run(async () => {
      const body = JSON.stringify({ username: 'x', password: 'y'.repeat(BODY_LIMITS.auth) });
      const res = await app.request('/trpc/auth.login', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status).toBe(413);
    }));
  it('a streamed body without Content-Length is cut off once it passes the limit', () =>
    suite.run(async () => {
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(c) {
          // 1 MB in 16 KB chunks, stopped early by the server
          if (sent >= 1 << 20) return c.close();
          sent += 16 * 1024;
          c.enqueue(new Uint8Array(16 * 1024).fill(32));
        },
      });
      const res = await app.request('/trpc/communities.update', { method: 'POST', headers: { 'content-type': 'application/json', cookie: viewer.cookie, 'x-csrf-token': viewer.csrf }, body: stream, duplex: 'half' } as RequestInit);
      expect(res.status).toBe(413);
      expect(sent).toBeLessThan(1 << 20);
    }));
});

describe('the audit log keeps a bounded summary of a refused input', () => {
  it('100,000 keys refused (no permission) leave one small row: size, key count, the first keys and an excerpt', () =>
    suite.run(async () => {
      // in-process, past the HTTP body limit, as a later transport might deliver it
      const caller = createCallerFactory(appRouter)({ engine, actor: await actorOf('demo-viewer', engine) });
      const input = { id: 1, version: 1, name: 'x', households: 1, partyOrgName: null, partyOrgKind: 'none', ...Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, 'v'.repeat(30)])) };
      expect((await outcome(caller.communities.update(input as never))).code).toBe('FORBIDDEN');
      const [row] = await rows<{ detail: string; size: number }>(
        engine.db,
        sql`select detail::text as detail, length(detail::text)::int as size from audit_log where action = 'communities.update' and actor = 'demo-viewer' order by id desc limit 1`,
      );
      expect(row.size).toBeLessThan(4000);
      const detail = JSON.parse(row.detail) as { outcome: string; input: { summary: boolean; keyCount: number; keys: string[]; chars: number } };
      expect(detail.outcome).toBe('denied');
      expect(detail.input.summary).toBe(true);
      expect(detail.input.keyCount).toBe(100_006);
      expect(detail.input.keys).toHaveLength(20);
      expect(detail.input.chars).toBeGreaterThan(3_000_000);
    }));
});

describe('cookies are parsed defensively', () => {
  it.each(['cg_session=%', 'cg_session=%E0%A4%A', `cg_session=${'a'.repeat(10_000)}`, 'cg_session=abc%00def', 'cg_session'])('%s is simply not signed in (401), on tRPC and on the feeds', (cookie) =>
    suite.run(async () => {
      const t = await app.request('/trpc/places.summary', { headers: { cookie } });
      expect(t.status).toBe(401);
      expect(await reasonOf(t)).toBe('auth.signInFirst');
      const f = await app.request('/api/layers/districts.bin', { headers: { cookie } });
      expect(f.status).toBe(401);
      expect(((await f.json()) as { reason: string }).reason).toBe('auth.signInFirst');
    }));
  it('a badly encoded display token in the address is no token (401), not an error', () =>
    suite.run(async () => {
      expect((await app.request('/api/layers/districts.bin?display=%E0%A4%A')).status).toBe(401);
    }));
});

describe('headers on every answer', () => {
  it.each(['/healthz', '/trpc/auth.me', '/api/layers/nothing.bin', '/api/nothing'])('%s: CSP without framing, nosniff, no referrer', (path) =>
    suite.run(async () => {
      const res = await app.request(path, { headers: { cookie: viewer.cookie } });
      expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'.*frame-ancestors 'none'/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }));
  it('API answers are never stored (Cache-Control: no-store)', () =>
    suite.run(async () => {
      expect((await app.request('/trpc/places.summary', { headers: { cookie: viewer.cookie } })).headers.get('cache-control')).toBe('no-store');
      expect((await app.request('/trpc/places.summary')).headers.get('cache-control')).toBe('no-store');
    }));
  it('an unknown API path is a 404 with a reason, not the app page', () =>
    suite.run(async () => {
      const res = await app.request('/api/nothing');
      expect(res.status).toBe(404);
      expect(((await res.json()) as { reason: string }).reason).toBe('request.notFound');
    }));
});

describe('refusals tRPC makes itself still carry a reason', () => {
  it('a body that is not JSON is a parse error, said as such', () =>
    suite.run(async () => {
      const res = await app.request('/trpc/auth.login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":' });
      expect(res.status).toBe(400);
      expect(await reasonOf(res)).toBe('refused.PARSE_ERROR');
    }));
  it('an unknown procedure is a 404 with its kind as reason', () =>
    suite.run(async () => {
      const res = await app.request('/trpc/nope.nothing', { headers: { cookie: viewer.cookie } });
      expect(res.status).toBe(404);
      expect(await reasonOf(res)).toBe('refused.NOT_FOUND');
    }));
  it('healthz is never cached', () =>
    suite.run(async () => {
      expect((await app.request('/healthz')).headers.get('cache-control')).toBe('no-store');
    }));
});
