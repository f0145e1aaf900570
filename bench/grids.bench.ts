// The grid editor's checks (docs/decisions/0027-grid-editor.md), on a generated district of 10,000
// cells (100 communities of 10 × 10 square cells of 150 m, a clean tiling; illustrative), each
// against the bare PostGIS query doing the same work, measured in the same run:
// - validating one reshaped cell against its neighbours and its community, as grids.validate does
//   (floating overlay, snap-rounded again only on a failure) (goal ≤ 30 ms on the
//   server engine; ratio ≤ 1.5 against the bare overlap, outside and gap queries for that cell);
// - the whole district's report (invalid, outside, overlaps, gaps; goal ≤ 2 s on the server
//   engine; ratio ≤ 1.5 against the bare self-join and per-community difference).
// The embedded engine is reported (no goal: one process, one statement at a time). The server
// engine runs when DATABASE_URL is set (a throwaway database). Smoke: 400 cells, one repetition.
import { sql } from 'drizzle-orm';
import { migrateEngine, openEngine, rows, type Engine } from '../db/engine.ts';
import { checkCells, districtReport, sphereArea } from '../server/grids/grid-check-queries.ts';
import { gridRules } from '../server/settings/settings.ts';
import type { CellGeometry, Position } from '../domain/grid-rules.ts';
import { entry, repeat, type BenchEntry } from './harness.ts';
import { sized } from './smoke.ts';
import { createServerDatabase, dropServerDatabase } from '../tests/support/server-db.ts';

const SIDE = sized(10, 2); // communities per side
const CELLS = 10; // cells per community side
const STEP = 150 / 111_320; // 150 m in degrees of latitude (longitude scaled below)
const X0 = 117.3, Y0 = 24.3;
const KX = 1 / Math.cos((Y0 * Math.PI) / 180);
const DISTRICT = '359999';
const ms = (x: number) => Math.round(x * 10) / 10;

/** The generated district: a district, a township, SIDE² communities, SIDE² × 100 cells. */
async function generate(engine: Engine): Promise<void> {
  const db = engine.db;
  const n = SIDE * CELLS;
  const env = (x0: string, y0: string, x1: string, y1: string) => sql.raw(`ST_MakeEnvelope(${x0}, ${y0}, ${x1}, ${y1}, 4326)`);
  const gx = (i: string) => `${X0} + (${i}) * ${STEP * KX}`;
  const gy = (j: string) => `${Y0} + (${j}) * ${STEP}`;
  await db.execute(sql`insert into districts (code, name, name_en, population, population_source, geom)
    values (${DISTRICT}, '基准区', 'Bench district', 0, 'generated', ST_Multi(${env(gx('0'), gy('0'), gx(String(n)), gy(String(n)))}))`);
  await db.execute(sql`insert into townships (code, district_code, name, kind, population, in_core, geom)
    values (${`${DISTRICT}001`}, ${DISTRICT}, '基准街道', 'street', 0, true, ST_Multi(${env(gx('0'), gy('0'), gx(String(n)), gy(String(n)))}))`);
  await db.execute(sql`insert into villages (code, township_code, district_code, name, kind, population, in_core, geom, area, lng, lat)
    select ${`${DISTRICT}001`} || lpad((a * ${SIDE} + b + 1)::text, 3, '0'), ${`${DISTRICT}001`}, ${DISTRICT}, '基准社区' || (a * ${SIDE} + b + 1), 'community', 0, true,
           ST_Centroid(e), e, ST_X(ST_Centroid(e)), ST_Y(ST_Centroid(e))
    from generate_series(0, ${SIDE - 1}) a, generate_series(0, ${SIDE - 1}) b,
         lateral (select ST_Multi(${env(gx(`b * ${CELLS}`), gy(`a * ${CELLS}`), gx(`(b + 1) * ${CELLS}`), gy(`(a + 1) * ${CELLS}`))}) as e) x`);
  await db.execute(sql`insert into unit_grids (code, version, status, valid_from, village_code, township_code, district_code, area_m2, geom)
    select v.code || lpad((r * ${CELLS} + c + 1)::text, 3, '0'), 1, 'active', now(), v.code, v.township_code, v.district_code, ${sphereArea(sql`e`)}, e
    from villages v, generate_series(0, ${CELLS - 1}) r, generate_series(0, ${CELLS - 1}) c,
         lateral (select ST_Multi(ST_MakeEnvelope(ST_XMin(v.area) + c * ${STEP * KX}::float8, ST_YMax(v.area) - (r + 1) * ${STEP}::float8,
                                                  ST_XMin(v.area) + (c + 1) * ${STEP * KX}::float8, ST_YMax(v.area) - r * ${STEP}::float8, 4326)) as e) x
    where v.district_code = ${DISTRICT}`);
  await db.execute(sql`analyze unit_grids`);
  await db.execute(sql`analyze villages`);
}

/** One cell in the middle of the district with a vertex pulled 10 m inward (a reshape its neighbours follow). */
async function middleCell(engine: Engine): Promise<{ id: number; village: string; geometry: CellGeometry }> {
  const [c] = await rows<{ id: number; village: string; geojson: string }>(
    engine.db,
    sql`select id, village_code::text as village, ST_AsGeoJSON(geom, 15) as geojson from unit_grids where district_code = ${DISTRICT} order by code offset ${Math.floor((SIDE * SIDE * 100) / 2) + 55} limit 1`,
  );
  const g = JSON.parse(c.geojson) as { coordinates: Position[][][] };
  const ring = g.coordinates[0][0].map((p) => [...p] as Position);
  ring[1] = [ring[1][0] - 10 / 111_320, ring[1][1]];
  ring[ring.length - 1] = ring[0];
  return { id: c.id, village: c.village, geometry: { type: 'Polygon', coordinates: [ring] } };
}

async function engineBench(engine: Engine, label: string, server: boolean): Promise<BenchEntry[]> {
  await generate(engine);
  const rules = await gridRules(engine.db);
  const cell = await middleCell(engine);
  const reps = sized(7, 1);
  const subject = [{ ref: 'bench', villageCode: cell.village, geometry: cell.geometry }];
  await checkCells(engine.db, rules, subject, [cell.id], [cell.village], 'fast'); // warm
  const ours = await repeat(reps, () => checkCells(engine.db, rules, subject, [cell.id], [cell.village], 'fast'));
  // bare: the same three questions for that one cell, written plainly
  const gj = JSON.stringify(cell.geometry);
  const bare = await repeat(reps, async () => {
    await rows(engine.db, sql`select ST_IsValidDetail(ST_SetSRID(ST_GeomFromGeoJSON(${gj}), 4326))`);
    await rows(engine.db, sql`with s as (select ST_SetSRID(ST_GeomFromGeoJSON(${gj}), 4326) as g)
      select u.code, ST_Area(ST_Intersection(s.g, u.geom)) from s, unit_grids u where u.valid_to is null and u.id <> ${cell.id} and u.geom && s.g and ST_Relate(s.g, u.geom, '2********')`);
    await rows(engine.db, sql`with s as (select ST_SetSRID(ST_GeomFromGeoJSON(${gj}), 4326) as g) select ST_Area(ST_Difference(s.g, v.area)) from s, villages v where v.code = ${cell.village}`);
    await rows(engine.db, sql`with s as (select ST_SetSRID(ST_GeomFromGeoJSON(${gj}), 4326) as g)
      select ST_Area(ST_Difference(v.area, ST_Union(x.g))) from villages v,
        (select geom as g from unit_grids where village_code = ${cell.village} and valid_to is null and id <> ${cell.id} union all select g from s) x
      where v.code = ${cell.village} group by v.area`);
  });
  await districtReport(engine.db, rules, DISTRICT);
  const report = await repeat(sized(3, 1), () => districtReport(engine.db, rules, DISTRICT));
  const bareReport = await repeat(sized(3, 1), async () => {
    await rows(engine.db, sql`select count(*) from unit_grids a join unit_grids b on a.id < b.id and a.geom && b.geom and ST_Relate(a.geom, b.geom, '2********')
      where a.district_code = ${DISTRICT} and b.district_code = ${DISTRICT} and a.valid_to is null and b.valid_to is null`);
    await rows(engine.db, sql`select count(*) from unit_grids u join villages v on v.code = u.village_code where u.district_code = ${DISTRICT} and u.valid_to is null and not ST_CoveredBy(u.geom, v.area)`);
    await rows(engine.db, sql`select v.code, ST_Area(ST_Difference(v.area, (select ST_Union(geom) from unit_grids u where u.village_code = v.code and u.valid_to is null))) from villages v where v.district_code = ${DISTRICT}`);
  });
  const cells = SIDE * SIDE * 100;
  return [
    entry({ name: `grids: validate one reshaped cell, ${label} (${cells}-cell district)`, value: ms(ours), unit: 'ms', baseline: ms(bare), target: server ? '≤ 30 ms, ratio ≤ 1.5' : 'reported', met: !server || (ours <= 30 && ours / bare <= 1.5), note: 'baseline: the bare validity, overlap, outside and gap queries for that cell' }),
    entry({ name: `grids: whole-district report, ${label} (${cells} cells)`, value: ms(report), unit: 'ms', baseline: ms(bareReport), target: server ? '≤ 2 s, ratio ≤ 1.5' : 'reported', met: !server || (report <= 2000 && report / bareReport <= 1.5), note: 'baseline: the bare self-join, cover test and per-community difference' }),
  ];
}

export async function gridsBench(): Promise<BenchEntry[]> {
  const out: BenchEntry[] = [];
  const embedded = await openEngine({ dataDir: 'memory://' });
  try {
    await migrateEngine(embedded);
    out.push(...(await engineBench(embedded, 'embedded', false)));
  } finally {
    await embedded.close();
  }
  if (process.env.DATABASE_URL) {
    const url = await createServerDatabase(process.env.DATABASE_URL, 'citygrid_bench_grids');
    const server = await openEngine({ databaseUrl: url });
    try {
      await migrateEngine(server);
      out.push(...(await engineBench(server, 'server', true)));
    } finally {
      await server.close();
      await dropServerDatabase(process.env.DATABASE_URL, url);
    }
  }
  return out;
}
