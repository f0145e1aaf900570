// Demand for clinic coverage: where people live. Each village's (or community's) census
// population (villages.population, apportioned from the 2020 census by data/generators/places.ts)
// is spread over the centres of a regular hexagon grid inside its territory, weighted towards the
// village centre (people cluster in the village, fields lie around it), so that distance inside a
// village counts: with villages as points every clinic, placed within 400 m of its village's
// point (clinics.ts), would cover 100 % and a coverage view would answer nothing.
// The work is one set-based statement, the SQL function of migration 0021 (cg_fill_demand_cells),
// so a database migrated after its seed gets the same cells. Deterministic: no randomness.
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';

/** Hexagon edge 400 m (≈ 0.42 km² a cell, ≈ 700 m across) and the weight's decay length (metres). */
export const DEMAND_TARGETS = { hexEdgeMetres: 400, decayMetres: 700 } as const;

export async function seedDemand(db: Db): Promise<number> {
  const [r] = await rows<{ n: number }>(db, sql`select cg_fill_demand_cells(${DEMAND_TARGETS.hexEdgeMetres}::float8, ${DEMAND_TARGETS.decayMetres}::float8) as n`);
  const n = Number(r.n);
  if (!(n > 0)) throw new Error('Seeding demand cells: none were made (the villages have no territories?)');
  return n;
}
