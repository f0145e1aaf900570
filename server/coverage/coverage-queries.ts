// Clinic coverage in PostGIS: for every demand cell (data/generators/demand.ts) and every village
// centre, the nearest clinic of a scenario (the existing clinics, less those closed, plus proposed
// sites) and the great-circle distance to it, judged with the rule of domain/coverage.ts mirrored
// in SQL: ST_Distance(geography, geography, false) is the great circle on the R1 sphere, the same
// formula as greatCircleMetres, and covered means round(metres × 1000) ≤ reach in whole
// millimetres (inclusive). Distances are metres, coordinates WGS-84 (SRID 4326).
//
// Nearest: the NEAREST_CANDIDATES nearest clinics by the isotropic index of migration 0021
// (longitudes scaled by cos 24.5°), then the least great-circle distance among them and the
// proposed sites (ties: the lower id; proposed sites are −1, −2, …).
//
// Cost. The nearest clinic of every cell today is one index probe per cell (~33k; seconds on the
// embedded engine): it is computed once per state of the clinics and the cells (a table stamp)
// and kept (`baseNearest`). A scenario then asks PostGIS again only for the places it can change:
// those whose nearest clinic it closes and those within reach of a site it proposes (at most
// MAX_PROPOSED and MAX_CLOSED, server/coverage/coverage-router.ts). The sums per village, township
// and district are plain arithmetic over those answers.
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { type Scope } from '../auth/actor.ts';
import { queryFailed, refuse } from '../query-error.ts';
import { PromiseCache } from '../promise-cache.ts';
import KDBush from 'kdbush';
import { around } from 'geokdbush';
import { COVERAGE_MODEL, DETOUR_FACTOR, MODE_SPEEDS_KMH, greatCircleMetres, isCovered, reachMetres, reachMm, type TravelMode } from '../../domain/coverage.ts';

/** A what-if: clinics closed (ids) and proposed sites (WGS-84). */
export interface Scenario {
  closed: number[];
  proposed: { lng: number; lat: number }[];
}
export const NO_SCENARIO: Scenario = Object.freeze({ closed: [], proposed: [] }) as Scenario;

export interface CoverageParams {
  mode: TravelMode;
  thresholdMinutes: number;
  scope: Scope;
  scenario: Scenario;
}

/** Villages listed by name (without a clinic, least covered): at most this many. */
export const LIST_LIMIT = 100;
/** Clinics read from the index per place before the great circle decides (the index is isotropic within ±1 %). */
export const NEAREST_CANDIDATES = 4;

const floats = (xs: number[]) => sql`${sql.param(xs)}::float8[]`;
const ints = (xs: number[]) => sql`${sql.param(xs)}::int[]`;

/** Degrees that hold `metres` in any direction anywhere in the city (a degree east is shortest at the north edge, ~25.6 °N). */
export const degreesFor = (metres: number) => (metres / (111_320 * Math.cos((27 * Math.PI) / 180))) * 1.01;

/**
 * Per row of `places` (a query exposing `geom`, SRID 4326 points): its nearest site of the
 * scenario as clinic_id (null when none is left) and metres (great circle).
 */
export function nearestSql(places: SQL, s: Scenario): SQL {
  return sql`
    select d.*, n.clinic_id, n.metres
    from (${places}) d
    left join lateral (
      select k.clinic_id, k.metres from (
        (select c.id as clinic_id, ST_Distance(c.geom::geography, d.geom::geography, false) as metres
         from clinics c where c.id <> all(${ints(s.closed)})
         order by ST_Scale(c.geom, 0.91, 1) <-> ST_Scale(d.geom, 0.91, 1) limit ${NEAREST_CANDIDATES})
        union all
        (select -p.i::int, ST_Distance(ST_SetSRID(ST_MakePoint(p.lng, p.lat), 4326)::geography, d.geom::geography, false)
         from unnest(${floats(s.proposed.map((p) => p.lng))}, ${floats(s.proposed.map((p) => p.lat))}) with ordinality as p(lng, lat, i))
      ) k
      order by k.metres, k.clinic_id limit 1
    ) n on true`;
}

/** Refuses proposed sites outside the city and closures of clinics that do not exist, and a scenario with no clinic left. */
export async function checkScenario(db: Db, s: Scenario): Promise<void> {
  let r;
  try {
    [r] = await rows<{ outside: number | null; unknown: number | null; left: number }>(
      db,
      sql`select (select min(p.i)::int from unnest(${floats(s.proposed.map((p) => p.lng))}, ${floats(s.proposed.map((p) => p.lat))}) with ordinality as p(lng, lat, i)
                  where not exists (select 1 from districts g where ST_Covers(g.geom, ST_SetSRID(ST_MakePoint(p.lng, p.lat), 4326)))) as outside,
                 (select min(x)::int from unnest(${ints(s.closed)}) x where not exists (select 1 from clinics c where c.id = x)) as unknown,
                 (select count(*)::int from clinics c where c.id <> all(${ints(s.closed)})) as left`,
    );
  } catch (err) {
    throw queryFailed('coverage scenario check', err);
  }
  if (r.outside !== null) {
    const p = s.proposed[r.outside - 1];
    throw refuse('BAD_REQUEST', 'coverage.outsideCity', { index: r.outside, lng: p.lng, lat: p.lat });
  }
  if (r.unknown !== null) throw refuse('NOT_FOUND', 'notFound', { what: 'clinic', id: r.unknown });
  if (Number(r.left) + s.proposed.length === 0) throw refuse('BAD_REQUEST', 'coverage.noClinics');
}

// ---- the nearest clinic of every place today (kept per table stamp)

export interface Base {
  stamp: string;
  /** Demand cells, id order: column arrays. */
  cells: { id: number[]; lng: number[]; lat: number[]; population: number[]; village: number[]; clinicId: number[]; metres: number[] };
  /** Villages and communities, code order (`village` above indexes this). */
  villages: { code: string; name: string; kind: string; townshipCode: string; districtCode: string; population: number; lng: number; lat: number; clinicId: number; metres: number; clinics: number[] }[];
  townships: Map<string, string>;
  districts: Map<string, string>;
  clinics: { id: number; villageCode: string; lng: number; lat: number }[];
}

/**
 * Kept per state of the data, not per connection: the key is the database's name and, for each
 * table the answer reads, its row count and newest row version (xmin). A test's rolled-back
 * transaction that changes a clinic sees its own key; two handles on one database share.
 */
const baseCache = new PromiseCache<Base>(4);

async function coverageStamp(db: Db): Promise<string> {
  const part = (t: string) => sql`(select concat(count(*), '/', max(xmin::text::bigint)) from ${sql.identifier(t)})`;
  try {
    const [r] = await rows<{ stamp: string }>(db, sql`select concat_ws(':', current_database(), ${part('clinics')}, ${part('demand_cells')}, ${part('villages')}) as stamp`);
    return r.stamp;
  } catch (err) {
    throw queryFailed('coverage data stamp', err);
  }
}

/** Today's nearest clinic of every cell and village centre, city-wide (scopes filter afterwards). */
export async function baseNearest(db: Db): Promise<Base> {
  const stamp = await coverageStamp(db);
  return baseCache.get(stamp, () => computeBase(db, stamp));
}

/** The nearest clinic of every place, computed now (no cache): what the bench times. */
export async function computeBase(db: Db, stamp: string): Promise<Base> {
  try {
    const villages = await rows<{ code: string; name: string; kind: string; township_code: string; district_code: string; population: number; lng: number; lat: number; clinic_id: number | null; metres: number | null; clinics: string | number[] | null }>(
      db,
      sql`select code::text as code, name, kind, township_code::text as township_code, district_code::text as district_code, population, lng, lat, clinic_id, metres,
                 (select array_agg(c.id order by c.id) from clinics c where c.village_code = n.code) as clinics
          from (${nearestSql(sql`select code, name, kind, township_code, district_code, population, lng, lat, geom from villages`, NO_SCENARIO)}) n order by code`,
    );
    const cells = await rows<{ id: number; lng: number; lat: number; population: number; village_code: string; clinic_id: number | null; metres: number | null }>(
      db,
      sql`select id, lng, lat, population, village_code::text as village_code, clinic_id, metres
          from (${nearestSql(sql`select id, lng, lat, population, village_code, geom from demand_cells`, NO_SCENARIO)}) n order by id`,
    );
    const clinics = await rows<{ id: number; village_code: string; lng: number; lat: number }>(
      db,
      sql`select id, village_code::text as village_code, ST_X(geom)::float8 as lng, ST_Y(geom)::float8 as lat from clinics order by id`,
    );
    const names = await rows<{ code: string; name: string; level: string }>(
      db,
      sql`select code::text as code, name, 'township' as level from townships union all select code::text, name, 'district' from districts`,
    );
    const vIndex = new Map(villages.map((v, i) => [v.code, i]));
    const ids = (v: string | number[] | null) => (v === null ? [] : Array.isArray(v) ? v.map(Number) : v.replace(/[{}]/g, '').split(',').filter(Boolean).map(Number));
    return {
      stamp,
      cells: {
        id: cells.map((c) => Number(c.id)),
        lng: cells.map((c) => Number(c.lng)),
        lat: cells.map((c) => Number(c.lat)),
        population: cells.map((c) => Number(c.population)),
        village: cells.map((c) => vIndex.get(c.village_code) ?? -1),
        clinicId: cells.map((c) => (c.clinic_id === null ? 0 : Number(c.clinic_id))),
        metres: cells.map((c) => (c.metres === null ? -1 : Number(c.metres))),
      },
      villages: villages.map((v) => ({
        code: v.code, name: v.name, kind: v.kind, townshipCode: v.township_code, districtCode: v.district_code, population: Number(v.population),
        lng: Number(v.lng), lat: Number(v.lat), clinicId: v.clinic_id === null ? 0 : Number(v.clinic_id), metres: v.metres === null ? -1 : Number(v.metres), clinics: ids(v.clinics),
      })),
      townships: new Map(names.filter((n) => n.level === 'township').map((n) => [n.code, n.name])),
      districts: new Map(names.filter((n) => n.level === 'district').map((n) => [n.code, n.name])),
      clinics: clinics.map((c) => ({ id: Number(c.id), villageCode: c.village_code, lng: Number(c.lng), lat: Number(c.lat) })),
    };
  } catch (err) {
    throw queryFailed('clinic coverage (nearest clinics)', err);
  }
}

// ---- a scenario: the places it can change, asked of PostGIS again

export interface Judged {
  /** Per cell (base order): distance to the scenario's nearest site, metres (Infinity: none). */
  cellMetres: Float64Array;
  villageMetres: Float64Array;
  /** Per village: whether it has a clinic in the scenario (its own, not closed, or a proposed site inside its territory). */
  hasClinic: Uint8Array;
}

/** Every place's distance to its nearest site under `s`, from the base and PostGIS's answer for the places `s` can change. */
export async function judgeScenario(db: Db, base: Base, s: Scenario, reachMetresMax: number): Promise<Judged> {
  const cellMetres = Float64Array.from(base.cells.metres, (m) => (m < 0 ? Infinity : m));
  const villageMetres = Float64Array.from(base.villages, (v) => (v.metres < 0 ? Infinity : v.metres));
  const closed = new Set(s.closed);
  const hasClinic = Uint8Array.from(base.villages, (v) => (v.clinics.some((id) => !closed.has(id)) ? 1 : 0));
  if (!s.closed.length && !s.proposed.length) return { cellMetres, villageMetres, hasClinic };
  const cellIds = base.cells.id.filter((_, i) => closed.has(base.cells.clinicId[i]));
  const villageCodes = base.villages.filter((v) => closed.has(v.clinicId)).map((v) => v.code);
  const deg = degreesFor(reachMetresMax);
  const near = (p: SQL) =>
    sql`exists (select 1 from unnest(${floats(s.proposed.map((x) => x.lng))}, ${floats(s.proposed.map((x) => x.lat))}) as pp(lng, lat)
                where ST_DWithin(${p}, ST_SetSRID(ST_MakePoint(pp.lng, pp.lat), 4326), ${deg}::float8))`;
  let changed;
  try {
    changed = await rows<{ kind: 'cell' | 'village'; key: string; metres: number | null; inside: boolean }>(
      db,
      sql`select 'cell' as kind, id::text as key, metres, false as inside
          from (${nearestSql(sql`select id, geom from demand_cells where id = any(${ints(cellIds)}) or ${near(sql`geom`)}`, s)}) a
          union all
          select 'village', code::text, metres,
                 exists (select 1 from unnest(${floats(s.proposed.map((x) => x.lng))}, ${floats(s.proposed.map((x) => x.lat))}) as pp(lng, lat)
                         where ST_Covers(b.area, ST_SetSRID(ST_MakePoint(pp.lng, pp.lat), 4326)))
          from (${nearestSql(sql`select code, geom, area from villages where code::text = any(${sql.param(villageCodes)}::text[]) or ${near(sql`area`)}`, s)}) b`,
    );
  } catch (err) {
    throw queryFailed('clinic coverage (scenario)', err);
  }
  const cellAt = new Map(base.cells.id.map((id, i) => [id, i]));
  const villageAt = new Map(base.villages.map((v, i) => [v.code, i]));
  for (const r of changed) {
    const m = r.metres === null ? Infinity : Number(r.metres);
    if (r.kind === 'cell') cellMetres[cellAt.get(Number(r.key))!] = m;
    else {
      const i = villageAt.get(r.key)!;
      villageMetres[i] = m;
      if (r.inside) hasClinic[i] = 1;
    }
  }
  // the places no query touched keep today's nearest unless the scenario closed it (then the query above answered)
  return { cellMetres, villageMetres, hasClinic };
}

// ---- the measures

export interface Group {
  code: string;
  name: string;
  districtCode: string;
  /** Residents of administrative villages (村); covered ones. */
  population: number;
  covered: number;
  villages: number;
  villagesWithClinic: number;
  villagesWithin: number;
}

export interface CoverageSummary {
  model: typeof COVERAGE_MODEL;
  mode: TravelMode;
  speedKmh: number;
  detourFactor: number;
  thresholdMinutes: number;
  reachMetres: number;
  cells: number;
  /** Residents of administrative villages (村) and those within the threshold. */
  population: { total: number; covered: number; uncovered: number };
  /** Administrative villages (村): the one-clinic-per-village check, and the share within the threshold (by their centre). */
  villages: { count: number; withClinic: number; within: number; withoutClinic: { code: string; name: string; township: string; population: number }[] };
  /** Urban communities (社区), served by community health centres that are not in the data: reported apart. */
  communities: { count: number; population: number; covered: number };
  /** Other places (farms, forest farms, zones: code segment 400+), not villages: reported apart too. */
  otherPlaces: { count: number; population: number; covered: number };
  /** Administrative villages by residents beyond the threshold, most first (at most LIST_LIMIT). */
  uncovered: { code: string; name: string; township: string; districtCode: string; population: number; uncovered: number }[];
  townships: Group[];
  districts: Group[];
}

const summaryCache = new PromiseCache<CoverageSummary>(32);

/** The coverage measures of a scenario in the asker's districts (the plain scenario is kept per table stamp). */
export async function coverageSummary(db: Db, p: CoverageParams): Promise<CoverageSummary> {
  const plain = !p.scenario.closed.length && !p.scenario.proposed.length;
  if (!plain) await checkScenario(db, p.scenario);
  const base = await baseNearest(db);
  if (!plain) return summarise(base, await judgeScenario(db, base, p.scenario, reachMetres(p.mode, p.thresholdMinutes)), p);
  return summaryCache.get(JSON.stringify([base.stamp, p.mode, p.thresholdMinutes, p.scope.kind, p.scope.districts]), async () => summarise(base, await judgeScenario(db, base, NO_SCENARIO, 0), p));
}

export const inScope = (scope: Scope, districtCode: string) => scope.kind !== 'department' && (scope.districts === null || scope.districts.includes(districtCode));

export function summarise(base: Base, j: Judged, p: CoverageParams): CoverageSummary {
  const mm = reachMm(p.mode, p.thresholdMinutes);
  const V = base.villages;
  const uncoveredOf = new Float64Array(V.length);
  const groups = new Map<string, Group>();
  const group = (code: string, name: string, districtCode: string) => {
    let g = groups.get(code);
    if (!g) groups.set(code, (g = { code, name, districtCode, population: 0, covered: 0, villages: 0, villagesWithClinic: 0, villagesWithin: 0 }));
    return g;
  };
  let cells = 0;
  let total = 0;
  let covered = 0;
  const communities = { count: 0, population: 0, covered: 0 };
  const otherPlaces = { count: 0, population: 0, covered: 0 };
  const C = base.cells;
  for (let i = 0; i < C.id.length; i++) {
    const v = V[C.village[i]];
    if (!inScope(p.scope, v.districtCode)) continue;
    cells++;
    const pop = C.population[i];
    const ok = isCovered(j.cellMetres[i], mm);
    if (v.kind !== 'village') {
      const apart = v.kind === 'community' ? communities : otherPlaces;
      apart.population += pop;
      if (ok) apart.covered += pop;
      continue;
    }
    total += pop;
    if (ok) covered += pop;
    else uncoveredOf[C.village[i]] += pop;
    for (const g of [group(v.townshipCode, base.townships.get(v.townshipCode) ?? v.townshipCode, v.districtCode), group(v.districtCode, base.districts.get(v.districtCode) ?? v.districtCode, v.districtCode)]) {
      g.population += pop;
      if (ok) g.covered += pop;
    }
  }
  const villages = { count: 0, withClinic: 0, within: 0, withoutClinic: [] as CoverageSummary['villages']['withoutClinic'] };
  const uncovered: CoverageSummary['uncovered'] = [];
  V.forEach((v, i) => {
    if (!inScope(p.scope, v.districtCode)) return;
    if (v.kind !== 'village') {
      (v.kind === 'community' ? communities : otherPlaces).count++;
      return;
    }
    const township = base.townships.get(v.townshipCode) ?? v.townshipCode;
    if (uncoveredOf[i] > 0) uncovered.push({ code: v.code, name: v.name, township, districtCode: v.districtCode, population: v.population, uncovered: uncoveredOf[i] });
    const within = isCovered(j.villageMetres[i], mm);
    villages.count++;
    if (j.hasClinic[i]) villages.withClinic++;
    else villages.withoutClinic.push({ code: v.code, name: v.name, township, population: v.population });
    if (within) villages.within++;
    for (const g of [group(v.townshipCode, township, v.districtCode), group(v.districtCode, base.districts.get(v.districtCode) ?? v.districtCode, v.districtCode)]) {
      g.villages++;
      if (j.hasClinic[i]) g.villagesWithClinic++;
      if (within) g.villagesWithin++;
    }
  });
  villages.withoutClinic.sort((a, b) => b.population - a.population || a.code.localeCompare(b.code));
  villages.withoutClinic.splice(LIST_LIMIT);
  uncovered.sort((a, b) => b.uncovered - a.uncovered || a.code.localeCompare(b.code));
  uncovered.splice(LIST_LIMIT);
  const all = [...groups.values()].sort((a, b) => a.code.localeCompare(b.code));
  return {
    model: COVERAGE_MODEL,
    mode: p.mode,
    speedKmh: MODE_SPEEDS_KMH[p.mode],
    detourFactor: DETOUR_FACTOR,
    thresholdMinutes: p.thresholdMinutes,
    reachMetres: reachMetres(p.mode, p.thresholdMinutes),
    cells,
    population: { total, covered, uncovered: total - covered },
    villages,
    communities,
    otherPlaces,
    uncovered,
    townships: all.filter((g) => g.code.length === 9),
    districts: all.filter((g) => g.code.length === 6),
  };
}

// ---- the cells, for the browser's what-if

export interface CoverageCells {
  /** Column arrays, one entry per demand cell of the scope's administrative villages (id order). */
  id: number[];
  lng: number[];
  lat: number[];
  population: number[];
  /** The nearest clinic today (clinics.id; 0: none) and its great-circle distance in metres, to the millimetre (−1: none). */
  clinicId: number[];
  metres: number[];
  clinics: { id: number; villageCode: string; lng: number; lat: number }[];
}

/**
 * The demand cells of the administrative villages of the asker's districts (as in the headline figure)
 * with today's nearest clinic, and every clinic: what the planner's what-if recomputes from in
 * the browser (client/features/coverage/what-if.ts) with the same rule. A distance, so one
 * answer serves every mode and threshold.
 */
export async function coverageCells(db: Db, scope: Scope): Promise<CoverageCells> {
  const base = await baseNearest(db);
  const out: CoverageCells = { id: [], lng: [], lat: [], population: [], clinicId: [], metres: [], clinics: base.clinics };
  const C = base.cells;
  for (let i = 0; i < C.id.length; i++) {
    const v = base.villages[C.village[i]];
    if (v.kind !== 'village' || !inScope(scope, v.districtCode)) continue;
    out.id.push(C.id[i]);
    out.lng.push(C.lng[i]);
    out.lat.push(C.lat[i]);
    out.population.push(C.population[i]);
    out.clinicId.push(C.clinicId[i]);
    out.metres.push(C.metres[i] < 0 ? -1 : Math.round(C.metres[i] * 1000) / 1000);
  }
  return out;
}

// ---- the siting instance

export interface SitingData {
  /**
   * Candidate sites: the centres of the administrative villages (村) of the scope (code: the
   * village's), then the centres of the uncovered demand cells (code: `cell:<id>`, named after
   * their village) — a ~700 m lattice over where people are beyond reach.
   */
  candidates: { code: string; name: string; lng: number; lat: number }[];
  /** Demand cells of administrative villages the scenario leaves uncovered (ids) and their residents. */
  cellIds: number[];
  weights: number[];
  /** Per candidate, indices into cellIds of the cells it would cover. */
  covers: number[][];
}

/** The maximal covering instance of a scenario: who is uncovered, and whom each candidate site would cover. */
export async function sitingData(db: Db, p: CoverageParams): Promise<SitingData> {
  const mm = reachMm(p.mode, p.thresholdMinutes);
  const base = await baseNearest(db);
  const j = await judgeScenario(db, base, p.scenario, reachMetres(p.mode, p.thresholdMinutes));
  const cellIds: number[] = [];
  const weights: number[] = [];
  const cellVillage: number[] = [];
  const C = base.cells;
  for (let i = 0; i < C.id.length; i++) {
    const v = base.villages[C.village[i]];
    if (v.kind !== 'village' || !inScope(p.scope, v.districtCode) || C.population[i] <= 0 || isCovered(j.cellMetres[i], mm)) continue;
    cellIds.push(C.id[i]);
    weights.push(C.population[i]);
    cellVillage.push(i);
  }
  const villages = base.villages.filter((v) => v.kind === 'village' && inScope(p.scope, v.districtCode));
  // whom each candidate would cover: the uncovered cells within reach, found with a static index
  // over them (great-circle candidates by geokdbush, then the rule of domain/coverage.ts decides,
  // as in the browser). Off the database: ~20k probes here would hold the embedded engine's one
  // thread for seconds; the test holds the picks' added residents against PostGIS's summary.
  const index = cellIds.length ? new KDBush(cellIds.length) : null;
  for (const n of cellVillage) index!.add(C.lng[n], C.lat[n]);
  index?.finish();
  const km = reachMetres(p.mode, p.thresholdMinutes) / 1000 + 0.001;
  const cover = (lng: number, lat: number): number[] =>
    !index ? [] : around(index, lng, lat, Infinity, km)
      .filter((k: number) => isCovered(greatCircleMetres(lng, lat, C.lng[cellVillage[k]], C.lat[cellVillage[k]]), mm))
      .sort((a: number, b: number) => a - b);
  return {
    candidates: [
      ...villages.map((c) => ({ code: c.code, name: c.name, lng: c.lng, lat: c.lat })),
      ...cellIds.map((id, n) => ({ code: `cell:${id}`, name: base.villages[C.village[cellVillage[n]]].name, lng: C.lng[cellVillage[n]], lat: C.lat[cellVillage[n]] })),
    ],
    cellIds,
    weights,
    covers: [...villages.map((c) => cover(c.lng, c.lat)), ...cellVillage.map((i) => cover(C.lng[i], C.lat[i]))],
  };
}
