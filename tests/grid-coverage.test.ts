// The seeded unit grids are a clean coverage of the core's villages (docs/decisions/0027, seeded
// coverage), checked in SQL on the engine under test: no two current cells share any interior
// (not even a sliver), every cell lies in its village, a village's cells leave no gap of 1 m²,
// the responsibility-grid outlines are clean unions, and serials follow the numbering rule of
// domain/codes.ts. Each statement is bounded: ~4,200 cells, ~190 villages, 45 outlines.
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../db/engine.ts';
import { testEngine } from './support/test-db.ts';
import { gridRowHeight } from '../data/generators/grids.ts';
import { gridNumbering } from '../domain/codes.ts';

let db: Db;
const one = async <T>(q: ReturnType<typeof sql>) => (await rows<T>(db, q))[0];
/** The current cells: active, not retired. */
const current = sql`(select * from unit_grids where status = 'active' and valid_to is null)`;

beforeAll(async () => {
  db = (await testEngine()).db;
});

describe('the seeded unit grids', () => {
  it('have no two cells whose interiors meet (no 2-dimensional intersection at all)', async () => {
    const r = await one<{ n: number; pairs: number }>(sql`
      select (select count(*)::int from ${current} c) as n,
             count(*)::int as pairs
      from ${current} a join ${current} b on a.id < b.id and a.geom && b.geom and ST_Relate(a.geom, b.geom, '2********')`);
    expect(r.n).toBeGreaterThan(4000);
    expect(r.pairs).toBe(0);
  });

  it('lie each inside its own village (at most 0.01 m² outside, on the spheroid)', async () => {
    const r = await one<{ outside: number; worst: number }>(sql`
      select count(*) filter (where d.m2 > 0.01)::int as outside, coalesce(max(d.m2), 0)::float8 as worst
      from ${current} g join villages v on v.code = g.village_code,
           lateral (select ST_Area(ST_Difference(g.geom, v.area)::geography) as m2) d`);
    expect(r.outside).toBe(0);
    expect(r.worst).toBeLessThanOrEqual(0.01);
  });

  it('leave no gap of 1 m² in any core village', async () => {
    const r = await one<{ villages: number; empty: number; worst: number }>(sql`
      select count(*)::int as villages, count(*) filter (where u.geom is null)::int as empty,
             max(ST_Area(ST_Difference(v.area, u.geom)::geography))::float8 as worst
      from villages v
      left join (select village_code, ST_UnaryUnion(ST_Collect(geom)) as geom from ${current} c group by village_code) u on u.village_code = v.code
      where v.in_core`);
    expect(r.villages).toBeGreaterThan(150);
    expect(r.empty).toBe(0);
    expect(r.worst).toBeLessThan(1);
  });

  it('draw every responsibility-grid outline as a valid union of its cells, without slivers', async () => {
    const r = await rows<{ code: string; valid: boolean; m2: number; cells_m2: number; specks: number; pinholes: number }>(db, sql`
      select r.code, ST_IsValid(r.geom) as valid, ST_Area(r.geom::geography)::float8 as m2, s.m2::float8 as cells_m2,
             -- parts and holes under 1 m² are slivers of a union that did not close (none is a real enclave)
             (select count(*)::int from ST_Dump(r.geom) d where ST_Area(d.geom::geography) < 1) as specks,
             (select count(*)::int from ST_Dump(r.geom) p, ST_DumpRings(p.geom) d where d.path[1] > 0 and ST_Area(d.geom::geography) < 1) as pinholes
      from responsibility_grids r
      join (select responsibility_grid_id as id, sum(ST_Area(geom::geography)) as m2 from ${current} c group by responsibility_grid_id) s on s.id = r.id
      order by r.code`);
    expect(r.length).toBeGreaterThan(40);
    for (const g of r) {
      expect({ code: g.code, valid: g.valid, specks: g.specks, pinholes: g.pinholes }).toEqual({ code: g.code, valid: true, specks: 0, pinholes: 0 });
      expect(Math.abs(g.m2 - g.cells_m2) / g.cells_m2, `${g.code}: outline area against its cells`).toBeLessThan(0.001);
    }
  });

  it('number each village’s cells by the rule of domain/codes.ts (rows from the northern edge, then west→east)', async () => {
    const [core] = await rows<{ m2: number }>(db, sql`select sum(ST_Area(area::geography))::float8 as m2 from villages where in_core`);
    const cells = await rows<{ code: string; village_code: string; top: number; x: number; y: number }>(db, sql`
      select g.code, g.village_code, ST_YMax(v.area)::float8 as top, ST_X(ST_Centroid(g.geom))::float8 as x, ST_Y(ST_Centroid(g.geom))::float8 as y
      from ${current} g join villages v on v.code = g.village_code order by g.code`);
    const byVillage = new Map<string, typeof cells>();
    for (const c of cells) byVillage.set(c.village_code, [...(byVillage.get(c.village_code) ?? []), c]);
    const misnumbered: string[] = [];
    for (const own of byVillage.values()) {
      const ruled = [...own].sort(gridNumbering(own[0].top, gridRowHeight(core.m2))).map((c) => c.code);
      if (ruled.join() !== own.map((c) => c.code).join()) misnumbered.push(own[0].village_code);
    }
    expect(byVillage.size).toBeGreaterThan(150);
    expect(misnumbered).toEqual([]);
  });
});
