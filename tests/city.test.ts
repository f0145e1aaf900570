// Invariants of the generated demo city, checked in SQL on the engine under test.
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../db/engine.ts';
import { testEngine } from './support/test-db.ts';
import { CASE_TARGETS } from '../data/generators/cases.ts';
import { GRID_TARGETS } from '../data/generators/grids.ts';
import { CLINIC_TARGETS } from '../data/generators/clinics.ts';
import { CENSUS_2020 } from '../data/generators/places.ts';
import { toWgs84 } from '../domain/coords.ts';
import { gridCode, parseGridCode } from '../domain/codes.ts';

let db: Db;
const one = async <T>(q: ReturnType<typeof sql>) => (await rows<T>(db, q))[0];

beforeAll(async () => {
  db = (await testEngine()).db;
});

describe('administrative hierarchy', () => {
  it('has 11 districts, 146 townships and 2,135 villages/communities', async () => {
    expect(await one(sql`select (select count(*)::int from districts) d, (select count(*)::int from townships) t, (select count(*)::int from villages) v`)).toEqual({ d: 11, t: 146, v: 2135 });
  });
  it('apportions the census population exactly down to villages', async () => {
    const r = await one<{ city: number; bad_d: number; bad_t: number }>(sql`
      select (select sum(population)::int from villages) city,
             (select count(*)::int from districts d where d.population <> (select sum(population) from townships t where t.district_code = d.code)) bad_d,
             (select count(*)::int from townships t where t.population <> (select sum(population) from villages v where v.township_code = t.code)) bad_t`);
    expect(r).toEqual({ city: CENSUS_2020.cityTotal, bad_d: 0, bad_t: 0 });
  });
  it('tiles every district with its townships: no gaps, no overlaps (within 0.01 % of the area)', async () => {
    const tiles = await rows<{ code: string; sym: number; sum: number }>(db, sql`
      select d.code,
             ST_Area(ST_SymDifference(d.geom, (select ST_Union(t.geom) from townships t where t.district_code = d.code), 1e-9)::geography) / ST_Area(d.geom::geography) as sym,
             (select sum(ST_Area(t.geom::geography)) from townships t where t.district_code = d.code) / ST_Area(d.geom::geography) as sum
      from districts d`);
    expect(tiles).toHaveLength(11);
    for (const t of tiles) {
      expect(t.sym, `${t.code}: area outside or missing`).toBeLessThan(1e-4);
      expect(Math.abs(t.sum - 1), `${t.code}: overlapping townships`).toBeLessThan(1e-4);
    }
  });
  it('places every village centre inside its own territory and its township', async () => {
    expect(await one(sql`select count(*)::int as n from villages v join townships t on t.code = v.township_code
                         where not ST_Intersects(v.area, v.geom) or not ST_Intersects(t.geom, v.geom)`)).toEqual({ n: 0 });
  });
  it('makes the core about 85 km² of 芗城区 and 龙文区 streets', async () => {
    const r = await one<{ km2: number; outside: number }>(sql`
      select sum(ST_Area(geom::geography))::float8 / 1e6 as km2, count(*) filter (where district_code not in ('350602', '350603') or kind <> 'street')::int as outside
      from townships where in_core`);
    expect(r.km2).toBeCloseTo(85, 0);
    expect(r.outside).toBe(0);
  });
});

describe('unit grids', () => {
  it(`has ${GRID_TARGETS.unitGrids} active unit grids and ${GRID_TARGETS.responsibilityGrids} responsibility grids`, async () => {
    expect(await one(sql`select (select count(*)::int from unit_grids where status = 'active') g, (select count(*)::int from responsibility_grids) r,
                                (select count(*)::int from unit_grids where responsibility_grid_id is null) unassigned,
                                (select count(*)::int from responsibility_grids where ST_IsEmpty(geom) or not ST_IsValid(geom)) bad_r`)).toEqual({
      g: GRID_TARGETS.unitGrids,
      r: GRID_TARGETS.responsibilityGrids,
      unassigned: 0,
      bad_r: 0,
    });
  });
  it('are valid polygons of plausible size (mean ~20,000 m²)', async () => {
    const r = await one<{ invalid: number; mean: number; empty: number }>(sql`
      select count(*) filter (where not ST_IsValid(geom))::int invalid, count(*) filter (where ST_IsEmpty(geom))::int empty, avg(area_m2)::float8 mean from unit_grids`);
    expect(r.invalid).toBe(0);
    expect(r.empty).toBe(0);
    expect(r.mean).toBeGreaterThan(15_000);
    expect(r.mean).toBeLessThan(25_000);
  });
  it('have well-formed unique 15-digit codes numbered 001… within their community', async () => {
    const r = await one<{ malformed: number; dup: number; gaps: number }>(sql`
      select count(*) filter (where code !~ '^[0-9]{15}$' or left(code, 12) <> village_code)::int malformed,
             (select count(*)::int from (select code from unit_grids group by code having count(*) > 1) d) dup,
             (select count(*)::int from (select village_code, max(right(code, 3)::int) m, count(*) n from unit_grids group by village_code) s where m <> n) gaps
      from unit_grids`);
    expect(r).toEqual({ malformed: 0, dup: 0, gaps: 0 });
    // and the shared rule (domain/codes.ts) reads each code back to the places stored with it
    const grids = await rows<{ code: string; village_code: string; township_code: string; district_code: string }>(db, sql`select code, village_code, township_code, district_code from unit_grids`);
    const misread = grids.filter((g) => {
      const p = parseGridCode(g.code);
      return !p || p.villageCode !== g.village_code || p.townshipCode !== g.township_code || p.districtCode !== g.district_code || gridCode(p.villageCode, p.serial) !== g.code;
    });
    expect(misread).toEqual([]);
  });
  it('only lie in core villages/communities and never cross a community boundary', async () => {
    const r = await one<{ outside_core: number; crossing: number }>(sql`
      select count(*) filter (where not v.in_core)::int outside_core,
             count(*) filter (where ST_Area(ST_Difference(g.geom, v.area)::geography) > 1)::int crossing
      from unit_grids g join villages v on v.code = g.village_code`);
    expect(r).toEqual({ outside_core: 0, crossing: 0 });
  });
  it('do not overlap each other', async () => {
    expect(await one(sql`
      select count(*)::int as n from unit_grids a join unit_grids b on a.id < b.id and ST_Intersects(a.geom, b.geom)
      where ST_Area(ST_Intersection(a.geom, b.geom)::geography) > 1`)).toEqual({ n: 0 });
  });
  it('leave no gaps: in every community their union covers the community area', async () => {
    const worst = await one<{ worst: number; communities: number }>(sql`
      select max(abs(u.m2 - ST_Area(v.area::geography)) / ST_Area(v.area::geography))::float8 as worst, count(*)::int as communities
      from (select village_code, ST_Area(ST_Union(geom)::geography) as m2 from unit_grids group by village_code) u
      join villages v on v.code = u.village_code`);
    expect(worst.communities).toBeGreaterThan(150);
    // cells and villages are unions of the same faces (data/generators/grids.ts): exact up to float rounding
    expect(worst.worst).toBeLessThan(5e-5);
  });
});

describe('clinics and property communities', () => {
  it(`has ${CLINIC_TARGETS.villageClinics} clinics, one in every administrative village`, async () => {
    expect(await one(sql`
      select (select count(*)::int from clinics) clinics,
             (select count(*)::int from villages v where v.kind = 'village' and not exists (select 1 from clinics c where c.village_code = v.code)) as no_clinic`)).toEqual({
      clinics: CLINIC_TARGETS.villageClinics,
      no_clinic: 0,
    });
  });
  it("puts every clinic inside its village's township", async () => {
    expect(await one(sql`select count(*)::int as n from clinics c join villages v on v.code = c.village_code join townships t on t.code = v.township_code
                         where not ST_Intersects(t.geom, c.geom)`)).toEqual({ n: 0 });
  });
  it('places managed compounds inside residential communities of the core, each run by a company', async () => {
    const r = await one<{ n: number; outside: number; no_company: number }>(sql`
      select count(*)::int n,
             count(*) filter (where ST_Area(ST_Difference(p.geom, v.area)::geography) > 1 or v.kind <> 'community' or not v.in_core)::int outside,
             count(*) filter (where c.department_id is null)::int no_company
      from property_communities p join villages v on v.code = p.village_code join property_companies c on c.id = p.company_id`);
    expect(r.n).toBeGreaterThan(300);
    expect(r.outside).toBe(0);
    expect(r.no_company).toBe(0);
  });
});

describe('cases', () => {
  const period = sql`reported_at >= ${CASE_TARGETS.periodStart}::timestamptz and reported_at < ${CASE_TARGETS.periodEnd}::timestamptz`;
  it('has 141,818 cases in Jan–Aug 2022 with the published sources', async () => {
    const bySource = await rows<{ source: string; n: number }>(db, sql`select source, count(*)::int n from cases where ${period} group by source order by source`);
    expect(Object.fromEntries(bySource.map((r) => [r.source, r.n]))).toEqual(CASE_TARGETS.sources);
  });
  it('keeps a few hundred cases open now for the live views', async () => {
    const r = await one<{ open: number; old_open: number }>(sql`
      select count(*) filter (where status not in ('closed', 'voided') and reported_at >= '2026-01-01')::int open,
             count(*) filter (where status not in ('closed', 'voided') and reported_at < '2026-01-01')::int old_open from cases`);
    // the seed reports CASE_TARGETS.openNow cases in the last days; a good share of them is still open (how many is the seed's draw)
    expect(r.open).toBeGreaterThan(CASE_TARGETS.openNow / 4);
    expect(r.old_open).toBe(0);
  });
  it('lies inside the city and in the grid, village and district recorded on it', async () => {
    const r = await one(sql`
      select count(*) filter (where d.code is null or not ST_Intersects(d.geom, c.geom))::int wrong_district,
             count(*) filter (where not ST_Intersects(v.area, c.geom))::int wrong_village,
             count(*) filter (where c.unit_grid_id is not null and not ST_Intersects(g.geom, c.geom))::int wrong_grid,
             count(*) filter (where c.area_class = 'core' and c.unit_grid_id is null)::int core_without_grid
      from cases c left join districts d on d.code = c.district_code join villages v on v.code = c.village_code
      left join unit_grids g on g.id = c.unit_grid_id`);
    expect(r).toEqual({ wrong_district: 0, wrong_village: 0, wrong_grid: 0, core_without_grid: 0 });
  });
  it('keeps the received GCJ-02 coordinates of public reports apart from the WGS-84 location, converted back by domain/coords', async () => {
    const r = await one<{ gcj: number; shift_ok: number }>(sql`
      select count(*) filter (where orig_crs = 'GCJ02')::int gcj,
             count(*) filter (where orig_crs = 'GCJ02' and orig_lng - ST_X(geom) between 0.004 and 0.0056 and ST_Y(geom) - orig_lat between 0.0022 and 0.0038)::int shift_ok
      from cases where source = 'public'`);
    expect(r.gcj).toBeGreaterThan(1000);
    expect(r.shift_ok).toBe(r.gcj); // the local GCJ-02 shift, ~490 m
    // what the API does on the way in (GCJ-02 → WGS-84) recovers the stored point within ~20 cm
    // (gcoord's inverse is an approximation: up to ~1e-6° here, against a 490 m shift)
    const sample = await rows<{ lng: number; lat: number; x: number; y: number }>(db, sql`
      select orig_lng lng, orig_lat lat, ST_X(geom) x, ST_Y(geom) y from cases where orig_crs = 'GCJ02' order by id limit 500`);
    const worst = Math.max(...sample.map((c) => { const [x, y] = toWgs84([c.lng, c.lat], 'gcj02'); return Math.max(Math.abs(x - c.x), Math.abs(y - c.y)); }));
    expect(worst).toBeLessThan(2e-6);
    const wgs = await one<{ n: number; same: number }>(sql`
      select count(*)::int n, count(*) filter (where orig_lng = ST_X(geom) and orig_lat = ST_Y(geom))::int same from cases where orig_crs = 'WGS84'`);
    expect(wgs.same).toBe(wgs.n);
  });
  it('has a consistent event history: seq 1…n, chained statuses, case status and version from the events', async () => {
    const r = await one(sql`
      with e as (select case_id, seq, from_status, to_status,
                        lag(to_status) over (partition by case_id order by seq) as prev,
                        row_number() over (partition by case_id order by seq) as rn,
                        lag(at) over (partition by case_id order by seq) as prev_at, at
                 from case_events)
      select count(*) filter (where seq <> rn)::int bad_seq,
             count(*) filter (where from_status is distinct from prev)::int broken_chain,
             count(*) filter (where at < prev_at)::int out_of_order,
             (select count(*)::int from cases c where c.status <> (select to_status from case_events x where x.case_id = c.id order by seq desc limit 1)) status_mismatch,
             (select count(*)::int from cases c where c.version <> (select count(*) from case_events x where x.case_id = c.id)) version_mismatch
      from e`);
    expect(r).toEqual({ bad_seq: 0, broken_chain: 0, out_of_order: 0, status_mismatch: 0, version_mismatch: 0 });
  });
  it('routes every dispatched case to a department', async () => {
    expect(await one(sql`select count(*)::int n from cases where department_id is null and status not in ('reported', 'verifying', 'verified', 'filed', 'voided')`)).toEqual({ n: 0 });
  });
  it('refuses to edit or delete history (the event log is append-only)', async () => {
    await expect(db.execute(sql`update case_events set reason = 'tampered' where id = (select min(id) from case_events)`)).rejects.toThrow();
    await expect(db.execute(sql`delete from case_events where id = (select min(id) from case_events)`)).rejects.toThrow();
  });
});
