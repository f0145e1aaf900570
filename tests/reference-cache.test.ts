// The case engine's reference data (server/dispatch/reference.ts) is kept in memory under the
// database's reference stamp: read again only when a write to the calendar, the limits, the
// settings, the categories, the departments or the rules moved the stamp — seen at once inside
// the writing transaction, by other connections once committed, and never again once rolled back.
// On both engines; on the server, a second engine (another process's pool) sees the change.
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openEngine, rows, type Db } from '../db/engine.ts';
import { reference } from '../server/dispatch/reference.ts';
import { setting } from '../server/settings/settings.ts';
import { migratedDatabases } from './support/test-db.ts';

const dbs = migratedDatabases('citygrid_reference');
afterAll(() => dbs.dispose());

const stampOf = async (db: Db) => (await rows<{ stamp: string }>(db, sql`select stamp from reference_stamp`))[0].stamp;

describe('the reference data cache', () => {
  it('answers from memory while the stamp stands, and reads again after each kind of change', async () => {
    const engine = await dbs.next();
    const db = engine.db;
    const a = await reference(db);
    expect(await reference(db)).toBe(a); // the same object: nothing was read again
    const changes = [
      sql`insert into calendar_days (day, kind, name) values ('2030-01-02', 'holiday', 'test')`,
      sql`insert into working_periods (starts_at, ends_at) values ('19:00', '20:00')`,
      sql`insert into app_meta (key, value) values ('workflow.reopen_days', '9') on conflict (key) do update set value = excluded.value`,
      sql`insert into departments (code, name, name_en, kind) values ('ref-test', '测试', 'test', 'municipal')`,
      sql`insert into dispatch_rules (priority, resolve, note) values (1, 'territorial', 'ref-test')`,
      sql`delete from calendar_days where day = '2030-01-02'`,
    ];
    let last = a;
    for (const change of changes) {
      const before = await stampOf(db);
      await db.execute(change);
      expect(await stampOf(db)).not.toBe(before);
      const now = await reference(db);
      expect(now).not.toBe(last);
      last = now;
    }
    expect(last.settings.stored.get('workflow.reopen_days')).toBe('9');
    expect(await setting(db, 'workflow.reopen_days')).toBe(9);
    expect([...last.departments.values()].some((d) => d.code === 'ref-test')).toBe(true);
    expect(last.rules.some((r) => r.resolve === 'territorial')).toBe(true);
    expect(last.calendarRows.periods).toContainEqual({ startsAt: '19:00', endsAt: '20:00' });
  });

  it('sees a change inside its own transaction, and not after it was rolled back', async () => {
    const engine = await dbs.next();
    const db = engine.db;
    const outside = await reference(db);
    await db.transaction(async (t) => {
      const tx = t as unknown as Db;
      await tx.execute(sql`insert into app_meta (key, value) values ('workflow.reopen_days', '3') on conflict (key) do update set value = excluded.value`);
      expect(await setting(tx, 'workflow.reopen_days')).toBe(3);
      throw new Error('roll it back');
    }).catch((e: Error) => {
      if (e.message !== 'roll it back') throw e;
    });
    const after = await reference(db);
    expect(after).toBe(outside);
    expect(await setting(db, 'workflow.reopen_days')).not.toBe(3);
  });

  it.skipIf(!process.env.DATABASE_URL)('another server process sees a committed change at its next read', async () => {
    const engine = await dbs.next();
    const other = await openEngine({ databaseUrl: dbs.urlOf(engine)! });
    try {
      const before = await reference(other.db);
      await engine.db.execute(sql`insert into calendar_days (day, kind, name) values ('2031-05-06', 'holiday', 'other process')`);
      const seen = await reference(other.db);
      expect(seen).not.toBe(before);
      expect(seen.calendarRows.days).toContainEqual({ day: '2031-05-06', kind: 'holiday' });
    } finally {
      await other.close();
    }
  });
});
