// Tests run in one forked worker with module isolation off, so every test file shares one
// seeded database: the city is built once per run (tests/support/global-setup.ts) on the
// embedded engine, or, with DATABASE_URL, in a fresh database of its own on that server.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    isolate: false,
    testTimeout: 120_000,
    hookTimeout: 900_000,
  },
});
