// Public village clinics (公办村卫生所) and other health facilities.
import { pgTable, serial, char, text, jsonb, index } from 'drizzle-orm/pg-core';
import { geometry } from './geometry.ts';
import { villages } from './places.ts';

export const clinics = pgTable(
  'clinics',
  {
    id: serial('id').primaryKey(),
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    /** village_clinic (村卫生所), township_health_centre, … */
    kind: text('kind').notNull(),
    villageCode: char('village_code', { length: 12 }).notNull().references(() => villages.code),
    /** Free-form facility attributes: doctors, opening hours, standardised (标准化) flag… */
    attributes: jsonb('attributes').notNull().default({}),
    geom: geometry('geom', 'Point').notNull(),
  },
  (t) => [index('clinics_geom_idx').using('gist', t.geom), index('clinics_village_idx').on(t.villageCode)],
);
