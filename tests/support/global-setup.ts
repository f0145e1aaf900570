// Builds the seeded test city once per run. Embedded: seeded in memory, dumped to a tarball
// cached under .data/test-cache by a hash of everything that shapes it (so an unchanged
// generator restores in seconds). Server: a fresh database named for this run, dropped after.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrateEngine, openEngine, redactUrl } from '../../db/engine.ts';
import { seedCity } from '../../data/seed.ts';
import { ensureDemoAccounts } from '../../server/auth/first-run.ts';
import { TEST_NOW } from './test-config.ts';
import { createServerDatabase, dropServerDatabase } from './server-db.ts';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';

const root = resolve(import.meta.dirname, '../..');

function sourceHash(): string {
  const h = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (!name.endsWith('.test.ts')) h.update(p).update(readFileSync(p));
    }
  };
  ['db', 'data', 'domain', 'server/auth/first-run.ts', 'server/auth/demo-accounts.ts', 'package-lock.json'].forEach((d) => (statSync(join(root, d)).isDirectory() ? walk(join(root, d)) : h.update(readFileSync(join(root, d)))));
  h.update(TEST_NOW.toISOString());
  return h.digest('hex').slice(0, 16);
}

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
  const cacheDir = join(root, '.data', 'test-cache');
  const hash = sourceHash();
  const snapshot = join(cacheDir, `city-${hash}.tar`);
  const migrated = join(cacheDir, `migrated-${hash}.tar`);
  const keep = (file: string, blob: Blob) => {
    mkdirSync(cacheDir, { recursive: true });
    // written aside and renamed: an interrupted run never leaves a truncated snapshot behind
    return blob.arrayBuffer().then((b) => {
      const partial = `${file}.${process.pid}.partial`;
      writeFileSync(partial, Buffer.from(b));
      renameSync(partial, file);
    });
  };
  if (existsSync(snapshot) && existsSync(migrated)) {
    log(`embedded engine: reusing ${snapshot}`);
  } else {
    log('embedded engine: seeding the test city (cached for later runs) …');
    const engine = await openEngine({ dataDir: 'memory://' });
    try {
      await migrateEngine(engine);
      // the migrated, empty database: tests that need one of their own load it (~2 s) instead of migrating (~10 s)
      await keep(migrated, await engine.dump!());
      await seedCity(engine.db, { now: TEST_NOW, log });
      await ensureDemoAccounts(engine.db);
      await keep(snapshot, await engine.dump!());
      // snapshots of older sources are ~600 MB each: keep only this one
      for (const old of readdirSync(cacheDir)) if ((old.startsWith('city-') || old.startsWith('migrated-')) && ![snapshot, migrated].includes(join(cacheDir, old))) rmSync(join(cacheDir, old), { force: true });
    } finally {
      await engine.close();
    }
    log(`seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  project.provide('testDb', { engine: 'embedded', snapshot, migrated, seededNow: TEST_NOW.toISOString() });
}
