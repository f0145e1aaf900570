// The guard every statement that computes geometry goes through, for the generator and the
// server alike (the grid editor's splits and merges will): the embedded PostGIS answers a GEOS
// exception inside a statement with an empty result instead of an error
// (docs/decisions/0003-pglite-geos-traps.md), so a write that computes geometry must count
// what it wrote, and an empty result must never pass for "nothing to do".
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from './engine.ts';

/** A geometry statement wrote fewer or more rows than it must have: a GEOS failure the engine swallowed. */
export class GeometryOperationFailed extends Error {
  constructor(readonly what: string, readonly expected: number, readonly actual: number) {
    super(`${what}: ${actual} of ${expected} rows were written (a geometry operation failed)`);
  }
}

/**
 * Runs an INSERT … SELECT or UPDATE … (without RETURNING) and fails unless exactly `expected`
 * rows were written. Inside a transaction the failure rolls everything back with it.
 */
export async function writeChecked(db: Db, expected: number, statement: SQL, what: string): Promise<void> {
  const [res] = await rows<{ n: number }>(db, sql`with w as (${statement} returning 1) select count(*)::int as n from w`);
  const n = res?.n ?? 0;
  if (n !== expected) throw new GeometryOperationFailed(what, expected, n);
}

