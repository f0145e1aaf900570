// The seeded test city for DB tests: one engine per worker, shared by every test file.
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { openEngine, type Engine } from '../../db/engine.ts';
import { appRouter } from '../../server/router.ts';
import { createCallerFactory } from '../../server/trpc.ts';
import { createServerDatabase, dropServerDatabase } from './server-db.ts';
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
 * is opened and looked up (so grants and scope come from the database, as in production).
 */
export async function actorOf(username: string, engine?: Engine): Promise<Actor> {
  const db = (engine ?? (await testEngine())).db;
  const [u] = await rows<{ id: number }>(db, sql`select id from users where username = ${username}`);
  if (!u) throw new Error(`no user '${username}' in the test city`);
  const now = new Date();
  const policy = await loadSessionPolicy(db);
  const { token } = await createSession(db, u.id, {}, now, policy);
  const actor = await actorFromSession(db, token, now, policy, { refuseDemo: false });
  if (!actor) throw new Error(`user '${username}' has no usable session (disabled?)`);
  return actor;
}

/** An in-process API caller acting as `username` (default: the command-centre viewer, read-only, city-wide). */
export async function testCaller(username = 'demo-viewer', opts: { now?: () => Date } = {}) {
  const engine = await testEngine();
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
