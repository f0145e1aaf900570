import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { layerSummary } from '../geo/layer-summary.ts';

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
