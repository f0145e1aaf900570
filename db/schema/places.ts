// The administrative hierarchy (GB/T 30428.1): district → township/street → village/community.
// Codes are the national statistical division codes (6, 9 and 12 digits).
import { pgTable, char, text, integer, boolean, index, doublePrecision } from 'drizzle-orm/pg-core';
import { geometry } from './geometry.ts';

export const districts = pgTable(
  'districts',
  {
    code: char('code', { length: 6 }).primaryKey(),
    name: text('name').notNull(),
    nameEn: text('name_en').notNull(),
    population: integer('population').notNull(),
    /** Census 2020 figure as published, or 'scaled' when a rounded figure was scaled to the city total. */
    populationSource: text('population_source').notNull(),
    geom: geometry('geom', 'MultiPolygon').notNull(),
  },
  (t) => [index('districts_geom_idx').using('gist', t.geom)],
);

export const townships = pgTable(
  'townships',
  {
    code: char('code', { length: 9 }).primaryKey(),
    districtCode: char('district_code', { length: 6 }).notNull().references(() => districts.code),
    name: text('name').notNull(),
    /** street (街道, 000–099), town (镇, 100–199), township (乡, 200–299), other (farms, zones: 400+). */
    kind: text('kind').notNull(),
    population: integer('population').notNull(),
    /** Part of the urban core (the gridded ~85 km² of 芗城区/龙文区). */
    inCore: boolean('in_core').notNull().default(false),
    /** Synthetic shape: illustrative only. */
    geom: geometry('geom', 'MultiPolygon').notNull(),
  },
  (t) => [index('townships_geom_idx').using('gist', t.geom), index('townships_district_idx').on(t.districtCode)],
);

export const villages = pgTable(
  'villages',
  {
    code: char('code', { length: 12 }).primaryKey(),
    townshipCode: char('township_code', { length: 9 }).notNull().references(() => townships.code),
    districtCode: char('district_code', { length: 6 }).notNull().references(() => districts.code),
    name: text('name').notNull(),
    /** village (村委会, segment 200–399), community (社区/居委会, 001–199), other (400+). */
    kind: text('kind').notNull(),
    population: integer('population').notNull(),
    inCore: boolean('in_core').notNull().default(false),
    /** Synthetic position of the village/community centre. */
    geom: geometry('geom', 'Point').notNull(),
    /** Synthetic territory (Voronoi of the centres inside the township); illustrative. */
    area: geometry('area', 'MultiPolygon'),
    lng: doublePrecision('lng').notNull(),
    lat: doublePrecision('lat').notNull(),
    /** Bumped by every publish of the grid editor that touches this community's unit grids (a draft's base). */
    gridRevision: integer('grid_revision').notNull().default(0),
  },
  (t) => [
    index('villages_geom_idx').using('gist', t.geom),
    index('villages_area_idx').using('gist', t.area),
    index('villages_township_idx').on(t.townshipCode),
  ],
);
