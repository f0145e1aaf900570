import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { layerSummary } from '../geo/layer-summary.ts';
import { districtScopeSql, type Scope } from '../auth/actor.ts';
import { explainMissedUpdate } from '../auth/scope-check.ts';
import { queryFailed } from '../query-error.ts';
import { toBbox } from '../geo/bbox.ts';
import { extentColumns, labelColumns } from '../geo/bbox-sql.ts';
import type { PolygonRow } from '../geo/polygon-feed.ts';
import { refuse } from '../query-error.ts';

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

// ---- details (communities.byId)

export async function communityById(db: Db, id: number) {
  let p;
  try {
    [p] = await rows<{
      id: number; version: number; name: string; households: number; party_org_name: string | null; party_org_kind: string; company_id: number; company_name: string; company_phone: string;
      has_party_branch: boolean; village_code: string; village_name: string; township_code: string; township_name: string; w: number; s: number; e: number; n: number; lng: number; lat: number;
    }>(
      db,
      sql`select p.id, p.version, p.name, p.households, p.party_org_name, p.party_org_kind, c.id as company_id, c.name as company_name, c.phone as company_phone, c.has_party_branch,
                 v.code::text as village_code, v.name as village_name, t.code::text as township_code, t.name as township_name,
                 ${extentColumns(sql`p.geom`)}, ${labelColumns(sql`p.geom`)}
          from property_communities p join property_companies c on c.id = p.company_id
          join villages v on v.code = p.village_code join townships t on t.code = v.township_code
          where p.id = ${id}`,
    );
  } catch (err) {
    throw queryFailed('community details', err);
  }
  if (!p) throw refuse('NOT_FOUND', 'notFound', { what: 'compound', id });
  return {
    id: p.id,
    name: p.name,
    households: p.households,
    company: { id: p.company_id, name: p.company_name, phone: p.company_phone, hasPartyBranch: p.has_party_branch },
    partyOrgName: p.party_org_name,
    partyOrgKind: p.party_org_kind,
    version: p.version,
    districtCode: p.village_code.slice(0, 6),
    village: { code: p.village_code, name: p.village_name },
    township: { code: p.township_code, name: p.township_name },
    lng: p.lng,
    lat: p.lat,
    bbox: toBbox(p),
  };
}

export interface CommunityUpdate {
  id: number;
  version: number;
  name: string;
  households: number;
  partyOrgName: string | null;
  partyOrgKind: string;
}

/** A compound's name, households and party organisation; only inside the editor's districts (checked in the UPDATE). */
export async function updateCommunity(db: Db, scope: Scope, u: CommunityUpdate) {
  const district = sql`substr(p.village_code, 1, 6)`;
  let done, current;
  try {
    done = await rows<{ id: number; version: number }>(
      db,
      sql`update property_communities p set name = ${u.name}, households = ${u.households}, party_org_name = ${u.partyOrgName}, party_org_kind = ${u.partyOrgKind},
                 version = p.version + 1
          where p.id = ${u.id} and p.version = ${u.version} and ${districtScopeSql(scope, district)}
          returning p.id, p.version`,
    );
    if (!done.length) [current] = await rows<{ version: number; district_code: string }>(db, sql`select p.version, ${district} as district_code from property_communities p where p.id = ${u.id}`);
  } catch (err) {
    throw queryFailed('update community', err);
  }
  if (!done.length) throw explainMissedUpdate({ what: 'compound', id: u.id }, scope, current, u.version);
  return done[0];
}
