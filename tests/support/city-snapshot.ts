// The seeded test city of the embedded engine, once per source: a data-folder tarball under
// .data/test-cache named by a hash of everything that shapes it (db/, data/, domain/, the demo
// accounts, the lock file and TEST_NOW). The vitest run (tests/support/global-setup.ts), the
// browser tests (tests/e2e/run.ts) and the benchmarks' smoke pass restore it instead of seeding
// again (~2–4 min each on a 2-core machine). Two processes that need it at once (CI runs the
// suites side by side) take turns on a lock file: the second finds it made.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { migrateEngine, openEngine } from '../../db/engine.ts';
import { seedCity } from '../../data/seed.ts';
import { ensureDemoAccounts } from '../../server/auth/first-run.ts';
import { TEST_NOW } from './test-config.ts';

const root = resolve(import.meta.dirname, '../..');
export const TEST_CACHE = join(root, '.data', 'test-cache');

/** A hash of every input of the seeded city: a change to any of them means a new snapshot. */
export function citySourceHash(): string {
  const h = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (!name.endsWith('.test.ts')) h.update(p.slice(root.length)).update(readFileSync(p));
    }
  };
  ['db', 'data', 'domain', 'server/auth/first-run.ts', 'server/auth/demo-accounts.ts', 'package-lock.json'].forEach((d) => (statSync(join(root, d)).isDirectory() ? walk(join(root, d)) : h.update(readFileSync(join(root, d)))));
  h.update(TEST_NOW.toISOString());
  return h.digest('hex').slice(0, 16);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Runs `fn` holding `lock` (a file with the holder's pid); waits while a live process holds it, takes it over from a dead one. */
async function withLock<T>(lock: string, log: (l: string) => void, fn: () => Promise<T>): Promise<T> {
  let said = false;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      writeFileSync(lock, String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(lock, 'utf8')) || 0;
      if (holder && !alive(holder)) {
        rmSync(lock, { force: true });
        continue;
      }
      if (!said) log(`waiting for process ${holder || '?'}, which is seeding the test city …`);
      said = true;
      await sleep(1000);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

/** The seeded city's tarball and the migrated, empty database's, seeding them if this source has none yet. */
export async function ensureEmbeddedCity(log: (line: string) => void = () => {}): Promise<{ snapshot: string; migrated: string }> {
  const hash = citySourceHash();
  const snapshot = join(TEST_CACHE, `city-${hash}.tar`);
  const migrated = join(TEST_CACHE, `migrated-${hash}.tar`);
  const made = () => existsSync(snapshot) && existsSync(migrated);
  if (made()) {
    log(`embedded engine: reusing ${snapshot}`);
    return { snapshot, migrated };
  }
  mkdirSync(TEST_CACHE, { recursive: true });
  return withLock(join(TEST_CACHE, 'seeding.lock'), log, async () => {
    if (made()) {
      log(`embedded engine: reusing ${snapshot} (made by the process waited for)`);
      return { snapshot, migrated };
    }
    const t0 = performance.now();
    const keep = async (file: string, blob: Blob) => {
      // written aside and renamed: an interrupted run never leaves a truncated snapshot behind
      const partial = `${file}.${process.pid}.partial`;
      writeFileSync(partial, Buffer.from(await blob.arrayBuffer()));
      renameSync(partial, file);
    };
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
      for (const old of readdirSync(TEST_CACHE)) if ((old.startsWith('city-') || old.startsWith('migrated-')) && ![snapshot, migrated].includes(join(TEST_CACHE, old))) rmSync(join(TEST_CACHE, old), { force: true });
    } finally {
      await engine.close();
    }
    log(`seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return { snapshot, migrated };
  });
}

/**
 * A data folder holding the seeded test city, for a server process to start on (the browser
 * tests, the benchmarks' smoke pass): the folder is replaced by a restore of the snapshot.
 */
export async function restoreCityTo(dataDir: string, log: (line: string) => void = () => {}): Promise<void> {
  const { snapshot } = await ensureEmbeddedCity(log);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const engine = await openEngine({ dataDir, loadDataDir: new Blob([readFileSync(snapshot)]) });
  await engine.close();
}
