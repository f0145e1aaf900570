// Routing known answers on real PostGIS (both engines), through the public dry-run
// `dispatch.route`: a point on a shared grid edge and on a vertex, on a district boundary, inside
// a managed compound, outside the city, the same place in GCJ-02 and BD-09; the rules report
// finds the seeded shadowed rule; the dry-run is limited per address and carries no personal data.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows, type Engine } from '../db/engine.ts';
import { appRouter } from '../server/router.ts';
import { createCallerFactory, type HttpFacts } from '../server/trpc.ts';
import { fromWgs84 } from '../domain/coords.ts';
import { sharedEdgeFixture, type SharedEdge } from '../data/fixtures/shared-edge.ts';
import { routeLimiter } from '../server/dispatch/route-limiter.ts';
import { actorOf, testEngine } from './support/test-db.ts';
import { outcome } from './support/procedures.ts';

const createCaller = createCallerFactory(appRouter);
let engine: Engine;
let edge: SharedEdge & { codeA: string; codeB: string; mid: [number, number] };
const nobody = (http?: Partial<HttpFacts>) => createCaller({ engine, actor: null, http: http as HttpFacts | undefined });

beforeAll(async () => {
  engine = await testEngine();
  const e = await sharedEdgeFixture(engine.db);
  const [r] = await rows<{ a: string; b: string; x: number; y: number }>(
    engine.db,
    sql`select a.code::text as a, b.code::text as b,
               ST_X(ST_LineInterpolatePoint(ST_GeometryN(ST_LineMerge(ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 2)), 1), 0.5)) as x,
               ST_Y(ST_LineInterpolatePoint(ST_GeometryN(ST_LineMerge(ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 2)), 1), 0.5)) as y
        from unit_grids a, unit_grids b where a.id = ${e.a} and b.id = ${e.b}`,
  );
  edge = { ...e, codeA: r.a, codeB: r.b, mid: [r.x, r.y] };
}, 120_000);
afterEach(() => routeLimiter.reset());

describe('dispatch.route (public dry-run)', () => {
  it('a point in the middle of an edge two grids share lies in the one with the lower code, every time', async () => {
    const want = [edge.codeA, edge.codeB].sort()[0];
    for (let i = 0; i < 3; i++) expect((await nobody().dispatch.route({ lng: edge.mid[0], lat: edge.mid[1] })).gridCode).toBe(want);
  });

  it('a vertex both grids have: the lower code too, and the hierarchy is the grid’s', async () => {
    const r = await nobody().dispatch.route({ lng: edge.lng, lat: edge.lat });
    expect(r.gridCode).toBe([edge.codeA, edge.codeB].sort()[0]);
    expect(r.villageCode).toBe(r.gridCode!.slice(0, 12)); // a grid code starts with its village's 12 digits
    expect(r.districtCode).toBe(edge.districtCode);
    expect(r.townshipCode!.startsWith(r.districtCode)).toBe(true);
    expect(r.villageCode!.startsWith(r.townshipCode!)).toBe(true);
  });

  it('a vertex on the boundary of two districts gets one of them, consistently down the hierarchy', async () => {
    const [p] = await rows<{ x: number; y: number }>(
      engine.db,
      sql`select ST_X(ST_StartPoint(ST_GeometryN(l, 1))) as x, ST_Y(ST_StartPoint(ST_GeometryN(l, 1))) as y
          from (select ST_LineMerge(ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 2)) as l from districts a, districts b where a.code = '350602' and b.code = '350603') s`,
    );
    const r1 = await nobody().dispatch.route({ lng: p.x, lat: p.y });
    const r2 = await nobody().dispatch.route({ lng: p.x, lat: p.y });
    expect(r1).toEqual(r2);
    expect(['350602', '350603']).toContain(r1.districtCode);
    if (r1.townshipCode) expect(r1.townshipCode.startsWith(r1.districtCode)).toBe(true);
  });

  it('a property matter inside a managed compound goes to its property company, with the rule as the reason', async () => {
    const [c] = await rows<{ x: number; y: number; dept: string; cat: string }>(
      engine.db,
      sql`select ST_X(ST_PointOnSurface(pc.geom)) as x, ST_Y(ST_PointOnSurface(pc.geom)) as y, d.code as dept,
                 (select code from case_categories where kind = 'event' and major_code = '09' order by code limit 1) as cat
          from property_communities pc join property_companies co on co.id = pc.company_id join departments d on d.id = co.department_id order by pc.id limit 1`,
    );
    const r = await nobody().dispatch.route({ lng: c.x, lat: c.y, category: c.cat });
    expect(r.inCompound).toBe(true);
    expect(r.unit?.code).toBe(c.dept);
    expect(r.reason).toMatch(/物业小区内/);
    expect(r.reasonEn).toMatch(/inside a managed compound/);
  });

  it('the same place sent in GCJ-02 and BD-09 lands in the same grid, village, township and district', async () => {
    const place = [edge.mid[0] + 0.0004, edge.mid[1] + 0.0002] as [number, number];
    const wgs = await nobody().dispatch.route({ lng: place[0], lat: place[1], category: 'E0104' });
    for (const crs of ['gcj02', 'bd09'] as const) {
      const [x, y] = fromWgs84(place, crs);
      const r = await nobody().dispatch.route({ lng: x, lat: y, crs, category: 'E0104' });
      expect({ ...r, lng: 0, lat: 0 }).toEqual({ ...wgs, lng: 0, lat: 0 });
      expect(Math.abs(r.lng - place[0]) + Math.abs(r.lat - place[1])).toBeLessThan(1e-5);
    }
  });

  it('refuses a point outside the city, saying which system the coordinates should be in', async () => {
    const got = await outcome(nobody().dispatch.route({ lng: 121.47, lat: 31.23 }));
    expect(got).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/outside the city.*WGS-84, GCJ-02 or BD-09/) });
  });

  it('answers places and units only: no case, no person', async () => {
    const r = await nobody().dispatch.route({ lng: edge.mid[0], lat: edge.mid[1], category: 'E0104' });
    expect(Object.keys(r).sort()).toEqual(['areaClass', 'districtCode', 'districtName', 'gridCode', 'inCompound', 'lat', 'lng', 'reason', 'reasonEn', 'townshipCode', 'townshipName', 'unit', 'villageCode', 'villageName']);
    expect(Object.keys(r.unit!).sort()).toEqual(['code', 'name', 'nameEn']);
  });

  it('is limited per address: past the limit a clear TOO_MANY_REQUESTS with when to retry; other addresses go on', async () => {
    const http = { ip: '203.0.113.7' };
    for (let i = 0; i < routeLimiter.perMinute; i++) await nobody(http).dispatch.route({ lng: edge.mid[0], lat: edge.mid[1] });
    const got = await outcome(nobody(http).dispatch.route({ lng: edge.mid[0], lat: edge.mid[1] }));
    expect(got).toMatchObject({ code: 'TOO_MANY_REQUESTS', message: expect.stringMatching(/try again in \d+ s/) });
    expect((await nobody({ ip: '203.0.113.8' }).dispatch.route({ lng: edge.mid[0], lat: edge.mid[1] })).gridCode).toBeTruthy();
  });
});

describe('dispatch.rulesReport', () => {
  it('finds the seeded rule that can never fire, and which rule takes its cases', async () => {
    const caller = createCaller({ engine, actor: await actorOf('demo-dispatcher') });
    const report = await caller.dispatch.rulesReport();
    const [old] = await rows<{ id: number; by: number }>(
      engine.db,
      sql`select r.id, (select id from dispatch_rules x where x.category_code = r.category_code and x.priority = 50) as by from dispatch_rules r where r.priority = 40 and r.category_code = 'E0104'`,
    );
    expect(report.shadowed).toContainEqual({ ruleId: old.id, by: old.by });
    expect(report.rules).toBeGreaterThan(10);
  });
});
