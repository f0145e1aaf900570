// Splits a region into n cells of similar size: Voronoi diagram of n sites clipped to the
// region, the sites relaxed by Lloyd's algorithm (each moves to its cell's centroid).
// Voronoi work is metric (EPSG:4548, CGCS2000 3-degree Gauss-Kruger CM 117E); cells come back
// in SRID 4326 snapped to a 1e-9° grid (0.1 mm): neighbouring cells share exact vertices, and
// the cells' outer edge matches the region's within that tolerance.
// Each step is a top-level statement: the embedded PostGIS returns wrong results when these
// calls run inside a SQL or PL/pgSQL function, and answers a GEOS exception (an invalid
// polygon after ST_Transform) with an empty result instead of an error, so every metric
// region is made valid and every step checks its answer (docs/decisions/0003-pglite-geos-traps.md).
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';

export interface Tessellation {
  /** Hex EWKB MultiPoint of the final sites, SRID 4548, in site order. */
  sites: string;
  n: number;
}

/** Runs the relaxation; `region` is an SQL expression giving one SRID-4326 (multi)polygon. */
export async function tessellate(db: Db, region: SQL, n: number, seed: number, iterations = 3): Promise<Tessellation | null> {
  if (n <= 0) return null;
  // Ask for more points than needed: PostGIS 3.3 may return fewer than asked for a MultiPolygon.
  let [{ sites, count }] = await rows<{ sites: string; count: number }>(
    db,
    sql`with r as materialized (select ST_CollectionExtract(ST_MakeValid(ST_Transform(${region}, 4548)), 3) as g),
      p as (select d.geom, d.path from r, ST_Dump(ST_GeneratePoints(r.g, ${n * 2 + 5}, ${seed})) d order by d.path limit ${n})
      select ST_Collect(geom order by path)::text as sites, count(*)::int as count from p`,
  );
  if (count !== n) throw new Error(`Tessellation: only ${count} of ${n} sites could be placed`);
  if (n === 1) return { sites, n };
  for (let i = 0; i < iterations; i++) {
    const q = sql`with r as materialized (select ST_CollectionExtract(ST_MakeValid(ST_Transform(${region}, 4548)), 3) as g),
        ${cellsCte(sites)}
        select ST_Collect(case when ST_Intersects(ST_Centroid(c.cell), r.g) then ST_Centroid(c.cell)
                               else ST_PointOnSurface(c.cell) end order by c.k)::text as sites
        from cells c, r`;
    const res = await rows<{ sites: string }>(db, q);
    // The embedded engine answers a GEOS exception with no rows instead of an error.
    if (res.length !== 1 || !res[0].sites) throw new Error(`Tessellation step ${i} of ${n} cells returned no sites (invalid region geometry?): ${JSON.stringify(region.queryChunks.map((c) => (typeof c === 'object' && c && 'value' in c ? c.value : c)))}`);
    sites = res[0].sites;
  }
  return { sites, n };
}

/**
 * A FROM-clause fragment exposing `c(k, site, cell)`: k 1..n in site order, the site and its
 * cell in SRID 4326, the cell clipped to the region. Use it in an INSERT … SELECT.
 */
export function tessellationCells(region: SQL, t: Tessellation): SQL {
  if (t.n === 1) {
    return sql`(select 1::bigint as k, ST_Transform(ST_GeometryN(${t.sites}::geometry, 1), 4326) as site, ST_Multi(${region}) as cell) c`;
  }
  return sql`(with r as materialized (select ST_CollectionExtract(ST_MakeValid(ST_Transform(${region}, 4548)), 3) as g),
      ${cellsCte(t.sites)}
      select c.k, ST_Transform(c.site, 4326) as site,
             ST_Multi(ST_CollectionExtract(ST_ReducePrecision(ST_MakeValid(ST_Transform(c.cell, 4326)), 1e-9), 3)) as cell
      from cells c, r) c`;
}

/** CTEs v (Voronoi cells) and cells(k, site, cell) over the metric region `r.g`. */
function cellsCte(sites: string): SQL {
  return sql`v as materialized (
      select d.geom from r, ST_Dump(ST_VoronoiPolygons(${sites}::geometry, 0, ST_Expand(r.g, 1000))) d
    ), s as (select (d.path)[1] as k, d.geom from ST_Dump(${sites}::geometry) d),
    cells as (
      select s.k, s.geom as site,
             (select ST_Intersection(v.geom, r.g, 0.001) from v, r where ST_Intersects(v.geom, s.geom) limit 1) as cell
      from s
    )`;
}
