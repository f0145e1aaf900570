import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { layerSummary } from '../geo/layer-summary.ts';

export async function gridsSummary(db: Db) {
  const [unitGrids, responsibilityGrids, area] = await Promise.all([
    layerSummary(db, 'unit_grids', 'geom', sql`status = 'active'`),
    layerSummary(db, 'responsibility_grids'),
    rows<{ km2: number; mean_m2: number }>(db, sql`select coalesce(sum(area_m2), 0)::float8 / 1e6 as km2, coalesce(avg(area_m2), 0)::float8 as mean_m2 from unit_grids where status = 'active'`),
  ]);
  return { unitGrids: { ...unitGrids, areaKm2: area[0].km2, meanAreaM2: area[0].mean_m2 }, responsibilityGrids };
}
