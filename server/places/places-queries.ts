import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { layerSummary } from '../geo/layer-summary.ts';
import { toBbox, type Bbox } from '../geo/bbox.ts';
import { queryFailed } from '../query-error.ts';

export async function placesSummary(db: Db) {
  const [districts, townships, villages, population] = await Promise.all([
    layerSummary(db, 'districts'),
    layerSummary(db, 'townships'),
    layerSummary(db, 'villages'),
    rows<{ population: number; villageCount: number; communityCount: number }>(
      db,
      sql`select coalesce(sum(population), 0)::int as population,
                 count(*) filter (where kind = 'village')::int as "villageCount",
                 count(*) filter (where kind = 'community')::int as "communityCount"
          from villages`,
    ),
  ]);
  return { districts, townships, villages, ...population[0], illustrative: true as const };
}

export interface DistrictDto {
  code: string;
  name: string;
  nameEn: string;
  population: number;
  bbox: Bbox | null;
}

export async function districtList(db: Db, code?: string): Promise<DistrictDto[]> {
  try {
    const list = await rows<{ code: string; name: string; name_en: string; population: number; w: number; s: number; e: number; n: number }>(
      db,
      sql`select code, name, name_en, population, ST_XMin(geom)::float8 as w, ST_YMin(geom)::float8 as s, ST_XMax(geom)::float8 as e, ST_YMax(geom)::float8 as n
          from districts where ${code === undefined ? sql`true` : sql`code = ${code}`} order by code`,
    );
    return list.map((d) => ({ code: d.code, name: d.name, nameEn: d.name_en, population: d.population, bbox: toBbox(d) }));
  } catch (err) {
    throw queryFailed('district list', err);
  }
}
