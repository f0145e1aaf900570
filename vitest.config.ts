// Two projects. 'unit': files that need no database (pure rules, the client's data shaping,
// lint, start-up errors on the embedded engine of their own); CI runs them once. 'db': every
// file that reads the seeded test city, on the engine under test — embedded, or the server of
// DATABASE_URL — in one forked worker with module isolation off, so they share one seeded
// database: the city is built once per run (tests/support/global-setup.ts), in a fresh database
// of its own on a server. `npm test` runs both; `npm test -- --project db` the engine's part only.
import { defineConfig } from 'vitest/config';

/** The files that open no engine of the test city (tests/unit/ and two top-level suites). */
const ENGINE_FREE = ['tests/unit/**/*.test.ts', 'tests/lint.test.ts', 'tests/start.test.ts'];

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    isolate: false,
    testTimeout: 120_000,
    hookTimeout: 900_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ENGINE_FREE } },
      { extends: true, test: { name: 'db', include: ['tests/**/*.test.ts'], exclude: ENGINE_FREE, globalSetup: ['tests/support/global-setup.ts'] } },
    ],
  },
});
