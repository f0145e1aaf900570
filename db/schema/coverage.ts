// Clinic coverage: demand cells, where people live (data/generators/demand.ts). Each cell is a
// share of one village's (or community's) census population, placed at the centre of a
// hexagon of a regular grid inside the village's territory (SRID 4326 point); a village whose
// territory holds no hexagon centre is one cell at its centre. Synthetic, like the territories.
import { pgTable, serial, char, text, doublePrecision, index } from 'drizzle-orm/pg-core';
import { geometry } from './geometry.ts';
import { villages } from './places.ts';

export const demandCells = pgTable(
  'demand_cells',
  {
    id: serial('id').primaryKey(),
    villageCode: char('village_code', { length: 12 }).notNull().references(() => villages.code),
    townshipCode: char('township_code', { length: 9 }).notNull(),
    districtCode: char('district_code', { length: 6 }).notNull(),
    /** The village's kind (village 村 / community 社区 / other): the one-clinic-per-village check counts villages only. */
    kind: text('kind').notNull(),
    /** Residents (a fractional share of the village's census population; the cells of a village sum to it). */
    population: doublePrecision('population').notNull(),
    lng: doublePrecision('lng').notNull(),
    lat: doublePrecision('lat').notNull(),
    geom: geometry('geom', 'Point').notNull(),
  },
  (t) => [index('demand_cells_geom_idx').using('gist', t.geom), index('demand_cells_village_idx').on(t.villageCode)],
);
