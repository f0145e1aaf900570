import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';

/**
 * Runs an INSERT … SELECT and fails unless exactly `expected` rows landed. The embedded
 * PostGIS answers a GEOS exception inside a statement with an empty result instead of an
 * error, which would silently drop rows (docs/decisions/0003-pglite-geos-traps.md).
 */
export async function insertChecked(db: Db, expected: number, insert: SQL, what: string): Promise<void> {
  const [res] = await rows<{ n: number }>(db, sql`with ins as (${insert} returning 1) select count(*)::int as n from ins`);
  const n = res?.n ?? 0;
  if (n !== expected) throw new Error(`Seeding ${what}: ${n} of ${expected} rows were inserted (a geometry operation failed)`);
}

/**
 * Bulk-loads a table the way PostgreSQL's "Populating a Database" advises: its foreign keys
 * and secondary indexes are dropped, the rows loaded, then the same definitions (read from
 * the catalogue) restored — one validation pass instead of a check per row. Run it inside
 * the seeding transaction, so a failure leaves the schema as it was.
 */
export async function withBulkLoad(db: Db, table: string, load: () => Promise<void>): Promise<void> {
  const fks = await rows<{ name: string; def: string }>(
    db,
    sql`select conname as name, pg_get_constraintdef(oid) as def from pg_constraint where conrelid = ${table}::regclass and contype = 'f'`,
  );
  const idx = await rows<{ name: string; def: string }>(
    db,
    sql`select i.indexname as name, i.indexdef as def from pg_indexes i
        where i.tablename = ${table} and i.schemaname = current_schema()
          and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`,
  );
  for (const f of fks) await db.execute(sql.raw(`alter table "${table}" drop constraint "${f.name}"`));
  for (const i of idx) await db.execute(sql.raw(`drop index "${i.name}"`));
  await load();
  for (const i of idx) await db.execute(sql.raw(i.def));
  for (const f of fks) await db.execute(sql.raw(`alter table "${table}" add constraint "${f.name}" ${f.def}`));
}
