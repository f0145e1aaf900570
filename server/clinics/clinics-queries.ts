import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { layerSummary } from '../geo/layer-summary.ts';
import { queryFailed } from '../query-error.ts';
import type { FeatureRow } from '../geo/polygon-feed.ts';
import { refuse } from '../query-error.ts';

export async function clinicsSummary(db: Db) {
  const [clinics, villages] = await Promise.all([
    layerSummary(db, 'clinics'),
    rows<{ villages: number; with_clinic: number }>(
      db,
      sql`select count(*)::int as villages, count(*) filter (where exists (select 1 from clinics c where c.village_code = v.code))::int as with_clinic
          from villages v where v.kind = 'village'`,
    ),
  ]);
  return { clinics, administrativeVillages: villages[0].villages, villagesWithClinic: villages[0].with_clinic };
}

// ---- layer feed (server/http/layers.ts)

export async function clinicFeedRows(db: Db): Promise<FeatureRow[]> {
  try {
    const list = await rows<{ id: number; code: string; name: string; kind: string; village_code: string; lng: number; lat: number }>(
      db,
      sql`select id, code, name, kind, village_code::text as village_code, ST_X(geom)::float8 as lng, ST_Y(geom)::float8 as lat from clinics order by id`,
    );
    return list.map((r) => ({ id: r.id, code: r.code, name: r.name, lng: r.lng, lat: r.lat, props: { kind: r.kind, villageCode: r.village_code } }));
  } catch (err) {
    throw queryFailed('clinics feed', err);
  }
}

// ---- details (clinics.byId)

export async function clinicById(db: Db, id: number) {
  let c;
  try {
    [c] = await rows<{ id: number; code: string; name: string; kind: string; attributes: Record<string, unknown>; village_code: string; village_name: string; township_code: string; township_name: string; district_code: string; district_name: string; district_name_en: string; lng: number; lat: number }>(
      db,
      sql`select c.id, c.code, c.name, c.kind, c.attributes, v.code::text as village_code, v.name as village_name, t.code::text as township_code, t.name as township_name,
                 d.code::text as district_code, d.name as district_name, d.name_en as district_name_en, ST_X(c.geom)::float8 as lng, ST_Y(c.geom)::float8 as lat
          from clinics c join villages v on v.code = c.village_code join townships t on t.code = v.township_code join districts d on d.code = v.district_code where c.id = ${id}`,
    );
  } catch (err) {
    throw queryFailed('clinic details', err);
  }
  if (!c) throw refuse('NOT_FOUND', 'notFound', { what: 'clinic', id });
  const attributes = typeof c.attributes === 'string' ? (JSON.parse(c.attributes) as Record<string, unknown>) : c.attributes;
  return {
    id: c.id,
    code: c.code,
    name: c.name,
    kind: c.kind,
    attributes,
    village: { code: c.village_code, name: c.village_name },
    township: { code: c.township_code, name: c.township_name },
    district: { code: c.district_code, name: c.district_name, nameEn: c.district_name_en },
    lng: c.lng,
    lat: c.lat,
    bbox: [c.lng, c.lat, c.lng, c.lat] as [number, number, number, number],
  };
}
