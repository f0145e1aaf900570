import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import pg from 'pg';
import { writeChecked } from '../../db/geometry-guard.ts';

/**
 * Runs an INSERT … SELECT and fails unless exactly `expected` rows landed: the seeding face of
 * db/geometry-guard.ts (the embedded PostGIS answers a GEOS exception with an empty result).
 */
export const insertChecked = (db: Db, expected: number, insert: Parameters<typeof writeChecked>[2], what: string) => writeChecked(db, expected, insert, `Seeding ${what}`);

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
  const t0 = performance.now();
  for (const i of idx) await db.execute(sql.raw(i.def));
  for (const f of fks) await db.execute(sql.raw(`alter table "${table}" add constraint "${f.name}" ${f.def}`));
  if (process.env.CITYGRID_SEED_TRACE) console.error(`  ${table}: indexes and keys restored ${Math.round(performance.now() - t0)} ms`);

}

export interface BulkColumn {
  name: string;
  /** PostgreSQL type of the column, e.g. 'int', 'text', 'timestamptz', 'jsonb'. */
  type: string;
  values: readonly (string | number | boolean | null)[];
}

/**
 * Appends rows to a table, column-wise, through COPY … FROM of one CSV text on both engines:
 * the embedded engine reads it as a blob, the server as COPY FROM STDIN (copyFromStdin below).
 * The same text either way, so the same rows. COPY was 2-4× faster than parameters on both
 * (unnest() of array parameters on the server). Rows land in the order given, so a serial key
 * numbers them in that order on both engines.
 */
export async function bulkInsert(db: Db, table: string, columns: BulkColumn[]): Promise<void> {
  const n = columns[0]?.values.length ?? 0;
  if (n === 0) return;
  const names = columns.map((c) => `"${c.name}"`).join(', ');
  const pglite = embeddedClient(db);
  const server = pglite ? null : serverClient(db);
  if (pglite || server) {
    const lines: string[] = new Array(n);
    for (let i = 0; i < n; i++) lines[i] = columns.map((c) => csvField(c.values[i])).join(',');
    const csv = lines.join('\n');
    if (pglite) await pglite.query(`copy "${table}" (${names}) from '/dev/blob' with (format csv)`, [], { blob: new Blob([csv]) });
    else await copyFromStdin(server!, `copy "${table}" (${names}) from stdin with (format csv)`, csv);
    return;
  }
  await db.execute(sql`insert into ${sql.identifier(table)} (${sql.raw(names)})
    select * from unnest(${sql.join(columns.map((c) => sql`${sql.param(c.values)}::${sql.raw(c.type)}[]`), sql`, `)})`);
}

/**
 * Takes `count` consecutive values of a serial column's sequence at once and answers the first:
 * rows loaded with these ids explicitly skip a nextval() per row, and the loader knows every
 * row's id without reading them back. Only for the seed, which holds its advisory lock on an
 * empty database inside its transaction: nothing else draws from the sequence meanwhile.
 */
export async function reserveIds(db: Db, table: string, column: string, count: number): Promise<number> {
  const [r] = await rows<{ first: string }>(db, sql`select nextval(pg_get_serial_sequence(${table}, ${column}))::text as first`);
  const first = Number(r.first);
  if (count > 1) await db.execute(sql`select setval(pg_get_serial_sequence(${table}, ${column}), ${first + count - 1})`);
  return first;
}

function csvField(v: string | number | boolean | null): string {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'string') return String(v);
  return v === '' || /[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/** The PGlite client (or transaction) behind a drizzle handle, when the engine is embedded. */
function embeddedClient(db: Db): { query: (q: string, p: unknown[], o: { blob: Blob }) => Promise<unknown> } | null {
  const client = (db as unknown as { session?: { client?: unknown }; $client?: unknown }).session?.client;
  const c = client as { query?: unknown; constructor?: { name?: string }; exec?: unknown } | undefined;
  // PGlite and its Transaction both have exec(); node-postgres Pool/Client do not.
  return c && typeof c.query === 'function' && typeof c.exec === 'function' ? (c as never) : null;
}

/** The node-postgres client (or transaction's client) behind a drizzle handle, on the server engine. */
function serverClient(db: Db): { query: (q: pg.Query) => unknown } | null {
  const c = (db as unknown as { session?: { client?: { query?: unknown; connection?: unknown } } }).session?.client;
  // a pg Client or PoolClient (a Pool has no connection of its own: COPY needs one session)
  return c && typeof c.query === 'function' && c.connection ? (c as never) : null;
}

/**
 * COPY … FROM STDIN on a node-postgres client without another package: a Query whose answer
 * to the server's CopyInResponse is the data (in 1 MiB messages) and CopyDone, instead of the
 * stock CopyFail. The server checks every row as COPY always does; an error rejects.
 */
function copyFromStdin(client: { query: (q: pg.Query) => unknown }, text: string, data: string): Promise<void> {
  const body = Buffer.from(data, 'utf8');
  return new Promise((resolve, reject) => {
    const q = new pg.Query(text, (err) => (err ? reject(err) : resolve()));
    (q as unknown as { handleCopyInResponse: (con: { sendCopyFromChunk: (b: Buffer) => void; endCopyFrom: () => void }) => void }).handleCopyInResponse = (con) => {
      for (let at = 0; at < body.length; at += 1 << 20) con.sendCopyFromChunk(body.subarray(at, at + (1 << 20)));
      con.endCopyFrom();
    };
    client.query(q);
  });
}
