import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { layerSummary } from '../geo/layer-summary.ts';
import { queryFailed } from '../query-error.ts';
import type { FeatureRow } from '../geo/polygon-feed.ts';

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
