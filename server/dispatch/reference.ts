// The reference data the case engine reads on every move — the working calendar, the time
// limits, the settings (app_meta, read and checked by server/settings/settings-store.ts and read
// by everyone through server/settings/settings.ts), the categories, the departments and the
// dispatch rules — kept in memory and re-read only when the database's reference stamp moved
// (reference_stamp, migration 0017: statement triggers give it a fresh random value on every
// write to those tables). A move pays one small query for the stamp instead of seven for the
// data, and a change (a calendar correction, a rule edit) applies to the very next move in
// every server process. The stamp is read on the caller's connection, inside its transaction:
// a change made earlier in that transaction is seen there, and data cached under the stamp of
// a change that was rolled back is never matched again (the next stamp is another random value).
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import type { LimitUnit, WorkingCalendar } from '../../domain/working-clock.ts';
import type { DispatchRule } from '../../domain/routing.ts';
import { queryFailed } from '../query-error.ts';
import { readSettings, type StoredSettings } from '../settings/settings-store.ts';

export interface CategoryRow {
  code: string;
  kind: string;
  majorCode: string;
  name: string;
  nameEn: string;
  active: boolean;
}

export interface DepartmentRow {
  id: number;
  code: string;
  name: string;
  nameEn: string;
}

export interface Reference {
  stamp: string;
  calendar: WorkingCalendar;
  calendarRows: { days: { day: string; kind: string }[]; periods: { startsAt: string; endsAt: string }[] };
  /** category|stage|urgency|area class → limit. */
  limits: Map<string, { amount: number; unit: LimitUnit }>;
  /** The settings (app_meta), checked: read them through server/settings/settings.ts. */
  settings: StoredSettings;
  categories: Map<string, CategoryRow>;
  departments: Map<number, DepartmentRow>;
  /** Every version of every rule, by id. */
  rules: DispatchRule[];
}

/** The last few stamps read (a test run alternates between databases; a server has one). */
const CACHE_SIZE = 4;
const cache = new Map<string, Reference>();

export const limitKey = (category: string, stage: string, urgency: string, areaClass: string) => `${category}|${stage}|${urgency}|${areaClass}`;

const RULE_COLUMNS = sql`id, priority, category_code as "categoryCode", major_kind as "majorKind", major_code::text as "majorCode", district_code::text as "districtCode",
  township_code::text as "townshipCode", village_code::text as "villageCode", in_property_community as "inPropertyCommunity", channel, area_class as "areaClass",
  department_id as "departmentId", resolve, (extract(epoch from valid_from) * 1000)::float8 as "validFrom", (extract(epoch from valid_to) * 1000)::float8 as "validTo"`;

async function load(db: Db, stamp: string): Promise<Reference> {
  const { settings, calendar, calendarRows } = await readSettings(db);
  const limits = await rows<{ category_code: string; stage: string; urgency: string; area_class: string; amount: number; unit: LimitUnit }>(
    db,
    sql`select category_code, stage, urgency, area_class, amount::float8 as amount, unit from category_time_limits`,
  );
  const categories = await rows<CategoryRow>(db, sql`select code, kind, major_code::text as "majorCode", name, name_en as "nameEn", active from case_categories`);
  const departments = await rows<DepartmentRow>(db, sql`select id, code, name, name_en as "nameEn" from departments`);
  const rules = await rows<DispatchRule>(db, sql`select ${RULE_COLUMNS} from dispatch_rules order by id`);
  return {
    stamp,
    calendar,
    calendarRows,
    limits: new Map(limits.map((l) => [limitKey(l.category_code, l.stage, l.urgency, l.area_class), { amount: l.amount, unit: l.unit }])),
    settings,
    categories: new Map(categories.map((c) => [c.code, c])),
    departments: new Map(departments.map((d) => [d.id, d])),
    rules,
  };
}

/** The reference data as the caller's transaction sees it (one query when nothing changed). */
export async function reference(db: Db): Promise<Reference> {
  try {
    const [r] = await rows<{ stamp: string }>(db, sql`select stamp from reference_stamp where id = 1`);
    const stamp = r?.stamp ?? '';
    const hit = cache.get(stamp);
    if (hit) return hit;
    const fresh = await load(db, stamp);
    // a database without the stamp row (never: the migration inserts it) is read every time
    if (stamp) {
      cache.set(stamp, fresh);
      while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
    }
    return fresh;
  } catch (err) {
    throw queryFailed('reading the reference data', err);
  }
}

/** Where a helper gets the reference data: a transaction (it reads the stamp), or data a move already holds. */
export type RefSource = Db | Reference;
export const refOf = (src: RefSource): Promise<Reference> | Reference => ('stamp' in src && 'rules' in src ? src : reference(src));
