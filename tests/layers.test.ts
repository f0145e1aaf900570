// The binary layer feeds over HTTP (/api/layers/:file), decoded as the client decodes them and
// checked against SQL on the engine under test. In a transaction on the test city that is
// rolled back after the last test (tests/support/rolled-back.ts): the sign-in is made once in it,
// and each test runs in a savepoint of it, rolled back (a test that bumps a table's stamp too).
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Hono } from 'hono';
import { rows, type Db, type Engine } from '../db/engine.ts';
import { createApp } from '../server/app.ts';
import { decodeFeed, type Feed } from '../client/map/binary-feed.ts';
import { CASES_FEED_COLUMNS, POINT_FEED_COLUMNS, POLYGON_FEED_COLUMNS, type CasesFeedMeta, type FeatureFeedMeta } from '../domain/feeds.ts';
import { CASE_TARGETS } from '../data/generators/cases.ts';
import { testCaller, testEngine } from './support/test-db.ts';
import { rolledBackSuite } from './support/rolled-back.ts';
import { caseLights } from '../client/features/cases/cases-data.ts';
import { fetchFeed } from '../client/lib/feeds.ts';
import { errorText } from '../client/lib/i18n.ts';
import { isRefusal } from '../client/lib/query-client.ts';
import { caseFeedColumns, clockSettings, openCaseClocks } from '../server/cases/cases-queries.ts';
import { CITY } from '../server/auth/actor.ts';
import { trafficLight } from '../domain/case-clock.ts';
import { TEST_NOW } from './support/test-config.ts';
import { login, type HttpSession } from './support/http-session.ts';

const suite = rolledBackSuite(testEngine);
const engine: Engine = suite.engine;
/** The test's own savepoint while it runs. */
let db: Db;
/** Runs a test in a rolled-back savepoint of the suite's transaction. */
const inSuite = (fn: () => Promise<void>) =>
  suite.run(async (tx) => {
    db = tx;
    await fn();
  });
let app: Hono;
const one = async <T>(q: ReturnType<typeof sql>) => (await rows<T>(db, q))[0];
const ORIGIN = [117.6, 24.5];
const PERIOD = `from=${encodeURIComponent(CASE_TARGETS.periodStart)}&to=${encodeURIComponent(CASE_TARGETS.periodEnd)}`;

let session: HttpSession;
const get = (path: string, headers: Record<string, string> = {}) => app.request(`/api/layers/${path}`, { headers: { cookie: session.cookie, ...headers } });
async function feed<M = Record<string, unknown>>(path: string): Promise<Feed<M>> {
  const res = await get(path);
  expect(res.status, `${path}: ${res.status}`).toBe(200);
  // every feed is decoded against its contract in domain/feeds.ts, as the browser does
  const kind = path.split(/[.?]/)[0];
  return decodeFeed<M>(await res.arrayBuffer(), kind === 'cases' ? CASES_FEED_COLUMNS : ['villages', 'clinics'].includes(kind) ? POINT_FEED_COLUMNS : POLYGON_FEED_COLUMNS);
}

beforeAll(() =>
  suite.setup(async () => {
    app = createApp(engine, { now: () => TEST_NOW, geojsonBaseline: true });
    session = await login(app, 'demo-viewer');
  }), 120_000);

type CasesMeta = CasesFeedMeta;

describe('cases.bin', () => {
  it('holds exactly the cases reported in the 2022 period, sorted by id, with dictionaries from the database', () =>
    inSuite(async () => {
      const f = await feed<CasesMeta>(`cases.bin?${PERIOD}`);
      const want = await one<{ n: number; min: number; max: number; sum: number }>(
        sql`select count(*)::int as n, min(id)::int as min, max(id)::int as max, sum(id)::float8 as sum from cases
            where reported_at >= ${CASE_TARGETS.periodStart}::timestamptz and reported_at < ${CASE_TARGETS.periodEnd}::timestamptz`,
      );
      expect(f.length).toBe(want.n);
      const ids = f.columns.id;
      expect(ids[0]).toBe(want.min);
      expect(ids[ids.length - 1]).toBe(want.max);
      let sum = 0;
      for (let i = 0; i < ids.length; i++) {
        sum += ids[i];
        if (i > 0 && ids[i] <= ids[i - 1]) throw new Error(`ids not strictly increasing at ${i}`);
      }
      expect(sum).toBe(want.sum);
      for (const c of ['x', 'y', 't', 'status', 'source', 'category', 'district', 'warnAt', 'dueAt', 'closed']) expect(f.columns[c], c).toHaveLength(want.n);
      expect(f.columns.category).toBeInstanceOf(Uint16Array);
      expect(f.columns.t).toBeInstanceOf(Uint32Array);
      expect(f.columns.warnAt).toBeInstanceOf(Uint32Array);
      expect(f.columns.dueAt).toBeInstanceOf(Uint32Array);
      expect(f.columns.light, 'lights are derived in the browser').toBeUndefined();

      const m = f.meta;
      expect(m.origin).toEqual(ORIGIN);
      expect(m, 'nothing in the feed depends on the time of the request').not.toHaveProperty('now');
      expect(m.period).toEqual({ from: CASE_TARGETS.periodStart, to: CASE_TARGETS.periodEnd });
      expect(m.statuses.slice(0, 12)).toEqual(['reported', 'verifying', 'verified', 'filed', 'dispatched', 'accepted', 'returned', 'parked', 'handled', 'checked', 'closed', 'voided']);
      expect(m.lights).toEqual(['none', 'green', 'yellow', 'red', 'onTime', 'late']);
      expect(m.warnRatio).toBe(0.8);
      const dict = await one<{ categories: number; districts: number }>(sql`select (select count(*)::int from case_categories) as categories, (select count(*)::int from districts) as districts`);
      expect(m.categories).toHaveLength(dict.categories);
      expect(m.districts).toHaveLength(dict.districts);
      expect(m.categories.map((c) => c.code)).toEqual([...m.categories.map((c) => c.code)].sort());
    }));

  it('decodes each row to the database values (position within 1e-6°, time, status, source, category, district)', () =>
    inSuite(async () => {
      const f = await feed<CasesMeta>(`cases.bin?${PERIOD}`);
      for (const i of [0, 1234, Math.floor(f.length / 2), f.length - 1]) {
        const id = f.columns.id[i];
        const r = await one<{ lng: number; lat: number; t: number; status: string; source: string; category_code: string; district_code: string | null }>(
          sql`select ST_X(geom)::float8 as lng, ST_Y(geom)::float8 as lat, extract(epoch from reported_at)::float8 as t, status, source, category_code, district_code::text as district_code from cases where id = ${id}`,
        );
        expect(Math.abs(f.columns.x[i] + ORIGIN[0] - r.lng), `lng of case ${id}`).toBeLessThan(1e-6);
        expect(Math.abs(f.columns.y[i] + ORIGIN[1] - r.lat), `lat of case ${id}`).toBeLessThan(1e-6);
        expect(f.columns.t[i]).toBe(Math.floor(r.t));
        expect(f.meta.statuses[f.columns.status[i]]).toBe(r.status);
        expect(f.meta.sources[f.columns.source[i]]).toBe(r.source);
        expect(f.meta.categories[f.columns.category[i]].code).toBe(r.category_code);
        expect(f.columns.district[i] === 255 ? null : f.meta.districts[f.columns.district[i]].code).toBe(r.district_code);
      }
    }));

  it('marks closed cases on time or late exactly as closed_at vs close_due_at, and unfiled/voided ones none', () =>
    inSuite(async () => {
      const f = await feed<CasesMeta>(`cases.bin?${PERIOD}`);
      const lights = caseLights(f as never, TEST_NOW.getTime());
      const count = (light: string) => Array.from(lights).reduce((a, l) => a + (f.meta.lights[l] === light ? 1 : 0), 0);
      const want = await one<{ on_time: number; late: number; none: number }>(
        sql`select count(*) filter (where status = 'closed' and closed_at <= close_due_at)::int as on_time,
                   count(*) filter (where status = 'closed' and closed_at > close_due_at)::int as late,
                   count(*) filter (where status in ('reported', 'verifying', 'verified', 'filed', 'voided'))::int as none
            from cases where reported_at >= ${CASE_TARGETS.periodStart}::timestamptz and reported_at < ${CASE_TARGETS.periodEnd}::timestamptz`,
      );
      expect(want.late).toBeGreaterThan(0);
      expect(count('onTime')).toBe(want.on_time);
      expect(count('late')).toBe(want.late);
      expect(count('none')).toBe(want.none);
    }));

  it('shows a known open, overdue case as red and a freshly dispatched one as green (as of the pinned now)', () =>
    inSuite(async () => {
      const f = await feed<CasesMeta>('cases.bin');
      const lights = caseLights(f as never, TEST_NOW.getTime());
      const lightOf = (id: number) => f.meta.lights[lights[f.columns.id.indexOf(id)]];
      const overdue = await rows<{ id: number }>(
        db,
        sql`select id::int as id from cases where (status in ('dispatched', 'accepted', 'returned') and handle_due_at < ${TEST_NOW.toISOString()}::timestamptz)
               or (status in ('handled', 'checked') and close_due_at < ${TEST_NOW.toISOString()}::timestamptz) order by id`,
      );
      expect(overdue.length, 'the seeded city has open overdue cases').toBeGreaterThan(0);
      for (const { id } of overdue) expect(lightOf(id), `case ${id}`).toBe('red');
      const open = Array.from(lights).reduce((a, l) => a + (['green', 'yellow', 'red'].includes(f.meta.lights[l]) ? 1 : 0), 0);
      const clocked = await one<{ n: number }>(sql`select count(*)::int as n from cases where status in ('dispatched', 'accepted', 'returned', 'handled', 'checked')`);
      expect(open).toBe(clocked.n);
      expect(lights.some((l) => f.meta.lights[l] === 'green')).toBe(true);
    }));

  it('derives, from its clock marks, the light trafficLight() gives every open clocked case at the pinned now', () =>
    inSuite(async () => {
      const f = await feed<CasesMeta>('cases.bin');
      const lights = caseLights(f as never, TEST_NOW.getTime());
      const row = new Map(Array.from(f.columns.id, (id, i) => [id, i]));
      const { calendar, warnRatio } = await clockSettings(db);
      const clocks = await openCaseClocks(db, { scope: CITY });
      expect(clocks.length).toBeGreaterThan(50);
      const date = (ms: number | null) => (ms === null ? null : new Date(ms));
      const seen = new Set<string>();
      for (const c of clocks) {
        const want = trafficLight(
          { status: c.status, dispatchedAt: date(c.dispatched_ms), handledAt: date(c.handled_ms), handleDueAt: date(c.handle_due_ms), closeDueAt: date(c.close_due_ms), closedAt: null },
          TEST_NOW,
          warnRatio,
          calendar,
        );
        seen.add(want);
        expect(f.meta.lights[lights[row.get(c.id)!]], `case ${c.id} (${c.status})`).toBe(want);
      }
      expect([...seen].sort(), 'the test city has open cases of every light').toEqual(['green', 'red', 'yellow']);
    }));

  it('gives the light cases.byId gives (the same rule on the server)', () =>
    inSuite(async () => {
      const f = await feed<CasesMeta>('cases.bin');
      const lights = caseLights(f as never, TEST_NOW.getTime());
      const caller = await testCaller('demo-viewer', { now: () => TEST_NOW, engine });
      const clocked = await rows<{ id: number }>(db, sql`select id::int as id from cases where status in ('dispatched', 'accepted', 'returned', 'handled', 'checked') order by id limit 25`);
      const closed = await rows<{ id: number }>(db, sql`select id::int as id from cases where status in ('closed', 'voided', 'filed') order by id limit 5`);
      for (const { id } of [...clocked, ...closed]) {
        const c = await caller.cases.byId({ id });
        expect(f.meta.lights[lights[f.columns.id.indexOf(id)]], `case ${id}`).toBe(c.light);
      }
    }));

  it('keeps its bytes and ETag as the clock moves on (the lights turn in the browser)', () =>
    inSuite(async () => {
      const later = createApp(engine, { now: () => new Date(TEST_NOW.getTime() + 90 * 60_000), geojsonBaseline: true });
      const a = await get(`cases.bin?${PERIOD}`);
      const b = await later.request(`/api/layers/cases.bin?${PERIOD}`, { headers: { cookie: session.cookie } });
      expect(b.status).toBe(200);
      expect(b.headers.get('etag')).toBe(a.headers.get('etag'));
      expect(Buffer.compare(new Uint8Array(await a.arrayBuffer()), new Uint8Array(await b.arrayBuffer()))).toBe(0);
    }));

  it('is read in slices that concatenate to what one statement over all cases gives', () =>
    inSuite(async () => {
      const period = { from: CASE_TARGETS.periodStart, to: CASE_TARGETS.periodEnd, scope: CITY };
      // statuses and sources compared by name: each read numbers them in the order it meets them
      // (columns compared as strings: a deep equality over 140k-element arrays takes seconds)
      const norm = (c: Awaited<ReturnType<typeof caseFeedColumns>>) => ({
        n: c.n,
        ...Object.fromEntries((['id', 'x', 'y', 't', 'category', 'district', 'closed'] as const).map((k) => [k, c[k].join()])),
        status: Array.from(c.status, (s) => c.statuses[s - 1] ?? '-').join(),
        source: Array.from(c.source, (s) => c.sources[s - 1] ?? '-').join(),
        codes: c.codes?.join() ?? null,
      });
      const whole = await caseFeedColumns(db, period, { slice: 1e9, withCodes: true });
      expect(whole.n).toBeGreaterThan(100_000);
      expect(whole.codes).toHaveLength(whole.n);
      expect(norm(await caseFeedColumns(db, period, { slice: 7_777, withCodes: true }))).toEqual(norm(whole));
      // a status or source not known yet is added when met, in any slice, and none is lost
      const partial = await caseFeedColumns(db, period, { slice: 40_000, statuses: ['closed'], sources: [] });
      expect(norm(partial)).toEqual({ ...norm(whole), codes: null });
      expect(partial.statuses[0]).toBe('closed');
      expect(partial.status.every((s) => s > 0)).toBe(true);
    }));

  it('does not serve the GeoJSON baseline unless asked to (production apps do not)', () =>
    inSuite(async () => {
      const res = await createApp(engine, { now: () => TEST_NOW }).request(`/api/layers/cases.geojson?${PERIOD}`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: string }).error).toMatch(/unknown layer 'cases.geojson'; known: cases\.bin, districts\.bin/);
    }));

  it('has the same rows in cases.geojson (the benchmark baseline)', () =>
    inSuite(async () => {
      const bin = await feed(`cases.bin?${PERIOD}`);
      const res = await get(`cases.geojson?${PERIOD}`);
      expect(res.status).toBe(200);
      const gj = (await res.json()) as { type: string; features: { geometry: { coordinates: number[] }; properties: { id: number; light: string } }[] };
      expect(gj.type).toBe('FeatureCollection');
      expect(gj.features).toHaveLength(bin.length);
      expect(gj.features.every((ft, i) => ft.properties.id === bin.columns.id[i])).toBe(true);
      const i = 777;
      expect(Math.abs(gj.features[i].geometry.coordinates[0] - (bin.columns.x[i] + ORIGIN[0]))).toBeLessThan(1e-6);
    }));
});

// layer, SQL for its features, whether it has polygons
const POLYGON_LAYERS: [string, string][] = [
  ['districts.bin', 'select geom from districts'],
  ['townships.bin', 'select geom from townships'],
  ['grids.bin', "select geom from unit_grids where status = 'active'"],
  ['responsibility-grids.bin', 'select geom from responsibility_grids'],
  ['communities.bin', 'select geom from property_communities'],
];

type FeatureMeta = FeatureFeedMeta & { props: Record<string, unknown[]> };

describe.each(POLYGON_LAYERS)('%s', (file, from) => {
  it('has every feature, part, ring and vertex of the table, with consistent indices and closed rings', () =>
    inSuite(async () => {
      const f = await feed<FeatureMeta>(file);
      const want = await one<{ n: number; parts: number; rings: number; vertices: number }>(
        sql`select count(*)::int as n, sum(ST_NumGeometries(geom))::int as parts, sum(ST_NRings(geom))::int as rings, sum(ST_NPoints(geom))::int as vertices
            from (${sql.raw(from)}) x`,
      );
      expect(f.length).toBe(want.n);
      expect(f.meta.codes).toHaveLength(want.n);
      expect(f.meta.names).toHaveLength(want.n);
      for (const [k, v] of Object.entries(f.meta.props)) expect(v, `props.${k}`).toHaveLength(want.n);
      const { positions, polygonIndices: parts, primitivePolygonIndices: rings, partFeature } = f.columns;
      const vertices = positions.length / 2;
      expect(vertices).toBe(want.vertices);
      expect(parts).toHaveLength(want.parts + 1);
      expect(rings).toHaveLength(want.rings + 1);
      expect(partFeature).toHaveLength(want.parts);
      expect(parts[0]).toBe(0);
      expect(rings[0]).toBe(0);
      expect(parts[parts.length - 1]).toBe(vertices);
      expect(rings[rings.length - 1]).toBe(vertices);
      const ringStarts = new Set(rings);
      for (let p = 0; p < parts.length - 1; p++) {
        expect(parts[p + 1], `part ${p} is not empty`).toBeGreaterThan(parts[p]);
        expect(ringStarts.has(parts[p]), `part ${p} starts a ring`).toBe(true);
        if (p > 0) expect(partFeature[p]).toBeGreaterThanOrEqual(partFeature[p - 1]);
      }
      expect(new Set(partFeature).size, 'every feature has a part').toBe(want.n);
      for (let r = 0; r < rings.length - 1; r++) {
        const a = rings[r];
        const b = rings[r + 1] - 1;
        if (b - a < 3) throw new Error(`ring ${r} has ${b - a + 1} vertices`);
        if (positions[2 * a] !== positions[2 * b] || positions[2 * a + 1] !== positions[2 * b + 1]) throw new Error(`ring ${r} is not closed`);
      }
    }));

  it('puts a sample feature where the database has it (first vertex and label within 1e-6°)', () =>
    inSuite(async () => {
      const f = await feed<FeatureMeta>(file);
      const { positions, polygonIndices, partFeature, labelX, labelY } = f.columns;
      const i = Math.floor(f.length / 2);
      const code = f.meta.codes[i];
      const key = file === 'communities.bin' ? sql`id = ${Number(code)}` : sql`code = ${code}`;
      const table = { 'districts.bin': 'districts', 'townships.bin': 'townships', 'grids.bin': 'unit_grids', 'responsibility-grids.bin': 'responsibility_grids', 'communities.bin': 'property_communities' }[file]!;
      const r = await one<{ x: number; y: number; lx: number; ly: number }>(
        sql`select ST_X(p)::float8 as x, ST_Y(p)::float8 as y, ST_X(l)::float8 as lx, ST_Y(l)::float8 as ly
            from (select ST_PointN(ST_ExteriorRing(ST_GeometryN(geom, 1)), 1) as p, ST_PointOnSurface(geom) as l
                  from ${sql.identifier(table)} where ${key} ${file === 'grids.bin' ? sql`and status = 'active'` : sql``}) x`,
      );
      const firstPart = partFeature.indexOf(i);
      const v = polygonIndices[firstPart];
      expect(Math.abs(positions[2 * v] + ORIGIN[0] - r.x)).toBeLessThan(1e-6);
      expect(Math.abs(positions[2 * v + 1] + ORIGIN[1] - r.y)).toBeLessThan(1e-6);
      expect(Math.abs(labelX[i] + ORIGIN[0] - r.lx)).toBeLessThan(1e-6);
      expect(Math.abs(labelY[i] + ORIGIN[1] - r.ly)).toBeLessThan(1e-6);
    }));
});

describe('point layers', () => {
  it.each([
    ['villages.bin', 'villages', 'code'],
    ['clinics.bin', 'clinics', 'code'],
  ])('%s has every row of %s at its position', (file, table, key) =>
    inSuite(async () => {
      const f = await feed<FeatureMeta>(file);
      const want = await one<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(table)}`);
      expect(f.length).toBe(want.n);
      expect(f.meta.codes).toHaveLength(want.n);
      expect(f.columns.x).toHaveLength(want.n);
      for (const i of [0, f.length - 1]) {
        const r = await one<{ x: number; y: number; name: string }>(sql`select ST_X(geom)::float8 as x, ST_Y(geom)::float8 as y, name from ${sql.identifier(table)} where ${sql.identifier(key)} = ${f.meta.codes[i]}`);
        expect(Math.abs(f.columns.x[i] + ORIGIN[0] - r.x)).toBeLessThan(1e-6);
        expect(Math.abs(f.columns.y[i] + ORIGIN[1] - r.y)).toBeLessThan(1e-6);
        expect(f.meta.names[i]).toBe(r.name);
      }
    }));

  it('grids.bin ids are the unit grid ids and carry their props', () =>
    inSuite(async () => {
      const f = await feed<FeatureMeta>('grids.bin');
      const i = 100;
      const r = await one<{ code: string; village_code: string }>(sql`select code::text as code, village_code::text as village_code from unit_grids where id = ${f.columns.id[i]}`);
      expect(f.meta.codes[i]).toBe(r.code);
      expect(f.meta.props.villageCode[i]).toBe(r.village_code);
    }));
});

describe('HTTP behaviour', () => {
  it('sends binary with a strong ETag, no-cache and Vary, and answers a matching If-None-Match with 304 and no body', () =>
    inSuite(async () => {
      const res = await get('grids.bin');
      expect(res.headers.get('content-type')).toBe('application/octet-stream');
      // private: answers depend on who asks (the case feed is scoped)
      expect(res.headers.get('cache-control')).toBe('private, no-cache');
      expect(res.headers.get('vary')).toBe('Accept-Encoding, Cookie, X-Display-Token');
      const etag = res.headers.get('etag')!;
      expect(etag).toMatch(/^"[^"]+"$/);
      const again = await get('grids.bin', { 'If-None-Match': etag });
      expect(again.status).toBe(304);
      expect((await again.arrayBuffer()).byteLength).toBe(0);
      expect((await get('grids.bin', { 'If-None-Match': '"something-else"' })).status).toBe(200);
    }));

  it('sends gzip when asked, the same bytes once inflated', () =>
    inSuite(async () => {
      const plain = new Uint8Array(await (await get(`cases.bin?${PERIOD}`)).arrayBuffer());
      const res = await get(`cases.bin?${PERIOD}`, { 'Accept-Encoding': 'gzip, deflate, br' });
      expect(res.headers.get('content-encoding')).toBe('gzip');
      const zipped = new Uint8Array(await res.arrayBuffer());
      expect(zipped.byteLength).toBeLessThan(plain.byteLength);
      expect(Buffer.compare(gunzipSync(zipped), plain)).toBe(0);
      expect((await get(`cases.bin?${PERIOD}`, { 'If-None-Match': res.headers.get('etag')! })).status).toBe(304);
      expect((await get('clinics.bin', { 'Accept-Encoding': 'identity' })).headers.get('content-encoding')).toBeNull();
    }));

  it('changes the ETag when the data changes (an update bumps the stamp)', () =>
    inSuite(async () => {
      const before = (await get('clinics.bin')).headers.get('etag');
      expect((await get('clinics.bin')).headers.get('etag')).toBe(before);
      await db.execute(sql`update clinics set name = name where id = (select min(id) from clinics)`);
      expect((await get('clinics.bin')).headers.get('etag')).not.toBe(before);
    }));

  it.each([
    ['cases.bin?from=yesterday', 'from', /from must be an ISO date-time/],
    [`cases.bin?from=${encodeURIComponent(CASE_TARGETS.periodEnd)}&to=${encodeURIComponent(CASE_TARGETS.periodStart)}`, 'to', /from must be before to/],
    ['cases.bin?to=2022-09-01', 'to', /to must be an ISO date-time/],
  ])('answers %s with 400 and field errors', (path, field, message) =>
    inSuite(async () => {
      const res = await get(path);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: string; fieldErrors: Record<string, string[]> };
      expect(body.error).toMatch(message);
      expect(body.fieldErrors[field]?.[0]).toMatch(message);
    }));

  it('rejects unknown parameters instead of ignoring them', () =>
    inSuite(async () => {
      const res = await get('cases.bin?form=2022-01-01T00:00:00%2B08:00');
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/unknown parameter 'form'/);
    }));

  it('the browser says a feed refusal in the UI\'s language, with its parameters and field issues (client/lib/feeds.ts)', () =>
    inSuite(async () => {
      // the browser's fetch, answered by this server (its cookie as the browser would send it)
      vi.stubGlobal('fetch', (url: string) => app.request(url, { headers: { cookie: session.cookie } }));
      try {
        const refusal = async (path: string) => fetchFeed(`/api/layers/${path}`).then(() => expect.unreachable(`${path} was served`), (e: unknown) => e);
        const badFrom = await refusal('cases.bin?from=yesterday');
        // the field named in Chinese with what it must be (the issues arrive), no English left
        expect(errorText(badFrom, 'zh')).toMatch(/^输入有误：开始时间 /);
        expect(errorText(badFrom, 'zh')).not.toMatch(/[A-Za-z]{5,}/);
        const unknown = await refusal('rivers.bin');
        expect(errorText(unknown, 'en')).toContain('clinics.bin'); // the known layers: the refusal's parameters arrive
        expect(isRefusal(badFrom) && isRefusal(unknown)).toBe(true); // neither is asked again
      } finally {
        vi.unstubAllGlobals();
      }
    }));

  it('answers an unknown layer with 404 naming the known ones', () =>
    inSuite(async () => {
      const res = await get('rivers.bin');
      expect(res.status).toBe(404);
      const body = (await res.json()) as { error: string };
      expect(body.error).toMatch(/unknown layer 'rivers.bin'; known: .*cases\.bin.*grids\.bin/);
    }));

  it.each([
    ['42P01', 500, /The database could not answer \(data stamp of clinics\)/],
    ['57014', 503, /took too long/],
  ])('turns a database failure (%s) into %i with a named message, never SQL', (code, status, message) =>
    inSuite(async () => {
      const err = Object.assign(new Error('relation "clinics" does not exist\nselect secret from clinics'), { code });
      // only the clinics queries fail: signing in still works
      const dialect = new PgDialect();
      const broken = { ...engine, db: { execute: (q: SQL) => (dialect.sqlToQuery(q).sql.includes('clinics') ? Promise.reject(err) : engine.db.execute(q)) } } as unknown as Engine;
      const res = await createApp(broken, { now: () => TEST_NOW }).request('/api/layers/clinics.bin', { headers: { cookie: session.cookie } });
      expect(res.status).toBe(status);
      const body = (await res.json()) as { error: string };
      expect(body.error).toMatch(message);
      expect(JSON.stringify(body)).not.toMatch(/select|secret|relation/);
    }));
});
