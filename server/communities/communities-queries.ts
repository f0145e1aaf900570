import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { layerSummary } from '../geo/layer-summary.ts';

export async function communitiesSummary(db: Db) {
  const [compounds, extra] = await Promise.all([
    layerSummary(db, 'property_communities'),
    rows<{ companies: number; households: number; with_party_org: number }>(
      db,
      sql`select (select count(*)::int from property_companies) as companies,
                 coalesce(sum(households), 0)::int as households,
                 count(*) filter (where party_org_kind <> 'none')::int as with_party_org
          from property_communities`,
    ),
  ]);
  return { compounds, companies: extra[0].companies, households: extra[0].households, withPartyOrg: extra[0].with_party_org };
}
