// Builds the Zhangzhou demo city into an empty, migrated database, in one transaction: either
// the whole city lands or nothing does. Deterministic: the same seed gives the same city
// (on one engine; GEOS versions differ slightly between the embedded and server engines).
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../db/engine.ts';
import { seedPlaces } from './generators/places.ts';
import { seedCatalogue } from './generators/catalogue.ts';
import { seedGrids } from './generators/grids.ts';
import { seedPatrolStaff } from './generators/staff.ts';
import { seedCommunities } from './generators/communities.ts';
import { seedClinics } from './generators/clinics.ts';
import { seedDemand } from './generators/demand.ts';
import { seedCases } from './generators/cases.ts';
import { withBulkLoad } from './generators/insert-checked.ts';

export const DEFAULT_SEED = 20220831;

export interface SeedOptions {
  seed?: number;
  /** "Now" for the open cases; defaults to the current time rounded down to the hour. */
  now?: Date;
  log?: (line: string) => void;
}

export interface SeedReport {
  seed: number;
  now: string;
  cases: number;
  events: number;
  steps: { step: string; ms: number }[];
}

/**
 * Fills case_facts from the event log in one statement (bulk loads only: the seed, with the
 * trigger skipped). Its secondary indexes are built after the rows are in. Call it with a
 * transaction (`db` = tx), as the seed does: on its own it would let other requests see an
 * empty, unindexed case_facts between its steps.
 */
export async function fillCaseFacts(db: Db): Promise<void> {
  await withBulkLoad(db, 'case_facts', async () => {
    await db.execute(sql`delete from case_facts`);
    await db.execute(sql`insert into case_facts select * from case_facts_from_events`);
  });
}

export async function isSeeded(db: Db): Promise<boolean> {
  const [r] = await rows<{ n: number }>(db, sql`select count(*)::int as n from app_meta where key = 'seed'`);
  return r.n > 0;
}

/**
 * Seeds the city in one transaction. Concurrent seeders (two servers starting on one empty
 * database) queue on an advisory lock; the later one finds the city there and, with
 * `ifEmpty`, returns null instead of failing.
 */
export async function seedCity(db: Db, opts: SeedOptions & { ifEmpty: true }): Promise<SeedReport | null>;
export async function seedCity(db: Db, opts?: SeedOptions): Promise<SeedReport>;
export async function seedCity(db: Db, opts: SeedOptions & { ifEmpty?: boolean } = {}): Promise<SeedReport | null> {
  const seed = opts.seed ?? DEFAULT_SEED;
  const now = opts.now ?? new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
  const log = opts.log ?? (() => {});
  const steps: SeedReport['steps'] = [];
  let result = { cases: 0, events: 0 };
  let skipped = false;
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await t.execute(sql`select pg_advisory_xact_lock(hashtext('citygrid:seed'))`);
    if (await isSeeded(t)) {
      if (opts.ifEmpty) {
        skipped = true;
        return;
      }
      throw new Error('The database already holds a seeded city; seed an empty database');
    }
    const step = async (name: string, fn: () => Promise<unknown>) => {
      const t0 = performance.now();
      await fn();
      const ms = Math.round(performance.now() - t0);
      steps.push({ step: name, ms });
      log(`seeded ${name} in ${(ms / 1000).toFixed(1)} s`);
    };
    await step('districts, townships, villages', () => seedPlaces(t, seed));
    await step('catalogue, departments, calendar', () => seedCatalogue(t));
    await step('unit and responsibility grids', () => seedGrids(t, seed));
    await step('patrol staff', () => seedPatrolStaff(t, seed));
    await step('property communities', () => seedCommunities(t, seed));
    await step('village clinics', () => seedClinics(t, seed));
    await step('demand cells (coverage)', () => seedDemand(t));
    // the event trigger that keeps case_facts current (migration 0011) would refresh every
    // case once per COPY chunk: skip it for the load and fill the facts once at the end
    await t.execute(sql`select set_config('citygrid.bulk_load', 'on', true)`);
    // … and disabled outright: a statement trigger with a transition table (REFERENCING NEW
    // TABLE) copies every inserted row aside even when it returns at once. Inside this
    // transaction only (the ALTER locks the table until commit); real writes keep it.
    await t.execute(sql`alter table case_events disable trigger case_events_refresh_facts`);
    await step('cases and events', async () => {
      result = await seedCases(t, { seed, now });
    });
    await t.execute(sql`alter table case_events enable trigger case_events_refresh_facts`);
    await step('case facts', () => fillCaseFacts(t));
    await t.execute(sql`select set_config('citygrid.bulk_load', 'off', true)`);
    await t.execute(sql`insert into app_meta (key, value) values ('seed', ${String(seed)}), ('seeded_now', ${now.toISOString()})`);
    // planner statistics for what was just loaded: without them a fresh server database plans
    // the case queries from empty-table guesses (a 200 ms query took 25 s) until autovacuum comes by
    await step('planner statistics', () => t.execute(sql`analyze`));
  });
  return skipped ? null : { seed, now: now.toISOString(), ...result, steps };
}
