// What global setup hands to the test workers.
export interface TestDbConfig {
  engine: 'embedded' | 'server';
  /** embedded: a data-folder tarball of the seeded city */
  snapshot?: string;
  /** server: the fresh, seeded database of this run */
  url?: string;
  /** server: the server itself (for tests that create databases of their own) */
  adminUrl?: string;
  /** A migrated, empty database to copy (embedded: a data-folder tarball; server: a template database nobody connects to), made once per run. */
  migrated: string;
  seededNow: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    testDb: TestDbConfig;
  }
}

/** The "now" the test city is seeded with: fixed, so runs are comparable. */
export const TEST_NOW = new Date('2026-11-26T02:00:00Z');
