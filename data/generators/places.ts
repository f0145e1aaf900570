// Districts, townships and villages of the demo city. District outlines are real (converted
// from the registry package); township and village territories are synthetic Voronoi tilings
// (cg_tessellate) and village centres are synthetic: illustrative only.
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { readDistricts, readDivision } from './sources.ts';
import { townshipKind, villageKind } from '../../domain/codes.ts';
import { apportion, createRandom, hashSeed } from './random.ts';
import { tessellate, tessellationCells } from './tessellate.ts';
import { insertChecked } from './insert-checked.ts';

/**
 * Census 2020 resident population by county (七普). Seven are exact bulletin figures; four
 * (marked rounded) are rounded secondary figures, scaled here so the 11 sum to the published
 * city total of 5,054,328.
 */
export const CENSUS_2020 = {
  cityTotal: 5054328,
  districts: [
    { code: '350602', population: 638060, exact: true },
    { code: '350603', population: 301900, exact: false },
    { code: '350604', population: 952000, exact: true },
    { code: '350605', population: 228200, exact: false },
    { code: '350622', population: 411558, exact: true },
    { code: '350623', population: 847535, exact: true },
    { code: '350624', population: 560969, exact: true },
    { code: '350626', population: 212200, exact: false },
    { code: '350627', population: 305300, exact: false },
    { code: '350628', population: 455042, exact: true },
    { code: '350629', population: 134276, exact: true },
  ],
};

/** The urban core: the streets (街道) of these districts, about this many km², around this centre (WGS-84). */
export const CORE = { districts: ['350602', '350603'], areaKm2: 85, centre: [117.652, 24.512] as [number, number] };

/** Relative population weight of a township and village by kind (seed policy, not a census figure). */
const TOWNSHIP_WEIGHT = { street: 3, town: 1, township: 0.6, other: 0.12 } as const;
const VILLAGE_WEIGHT = { community: 1.6, village: 1, other: 0.15 } as const;

export function districtPopulations(): Map<string, { population: number; source: string }> {
  const exact = CENSUS_2020.districts.filter((d) => d.exact);
  const rounded = CENSUS_2020.districts.filter((d) => !d.exact);
  const left = CENSUS_2020.cityTotal - exact.reduce((a, d) => a + d.population, 0);
  const scaled = apportion(left, rounded.map((d) => d.population));
  const out = new Map<string, { population: number; source: string }>();
  exact.forEach((d) => out.set(d.code, { population: d.population, source: 'census2020' }));
  rounded.forEach((d, i) => out.set(d.code, { population: scaled[i], source: 'census2020-rounded-scaled' }));
  return out;
}

export async function seedPlaces(db: Db, seed: number): Promise<void> {
  const rnd = createRandom(seed).fork('places');
  const districts = readDistricts();
  const { townships, villages } = readDivision();
  const pops = districtPopulations();

  await insertChecked(db, districts.length, sql`
    insert into districts (code, name, name_en, population, population_source, geom)
    select d.code, d.name, d.name_en, d.population, d.source,
           ST_Multi(ST_CollectionExtract(ST_ReducePrecision(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(d.geojson), 4326)), 1e-9), 3))
    from unnest(${sql.param(districts.map((d) => d.code))}::text[], ${sql.param(districts.map((d) => d.name))}::text[],
                ${sql.param(districts.map((d) => d.nameEn))}::text[], ${sql.param(districts.map((d) => pops.get(d.code)!.population))}::int[],
                ${sql.param(districts.map((d) => pops.get(d.code)!.source))}::text[], ${sql.param(districts.map((d) => JSON.stringify(d.geometry)))}::text[])
      as d(code, name, name_en, population, source, geojson)`, 'districts');

  // The core: a disc around the centre, clipped to the core districts, grown until it holds CORE.areaKm2.
  const radius = await coreRadius(db);
  await db.execute(sql`create temp table core_region as
    select d.code as district_code,
           ST_Multi(ST_CollectionExtract(ST_Intersection(d.geom, ST_Buffer(ST_SetSRID(ST_MakePoint(${CORE.centre[0]}, ${CORE.centre[1]}), 4326)::geography, ${radius})::geometry, 1e-9), 3)) as geom
    from districts d where d.code in (${sql.join(CORE.districts.map((c) => sql`${c}`), sql`, `)})`);

  // Township populations, then the regions each group of townships tiles.
  const townshipPop = new Map<string, number>();
  for (const d of districts) {
    const own = townships.filter((t) => t.districtCode === d.code);
    const seat = own.find((t) => townshipKind(t.code) === 'town');
    const weights = own.map((t) => TOWNSHIP_WEIGHT[townshipKind(t.code)] * (t === seat ? 2 : 1) * rnd.range(0.7, 1.3));
    apportion(pops.get(d.code)!.population, weights).forEach((p, i) => townshipPop.set(own[i].code, p));
  }
  const inCore = (t: { code: string; districtCode: string }) => CORE.districts.includes(t.districtCode) && townshipKind(t.code) === 'street';
  const groups: { district: string; core: boolean; members: typeof townships }[] = [];
  for (const d of districts) {
    const own = townships.filter((t) => t.districtCode === d.code);
    if (CORE.districts.includes(d.code)) {
      groups.push({ district: d.code, core: true, members: own.filter(inCore) });
      groups.push({ district: d.code, core: false, members: own.filter((t) => !inCore(t)) });
    } else groups.push({ district: d.code, core: false, members: own });
  }
  for (const g of groups) {
    const region = g.core
      ? sql`(select geom from core_region where district_code = ${g.district})`
      : CORE.districts.includes(g.district)
        ? sql`(select ST_Multi(ST_CollectionExtract(ST_Difference(d.geom, c.geom, 1e-9), 3)) from districts d join core_region c on c.district_code = d.code where d.code = ${g.district})`
        : sql`(select geom from districts where code = ${g.district})`;
    await insertTessellated(db, {
      region,
      seed: hashSeed(seed, `townships:${g.district}:${g.core}`),
      rows: g.members.map((t) => ({ code: t.code, name: t.name, kind: townshipKind(t.code), population: townshipPop.get(t.code)!, inCore: g.core })),
      insert: (cells) => sql`
        insert into townships (code, district_code, name, kind, population, in_core, geom)
        select r.code, ${g.district}, r.name, r.kind, r.population, r.in_core, c.cell from ${cells}`,
    });
  }

  // Villages: a tiling of each township; the relaxed Voronoi site is the village centre.
  const byTownship = new Map<string, typeof villages>();
  for (const v of villages) byTownship.set(v.townshipCode, [...(byTownship.get(v.townshipCode) ?? []), v]);
  for (const t of townships) {
    const own = byTownship.get(t.code) ?? [];
    const weights = own.map((v) => VILLAGE_WEIGHT[villageKind(v.code)] * rnd.range(0.6, 1.4));
    const vp = apportion(townshipPop.get(t.code)!, weights);
    await insertTessellated(db, {
      region: sql`(select geom from townships where code = ${t.code})`,
      seed: hashSeed(seed, `villages:${t.code}`),
      rows: own.map((v, i) => ({ code: v.code, name: v.name, kind: villageKind(v.code), population: vp[i], inCore: inCore(t) })),
      insert: (cells) => sql`
        insert into villages (code, township_code, district_code, name, kind, population, in_core, geom, area, lng, lat)
        select r.code, ${t.code}, ${t.districtCode}, r.name, r.kind, r.population, r.in_core, c.site, c.cell, ST_X(c.site), ST_Y(c.site)
        from ${cells}`,
    });
  }
  await settleVillageTerritories(db);
}

/**
 * Makes the village territories one clean coverage, and each township the union of its villages.
 * Each village was clipped from its own township's Voronoi diagram, and the townships from
 * district outlines that overlap and gap a little (the registry's outlines, up to ~1 ha at two
 * district borders): neighbours did not share identical edges, so they overlapped in slivers.
 * Here every village boundary is noded at once on the 1e-9° grid (snap-rounding; the inputs are
 * already on it), the linework polygonized into faces, and each face given to the village that
 * holds its interior point (the lowest code where two overlapped; a face in none, a gap between
 * the registry's districts, to none). A village is the union of its faces, so neighbours share
 * identical vertices and no two overlap; the unit grids are cut from this coverage (grids.ts).
 * Top-level statements, each checked (docs/decisions/0003-pglite-geos-traps.md).
 */
async function settleVillageTerritories(db: Db): Promise<void> {
  const [n] = await rows<{ villages: number }>(db, sql`select count(*)::int as villages from villages`);
  await db.execute(sql`create temp table village_faces as
    select v.code, f.face
    from (select ST_Polygonize(lines) as faces from (select ST_UnaryUnion(ST_Collect(ST_Boundary(area)), 1e-9) as lines from villages) l) p,
         lateral (select d.geom as face, ST_PointOnSurface(d.geom) as inner from ST_Dump(p.faces) d) f,
         lateral (select v.code from villages v where v.area && f.inner and ST_Intersects(v.area, f.inner) order by v.code limit 1) v`);
  await insertChecked(db, n.villages, sql`
    update villages v set area = u.area
    from (select code, ST_Multi(ST_CollectionExtract(ST_UnaryUnion(ST_Collect(face), 1e-9), 3)) as area from village_faces group by code) u
    where u.code = v.code and not ST_IsEmpty(u.area)`, 'village territories (one coverage)');
  await db.execute(sql`drop table village_faces`);
  await uniteTownships(db);
}

/** Redraws every township as the union of its villages' territories (they share exact edges: a plain union). Checked. */
export async function uniteTownships(db: Db): Promise<void> {
  const [n] = await rows<{ townships: number }>(db, sql`select count(distinct township_code)::int as townships from villages`);
  await insertChecked(db, n.townships, sql`
    update townships t set geom = u.geom
    from (select township_code, ST_Multi(ST_CollectionExtract(ST_UnaryUnion(ST_Collect(area)), 3)) as geom from villages group by township_code) u
    where u.township_code = t.code and not ST_IsEmpty(u.geom)`, 'townships (unions of their villages)');
}

interface TessellatedRow {
  code: string;
  name: string;
  kind: string;
  population: number;
  inCore: boolean;
}

/**
 * Tiles `region` into one cell per row and inserts them: rows (in code order) are matched to
 * cells ordered north→south, west→east, so neighbouring codes lie near each other.
 * `insert` receives a FROM clause exposing `r` (the row) and `c` (k, site, cell).
 */
async function insertTessellated(
  db: Db,
  opts: { region: SQL; seed: number; rows: TessellatedRow[]; insert: (from: SQL) => SQL },
): Promise<void> {
  const t = await tessellate(db, opts.region, opts.rows.length, opts.seed);
  if (!t) return;
  const from = sql`
    (select c.*, row_number() over (order by ST_Y(c.site) desc, ST_X(c.site)) as rank
       from ${tessellationCells(opts.region, t)}) c
    join unnest(${sql.param(opts.rows.map((r) => r.code))}::text[], ${sql.param(opts.rows.map((r) => r.name))}::text[],
                ${sql.param(opts.rows.map((r) => r.kind))}::text[], ${sql.param(opts.rows.map((r) => r.population))}::int[],
                ${sql.param(opts.rows.map((r) => r.inCore))}::boolean[]) with ordinality
      as r(code, name, kind, population, in_core, rank) on r.rank = c.rank`;
  await insertChecked(db, opts.rows.length, opts.insert(from), `tessellation from ${opts.rows[0].code}`);
}

/** Radius in metres of the disc that, clipped to the core districts, covers CORE.areaKm2 (bisection). */
async function coreRadius(db: Db): Promise<number> {
  let lo = 1000;
  let hi = 20000;
  for (let i = 0; i < 18; i++) {
    const mid = (lo + hi) / 2;
    const [res] = await rows<{ km2: number }>(
      db,
      sql`
      select ST_Area(ST_Intersection(ST_Union(d.geom), ST_Buffer(ST_SetSRID(ST_MakePoint(${CORE.centre[0]}, ${CORE.centre[1]}), 4326)::geography, ${mid})::geometry)::geography) / 1e6 as km2
      from districts d where d.code in (${sql.join(CORE.districts.map((c) => sql`${c}`), sql`, `)})`,
    );
    if (Number(res.km2) < CORE.areaKm2) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
