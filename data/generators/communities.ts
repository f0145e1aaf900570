// Property-managed residential compounds (物业小区) in the core's residential communities and
// the property companies that run them, with the party-building fields ("红色物业").
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { createRandom } from './random.ts';
import { insertChecked } from './insert-checked.ts';
import { companyNames, compoundName } from './names.ts';

/** Seed policy: how many companies, and the share of residential-community grids holding a compound. */
export const PROPERTY_TARGETS = { companies: 36, compoundShare: 0.22, householdsPerM2: 0.011, setbackMetres: 8 };

export async function seedCommunities(db: Db, seed: number): Promise<void> {
  const rnd = createRandom(seed).fork('communities');
  const names = companyNames(PROPERTY_TARGETS.companies);
  const credit = names.map((_, i) => `91350600MA${String(10000000 + i * 7919).slice(0, 8)}`);
  const phones = names.map(() => `0596-${rnd.int(2000000, 2999999)}`);
  const branch = names.map(() => rnd.next() < 0.6);
  await insertChecked(db, names.length, sql`
    insert into property_companies (name, credit_code, phone, has_party_branch)
    select * from unnest(${sql.param(names)}::text[], ${sql.param(credit)}::text[], ${sql.param(phones)}::text[], ${sql.param(branch)}::boolean[])`, 'property companies');
  await db.execute(sql`insert into departments (code, name, name_en, kind) select 'pm-' || id, name, 'Property company ' || id, 'property' from property_companies order by id`);
  await db.execute(sql`update property_companies p set department_id = d.id from departments d where d.code = 'pm-' || p.id`);
  await db.execute(sql`
    insert into department_districts (department_id, district_code)
    select d.id, x.code from departments d cross join districts x where d.kind = 'property' and x.code in ('350602', '350603')`);

  const grids = await rows<{ id: number; village_code: string; area_m2: number }>(
    db,
    sql`select g.id, g.village_code, g.area_m2 from unit_grids g join villages v on v.code = g.village_code where v.kind = 'community' order by g.code`,
  );
  const chosen = grids.filter(() => rnd.next() < PROPERTY_TARGETS.compoundShare);
  const companyIds = await rows<{ id: number; has_party_branch: boolean }>(db, sql`select id, has_party_branch from property_companies order by id`);
  // a few large companies run most compounds (Zipf-like)
  const weights = companyIds.map((_, i) => 1 / (i + 1));
  const picks = chosen.map(() => companyIds[rnd.weighted(weights)]);
  const households = chosen.map((g) => Math.max(40, Math.round(g.area_m2 * PROPERTY_TARGETS.householdsPerM2 * rnd.range(0.6, 1.5))));
  const partyKind = picks.map((c) => (c.has_party_branch ? (rnd.next() < 0.7 ? 'branch' : 'joint_branch') : 'none'));
  const compoundNames = chosen.map(() => compoundName(rnd));
  await insertChecked(db, chosen.length, sql`
    insert into property_communities (name, village_code, company_id, households, party_org_name, party_org_kind, geom)
    select c.name, g.village_code, c.company_id, c.households,
           case c.party_kind when 'branch' then c.name || '党支部' when 'joint_branch' then c.name || '联合党支部' end,
           c.party_kind,
           ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Transform(ST_Buffer(ST_Transform(g.geom, 4548), ${-PROPERTY_TARGETS.setbackMetres}), 4326)), 3))
    from unnest(${sql.param(chosen.map((g) => g.id))}::int[], ${sql.param(compoundNames)}::text[], ${sql.param(picks.map((p) => p.id))}::int[],
                ${sql.param(households)}::int[], ${sql.param(partyKind)}::text[]) as c(grid_id, name, company_id, households, party_kind)
    join unit_grids g on g.id = c.grid_id`, 'property communities');
  // a compound too thin to survive the setback keeps nothing: drop those few
  await db.execute(sql`delete from property_communities where ST_IsEmpty(geom)`);
}
