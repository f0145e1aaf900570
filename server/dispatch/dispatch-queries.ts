// Routing (派遣对象) on real PostGIS: where a point lies — the unit grid valid at that instant,
// its community/village, township and district, the managed compound around it — and which
// department the dispatch rules (data, versioned) give a case of a category there, with why.
// Points are WGS-84 (EPSG:4326) lng/lat; a point on a shared edge or vertex lies in every
// polygon within ON_EDGE_DEGREES of it (a point computed on an edge is seldom exactly on it in
// floating point, and would otherwise fall in neither neighbour), and the lowest code wins, so
// the answer is deterministic. The rules themselves are applied by domain/routing.ts.
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { candidateRoutes, explainRoute, routeCase, rulesValidAt, sortRules, ruleReport, type DispatchRule, type RuleReport } from '../../domain/routing.ts';
import { refOf, type RefSource } from './reference.ts';
import { queryFailed, refuse } from '../query-error.ts';
import { caseScopeSql, type Scope } from '../auth/actor.ts';
import { gridValidAt } from '../grids/grid-validity.ts';

/** 1e-9° ≈ 0.1 mm: closer than this to a polygon counts as on it. */
const ON_EDGE_DEGREES = 1e-9;

export interface Place {
  districtCode: string;
  districtName: string;
  townshipCode: string | null;
  townshipName: string | null;
  villageCode: string | null;
  villageName: string | null;
  gridId: number | null;
  gridCode: string | null;
  /** core where the point lies in the gridded urban core (a unit grid), else general. */
  areaClass: 'core' | 'general';
  compoundId: number | null;
  propertyDepartmentId: number | null;
  territorialDepartmentId: number | null;
  address: string;
}

/** Where a WGS-84 point lies at an instant; null outside the city (no district contains it). */
export async function placeAt(db: Db, lng: number, lat: number, at: Date): Promise<Place | null> {
  try {
    const [r] = await rows<{
      district_code: string | null; district_name: string | null; township_code: string | null; township_name: string | null; village_code: string | null; village_name: string | null;
      grid_id: number | null; grid_code: string | null; compound_id: number | null; property_department_id: number | null; territorial_department_id: number | null;
    }>(
      db,
      sql`with p as (select ST_SetSRID(ST_MakePoint(${lng}, ${lat}), 4326) as g),
          grid as (
            select u.id, u.code::text as code, u.village_code from unit_grids u, p
            where ST_DWithin(u.geom, p.g, ${ON_EDGE_DEGREES}) and ${gridValidAt('u', at)}
            order by u.code, u.version desc limit 1),
          village as (
            select v.code, v.name, v.township_code from villages v
            where v.code = (select village_code from grid)
               or (not exists (select 1 from grid) and v.area is not null and ST_DWithin(v.area, (select g from p), ${ON_EDGE_DEGREES}))
            order by (v.code = (select village_code from grid)) desc nulls last, v.code limit 1),
          township as (
            select t.code, t.name, t.district_code from townships t
            where t.code = (select township_code from village)
               or (not exists (select 1 from village) and ST_DWithin(t.geom, (select g from p), ${ON_EDGE_DEGREES}))
            order by (t.code = (select township_code from village)) desc nulls last, t.code limit 1),
          district as (
            select d.code, d.name from districts d
            where d.code = (select district_code from township)
               or (not exists (select 1 from township) and ST_DWithin(d.geom, (select g from p), ${ON_EDGE_DEGREES}))
            order by (d.code = (select district_code from township)) desc nulls last, d.code limit 1),
          compound as (
            select pc.id, co.department_id from property_communities pc join property_companies co on co.id = pc.company_id, p
            where pc.village_code = (select code from village) and ST_Intersects(pc.geom, p.g) order by pc.id limit 1)
          select (select code::text from district) as district_code, (select name from district) as district_name,
                 (select code::text from township) as township_code, (select name from township) as township_name,
                 (select code::text from village) as village_code, (select name from village) as village_name,
                 (select id from grid) as grid_id, (select code from grid) as grid_code,
                 (select id from compound) as compound_id, (select department_id from compound) as property_department_id,
                 (select d.id from departments d where d.kind = 'township_gov' and d.township_code = (select code from township)) as territorial_department_id`,
    );
    if (!r?.district_code) return null;
    return {
      districtCode: r.district_code, districtName: r.district_name!, townshipCode: r.township_code, townshipName: r.township_name, villageCode: r.village_code, villageName: r.village_name,
      gridId: r.grid_id, gridCode: r.grid_code, areaClass: r.grid_id ? 'core' : 'general', compoundId: r.compound_id,
      propertyDepartmentId: r.property_department_id, territorialDepartmentId: r.territorial_department_id,
      address: [r.district_name, r.township_name, r.village_name].filter(Boolean).join(''),
    };
  } catch (err) {
    throw queryFailed('locating the point', err);
  }
}

/** placeAt, refusing a point outside the city with a message that says so. */
export async function placeInCity(db: Db, lng: number, lat: number, at: Date): Promise<Place> {
  const place = await placeAt(db, lng, lat, at);
  if (!place) throw refuse('BAD_REQUEST', 'route.outsideCity', { lng: lng.toFixed(6), lat: lat.toFixed(6) });
  return place;
}

/** Every rule, every version (the routing applies those valid at the case's instant). */
export async function loadRules(src: RefSource): Promise<DispatchRule[]> {
  return (await refOf(src)).rules;
}

export interface RouteDecision {
  departmentId: number;
  departmentCode: string;
  departmentName: string;
  departmentNameEn: string;
  ruleId: number;
  reason: string;
  reasonEn: string;
}

export interface CategoryFacts {
  code: string;
  kind: string;
  majorCode: string;
  name: string;
  nameEn: string;
}

/** An active category (null: unknown or retired). */
export async function categoryOf(src: RefSource, code: string): Promise<CategoryFacts | null> {
  const c = (await refOf(src)).categories.get(code);
  return c?.active ? { code: c.code, kind: c.kind, majorCode: c.majorCode, name: c.name, nameEn: c.nameEn } : null;
}

/**
 * The department the rules valid at `at` give a case of `category` at `place` (from `channel`), with the reason; null when no rule resolves.
 * With `toDepartment`, the rule that would send it to that unit instead, if one applies.
 */
export async function decideRoute(src: RefSource, place: Place, category: CategoryFacts, at: Date, channel: string | null, opts: { toDepartment?: number } = {}): Promise<RouteDecision | null> {
  const ref = await refOf(src);
  const rules = sortRules(rulesValidAt(ref.rules, at.getTime()));
  const facts = {
    categoryCode: category.code, categoryKind: category.kind, majorCode: category.majorCode, districtCode: place.districtCode, townshipCode: place.townshipCode,
    villageCode: place.villageCode, propertyDepartmentId: place.propertyDepartmentId, territorialDepartmentId: place.territorialDepartmentId, channel, areaClass: place.areaClass,
  };
  // with toDepartment: the first rule that applies here and names that unit (a return's suggested owner), or none
  const route = opts.toDepartment === undefined ? routeCase(rules, facts) : (candidateRoutes(rules, facts).find((r) => r.departmentId === opts.toDepartment) ?? null);
  if (!route) return null;
  const d = ref.departments.get(route.departmentId)!;
  const rule = rules.find((r) => r.id === route.ruleId)!;
  const names = { category: category.name, district: place.districtName, township: place.townshipName ?? undefined, village: place.villageName ?? undefined };
  return {
    departmentId: route.departmentId, departmentCode: d.code, departmentName: d.name, departmentNameEn: d.nameEn, ruleId: route.ruleId,
    reason: explainRoute(rule, { ...names, department: d.name }, 'zh'),
    reasonEn: explainRoute(rule, { ...names, category: category.nameEn, department: d.nameEn }, 'en'),
  };
}

/** Rules that can never fire and rules that tie ambiguously, among those in force at `at`. */
export async function rulesReport(src: RefSource, at: Date): Promise<RuleReport & { rules: number }> {
  const ref = await refOf(src);
  const rules = rulesValidAt(ref.rules, at.getTime());
  const cats = new Map([...ref.categories.values()].map((c) => [c.code, { kind: c.kind, major: c.majorCode }]));
  return { rules: rules.length, ...ruleReport(rules, (code) => cats.get(code)) };
}

export interface Disputes {
  /** Cases dispatched in the period (their first dispatch in it). */
  dispatched: number;
  /** Of those, cases returned as not ours at least once, and twice or more (ping-pong). */
  returnedOnce: number;
  returnedTwiceOrMore: number;
  /** Returned at least once / dispatched (null with nothing dispatched). */
  returnRate: number | null;
  /** Returned twice or more / dispatched: the ping-pong rate. */
  pingPongRate: number | null;
  /** Hand-offs by department pair: the unit that returned it → the unit it went to next (most first, at most 20). */
  pairs: { fromId: number; fromName: string; fromNameEn: string; toId: number | null; toName: string | null; toNameEn: string | null; handoffs: number }[];
  /** Returns by reason code. */
  reasons: { code: string; returns: number }[];
}

/**
 * Jurisdiction disputes (回退) in a period, inside a scope: how often cases are handed back as
 * not ours, per case and per department pair. A return's department is the unit that had the
 * case (its dispatch before the return); the next unit is that of the next dispatch.
 */
export async function disputes(db: Db, p: { from: string; to: string; scope: Scope }): Promise<Disputes> {
  try {
    const [totals] = await rows<{ dispatched: number; once: number; twice: number }>(
      db,
      // case_facts keeps each case's count of returns (trigger-kept, docs/decisions/0007): no scan of the events
      sql`select count(*)::int as dispatched, count(*) filter (where f.returns >= 1)::int as once, count(*) filter (where f.returns >= 2)::int as twice
          from cases c join case_facts f on f.case_id = c.id
          where f.dispatched_at >= ${p.from}::timestamptz and f.dispatched_at < ${p.to}::timestamptz and ${caseScopeSql(p.scope)}`,
    );
    const pairs = await rows<{ from_id: number; from_name: string; from_name_en: string; to_id: number | null; to_name: string | null; to_name_en: string | null; handoffs: number }>(
      db,
      // only the cases with a return in the period, and only their dispatches and returns: in
      // seq order the row before a return is the dispatch it sends back, the row after it the next
      sql`with rc as (
            select distinct e.case_id from case_events e join cases c on c.id = e.case_id
            where e.type = 'return' and e.at >= ${p.from}::timestamptz and e.at < ${p.to}::timestamptz and ${caseScopeSql(p.scope)}),
          ev as (
            select x.type, x.at, lag((x.payload->>'departmentId')::int) over w as from_id, lead((x.payload->>'departmentId')::int) over w as to_id
            from rc join case_events x on x.case_id = rc.case_id
            where (x.type || '') in ('dispatch', 'return') -- a filter on the case's few events, never the type index
            window w as (partition by x.case_id order by x.seq)),
          r as (select from_id, to_id from ev where type = 'return' and at >= ${p.from}::timestamptz and at < ${p.to}::timestamptz and from_id is not null)
          select r.from_id, fd.name as from_name, fd.name_en as from_name_en, r.to_id, td.name as to_name, td.name_en as to_name_en, count(*)::int as handoffs
          from r join departments fd on fd.id = r.from_id left join departments td on td.id = r.to_id
          group by r.from_id, fd.name, fd.name_en, r.to_id, td.name, td.name_en order by handoffs desc, r.from_id, r.to_id limit 20`,
    );
    const reasons = await rows<{ code: string; returns: number }>(
      db,
      sql`select coalesce(e.payload->>'reasonCode', 'other') as code, count(*)::int as returns
          from case_events e join cases c on c.id = e.case_id
          where e.type = 'return' and e.at >= ${p.from}::timestamptz and e.at < ${p.to}::timestamptz and ${caseScopeSql(p.scope)}
          group by 1 order by returns desc, code`,
    );
    const rate = (n: number) => (totals.dispatched ? n / totals.dispatched : null);
    return {
      dispatched: totals.dispatched, returnedOnce: totals.once, returnedTwiceOrMore: totals.twice, returnRate: rate(totals.once), pingPongRate: rate(totals.twice),
      pairs: pairs.map((x) => ({ fromId: x.from_id, fromName: x.from_name, fromNameEn: x.from_name_en, toId: x.to_id, toName: x.to_name, toNameEn: x.to_name_en, handoffs: x.handoffs })),
      reasons,
    };
  } catch (err) {
    throw queryFailed('counting jurisdiction disputes', err);
  }
}
