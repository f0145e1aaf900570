// The seeded test city for DB tests: one engine per worker, shared by every test file.
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { openEngine, type Engine } from '../../db/engine.ts';
import { appRouter } from '../../server/router.ts';
import { createCallerFactory } from '../../server/trpc.ts';

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
