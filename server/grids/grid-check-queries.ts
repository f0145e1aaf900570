// The grid rules checked in PostGIS, the authority (docs/decisions/0027-grid-editor.md): a draft's
// cells against their communities and the current cells around them, and a whole district's
// published cells. Only functions both engines have (PostGIS 3.3 on the server engine has no
// ST_Coverage*): ST_IsValidDetail, ST_CoveredBy, ST_Relate, ST_Difference, ST_Intersection,
// ST_Union. Areas are on the sphere (radius 6,371,008.8 m, as turf measures: sphereArea), so the
// browser's check and the server's agree (the spheroid would differ by 0.2 % here).
// The embedded engine answers a GEOS exception with no rows instead of an error: every statement
// here returns one row per thing it was given, and fewer rows is a refusal, never a pass.
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { sphereArea } from '../../db/cell-area.ts';
import { databaseReason, PublicError, queryFailed, refuse } from '../query-error.ts';
import { ringsOf, spikes, type CellGeometry, type GridProblem, type GridRules } from '../../domain/grid-rules.ts';

/** A cell of a draft to check: its reference, community and geometry (GeoJSON, lng/lat). */
export interface Subject {
  ref: string;
  villageCode: string;
  geometry: CellGeometry;
}

/** GeoJSON in, one normalised cell out: SRID 4326, repeated points dropped, rings counter-clockwise (RFC 7946), multi. */
export const cellFromGeoJson = (geojson: SQL) =>
  sql`ST_ForcePolygonCCW(ST_Multi(ST_RemoveRepeatedPoints(ST_SetSRID(ST_GeomFromGeoJSON(${geojson}), 4326))))`;

/** Area in m² on turf's sphere (db/cell-area.ts). */
export { sphereArea };

const GEOJSON_DIGITS = 9;
/**
 * The overlays of a draft's cells run snap-rounded to 1e-10° (about 0.01 mm): GEOS's floating
 * overlay can throw on a shared edge densified with nearly collinear points (a TopologyException
 * on the server engine, no rows on the embedded one); snap-rounding never does, and moves an area
 * by far less than the tolerance.
 */
const SNAP = sql.raw('1e-10');
/** GEOS's floating overlay (the functions' default grid size): faster, and right unless it throws. */
const FLOATING = sql.raw('-1');

/**
 * How a check's overlays run. `fast`: floating first, snap-rounded again only if a statement fails
 * (for a check outside a transaction, where a failed statement costs nothing but its time: the
 * floating union of a community's hundred cells takes half the time of the snap-rounded one).
 * `safe`: snap-rounded at once (under a publish's lock, where a failed statement would abort the
 * transaction).
 */
export type Overlay = 'fast' | 'safe';

/** Runs `run` with the floating overlay and, if it fails as a geometry operation, with snap-rounding. */
async function overlaid<T>(overlay: Overlay, run: (grid: SQL) => Promise<T>): Promise<T> {
  if (overlay === 'safe') return run(SNAP);
  try {
    return await run(FLOATING);
  } catch (err) {
    if (!isGeometryFailed(err)) throw err;
    // the retry's own failure (in a caller's transaction: aborted by the first) says less than the first
    return run(SNAP).catch(() => Promise.reject(err));
  }
}

/** A geometry statement failed: on the server engine an error, on the embedded one missing rows. */
function geometryFailed(what: string, err?: unknown) {
  if (err) console.error(`[grids] ${what} failed: ${databaseReason(err)}`);
  return refuse('BAD_REQUEST', 'grid.geometryFailed', { what });
}

/**
 * A failed statement of a geometry operation: GEOS's or PostGIS's own failure (SQLSTATE XX000, an
 * internal error, or a message naming GEOS, a topology exception or lwgeom) is the operation's
 * refusal, `grid.geometryFailed`; any other failure (a timeout, a lost connection) is what it is.
 */
export function geometryError(what: string, err?: unknown) {
  if (err == null) return geometryFailed(what);
  if (err instanceof PublicError) return err;
  const cause = ((err as { cause?: unknown })?.cause ?? err) as { code?: string; message?: string } | undefined;
  if (cause?.code === 'XX000' || /GEOS|TopologyException|lwgeom|geometry/i.test(String(cause?.message ?? ''))) return geometryFailed(what, err);
  return queryFailed(what, err);
}

const isGeometryFailed = (err: unknown) => (err as { reason?: string } | null)?.reason === 'grid.geometryFailed';

/** Runs a geometry statement that must answer `expected` rows. */
async function checkedRows<T>(db: Db, expected: number, what: string, q: SQL): Promise<T[]> {
  let out: T[];
  try {
    out = await rows<T>(db, q);
  } catch (err) {
    throw geometryError(what, err);
  }
  if (out.length !== expected) throw geometryFailed(what);
  return out;
}

/**
 * The problems of a draft: `subjects` are the cells it adds or reshapes, `gone` the ids of the
 * current cells it replaces or retires, `villages` every community it touches (their gaps are
 * checked). Problems name their subject's ref (or, for a gap, the community's code).
 */
export async function checkCells(db: Db, rules: GridRules, subjects: Subject[], gone: number[], villages: string[], overlay: Overlay = 'safe'): Promise<GridProblem[]> {
  const problems: GridProblem[] = [];
  // spikes and parts: the same pure rule as the browser's (domain/grid-rules.ts)
  for (const s of subjects) {
    if (s.geometry.type === 'MultiPolygon' && s.geometry.coordinates.length !== 1) {
      problems.push({ reason: 'grid.parts', params: { parts: s.geometry.coordinates.length }, ref: s.ref, where: null });
    }
    for (const ring of ringsOf(s.geometry)) {
      for (const sp of spikes(ring, rules.spikeDegrees)) problems.push({ reason: 'grid.spike', params: { degrees: sp.degrees, max: rules.spikeDegrees }, ref: s.ref, where: { type: 'Point', coordinates: sp.at } });
    }
  }
  const refs = subjects.map((s) => s.ref);
  const gj = subjects.map((s) => JSON.stringify(s.geometry));
  const valid = await checkedRows<{ ref: string; valid: boolean; reason: string | null; at: string | null; m2: number }>(
    db,
    subjects.length,
    'the validity check',
    sql`select x.ref, d.valid, d.reason, ST_AsGeoJSON(d.location, ${GEOJSON_DIGITS}) as at, ${sphereArea(sql`s.g`)}::float8 as m2
        from unnest(${sql.param(refs)}::text[], ${sql.param(gj)}::text[]) with ordinality as x(ref, gj, n)
        cross join lateral (select ${cellFromGeoJson(sql`x.gj`)} as g) s
        cross join lateral ST_IsValidDetail(s.g) d
        order by x.n`,
  );
  const ok = new Set<string>();
  for (const v of valid) {
    if (!v.valid) {
      const self = /self-intersection/i.test(v.reason ?? '');
      problems.push({ reason: self ? 'grid.selfIntersection' : 'grid.invalid', params: { why: v.reason ?? '' }, ref: v.ref, where: v.at ? JSON.parse(v.at) : null });
      continue;
    }
    ok.add(v.ref);
    if (v.m2 < rules.minAreaM2) problems.push({ reason: 'grid.tooSmall', params: { m2: Math.round(v.m2), min: rules.minAreaM2 }, ref: v.ref, where: null });
    if (v.m2 > rules.maxAreaM2) problems.push({ reason: 'grid.tooLarge', params: { m2: Math.round(v.m2), max: rules.maxAreaM2 }, ref: v.ref, where: null });
  }
  const checked = subjects.filter((s) => ok.has(s.ref));
  const subjectsSql = sql`(select x.ref, x.village, ${cellFromGeoJson(sql`x.gj`)} as g
      from unnest(${sql.param(checked.map((s) => s.ref))}::text[], ${sql.param(checked.map((s) => s.villageCode))}::text[],
                  ${sql.param(checked.map((s) => JSON.stringify(s.geometry)))}::text[]) as x(ref, village, gj))`;
  const goneSql = sql`${sql.param(gone)}::int[]`;
  const tol = rules.overlapToleranceM2;
  if (checked.length) {
    const found = await overlaid(overlay, (grid) => checkedRows<{ ref: string; outside_m2: number; outside_at: string | null; overlaps: { code: string; m2: number; at: unknown }[] }>(
      db,
      checked.length,
      'the overlap check',
      sql`with s as materialized ${subjectsSql},
          near as materialized (
            select u.code::text as ref, u.geom as g from unit_grids u
            where u.valid_to is null and not (u.id = any(${goneSql})) and u.geom && (select ST_Envelope(ST_Collect(g)) from s)
            union all select ref, g from s),
          outside as (
            select s.ref, o.g, ${sphereArea(sql`o.g`)} as m2
            from s left join villages v on v.code = s.village
            cross join lateral (select case when v.area is null then s.g when ST_CoveredBy(s.g, v.area) then null
                                            else ST_CollectionExtract(ST_Difference(s.g, v.area, ${grid}), 3) end as g) o)
          select s.ref, coalesce(o.m2, 0)::float8 as outside_m2,
                 case when o.m2 > ${tol} then ST_AsGeoJSON(o.g, ${GEOJSON_DIGITS}) end as outside_at,
                 coalesce((select json_agg(json_build_object('code', i.ref, 'm2', i.m2, 'at', ST_AsGeoJSON(i.g, ${GEOJSON_DIGITS})::json) order by i.ref)
                           from (select n.ref, x.g, ${sphereArea(sql`x.g`)} as m2
                                 from near n cross join lateral (select ST_CollectionExtract(ST_Intersection(s.g, n.g, ${grid}), 3) as g) x
                                 where n.ref <> s.ref and n.g && s.g and ST_Relate(s.g, n.g, '2********')) i
                           where i.m2 > ${tol}), '[]'::json) as overlaps
          from s join outside o on o.ref = s.ref`,
    ));
    const subjectRefs = new Set(checked.map((s) => s.ref));
    for (const f of found) {
      if (f.outside_m2 > tol) problems.push({ reason: 'grid.outsideCommunity', params: { m2: round2(f.outside_m2) }, ref: f.ref, where: f.outside_at ? JSON.parse(f.outside_at) : null });
      for (const o of f.overlaps) {
        // a pair of the draft's own cells is reported once
        if (subjectRefs.has(o.code) && o.code < f.ref) continue;
        problems.push({ reason: 'grid.overlap', params: { other: o.code, m2: round2(o.m2) }, ref: f.ref, where: o.at as GridProblem['where'] });
      }
    }
  }
  if (villages.length) problems.push(...(await overlaid(overlay, (grid) => gapsOf(db, rules, villages, sql`(select ref, village, g from ${subjectsSql} s0)`, goneSql, grid))));
  return problems;
}

const round2 = (m2: number) => Math.round(m2 * 100) / 100;

/**
 * Gaps larger than the smallest reported, per community: its territory less the union of its
 * cells (the current ones but `gone`, plus `extra`: (ref, village, g)).
 */
async function gapsOf(db: Db, rules: GridRules, villages: string[], extra: SQL, gone: SQL, grid: SQL): Promise<GridProblem[]> {
  const found = await checkedRows<{ code: string; gaps: { m2: number; at: unknown }[] | null }>(
    db,
    villages.length,
    'the gap check',
    sql`with x as materialized ${extra},
        cells as (
          select u.village_code::text as village, u.geom as g from unit_grids u
          where u.valid_to is null and u.village_code = any(${sql.param(villages)}::bpchar[]) and not (u.id = any(${gone}))
          union all select village, g from x)
        select v.code::text as code,
               (select json_agg(json_build_object('m2', p.m2, 'at', ST_AsGeoJSON(p.g, ${GEOJSON_DIGITS})::json) order by p.m2 desc)
                from (select d.geom as g, ${sphereArea(sql`d.geom`)} as m2
                      from ST_Dump(ST_CollectionExtract(ST_Difference(v.area,
                             coalesce((select ST_Union(c.g, ${grid}) from cells c where c.village = v.code), ST_SetSRID('POLYGON EMPTY'::geometry, 4326)), ${grid}), 3)) d) p
                where p.m2 > ${rules.minGapM2}) as gaps
        from villages v where v.code = any(${sql.param(villages)}::bpchar[]) and v.area is not null order by v.code`,
  );
  return found.flatMap((f) => (f.gaps ?? []).map((g): GridProblem => ({ reason: 'grid.gap', params: { village: f.code, m2: round2(g.m2) }, ref: f.code, where: g.at as GridProblem['where'] })));
}

/**
 * A district's published cells against the rules: invalid cells, cells outside their community,
 * overlapping pairs, gaps per community that has cells. One union per community answers two
 * questions: its gaps (the territory less the union) and whether any of its cells overlap (the
 * sum of the cells' areas exceeds the union's by more than the tolerance); only a community that
 * fails the second is searched pair by pair (the full pairwise relate costs as much as all the
 * rest together). Cells of two communities can overlap only outside their own communities, which
 * the outside check reports. Bounded by the district (a few thousand cells).
 */
export async function districtReport(db: Db, rules: GridRules, districtCode: string): Promise<GridProblem[]> {
  const tol = rules.overlapToleranceM2;
  let found: { ref: string; reason: string; m2: number; other: string | null; at: string | null; why: string | null }[];
  try {
    found = await rows(
      db,
      sql`with c as materialized (
            select u.id, u.code::text as code, u.village_code::text as village, u.geom from unit_grids u
            where u.valid_to is null and u.district_code = ${districtCode}),
          bad as materialized (select c.code, c.village, d.reason, d.location from c cross join lateral ST_IsValidDetail(c.geom) d where not d.valid),
          good as materialized (select * from c where not exists (select 1 from bad where bad.code = c.code)),
          outside as (
            select g.code, o.g, ${sphereArea(sql`o.g`)} as m2 from good g join villages v on v.code = g.village
            cross join lateral (select ST_CollectionExtract(ST_Difference(g.geom, v.area), 3) as g) o
            where not ST_CoveredBy(g.geom, v.area)),
          per as materialized (
            select g.village, ST_Union(g.geom) as u, sum(${sphereArea(sql`g.geom`)}) as cells_m2 from good g group by g.village),
          gaps as (
            select p.village, d.geom as g, ${sphereArea(sql`d.geom`)} as m2
            from per p join villages v on v.code = p.village
            cross join lateral ST_Dump(ST_CollectionExtract(ST_Difference(v.area, p.u), 3)) d
            where not exists (select 1 from bad where bad.village = p.village)),
          crowded as (select p.village from per p where p.cells_m2 - ${sphereArea(sql`p.u`)} > ${tol}),
          pairs as (
            select a.code, b.code as other, x.g, ${sphereArea(sql`x.g`)} as m2
            from good a join good b on a.village = b.village and a.id < b.id and a.geom && b.geom
            cross join lateral (select ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 3) as g) x
            where a.village in (select village from crowded) and ST_Relate(a.geom, b.geom, '2********'))
          select code as ref, 'grid.invalid' as reason, 0::float8 as m2, null as other, ST_AsGeoJSON(location, ${GEOJSON_DIGITS}) as at, reason as why from bad
          union all select code, 'grid.outsideCommunity', m2::float8, null, ST_AsGeoJSON(g, ${GEOJSON_DIGITS}), null from outside where m2 > ${tol}
          union all select code, 'grid.overlap', m2::float8, other, ST_AsGeoJSON(g, ${GEOJSON_DIGITS}), null from pairs where m2 > ${tol}
          union all select village, 'grid.gap', m2::float8, village, ST_AsGeoJSON(g, ${GEOJSON_DIGITS}), null from gaps where m2 > ${rules.minGapM2}
          union all select '~', 'done', 0, null, null, null`,
    );
  } catch (err) {
    throw geometryError('the district report', err);
  }
  // the last row is always there: without it the engine swallowed a failure
  if (!found.some((f) => f.reason === 'done')) throw geometryFailed('the district report');
  return found
    .filter((f) => f.reason !== 'done')
    .map((f) => ({
      reason: (f.reason === 'grid.invalid' && /self-intersection/i.test(f.why ?? '') ? 'grid.selfIntersection' : f.reason) as GridProblem['reason'],
      params: (f.reason === 'grid.overlap' ? { other: f.other!, m2: round2(f.m2) } : f.reason === 'grid.gap' ? { village: f.other!, m2: round2(f.m2) } : f.reason === 'grid.invalid' ? { why: f.why ?? '' } : { m2: round2(f.m2) }) as GridProblem['params'],
      ref: f.ref,
      where: f.at ? JSON.parse(f.at) : null,
    }));
}
