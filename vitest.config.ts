// Two projects. 'unit': files that need no database (pure rules, the client's data shaping,
// lint, start-up errors on the embedded engine of their own); CI runs them once. 'db': every
// file that reads the seeded test city, on the engine under test — embedded, or the server of
// DATABASE_URL. The city is built once per run (tests/support/global-setup.ts: a cached
// snapshot on the embedded engine, a fresh database of its own on a server). Files run in
// forked workers with module isolation off, so the files of one worker share one opened city
// (embedded: each worker restores the snapshot into memory, ~10 s). One worker by default;
// CITYGRID_TEST_WORKERS=2 runs two (tests write only in rolled-back transactions or databases of
// their own, so workers cannot see each other's changes; it doubles the memory, and on a 2-core
// machine that is also running CI's other lane it gains nothing).
// `npm test` runs both projects; `npm test -- --project db` the engine's part only.
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

const workers = Math.max(1, Math.min(Number(process.env.CITYGRID_TEST_WORKERS) || 1, availableParallelism()));

/** The files that open no engine of the test city (tests/unit/ and two top-level suites). */
const ENGINE_FREE = ['tests/unit/**/*.test.ts', 'tests/lint.test.ts', 'tests/start.test.ts'];

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: workers,
    fileParallelism: workers > 1,
    isolate: false,
    testTimeout: 120_000,
    hookTimeout: 900_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ENGINE_FREE } },
      { extends: true, test: { name: 'db', include: ['tests/**/*.test.ts'], exclude: ENGINE_FREE, globalSetup: ['tests/support/global-setup.ts'] } },
    ],
  },
});
