// Property-managed residential communities (物业小区) and their property companies, with the
// party-building fields the bureau supervises ("红色物业").
import { pgTable, serial, char, text, integer, boolean, index } from 'drizzle-orm/pg-core';
import { geometry } from './geometry.ts';
import { villages } from './places.ts';
import { departments } from './dispatch.ts';

export const propertyCompanies = pgTable('property_companies', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  /** 18-character unified social credit code (synthetic). */
  creditCode: char('credit_code', { length: 18 }).notNull().unique(),
  phone: text('phone').notNull(),
  hasPartyBranch: boolean('has_party_branch').notNull().default(false),
  /** The company as a dispatch target (kind 'property'). */
  departmentId: integer('department_id').references(() => departments.id),
});

export const propertyCommunities = pgTable(
  'property_communities',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    villageCode: char('village_code', { length: 12 }).notNull().references(() => villages.code),
    companyId: integer('company_id').notNull().references(() => propertyCompanies.id),
    households: integer('households').notNull(),
    partyOrgName: text('party_org_name'),
    /** branch (党支部), joint branch (联合党支部), or none. */
    partyOrgKind: text('party_org_kind').notNull().default('none'),
    /** Optimistic concurrency for edits. */
    version: integer('version').notNull().default(1),
    geom: geometry('geom', 'MultiPolygon').notNull(),
  },
  (t) => [index('property_communities_geom_idx').using('gist', t.geom)],
);
