// Accounts and roles. The columns are here so that events can name their actor; sessions,
// permissions and scopes are filled in by the accounts issue.
import { pgTable, serial, text, integer, timestamp, char } from 'drizzle-orm/pg-core';
import { departments } from './dispatch.ts';

export const roles = pgTable('roles', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  nameEn: text('name_en').notNull(),
});

export const users = pgTable('users', {
  id: serial('id').primaryKey(),
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull(),
  roleCode: text('role_code').notNull().references(() => roles.code),
  departmentId: integer('department_id').references(() => departments.id),
  /** District scope for district-bound roles (empty = city-wide). */
  districtCodes: char('district_codes', { length: 6 }).array().notNull().default([]),
  passwordHash: text('password_hash'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
