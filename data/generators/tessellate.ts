// Splits a region into n cells of similar size: the Voronoi diagram of n sites, clipped to the
// region, with the sites placed by Lloyd's algorithm in its sampled form (k-means over points
// sampled uniformly in the region), so cells come out of similar area and the only polygon
// clipping is the final one. Each site ends on a sample point, so it lies inside the region
// and inside its own cell.
//
// Metric work happens in a local equirectangular plane around the city (metres; within 0.5 %
// of true distances across Zhangzhou, plenty for balancing synthetic cells): an affine map, not
// ST_Transform, since PostGIS sets PROJ up again in every statement. Cells come back in SRID
// 4326 snapped to a 1e-9° grid (0.1 mm): neighbouring cells share exact vertices and the
// cells' outer edge matches the region's within that tolerance. Every statement checks its
// answer: the embedded PostGIS answers a GEOS exception with an empty result instead of an
// error (docs/decisions/0003-pglite-geos-traps.md).
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';

/** Local plane: origin (117.65°E, 24.5°N), metres east/north (spherical approximation). */
export const ORIGIN = { lng: 117.65, lat: 24.5 };
export const KX = 111_320 * Math.cos((ORIGIN.lat * Math.PI) / 180);
export const KY = 110_574;
export const toLocal = (g: SQL) => sql`ST_SetSRID(ST_Affine(${g}, ${KX}::float8, 0, 0, ${KY}::float8, ${-ORIGIN.lng * KX}::float8, ${-ORIGIN.lat * KY}::float8), 0)`;
export const toLngLat = (g: SQL) => sql`ST_SetSRID(ST_Affine(${g}, ${1 / KX}::float8, 0, 0, ${1 / KY}::float8, ${ORIGIN.lng}::float8, ${ORIGIN.lat}::float8), 4326)`;
export const localRegion = (region: SQL) => sql`ST_CollectionExtract(ST_MakeValid(${toLocal(region)}), 3)`;

/** Samples per cell and Lloyd iterations: enough for cells within ~15 % of equal area. */
const SAMPLES_PER_CELL = 40;
const ITERATIONS = 12;

export interface Tessellation {
  /** Sites in the local plane (metres), in site order. */
  xs: number[];
  ys: number[];
}

/** Places n sites in `region` (an SQL expression giving one SRID-4326 (multi)polygon). */
export async function tessellate(db: Db, region: SQL, n: number, seed: number): Promise<Tessellation | null> {
  if (n <= 0) return null;
  // ask for extra points: PostGIS 3.3 may return fewer than asked for a MultiPolygon
  const samples = await rows<{ x: number; y: number }>(
    db,
    sql`select ST_X(d.geom) as x, ST_Y(d.geom) as y
        from ST_Dump(ST_GeneratePoints(${localRegion(region)}, ${n * SAMPLES_PER_CELL + 5}, ${seed})) d order by d.path`,
  );
  if (samples.length < n) throw new Error(`Tessellation: only ${samples.length} sample points for ${n} cells (region empty or invalid?)`);
  return lloyd(samples, n);
}

/** Sampled Lloyd / k-means, deterministic; each final site snaps to its cluster's sample nearest the centroid. */
export function lloyd(samples: readonly { x: number; y: number }[], n: number, iterations = ITERATIONS): Tessellation {
  const xs = samples.slice(0, n).map((p) => p.x);
  const ys = samples.slice(0, n).map((p) => p.y);
  const label = new Int32Array(samples.length);
  const assign = () => {
    samples.forEach((p, i) => {
      let best = 0;
      let bd = Infinity;
      for (let k = 0; k < n; k++) {
        const d = (p.x - xs[k]) ** 2 + (p.y - ys[k]) ** 2;
        if (d < bd) [bd, best] = [d, k];
      }
      label[i] = best;
    });
  };
  for (let it = 0; it < iterations; it++) {
    assign();
    const sx = new Float64Array(n), sy = new Float64Array(n), cnt = new Int32Array(n);
    samples.forEach((p, i) => {
      sx[label[i]] += p.x;
      sy[label[i]] += p.y;
      cnt[label[i]]++;
    });
    for (let k = 0; k < n; k++) if (cnt[k]) [xs[k], ys[k]] = [sx[k] / cnt[k], sy[k] / cnt[k]];
  }
  assign();
  // snap each site to its nearest own sample (inside the region, never two sites on one point)
  const used = new Set<number>();
  for (let k = 0; k < n; k++) {
    let best = -1;
    let bd = Infinity;
    samples.forEach((p, i) => {
      if (used.has(i) || (label[i] !== k && best >= 0)) return;
      const d = (p.x - xs[k]) ** 2 + (p.y - ys[k]) ** 2 + (label[i] === k ? 0 : 1e18);
      if (d < bd) [bd, best] = [d, i];
    });
    used.add(best);
    [xs[k], ys[k]] = [samples[best].x, samples[best].y];
  }
  return { xs, ys };
}

/**
 * A FROM-clause fragment exposing `c(k, site, cell)`: k 1..n in site order, the site and its
 * cell in SRID 4326, the cell clipped to the region. Use it in an INSERT … SELECT.
 */
export function tessellationCells(region: SQL, t: Tessellation): SQL {
  return sql`(with r as materialized (select ${localRegion(region)} as g),
      s as (select p.k, ST_MakePoint(p.x, p.y) as geom
            from unnest(${sql.param(t.xs)}::float8[], ${sql.param(t.ys)}::float8[]) with ordinality as p(x, y, k)),
      v as materialized (
        select d.geom from r, ST_Dump(ST_VoronoiPolygons((select ST_Collect(geom order by k) from s), 0, ST_Expand(r.g, 1000))) d
      ),
      cells as (
        select s.k, s.geom as site,
               case when (select count(*) from s) = 1 then r.g
                    else (select ST_Intersection(v.geom, r.g, 0.001) from v where ST_Intersects(v.geom, s.geom) limit 1) end as cell
        from s, r
      )
      select c.k, ${toLngLat(sql`c.site`)} as site,
             ST_Multi(ST_CollectionExtract(ST_ReducePrecision(ST_MakeValid(${toLngLat(sql`c.cell`)}), 1e-9), 3)) as cell
      from cells c) c`;
}
