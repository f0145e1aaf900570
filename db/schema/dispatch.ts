// Dispatch reference data: departments, the category catalogue with its time limits, routing
// rules and the working calendar. All of it is data (seeded, editable), never code constants.
import { pgTable, serial, char, text, integer, boolean, numeric, date, time, timestamp, primaryKey, index, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { districts, townships, villages } from './places.ts';

export const departments = pgTable('departments', {
  id: serial('id').primaryKey(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  nameEn: text('name_en').notNull(),
  /** municipal (市直部门), district_gov, township_gov, utility (asset owner), property (物业公司). */
  kind: text('kind').notNull(),
  /** For township_gov departments: the township they are (属地管理). */
  townshipCode: char('township_code', { length: 9 }).references(() => townships.code),
});

/** The districts a department serves. */
export const departmentDistricts = pgTable(
  'department_districts',
  {
    departmentId: integer('department_id').notNull().references(() => departments.id),
    districtCode: char('district_code', { length: 6 }).notNull().references(() => districts.code),
  },
  (t) => [primaryKey({ columns: [t.departmentId, t.districtCode] })],
);

/** GB/T 30428.2 catalogue: components (部件) and events (事件), 大类 + 小类. */
export const caseCategories = pgTable('case_categories', {
  /** kind letter + major + minor, e.g. 'E0101' (event 01 市容环境 / 01), 'C0102'. */
  code: text('code').primaryKey(),
  kind: text('kind').notNull(),
  majorCode: char('major_code', { length: 2 }).notNull(),
  majorName: text('major_name').notNull(),
  minorCode: char('minor_code', { length: 2 }).notNull(),
  name: text('name').notNull(),
  nameEn: text('name_en').notNull(),
  filingCondition: text('filing_condition').notNull(),
  closureCondition: text('closure_condition').notNull(),
  /** The kind of department that owns it by default (used by the fallback dispatch rule). */
  ownerKind: text('owner_kind').notNull(),
  /** Relative frequency in the demo generator (events are the large majority). */
  demoWeight: numeric('demo_weight').notNull().default('1'),
  active: boolean('active').notNull().default(true),
});

/** Handling and other stage limits per category, urgency and area class. */
export const categoryTimeLimits = pgTable(
  'category_time_limits',
  {
    categoryCode: text('category_code').notNull().references(() => caseCategories.code),
    /** handle (处置), verify (核实), check (核查). */
    stage: text('stage').notNull(),
    urgency: text('urgency').notNull(),
    /** core (核心区) or general (一般区). */
    areaClass: text('area_class').notNull(),
    amount: numeric('amount').notNull(),
    /** hour (calendar), working_hour, working_day. */
    unit: text('unit').notNull(),
  },
  (t) => [primaryKey({ columns: [t.categoryCode, t.stage, t.urgency, t.areaClass] })],
);

/** Routing rules: the most specific matching rule (highest priority) names the department. */
export const dispatchRules = pgTable(
  'dispatch_rules',
  {
    id: serial('id').primaryKey(),
    priority: integer('priority').notNull(),
    categoryCode: text('category_code').references(() => caseCategories.code),
    majorKind: text('major_kind'),
    majorCode: char('major_code', { length: 2 }),
    districtCode: char('district_code', { length: 6 }).references(() => districts.code),
    townshipCode: char('township_code', { length: 9 }).references(() => townships.code),
    villageCode: char('village_code', { length: 12 }).references(() => villages.code),
    /** When true the rule applies only inside a property-managed community. */
    inPropertyCommunity: boolean('in_property_community'),
    /** Either a fixed department, or 'territorial' / 'property' resolved from the location. */
    departmentId: integer('department_id').references(() => departments.id),
    resolve: text('resolve'),
    note: text('note').notNull().default(''),
    /** Only cases from this intake channel / in this area class (migration 0016). */
    channel: text('channel'),
    areaClass: text('area_class'),
    /** Versions: the rule routes cases at instants in [valid_from, valid_to); an edit retires it and adds its successor. */
    validFrom: timestamp('valid_from', { withTimezone: true }).notNull().default(new Date('2000-01-01T00:00:00Z')),
    validTo: timestamp('valid_to', { withTimezone: true }),
    replacesId: integer('replaces_id').references((): AnyPgColumn => dispatchRules.id),
  },
  (t) => [index('dispatch_rules_category_idx').on(t.categoryCode)],
);

/** Working calendar exceptions: public holidays and swapped working days (调休). */
export const calendarDays = pgTable('calendar_days', {
  day: date('day').primaryKey(),
  /** holiday (a weekday off) or workday (a weekend day worked). */
  kind: text('kind').notNull(),
  name: text('name').notNull(),
});

/** Working periods of a working day, local time (Asia/Shanghai, UTC+8, no DST). */
export const workingPeriods = pgTable('working_periods', {
  id: serial('id').primaryKey(),
  startsAt: time('starts_at').notNull(),
  endsAt: time('ends_at').notNull(),
});
