// The database engine: embedded PGlite + PostGIS (no DATABASE_URL) or a PostgreSQL + PostGIS
// server (DATABASE_URL). One code path above this file: both give a drizzle `Db`.
// Edit here to change how connections are opened; never branch on the engine elsewhere
// except through `engine.kind` where a PostGIS feature is missing on one of them.
import { mkdirSync, accessSync, constants, writeFileSync, readFileSync, rmSync, linkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { schema } from './schema/index.ts';
import { ConfigError } from './config-error.ts';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type EngineKind = 'embedded' | 'server';

export interface Engine {
  kind: EngineKind;
  db: Db;
  /** Where the data lives: the data folder (embedded) or the URL without its password. */
  location: string;
  close(): Promise<void>;
  /** Embedded only: a tarball of the data folder, to restore with `loadDataDir` (tests). */
  dump?: () => Promise<Blob>;
}

export const migrationsFolder = resolve(fileURLToPath(new URL('.', import.meta.url)), 'migrations');

export interface EngineOptions {
  databaseUrl?: string;
  /** Embedded engine only: the data folder; in-memory when 'memory://'. */
  dataDir?: string;
  /** Embedded engine only: a tarball made by `dumpDataDir` to start from (tests). */
  loadDataDir?: Blob;
}

export async function openEngine(opts: EngineOptions): Promise<Engine> {
  return opts.databaseUrl ? openServer(opts.databaseUrl) : openEmbedded(opts.dataDir ?? defaultDataDir(), opts.loadDataDir);
}

export function defaultDataDir(): string {
  return resolve(fileURLToPath(new URL('..', import.meta.url)), '.data', 'pglite');
}

async function openEmbedded(dataDir: string, loadDataDir?: Blob): Promise<Engine> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { postgis } = await import('@electric-sql/pglite-postgis');
  const { drizzle } = await import('drizzle-orm/pglite');
  const inMemory = dataDir.startsWith('memory://');
  if (!inMemory) ensureWritable(dataDir);
  const unlock = inMemory ? () => {} : lockDataDir(dataDir);
  let pg;
  try {
    pg = await PGlite.create(inMemory ? undefined : dataDir, { extensions: { postgis }, loadDataDir });
  } catch (err) {
    unlock();
    throw new ConfigError(
      `Cannot open the embedded database in ${dataDir} (${(err as Error).message}). ` +
        'Another CityGrid process may be using it, or it is damaged: stop the other process, or set CITYGRID_DATA_DIR to a new folder.',
    );
  }
  const db = drizzle(pg, { schema }) as unknown as Db;
  const close = async () => {
    try {
      await pg.close();
    } finally {
      unlock();
    }
  };
  return { kind: 'embedded', db, location: inMemory ? 'memory' : dataDir, close, dump: () => pg.dumpDataDir('none') };
}

/** Data folders this process has open (a pid alone cannot tell: containers reuse pids). */
const openHere = new Set<string>();

/**
 * One process owns a data folder at a time (two PGlite processes on one folder corrupt it).
 * The lock file holds the owner's pid and is put in place atomically (written aside, then
 * hard-linked, which fails if a lock exists). A lock whose process no longer runs — or that
 * names this very process without it holding the folder (an unclean stop in a container,
 * where pids repeat) — is stale and taken over.
 */
function lockDataDir(dir: string): () => void {
  const key = resolve(dir);
  if (openHere.has(key)) throw new ConfigError(`The data folder ${dir} is already open in this process; close it before opening it again.`);
  const lock = join(dir, 'citygrid.lock');
  const aside = join(dir, `citygrid.lock.${process.pid}.${Date.now()}`);
  writeFileSync(aside, String(process.pid));
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        linkSync(aside, lock);
        openHere.add(key);
        return () => {
          openHere.delete(key);
          rmSync(lock, { force: true });
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const pid = Number(readFileSync(lock, 'utf8'));
        if (pid && pid !== process.pid && isRunning(pid)) {
          throw new ConfigError(
            `The data folder ${dir} is in use by another CityGrid process (pid ${pid}). Stop it first, or set CITYGRID_DATA_DIR to another folder.`,
          );
        }
        rmSync(lock, { force: true }); // stale
      }
    }
    throw new ConfigError(`Could not lock the data folder ${dir}. Remove ${lock} if no CityGrid process is running.`);
  } finally {
    rmSync(aside, { force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ensureWritable(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    const probe = join(dir, '.citygrid-write-probe');
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (err) {
    throw new ConfigError(
      `The data folder ${dir} is not writable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}). ` +
        'Set CITYGRID_DATA_DIR to a folder you can write to, or fix its permissions.',
    );
  }
}

async function openServer(databaseUrl: string): Promise<Engine> {
  const { default: pg } = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const shown = redactUrl(databaseUrl);
  let parsed: URL;
  try {
    parsed = new URL(databaseUrl);
  } catch {
    throw new ConfigError(`DATABASE_URL is not a valid URL (${shown}). Expected postgres://user@host:5432/dbname.`);
  }
  // statement_timeout: a runaway query fails as a timeout (reported as such) instead of hanging
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 8, connectionTimeoutMillis: 5000, options: '-c statement_timeout=120000' });
  pool.on('error', () => {
    /* idle client errors are reported on the next query */
  });
  try {
    const client = await pool.connect();
    client.release();
  } catch (err) {
    await pool.end().catch(() => {});
    throw new ConfigError(describeConnectError(err as NodeJS.ErrnoException & { code?: string }, parsed, shown));
  }
  const db = drizzle(pool, { schema }) as unknown as Db;
  const available = await rows<{ n: number }>(db, sql`select count(*)::int as n from pg_available_extensions where name = 'postgis'`);
  if (!available[0] || available[0].n === 0) {
    await pool.end();
    throw new ConfigError(
      `The PostgreSQL server at ${shown} has no PostGIS extension available. Install it (Debian: apt-get install -y postgresql-15-postgis-3) or unset DATABASE_URL to use the embedded engine.`,
    );
  }
  return { kind: 'server', db, location: shown, close: () => pool.end() };
}

function describeConnectError(err: NodeJS.ErrnoException & { code?: string }, url: URL, shown: string): string {
  const where = `${url.hostname}:${url.port || 5432}`;
  switch (err.code) {
    case 'ECONNREFUSED':
      return `Cannot reach PostgreSQL at ${where} (connection refused). Start the server or fix DATABASE_URL (${shown}); unset it to use the embedded engine.`;
    case 'ENOTFOUND':
      return `Cannot resolve the database host "${url.hostname}" in DATABASE_URL (${shown}). Fix the host name.`;
    case '3D000':
      return `The database in DATABASE_URL does not exist (${shown}). Create it (createdb ${url.pathname.slice(1)}) or point DATABASE_URL at an existing one.`;
    case '28P01':
    case '28000':
      return `PostgreSQL refused the login for ${shown} (${err.message}). Fix the user or password in DATABASE_URL.`;
    default:
      return `Cannot connect to PostgreSQL at ${shown}: ${err.message || err.code}. Check DATABASE_URL.`;
  }
}

export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+):[^@]*@/, '$1:***@');
}

/** Runs SQL and returns its rows on either engine. */
/** A text[] as either engine returns it: node-postgres parses it, PGlite may give the '{a,b}' literal (of plain words here). */
export function textArray(v: string[] | string | null): string[] {
  if (Array.isArray(v)) return v;
  const inner = (v ?? '').replace(/^\{|\}$/g, '');
  return inner ? inner.split(',').map((x) => x.trim().replace(/^"|"$/g, '')).filter(Boolean) : [];
}

export async function rows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

export async function migrateEngine(engine: Engine): Promise<void> {
  try {
    if (engine.kind === 'embedded') {
      const { migrate } = await import('drizzle-orm/pglite/migrator');
      await migrate(engine.db as never, { migrationsFolder });
    } else {
      const { migrate } = await import('drizzle-orm/node-postgres/migrator');
      await migrate(engine.db as never, { migrationsFolder });
    }
  } catch (err) {
    const code = (err as { cause?: { code?: string } }).cause?.code;
    if (code === '42501') {
      throw new ConfigError(
        `The database user may not create what the migrations need (${engine.location}): run "CREATE EXTENSION postgis" as a superuser once, or grant the user CREATE on the database.`,
      );
    }
    throw err;
  }
}

export interface EngineInfo {
  engine: EngineKind;
  postgres: string;
  postgis: string;
  migrations: number;
}

export async function engineInfo(engine: Engine): Promise<EngineInfo> {
  const [v] = await rows<{ pg: string; gis: string }>(
    engine.db,
    sql`select current_setting('server_version') as pg, postgis_lib_version() as gis`,
  );
  const [m] = await rows<{ n: number }>(
    engine.db,
    sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
  );
  return { engine: engine.kind, postgres: v.pg, postgis: v.gis, migrations: m.n };
}
