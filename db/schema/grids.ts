// Unit grids (单元网格) and responsibility grids (责任网格). Unit grids are versioned: a code
// keeps its identity across versions; a case keeps the grid row (id) it was filed in.
import { sql } from 'drizzle-orm';
import { pgTable, serial, char, text, integer, timestamp, index, uniqueIndex, doublePrecision, primaryKey } from 'drizzle-orm/pg-core';
import { geometry } from './geometry.ts';
import { villages, districts, townships } from './places.ts';
import { users } from './users.ts';

export const responsibilityGrids = pgTable(
  'responsibility_grids',
  {
    id: serial('id').primaryKey(),
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    districtCode: char('district_code', { length: 6 }).notNull().references(() => districts.code),
    /** Who patrols it: an inspector (监督员) or a grid worker (网格员). */
    assigneeRole: text('assignee_role').notNull(),
    assigneeName: text('assignee_name').notNull(),
    /** Optimistic concurrency for edits of the assignment (not a grid version). */
    version: integer('version').notNull().default(1),
    geom: geometry('geom', 'MultiPolygon').notNull(),
  },
  (t) => [index('responsibility_grids_geom_idx').using('gist', t.geom)],
);

export const unitGrids = pgTable(
  'unit_grids',
  {
    id: serial('id').primaryKey(),
    /** 15 digits: county(6) + township(3) + community(3) + sequence(3), sequence W→E then N→S. */
    code: char('code', { length: 15 }).notNull(),
    version: integer('version').notNull().default(1),
    status: text('status').notNull().default('active'),
    validFrom: timestamp('valid_from', { withTimezone: true }).notNull(),
    validTo: timestamp('valid_to', { withTimezone: true }),
    villageCode: char('village_code', { length: 12 }).notNull().references(() => villages.code),
    townshipCode: char('township_code', { length: 9 }).notNull().references(() => townships.code),
    districtCode: char('district_code', { length: 6 }).notNull().references(() => districts.code),
    responsibilityGridId: integer('responsibility_grid_id').references(() => responsibilityGrids.id),
    areaM2: doublePrecision('area_m2').notNull(),
    geom: geometry('geom', 'MultiPolygon').notNull(),
    // ---- the standard's attributes (GB/T 30428.1; vocabularies in domain/grid-rules.ts), migration 0022
    landUse: text('land_use'),
    managementLevel: text('management_level'),
    /** 责任主体; null: the territory's office. */
    responsibleParty: text('responsible_party'),
    /** Who published this version (null: the seed). */
    publishedBy: integer('published_by').references(() => users.id),
  },
  (t) => [
    uniqueIndex('unit_grids_code_version_idx').on(t.code, t.version),
    /** One current version per code. */
    uniqueIndex('unit_grids_current_code_idx').on(t.code).where(sql`valid_to is null`),
    index('unit_grids_current_geom_idx').using('gist', t.geom).where(sql`valid_to is null`),
    index('unit_grids_geom_idx').using('gist', t.geom),
    index('unit_grids_village_idx').on(t.villageCode),
  ],
);

/**
 * The people who patrol a responsibility grid (migration 0017): inspectors (监督员) and grid
 * workers (网格员) as accounts. A case's verify and check tasks go to one of its grid's people
 * (server/dispatch/patrol-staff.ts); responsibility_grids.assignee_name is their names, kept in step.
 */
export const responsibilityGridStaff = pgTable(
  'responsibility_grid_staff',
  {
    responsibilityGridId: integer('responsibility_grid_id').notNull().references(() => responsibilityGrids.id),
    userId: integer('user_id').notNull().references(() => users.id),
  },
  (t) => [primaryKey({ columns: [t.responsibilityGridId, t.userId] }), index('responsibility_grid_staff_user_idx').on(t.userId)],
);

/**
 * The grid editor's publishes, one row per community touched (migration 0022): the revision it
 * made, who, when, why, and the codes it wrote and retired. A draft built on an older revision
 * is refused with these rows as what changed meanwhile.
 */
export const gridChanges = pgTable(
  'grid_changes',
  {
    id: serial('id').primaryKey(),
    villageCode: char('village_code', { length: 12 }).notNull().references(() => villages.code),
    revision: integer('revision').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    userId: integer('user_id').references(() => users.id),
    note: text('note').notNull().default(''),
    written: text('written').array().notNull(),
    retired: text('retired').array().notNull(),
  },
  (t) => [uniqueIndex('grid_changes_village_revision_idx').on(t.villageCode, t.revision)],
);
