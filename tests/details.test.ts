// Details by id (cases, grids, responsibility grids, communities, clinics, villages) and search,
// called in-process and checked against SQL on the engine under test.
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../db/engine.ts';
import { testCaller, testEngine } from './support/test-db.ts';
import { TEST_NOW } from './support/test-config.ts';

let db: Db;
let api: Awaited<ReturnType<typeof testCaller>>;
const one = async <T>(q: ReturnType<typeof sql>) => (await rows<T>(db, q))[0];

beforeAll(async () => {
  const engine = await testEngine();
  db = engine.db;
  api = await testCaller('demo-viewer', { now: () => TEST_NOW });
});

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return { code: (err as { code?: string }).code, message: (err as Error).message };
  }
  throw new Error('expected the call to fail');
};

describe('cases.latest (a wall\'s ticker)', () => {
  it('lists the newest cases the asker may see, newest first, with no personal data; a district and a department see only theirs', async () => {
    const want = await rows<{ code: string }>(db, sql`select code from cases order by reported_at desc, id desc limit 8`);
    const city = await api.cases.latest({});
    expect(city.map((c) => c.code)).toEqual(want.map((w) => w.code));
    expect(Object.keys(city[0]).sort()).toEqual(['at', 'categoryCode', 'code', 'districtCode', 'id']);
    expect(Date.parse(city[0].at)).toBeGreaterThanOrEqual(Date.parse(city[7].at));
    const coordinator = await (await testCaller('demo-coordinator')).cases.latest({ limit: 20 });
    const inDistrict = await rows<{ code: string }>(db, sql`select code from cases where district_code = '350602' order by reported_at desc, id desc limit 20`);
    expect(coordinator.map((c) => c.code)).toEqual(inDistrict.map((w) => w.code));
    const handler = await testCaller('demo-handler');
    const mine = await handler.cases.latest({ limit: 5 });
    const dept = await one<{ id: number }>(sql`select department_id as id from users where username = 'demo-handler'`);
    const ofDept = await rows<{ code: string }>(db, sql`select code from cases where department_id = ${dept.id} order by reported_at desc, id desc limit 5`);
    expect(mine.map((c) => c.code)).toEqual(ofDept.map((w) => w.code));
  });
  it('refuses a limit outside 1 … 50', async () => {
    for (const limit of [0, 51, 1.5]) expect((await codeOf(api.cases.latest({ limit }))).code).toBe('BAD_REQUEST');
  });
});

describe('cases.byId', () => {
  it('returns a public report in full: category, department, dates, location and its event history', async () => {
    const want = await one<{ id: number; code: string; events: number; district_code: string; grid_code: string | null; phone: string | null }>(
      sql`select c.id::int as id, c.code, (select count(*)::int from case_events e where e.case_id = c.id) as events, c.district_code::text as district_code,
                 c.grid_code::text as grid_code, r.phone
          from cases c join case_reporters r on r.case_id = c.id
          where c.source = 'public' and c.status = 'closed' and c.department_id is not null and r.phone is not null order by c.id limit 1`,
    );
    const c = await api.cases.byId({ id: want.id });
    expect(c.code).toBe(want.code);
    expect(c.department).not.toBeNull();
    expect(c.location.district?.code).toBe(want.district_code);
    expect(c.location.gridCode).toBe(want.grid_code);
    expect(c.events).toHaveLength(want.events);
    expect(c.events.map((e) => e.seq)).toEqual([...c.events.map((e) => e.seq)].sort((a, b) => a - b));
    expect(c.events[0].type).toBe('report');
    expect(c.events.at(-1)?.toStatus).toBe('closed');
    expect(['onTime', 'late']).toContain(c.light);
    expect(Date.parse(c.reportedAt)).toBeGreaterThan(0);
    // the reporter only masked
    expect(JSON.stringify(c)).not.toContain(want.phone!);
    const reporter = 'reporter' in c ? c.reporter : undefined;
    expect(reporter?.phone).toBe(`${want.phone!.slice(0, 3)}****${want.phone!.slice(-4)}`);
    expect(reporter?.masked).toBe(true);
  });

  it('gives an open overdue case the red light, as the feed does', async () => {
    const r = await one<{ id: number }>(
      sql`select id::int as id from cases where status in ('dispatched', 'accepted', 'returned') and handle_due_at < ${TEST_NOW.toISOString()}::timestamptz order by id limit 1`,
    );
    expect(r, 'the seeded city has an overdue case in handling').toBeDefined();
    expect((await api.cases.byId({ id: r.id })).light).toBe('red');
  });

  it('answers a missing case with NOT_FOUND and a bad id with BAD_REQUEST', async () => {
    expect(await codeOf(api.cases.byId({ id: 2_000_000_000 }))).toEqual({ code: 'NOT_FOUND', message: 'No case with id 2000000000.' });
    expect((await codeOf(api.cases.byId({ id: -1 }))).code).toBe('BAD_REQUEST');
    expect((await codeOf(api.cases.byId({ id: 1.5 }))).code).toBe('BAD_REQUEST');
  });
});

describe('details of map features', () => {
  it('grids.byId: a unit grid with its places, responsibility grid and the cases filed in it', async () => {
    const g = await one<{ id: number; code: string; total: number; open: number; rg_code: string }>(
      // the grid first, then its counts (counted in the select list of the sorted query, they ran for every grid)
      sql`with g as (select g.id, g.code::text as code, r.code as rg_code
                     from unit_grids g join responsibility_grids r on r.id = g.responsibility_grid_id
                     where g.status = 'active' order by g.code limit 1 offset 500)
          select g.*, (select count(*)::int from cases c where c.unit_grid_id = g.id) as total,
                 (select count(*)::int from cases c where c.unit_grid_id = g.id and c.status not in ('closed', 'voided')) as open
          from g`,
    );
    const d = await api.grids.byId({ id: g.id });
    expect(d.code).toBe(g.code);
    expect(d.cases).toEqual({ total: g.total, open: g.open });
    expect(g.total).toBeGreaterThan(0);
    expect(d.responsibilityGrid?.code).toBe(g.rg_code);
    expect(d.responsibilityGrid?.inspector).toBeTruthy();
    expect(d.village.name && d.township.name && d.district.name).toBeTruthy();
    const [w, s, e, n] = d.bbox!;
    expect(w < d.lng && d.lng < e && s < d.lat && d.lat < n).toBe(true);
  });

  it('grids.responsibilityById: assignee and number of unit grids', async () => {
    const r = await one<{ id: number; grids: number }>(
      sql`select r.id, count(g.id)::int as grids from responsibility_grids r join unit_grids g on g.responsibility_grid_id = r.id and g.status = 'active' group by r.id order by r.id limit 1`,
    );
    const d = await api.grids.responsibilityById({ id: r.id });
    expect(d.gridCount).toBe(r.grids);
    expect(d.assigneeName).toBeTruthy();
    expect(d.bbox).toHaveLength(4);
  });

  it('communities.byId: company, households, party organisation, places', async () => {
    const p = await one<{ id: number; name: string; households: number; company: string }>(
      sql`select p.id, p.name, p.households, c.name as company from property_communities p join property_companies c on c.id = p.company_id order by p.id limit 1`,
    );
    const d = await api.communities.byId({ id: p.id });
    expect({ name: d.name, households: d.households, company: d.company.name }).toEqual({ name: p.name, households: p.households, company: p.company });
    expect(d.village.code).toMatch(/^\d{12}$/);
  });

  it('clinics.byId: kind, attributes, village, position', async () => {
    const c = await one<{ id: number; code: string; lng: number }>(sql`select id, code, ST_X(geom)::float8 as lng from clinics order by id limit 1`);
    const d = await api.clinics.byId({ id: c.id });
    expect(d.code).toBe(c.code);
    expect(d.lng).toBeCloseTo(c.lng, 9);
    expect(typeof d.attributes).toBe('object');
  });

  it('places.villageById: by code, and by feature index in code order (as in villages.bin)', async () => {
    const v = await one<{ code: string; name: string }>(sql`select code::text as code, name from villages order by code limit 1 offset 10`);
    expect((await api.places.villageById({ code: v.code })).name).toBe(v.name);
    expect((await api.places.villageById({ id: 10 })).code).toBe(v.code);
  });

  it.each([
    ['grids.byId', () => api.grids.byId({ id: 99_999_999 }), /No unit grid with id 99999999/],
    ['grids.responsibilityById', () => api.grids.responsibilityById({ id: 99_999_999 }), /No responsibility grid/],
    ['communities.byId', () => api.communities.byId({ id: 99_999_999 }), /No property-managed community/],
    ['clinics.byId', () => api.clinics.byId({ id: 99_999_999 }), /No clinic with id/],
    ['places.villageById', () => api.places.villageById({ code: '999999999999' }), /No village or community with code 999999999999/],
  ])('%s answers a missing id with NOT_FOUND', async (_name, call, message) => {
    const err = await codeOf(call());
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toMatch(message);
  });
});

describe('search.query', () => {
  it('finds a case by its exact code', async () => {
    const c = await one<{ id: number; code: string }>(sql`select id::int as id, code from cases order by id limit 1 offset 4242`);
    const hits = await api.search.query({ q: ` ${c.code} ` });
    expect(hits[0]).toMatchObject({ kind: 'case', id: c.id, code: c.code });
    expect(hits[0].bbox[0]).toBe(hits[0].bbox[2]);
  });

  it('finds a unit grid by its 15-digit code, and grids by a code prefix in code order', async () => {
    const g = await one<{ id: number; code: string }>(sql`select id, code::text as code from unit_grids where status = 'active' order by code limit 1 offset 1000`);
    const exact = await api.search.query({ q: g.code });
    expect(exact[0]).toMatchObject({ kind: 'grid', id: g.id, code: g.code });
    const prefix = g.code.slice(0, 9);
    const hits = await api.search.query({ q: prefix, limit: 20 });
    const grids = hits.filter((h) => h.kind === 'grid');
    const n = await one<{ n: number }>(sql`select count(*)::int as n from unit_grids where status = 'active' and code::text like ${`${prefix}%`}`);
    expect(grids).toHaveLength(Math.min(20, n.n));
    expect(grids.every((h) => h.code.startsWith(prefix))).toBe(true);
    expect(grids.map((h) => h.code)).toEqual([...grids.map((h) => h.code)].sort());
  });

  it('finds a village by name, exact matches first', async () => {
    const v = await one<{ code: string; name: string }>(sql`select code::text as code, name from villages where kind = 'village' order by code limit 1 offset 200`);
    const hits = await api.search.query({ q: v.name });
    expect(hits[0]).toMatchObject({ kind: 'village', code: v.code, label: v.name });
    const id = await one<{ id: number }>(sql`select count(*)::int as id from villages where code < ${v.code}`);
    expect(hits[0].id).toBe(id.id); // the villages.bin feature index
    const part = await api.search.query({ q: v.name.slice(0, 2), limit: 20 });
    expect(part.length).toBeGreaterThan(0);
    expect(part.every((h) => h.label.includes(v.name.slice(0, 2)))).toBe(true);
    const lengths = part.filter((h) => h.label !== v.name.slice(0, 2)).map((h) => h.label.length);
    expect(lengths).toEqual([...lengths].sort((a, b) => a - b));
  });

  it('finds a district by its English name, case-insensitively', async () => {
    const hits = await api.search.query({ q: 'LONGWEN' });
    expect(hits[0]).toMatchObject({ kind: 'district', code: '350603', labelEn: 'Longwen' });
  });

  it('returns nothing (not an error) for an unknown term', async () => {
    expect(await api.search.query({ q: 'zzzz-no-such-place' })).toEqual([]);
  });

  it.each([
    [{ q: '' }, 'q'],
    [{ q: '   ' }, 'q'],
    [{ q: 'x'.repeat(51) }, 'q'],
    [{ q: 'abc', limit: 21 }, 'limit'],
    [{ q: 'abc', limit: 0 }, 'limit'],
  ])('rejects %j with BAD_REQUEST', async (input, field) => {
    const err = await codeOf(api.search.query(input));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toContain(field);
  });
});
