// The seeded test city for DB tests: one engine per worker, shared by every test file.
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { migrateEngine, openEngine, type Engine } from '../../db/engine.ts';
import { appRouter } from '../../server/router.ts';
import { createCallerFactory } from '../../server/trpc.ts';
import { createServerDatabase, dropServerDatabase } from './server-db.ts';
import { inRolledBackTransaction } from './rolled-back.ts';
import { sql } from 'drizzle-orm';
import { rows } from '../../db/engine.ts';
import { actorFromSession, type Actor } from '../../server/auth/actor.ts';
import { createSession, loadSessionPolicy } from '../../server/auth/sessions.ts';

let shared: Promise<Engine> | undefined;

export function testEngine(): Promise<Engine> {
  const cfg = inject('testDb');
  shared ??= cfg.engine === 'server'
    ? openEngine({ databaseUrl: cfg.url })
    : openEngine({ dataDir: 'memory://', loadDataDir: new Blob([readFileSync(cfg.snapshot!)]) });
  return shared;
}

/**
 * The actor of a user of the test city, resolved the way a request resolves it: a real session
 * is opened and looked up (so grants and scope come from the database, as in production), in a
 * transaction that is rolled back (the actor is data: no session row is left behind). `engine`
 * may be one over a test transaction (tests/support/rolled-back.ts): then a savepoint of it.
 */
export async function actorOf(username: string, engine?: Engine): Promise<Actor> {
  return inRolledBackTransaction(engine ?? (await testEngine()), async (db) => {
    const [u] = await rows<{ id: number }>(db, sql`select id from users where username = ${username}`);
    if (!u) throw new Error(`no user '${username}' in the test city`);
    const now = new Date();
    const policy = await loadSessionPolicy(db);
    const { token } = await createSession(db, u.id, {}, now, policy);
    const actor = await actorFromSession(db, token, now, policy, { refuseDemo: false });
    if (!actor) throw new Error(`user '${username}' has no usable session (disabled?)`);
    return actor;
  });
}

/**
 * An in-process API caller acting as `username` (default: the command-centre viewer, read-only,
 * city-wide), on the test city or on `engine` (one over a test transaction, for changes).
 */
export async function testCaller(username = 'demo-viewer', opts: { now?: () => Date; engine?: Engine } = {}) {
  const engine = opts.engine ?? (await testEngine());
  return createCallerFactory(appRouter)({ engine, actor: await actorOf(username, engine), now: opts.now });
}

/**
 * An empty, unmigrated database on the engine under test (embedded: in memory; server: a
 * throwaway database). `dispose` closes it and drops the server database.
 */
export async function freshEngine(prefix: string): Promise<{ engine: Engine; dispose: () => Promise<void> }> {
  const cfg = inject('testDb');
  const url = cfg.engine === 'server' ? await createServerDatabase(cfg.adminUrl!, prefix) : undefined;
  const engine = await openEngine(url ? { databaseUrl: url } : { dataDir: 'memory://' });
  return {
    engine,
    dispose: async () => {
      await engine.close();
      if (url) await dropServerDatabase(cfg.adminUrl!, url);
    },
  };
}

/** One migrated, empty database of its own (see migratedDatabases), shaped as freshEngine's answer. */
export async function migratedEngine(prefix: string): Promise<{ engine: Engine; dispose: () => Promise<void> }> {
  const dbs = migratedDatabases(prefix);
  return { engine: await dbs.next(), dispose: dbs.dispose };
}

let migratedBlob: Blob | undefined;
/** The run's migrated, empty data folder as a tarball (embedded only). */
export function migratedTarball(): Blob {
  const cfg = inject('testDb');
  if (cfg.engine !== 'embedded') throw new Error('migratedTarball is for the embedded engine; the server copies its template database');
  return (migratedBlob ??= new Blob([readFileSync(cfg.migrated)]));
}

/**
 * A data folder on disk holding a migrated, empty database (for a server process a test starts
 * on it): on an embedded run the run's migrated tarball unpacked there, instead of migrating it
 * (~2 s, not ~15 s).
 */
export async function migratedDataDir(dir: string): Promise<void> {
  // on a server run there is no tarball of the embedded engine: that folder is migrated as before
  const embedded = inject('testDb').engine === 'embedded';
  const engine = await openEngine(embedded ? { dataDir: dir, loadDataDir: migratedTarball() } : { dataDir: dir });
  try {
    if (!embedded) await migrateEngine(engine, { log: () => {} });
  } finally {
    await engine.close();
  }
}

/**
 * Fresh, migrated, empty databases on the engine under test, as many as asked for, copied from
 * the run's migrated template (tests/support/global-setup.ts; embedded: its dump loaded into a
 * new in-memory engine, ~2 s instead of ~10 s to migrate; server: CREATE DATABASE … TEMPLATE).
 * For tests that need a database of their own (their own settings, real concurrent connections)
 * and would otherwise put shared state back by hand. `dispose` closes every one and drops the
 * server databases.
 */
export function migratedDatabases(prefix: string): { next: () => Promise<Engine>; urlOf: (engine: Engine) => string | undefined; dispose: () => Promise<void> } {
  const cfg = inject('testDb');
  const owned: { engine: Engine; url?: string }[] = [];
  return {
    next: async () => {
      const url = cfg.engine === 'server' ? await createServerDatabase(cfg.adminUrl!, prefix, { template: cfg.migrated }) : undefined;
      const engine = await openEngine(url ? { databaseUrl: url } : { dataDir: 'memory://', loadDataDir: migratedTarball() });
      owned.push({ engine, url });
      return engine;
    },
    /** The server database's URL of an engine made here (to open a second process's engine on it); undefined when embedded. */
    urlOf: (engine: Engine) => owned.find((o) => o.engine === engine)?.url,
    dispose: async () => {
      for (const { engine, url } of owned.splice(0)) {
        await engine.close();
        if (url) await dropServerDatabase(cfg.adminUrl!, url);
      }
    },
  };
}
