// Builds the seeded test city once per run. Embedded: the cached snapshot of
// tests/support/city-snapshot.ts (seeded once per source hash, shared with the browser tests).
// Server: a fresh database named for this run, dropped after.
import type { TestProject } from 'vitest/node';
import { migrateEngine, openEngine, redactUrl } from '../../db/engine.ts';
import { seedCity } from '../../data/seed.ts';
import { ensureDemoAccounts } from '../../server/auth/first-run.ts';
import { TEST_NOW } from './test-config.ts';
import { createServerDatabase, dropServerDatabase } from './server-db.ts';
import { ensureEmbeddedCity } from './city-snapshot.ts';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';

/**
 * What a test could leave behind in the shared city (rows it adds, versions it bumps, settings
 * it changes). Tests write only in rolled-back transactions (tests/support/rolled-back.ts) or
 * databases of their own, so on the server engine, where the city outlives the test workers,
 * the run fails when anything changed, saying what.
 */
async function traces(db: Db): Promise<Record<string, string>> {
  const [r] = await rows<Record<string, string>>(
    db,
    sql`select (select count(*) from users)::text as users, (select coalesce(sum(version), 0) from users)::text as user_versions,
               (select count(*) from sessions)::text as sessions, (select count(*) from login_attempts)::text as login_attempts,
               (select count(*) from login_devices)::text as login_devices, (select count(*) from display_tokens)::text as display_tokens,
               (select count(*) || '/' || coalesce(sum(repeats), 0) from audit_log)::text as audit_log,
               (select md5(string_agg(role_code || ':' || permission, ',' order by role_code, permission)) from role_permissions) as role_permissions,
               (select md5(string_agg(key || '=' || value, ',' order by key)) from app_meta) as app_meta,
               (select count(*) || '/' || coalesce(sum(version), 0) from cases)::text as cases, (select count(*) from case_events)::text as case_events,
               (select coalesce(sum(version), 0) from responsibility_grids)::text as responsibility_grids,
               (select coalesce(sum(version), 0) from property_communities)::text as property_communities`,
  );
  return r;
}

export default async function setup(project: TestProject) {
  const t0 = performance.now();
  const log = (l: string) => console.log(`[test-db] ${l}`);
  if (process.env.DATABASE_URL) {
    const url = await createServerDatabase(process.env.DATABASE_URL, 'citygrid_test');
    // the migrated, empty template every test database of its own is copied from (CREATE DATABASE … TEMPLATE)
    const migrated = await createServerDatabase(process.env.DATABASE_URL, 'citygrid_test_migrated');
    let before: Record<string, string> = {};
    log(`server engine: fresh database ${redactUrl(url)}`);
    try {
      const empty = await openEngine({ databaseUrl: migrated });
      try {
        await migrateEngine(empty);
      } finally {
        await empty.close();
      }
      const engine = await openEngine({ databaseUrl: url });
      try {
        await migrateEngine(engine);
        await seedCity(engine.db, { now: TEST_NOW, log });
        await ensureDemoAccounts(engine.db);
        before = await traces(engine.db);
      } finally {
        await engine.close();
      }
    } catch (err) {
      await dropServerDatabase(process.env.DATABASE_URL, url);
      await dropServerDatabase(process.env.DATABASE_URL, migrated);
      throw err;
    }
    log(`seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    project.provide('testDb', { engine: 'server', url, adminUrl: process.env.DATABASE_URL, migrated, seededNow: TEST_NOW.toISOString() });
    return async () => {
      let changed: string[] = [];
      try {
        const engine = await openEngine({ databaseUrl: url });
        try {
          const after = await traces(engine.db);
          changed = Object.keys(after).filter((k) => after[k] !== before[k]).map((k) => `${k} ${before[k]} → ${after[k]}`);
        } finally {
          await engine.close();
        }
      } catch (err) {
        log(`could not compare the shared city with its seed: ${(err as Error).message}`);
      } finally {
        await dropServerDatabase(process.env.DATABASE_URL!, url);
        await dropServerDatabase(process.env.DATABASE_URL!, migrated);
      }
      if (!changed.length) return log('the shared city is as it was seeded');
      // a failure, not a note: a later file would read a city its known answers do not describe
      const message = `the shared city changed during the run (a test wrote outside a rolled-back transaction): ${changed.join('; ')}`;
      log(message);
      process.exitCode = 1;
      throw new Error(message);
    };
  }
  const { snapshot, migrated } = await ensureEmbeddedCity(log);
  project.provide('testDb', { engine: 'embedded', snapshot, migrated, seededNow: TEST_NOW.toISOString() });
}
