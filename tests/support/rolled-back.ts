// A test that writes runs in a transaction that is always rolled back, and hands that
// transaction to everything it touches: on the embedded engine a query on the root handle
// while a transaction is open waits forever, so pass `tx` on, never `engine.db`.
// (A NOTIFY inside it is never delivered: live-delivery tests use a fresh engine.)
import { expect } from 'vitest';
import type { Db, Engine } from '../../db/engine.ts';

const ROLLBACK = new Error('rolled back on purpose (test)');

export async function inRolledBackTransaction(engine: Engine, fn: (tx: Db) => Promise<void>): Promise<void> {
  await expect(
    engine.db.transaction(async (tx) => {
      await fn(tx as unknown as Db);
      throw ROLLBACK;
    }),
  ).rejects.toBe(ROLLBACK);
}
