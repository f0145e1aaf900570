import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { layerSummary } from '../geo/layer-summary.ts';
import { toBbox, type Bbox } from '../geo/bbox.ts';
import { queryFailed } from '../query-error.ts';
import { extentColumns } from '../geo/bbox-sql.ts';
import type { FeatureRow, PolygonRow } from '../geo/polygon-feed.ts';
import { refuse } from '../query-error.ts';

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

// ---- layer feeds (server/http/layers.ts). Code-keyed tables: the feed id is the ordinal in
// code order; meta.codes[id] is the key to ask for details.

export async function districtFeedRows(db: Db): Promise<PolygonRow[]> {
  try {
    const list = await rows<{ code: string; name: string; name_en: string; population: number; lng: number; lat: number; geojson: string }>(
      db,
      sql`select code::text as code, name, name_en, population, ST_X(l)::float8 as lng, ST_Y(l)::float8 as lat, ST_AsGeoJSON(geom) as geojson
          from (select *, ST_PointOnSurface(geom) as l from districts) d order by code`,
    );
    return list.map((r, i) => ({ id: i, code: r.code, name: r.name, nameEn: r.name_en, lng: r.lng, lat: r.lat, geojson: r.geojson, props: { population: r.population } }));
  } catch (err) {
    throw queryFailed('districts feed', err);
  }
}

export async function townshipFeedRows(db: Db): Promise<PolygonRow[]> {
  try {
    const list = await rows<{ code: string; name: string; district_code: string; kind: string; population: number; lng: number; lat: number; geojson: string }>(
      db,
      sql`select code::text as code, name, district_code::text as district_code, kind, population, ST_X(l)::float8 as lng, ST_Y(l)::float8 as lat, ST_AsGeoJSON(geom) as geojson
          from (select *, ST_PointOnSurface(geom) as l from townships) t order by code`,
    );
    return list.map((r, i) => ({ id: i, code: r.code, name: r.name, lng: r.lng, lat: r.lat, geojson: r.geojson, props: { districtCode: r.district_code, kind: r.kind, population: r.population } }));
  } catch (err) {
    throw queryFailed('townships feed', err);
  }
}

export async function villageFeedRows(db: Db): Promise<FeatureRow[]> {
  try {
    const list = await rows<{ code: string; name: string; township_code: string; kind: string; population: number; lng: number; lat: number }>(
      db,
      sql`select code::text as code, name, township_code::text as township_code, kind, population, ST_X(geom)::float8 as lng, ST_Y(geom)::float8 as lat
          from villages order by code`,
    );
    return list.map((r, i) => ({ id: i, code: r.code, name: r.name, lng: r.lng, lat: r.lat, props: { population: r.population, kind: r.kind, townshipCode: r.township_code } }));
  } catch (err) {
    throw queryFailed('villages feed', err);
  }
}

// ---- details (places.villageById): villages are keyed by their 12-digit code

/** By code, or by `id`: the feature index in code order, as in villages.bin and search hits. */
export async function villageByCode(db: Db, key: { code: string } | { id: number }) {
  const where = 'code' in key ? sql`v.code = ${key.code}` : sql`v.code = (select code from villages order by code offset ${key.id} limit 1)`;
  const shown = 'code' in key ? `code ${key.code}` : `id ${key.id}`;
  let v;
  try {
    [v] = await rows<{ code: string; name: string; kind: string; population: number; in_core: boolean; township_code: string; township_name: string; district_code: string; district_name: string; district_name_en: string; lng: number; lat: number; w: number | null; s: number | null; e: number | null; n: number | null }>(
      db,
      sql`select v.code::text as code, v.name, v.kind, v.population, v.in_core, t.code::text as township_code, t.name as township_name,
                 d.code::text as district_code, d.name as district_name, d.name_en as district_name_en, v.lng, v.lat, ${extentColumns(sql`coalesce(v.area, v.geom)`)}
          from villages v join townships t on t.code = v.township_code join districts d on d.code = v.district_code where ${where}`,
    );
  } catch (err) {
    throw queryFailed('village details', err);
  }
  if (!v) throw refuse('NOT_FOUND', 'notFoundBy', { what: 'village or community', by: shown });
  return {
    code: v.code,
    name: v.name,
    kind: v.kind,
    population: v.population,
    inCore: v.in_core,
    township: { code: v.township_code, name: v.township_name },
    district: { code: v.district_code, name: v.district_name, nameEn: v.district_name_en },
    lng: v.lng,
    lat: v.lat,
    bbox: toBbox(v),
  };
}
