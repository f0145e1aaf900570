import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { layerSummary } from '../geo/layer-summary.ts';
import { queryFailed } from '../query-error.ts';
import type { PolygonRow } from '../geo/polygon-feed.ts';

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

// ---- layer feed (server/http/layers.ts). Compounds have no code: meta.codes holds the id.

export async function communityFeedRows(db: Db): Promise<PolygonRow[]> {
  try {
    const list = await rows<{ id: number; name: string; village_code: string; households: number; company: string; party_org_kind: string; lng: number; lat: number; geojson: string }>(
      db,
      sql`select p.id, p.name, p.village_code::text as village_code, p.households, c.name as company, p.party_org_kind,
                 ST_X(ST_PointOnSurface(p.geom))::float8 as lng, ST_Y(ST_PointOnSurface(p.geom))::float8 as lat, ST_AsGeoJSON(p.geom) as geojson
          from property_communities p join property_companies c on c.id = p.company_id
          order by p.id`,
    );
    return list.map((r) => ({
      id: r.id,
      code: String(r.id),
      name: r.name,
      lng: r.lng,
      lat: r.lat,
      geojson: r.geojson,
      props: { households: r.households, company: r.company, villageCode: r.village_code, partyOrgKind: r.party_org_kind },
    }));
  } catch (err) {
    throw queryFailed('communities feed', err);
  }
}
