// Editing the dispatch rules (派遣规则), with history: a rule is never changed in place. An edit
// retires the version in force (valid_to = the instant the edit takes effect) and adds its
// successor (replaces_id) from that instant; retiring ends a rule without a successor. A case
// keeps the rule id that routed it, so its reason still reads as it was decided. Each save
// answers with the rules report (shadowed and ambiguous rules) of the rules then in force.
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { queryFailed, refuse } from '../query-error.ts';
import { rulesReport } from './dispatch-queries.ts';

export interface RuleFields {
  priority: number;
  categoryCode?: string | null;
  majorKind?: 'component' | 'event' | null;
  majorCode?: string | null;
  districtCode?: string | null;
  townshipCode?: string | null;
  villageCode?: string | null;
  inPropertyCommunity?: boolean | null;
  channel?: string | null;
  areaClass?: 'core' | 'general' | null;
  /** A fixed unit, or … */
  departmentId?: number | null;
  /** … one resolved from the place: the township/street office, or the compound's property company. */
  resolve?: 'territorial' | 'property' | null;
  note?: string;
}

export interface RuleVersion extends Required<Omit<RuleFields, 'note'>> {
  id: number;
  note: string;
  departmentName: string | null;
  validFrom: string;
  validTo: string | null;
  replacesId: number | null;
  /** In force at the instant asked about. */
  inForce: boolean;
}

/** The rules in force at `at` (a screen's default), or every version with `history`. Highest priority first. */
export async function listRules(db: Db, at: Date, history: boolean): Promise<RuleVersion[]> {
  try {
    return await rows<RuleVersion>(
      db,
      sql`select r.id, r.priority, r.category_code as "categoryCode", r.major_kind as "majorKind", r.major_code::text as "majorCode",
                 r.district_code::text as "districtCode", r.township_code::text as "townshipCode", r.village_code::text as "villageCode",
                 r.in_property_community as "inPropertyCommunity", r.channel, r.area_class as "areaClass", r.department_id as "departmentId", r.resolve, r.note,
                 d.name as "departmentName", to_char(r.valid_from at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "validFrom",
                 to_char(r.valid_to at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "validTo", r.replaces_id as "replacesId",
                 (r.valid_from <= ${at.toISOString()}::timestamptz and (r.valid_to is null or r.valid_to > ${at.toISOString()}::timestamptz)) as "inForce"
          from dispatch_rules r left join departments d on d.id = r.department_id
          where ${history ? sql`true` : sql`r.valid_from <= ${at.toISOString()}::timestamptz and (r.valid_to is null or r.valid_to > ${at.toISOString()}::timestamptz)`}
          order by r.priority desc, r.id`,
    );
  } catch (err) {
    throw queryFailed('reading the dispatch rules', err);
  }
}

/** Refuses a rule whose references do not exist or whose target is not exactly one of a unit or a resolution. */
async function checkFields(db: Db, f: RuleFields): Promise<void> {
  if ((f.departmentId == null) === (f.resolve == null)) throw refuse('BAD_REQUEST', 'rule.target');
  if (f.majorCode != null && f.majorKind == null) throw refuse('BAD_REQUEST', 'rule.majorNeedsKind');
  const [m] = await rows<{ what: string | null }>(
    db,
    sql`select case
          when ${f.categoryCode ?? null}::text is not null and not exists (select 1 from case_categories where code = ${f.categoryCode ?? null}) then 'category'
          when ${f.districtCode ?? null}::text is not null and not exists (select 1 from districts where code = ${f.districtCode ?? null}) then 'district'
          when ${f.townshipCode ?? null}::text is not null and not exists (select 1 from townships where code = ${f.townshipCode ?? null}) then 'township'
          when ${f.villageCode ?? null}::text is not null and not exists (select 1 from villages where code = ${f.villageCode ?? null}) then 'village or community'
          when ${f.departmentId ?? null}::int is not null and not exists (select 1 from departments where id = ${f.departmentId ?? null}) then 'department'
        end as what`,
  );
  if (m.what) {
    const code = { category: f.categoryCode, district: f.districtCode, township: f.townshipCode, 'village or community': f.villageCode, department: f.departmentId }[m.what];
    throw refuse('BAD_REQUEST', 'notFound', { what: m.what, id: String(code) });
  }
}

const iso = (d: Date) => d.toISOString();

/**
 * Adds a rule, or (with `replacesId`) a new version of one: the version in force is retired at
 * `from` and the new one routes cases from then on. `from` defaults to now and may not be in the
 * past (history is never rewritten). A version already retired (or replaced by someone else
 * meanwhile) is a CONFLICT naming when it ended.
 */
export async function saveRule(db: Db, now: Date, input: RuleFields & { replacesId?: number; from?: Date }) {
  const from = input.from ?? now;
  if (from.getTime() < now.getTime() - 60_000) throw refuse('BAD_REQUEST', 'rule.fromInPast');
  let id: number;
  try {
    await checkFields(db, input);
    if (input.replacesId !== undefined) {
      const [old] = await rows<{ id: number; valid_from: Date | string; valid_to: Date | string | null }>(db, sql`select id, valid_from, valid_to from dispatch_rules where id = ${input.replacesId} for update`);
      if (!old) throw refuse('NOT_FOUND', 'notFound', { what: 'dispatch rule', id: input.replacesId });
      if (old.valid_to !== null && new Date(old.valid_to).getTime() <= from.getTime()) throw refuse('CONFLICT', 'rule.retired', { id: old.id, at: iso(new Date(old.valid_to)) });
      if (new Date(old.valid_from).getTime() > from.getTime()) throw refuse('BAD_REQUEST', 'rule.beforeVersion', { id: old.id, at: iso(new Date(old.valid_from)) });
      await db.execute(sql`update dispatch_rules set valid_to = ${iso(from)}::timestamptz where id = ${old.id}`);
    }
    [{ id }] = await rows<{ id: number }>(
      db,
      sql`insert into dispatch_rules (priority, category_code, major_kind, major_code, district_code, township_code, village_code, in_property_community, channel, area_class,
                                      department_id, resolve, note, valid_from, replaces_id)
          values (${input.priority}, ${input.categoryCode ?? null}, ${input.majorKind ?? null}, ${input.majorCode ?? null}, ${input.districtCode ?? null}, ${input.townshipCode ?? null},
                  ${input.villageCode ?? null}, ${input.inPropertyCommunity ?? null}, ${input.channel ?? null}, ${input.areaClass ?? null}, ${input.departmentId ?? null},
                  ${input.resolve ?? null}, ${input.note ?? ''}, ${iso(from)}::timestamptz, ${input.replacesId ?? null})
          returning id`,
    );
  } catch (err) {
    throw queryFailed('saving the dispatch rule', err);
  }
  return { id, validFrom: iso(from), replacesId: input.replacesId ?? null, report: await rulesReport(db, from) };
}

/** Ends a rule at `at` (default now; not in the past). A rule already ended is a CONFLICT. */
export async function retireRule(db: Db, now: Date, id: number, at?: Date) {
  const to = at ?? now;
  if (to.getTime() < now.getTime() - 60_000) throw refuse('BAD_REQUEST', 'rule.fromInPast');
  try {
    const [old] = await rows<{ id: number; valid_from: Date | string; valid_to: Date | string | null }>(db, sql`select id, valid_from, valid_to from dispatch_rules where id = ${id} for update`);
    if (!old) throw refuse('NOT_FOUND', 'notFound', { what: 'dispatch rule', id });
    if (old.valid_to !== null && new Date(old.valid_to).getTime() <= to.getTime()) throw refuse('CONFLICT', 'rule.retired', { id, at: iso(new Date(old.valid_to)) });
    if (new Date(old.valid_from).getTime() > to.getTime()) throw refuse('BAD_REQUEST', 'rule.beforeVersion', { id, at: iso(new Date(old.valid_from)) });
    await db.execute(sql`update dispatch_rules set valid_to = ${iso(to)}::timestamptz where id = ${id}`);
  } catch (err) {
    throw queryFailed('retiring the dispatch rule', err);
  }
  return { id, validTo: iso(to), report: await rulesReport(db, to) };
}
