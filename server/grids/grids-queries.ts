import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { layerSummary } from '../geo/layer-summary.ts';
import { queryFailed } from '../query-error.ts';
import type { PolygonRow } from '../geo/polygon-feed.ts';

export async function gridsSummary(db: Db) {
  const [unitGrids, responsibilityGrids, area] = await Promise.all([
    layerSummary(db, 'unit_grids', 'geom', sql`status = 'active'`),
    layerSummary(db, 'responsibility_grids'),
    rows<{ km2: number; mean_m2: number }>(db, sql`select coalesce(sum(area_m2), 0)::float8 / 1e6 as km2, coalesce(avg(area_m2), 0)::float8 as mean_m2 from unit_grids where status = 'active'`),
  ]);
  return { unitGrids: { ...unitGrids, areaKm2: area[0].km2, meanAreaM2: area[0].mean_m2 }, responsibilityGrids };
}

// ---- layer feeds (server/http/layers.ts)

export async function unitGridFeedRows(db: Db): Promise<PolygonRow[]> {
  try {
    const list = await rows<{ id: number; code: string; village_code: string; village_name: string; rg_code: string | null; area_m2: number; lng: number; lat: number; geojson: string }>(
      db,
      sql`select g.id, g.code::text as code, g.village_code::text as village_code, v.name as village_name, r.code as rg_code, g.area_m2::float8 as area_m2,
                 ST_X(g.l)::float8 as lng, ST_Y(g.l)::float8 as lat, ST_AsGeoJSON(g.geom) as geojson
          from (select *, ST_PointOnSurface(geom) as l from unit_grids where status = 'active') g
          join villages v on v.code = g.village_code
          left join responsibility_grids r on r.id = g.responsibility_grid_id
          order by g.code`,
    );
    return list.map((r) => ({
      id: r.id,
      code: r.code,
      name: r.code,
      lng: r.lng,
      lat: r.lat,
      geojson: r.geojson,
      props: { villageCode: r.village_code, villageName: r.village_name, responsibilityGridCode: r.rg_code, areaM2: Math.round(r.area_m2 * 10) / 10 },
    }));
  } catch (err) {
    throw queryFailed('unit grids feed', err);
  }
}

export async function responsibilityGridFeedRows(db: Db): Promise<PolygonRow[]> {
  try {
    const list = await rows<{ id: number; code: string; name: string; district_code: string; assignee_role: string; assignee_name: string; grid_count: number; lng: number; lat: number; geojson: string }>(
      db,
      sql`select r.id, r.code, r.name, r.district_code::text as district_code, r.assignee_role, r.assignee_name, coalesce(n.grid_count, 0)::int as grid_count,
                 ST_X(ST_PointOnSurface(r.geom))::float8 as lng, ST_Y(ST_PointOnSurface(r.geom))::float8 as lat, ST_AsGeoJSON(r.geom) as geojson
          from responsibility_grids r
          left join (select responsibility_grid_id, count(*) as grid_count from unit_grids where status = 'active' group by 1) n on n.responsibility_grid_id = r.id
          order by r.code`,
    );
    return list.map((r) => ({
      id: r.id,
      code: r.code,
      name: r.name,
      lng: r.lng,
      lat: r.lat,
      geojson: r.geojson,
      props: { districtCode: r.district_code, assigneeRole: r.assignee_role, assigneeName: r.assignee_name, gridCount: r.grid_count },
    }));
  } catch (err) {
    throw queryFailed('responsibility grids feed', err);
  }
}
