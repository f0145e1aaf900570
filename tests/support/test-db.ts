// The seeded test city for DB tests: one engine per worker, shared by every test file.
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { openEngine, type Engine } from '../../db/engine.ts';
import { appRouter } from '../../server/router.ts';
import { createCallerFactory } from '../../server/trpc.ts';
import { createServerDatabase, dropServerDatabase } from './server-db.ts';

let shared: Promise<Engine> | undefined;

export function testEngine(): Promise<Engine> {
  const cfg = inject('testDb');
  shared ??= cfg.engine === 'server'
    ? openEngine({ databaseUrl: cfg.url })
    : openEngine({ dataDir: 'memory://', loadDataDir: new Blob([readFileSync(cfg.snapshot!)]) });
  return shared;
}

export async function testCaller() {
  return createCallerFactory(appRouter)({ engine: await testEngine() });
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
