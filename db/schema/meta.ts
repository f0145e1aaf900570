// Facts about this database itself (which seed made it, when).
import { pgTable, text, timestamp, integer } from 'drizzle-orm/pg-core';

export const appMeta = pgTable('app_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * One row whose stamp changes (a fresh random value) with every write to the reference data the
 * case engine reads per move — the calendar, the time limits, the workflow settings, the
 * categories, departments and dispatch rules (statement triggers, migration 0017) — so a
 * server process may keep that data in memory and re-read it only when the stamp moved
 * (server/dispatch/reference.ts).
 */
export const referenceStamp = pgTable('reference_stamp', {
  id: integer('id').primaryKey().default(1),
  stamp: text('stamp').notNull(),
  changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
});
