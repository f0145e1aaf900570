// The database engine: embedded PGlite + PostGIS (no DATABASE_URL) or a PostgreSQL + PostGIS
// server (DATABASE_URL). One code path above this file: both give a drizzle `Db`.
// Edit here to change how connections are opened; never branch on the engine elsewhere
// except through `engine.kind` where a PostGIS feature is missing on one of them.
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync, accessSync, constants, writeFileSync, readFileSync, rmSync, linkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type SQL } from 'drizzle-orm';
import { schema } from './schema/index.ts';
import type { Db } from './db.ts';
import { ConfigError } from './config-error.ts';
import { acceptedLine, checkApplied, readMigrations, type AppliedMigration } from './migration-check.ts';
import { SUPERSEDED_MIGRATIONS, type SupersededVersion } from './migrations-known.ts';
import { EMBEDDED_CAPABILITIES, ServerListener, embeddedTransaction, listenEmbedded, notifyOn, probeServerCapabilities, type EngineCapabilities, type OnMessage, type Unlisten } from './engine-seams.ts';

export type { EngineCapabilities } from './engine-seams.ts';

export type { Db } from './db.ts';
export type EngineKind = 'embedded' | 'server';

export interface Engine {
  kind: EngineKind;
  db: Db;
  /** Where the data lives: the data folder (embedded) or the URL without its password. */
  location: string;
  close(): Promise<void>;
  /** Embedded only: a tarball of the data folder, to restore with `loadDataDir` (tests). */
  dump?: () => Promise<Blob>;
  /**
   * Called after every statement on either engine (inside transactions too) with its run time
   * (embedded: from when it left the queue; server: including the wait for a connection) and
   * the tag of the work that sent it. Settable at any time (the bench finds the longest one).
   */
  onStatement?: (s: StatementTiming) => void;
  /** What this engine can do (docs/decisions/0010); branch on these, not on `kind`, where a feature is missing. */
  capabilities: EngineCapabilities;
  /**
   * Calls `onMessage` with the payload of each NOTIFY on `channel` (a lower-case identifier,
   * at most 63 characters) until the returned function is called. Resolves once listening.
   * Embedded: never call it inside a transaction (refused). Server: one dedicated connection,
   * reconnected with backoff; messages sent while it is down are lost.
   */
  listen(channel: string, onMessage: OnMessage): Promise<Unlisten>;
  /** `pg_notify(channel, payload)` on `db`: pass a transaction and it is delivered at commit, never on rollback. */
  notify(db: Db, channel: string, payload: string): Promise<void>;
}

// ---- fair use of the connection(s): statement tags, the embedded queue, timing -------------

export type StatementPriority = 'interactive' | 'heavy';
export interface StatementTag {
  priority: StatementPriority;
  /** Who caused it (a user name, a procedure): for timing reports only. */
  who?: string;
}
export interface StatementTiming {
  ms: number;
  sql: string;
  tag?: StatementTag;
}

const statementTags = new AsyncLocalStorage<StatementTag>();

/**
 * Runs `fn` with its statements tagged: on the embedded engine (one connection) 'interactive'
 * statements (sign-in, a single-record read) are sent before waiting 'heavy' ones (feeds,
 * lists, aggregates), FIFO within each; on the server engine heavy statements share a few of
 * the pool's connections. The innermost tag wins. Untagged work counts as interactive.
 */
export function withStatementTag<T>(tag: StatementTag, fn: () => Promise<T>): Promise<T> {
  return statementTags.run(tag, fn);
}

/** The tag of the work running now, if any. */
export function currentStatementTag(): StatementTag | undefined {
  return statementTags.getStore();
}

const sqlText = (q: unknown): string => (typeof q === 'string' ? q : ((q as { text?: string } | null)?.text ?? ''));

/**
 * One statement at a time in front of the single embedded connection, interactive first, FIFO
 * within a level. After each statement the event loop gets a turn (setImmediate) before the
 * next one is chosen, so requests that arrived meanwhile enqueue their first statement and are
 * served between two statements of a heavy request, not after all of them. Heavy work is not
 * starved: after HEAVY_EVERY interactive statements in a row with heavy ones waiting, one goes.
 */
export class StatementQueue {
  static readonly HEAVY_EVERY = 16;
  private readonly waiting: Record<StatementPriority, (() => Promise<unknown>)[]> = { interactive: [], heavy: [] };
  private running = false;
  private streak = 0;

  get pending(): number {
    return this.waiting.interactive.length + this.waiting.heavy.length;
  }

  run<T>(priority: StatementPriority, job: () => Promise<T>): Promise<T> {
    // the job runs in its submitter's async context (its statement tag), not in that of the
    // statement before it, which is where the queue happens to pick it up
    const bound = AsyncLocalStorage.bind(job);
    return new Promise<T>((resolve, reject) => {
      this.waiting[priority].push(() => bound().then(resolve, reject));
      if (!this.running) {
        this.running = true;
        this.next();
      }
    });
  }

  private next(): void {
    const { interactive, heavy } = this.waiting;
    let job: (() => Promise<unknown>) | undefined;
    if (interactive.length && (!heavy.length || this.streak < StatementQueue.HEAVY_EVERY)) {
      job = interactive.shift();
      this.streak = heavy.length ? this.streak + 1 : 0;
    } else {
      job = heavy.shift();
      this.streak = 0;
    }
    if (!job) {
      this.running = false;
      return;
    }
    void job().finally(() => setImmediate(() => this.next()));
  }
}

type QueryFn = (...args: unknown[]) => Promise<unknown>;

/** Times each call of a query/exec function and reports it to the engine's hook. */
function timed(engine: Engine, fn: QueryFn): QueryFn {
  return async (...args: unknown[]) => {
    const t0 = performance.now();
    try {
      return await fn(...args);
    } finally {
      const hook = engine.onStatement;
      if (hook) {
        try {
          hook({ ms: performance.now() - t0, sql: sqlText(args[0]), tag: statementTags.getStore() });
        } catch {
          /* a broken hook must not fail the statement */
        }
      }
    }
  };
}

/**
 * Puts the PGlite instance's query/exec/transaction behind the queue (a transaction is one job:
 * its statements go straight to its own handle, never through the queue again, which would
 * deadlock) and times every statement, inside transactions too.
 */
function shareEmbedded(engine: Engine, pg: { query: QueryFn; exec: QueryFn; transaction: (fn: (tx: never) => Promise<unknown>) => Promise<unknown> }, queue: StatementQueue): void {
  const priority = () => statementTags.getStore()?.priority ?? 'interactive';
  const query = timed(engine, pg.query.bind(pg));
  const exec = timed(engine, pg.exec.bind(pg));
  const transaction = pg.transaction.bind(pg);
  // a statement on the root handle from inside a transaction would queue behind that very
  // transaction and wait forever (and every request after it): refuse it, saying what to do
  const outside = (what: string) => {
    if (embeddedTransaction.getStore()) throw new Error(`${what} on the engine's root handle inside a transaction would wait for it forever on the embedded engine: pass the transaction (tx) on instead, or run it in ctx.afterCommit.`);
  };
  pg.query = (...args) => (outside('A query'), queue.run(priority(), () => query(...args)));
  pg.exec = (...args) => (outside('A statement'), queue.run(priority(), () => exec(...args)));
  pg.transaction = (fn) =>
    (outside('A transaction'), queue.run(priority(), () =>
      transaction((tx: { query: QueryFn; exec: QueryFn }) => {
        tx.query = timed(engine, tx.query.bind(tx));
        tx.exec = timed(engine, tx.exec.bind(tx));
        return embeddedTransaction.run(true, () => fn(tx as never));
      }),
    ));
}

/**
 * Inclusive id ranges [lo, hi] of at most `size` ids covering [min, max]: heavy reads run one
 * statement per range (each short on the single embedded connection) and concatenate in JS.
 */
export function idSlices(min: number, max: number, size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let lo = min; lo <= max; lo += size) out.push([lo, Math.min(max, lo + size - 1)]);
  return out;
}

/** A counting semaphore: heavy statements on the server engine share a few connections. */
class Semaphore {
  private queue: (() => void)[] = [];
  constructor(private free: number) {}
  async acquire(): Promise<() => void> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((r) => this.queue.push(r));
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.queue.shift();
      if (next) next();
      else this.free++;
    };
  }
}

/** Of the server pool's 8 connections, heavy work uses at most this many at once. */
export const SERVER_POOL_SIZE = 8;
export const SERVER_HEAVY_CONNECTIONS = 3;

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
  const close = async () => {
    try {
      await pg.close();
    } finally {
      unlock();
    }
  };
  const engine: Engine = {
    kind: 'embedded',
    db: undefined as unknown as Db,
    location: inMemory ? 'memory' : dataDir,
    close,
    dump: () => pg.dumpDataDir('none'),
    capabilities: { ...EMBEDDED_CAPABILITIES },
    listen: (channel, onMessage) => listenEmbedded(pg, channel, onMessage),
    notify: notifyOn,
  };
  shareEmbedded(engine, pg as never, new StatementQueue());
  engine.db = drizzle(pg, { schema }) as unknown as Db;
  return engine;
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

/**
 * The pid of the other process that holds a data folder (its lock names a running process that
 * is not this one), or null: a command-line tool asks before it opens the folder itself, and
 * goes through that process when it is a server (db/cli.ts, docs/decisions/0011).
 */
export function dataDirOwner(dir: string): number | null {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dir, 'citygrid.lock'), 'utf8'));
  } catch {
    return null;
  }
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && isRunning(pid) ? pid : null;
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
  // statement_timeout: a runaway query fails as a timeout (reported as such) instead of hanging.
  // jit=off: PostgreSQL's JIT compiles any plan its cost model calls expensive, and the spatial
  // checks (grids.report: ~10,000 cells) are costed high but run in about a second; compiling
  // added 1–2.5 s to each (measured: bench grids on 10,000 cells, 2,723 → 267 ms; the bare queries 1,860 → 623 ms).
  const pool = new pg.Pool({ connectionString: databaseUrl, max: SERVER_POOL_SIZE, connectionTimeoutMillis: 5000, options: '-c statement_timeout=120000 -c jit=off' });
  pool.on('error', () => {
    /* idle client errors are reported on the next query */
  });
  // LISTEN needs a connection of its own, opened on the first engine.listen
  const listener = new ServerListener(() => {
    const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000, keepAlive: true, application_name: 'citygrid-listen' });
    return client as never;
  });
  const close = async () => {
    await listener.close();
    await pool.end();
  };
  const engine: Engine = {
    kind: 'server',
    db: undefined as unknown as Db,
    location: shown,
    close,
    capabilities: { listen: true, asMVT: false, pgrouting: false, coverageFunctions: false },
    listen: (channel, onMessage) => listener.listen(channel, onMessage),
    notify: notifyOn,
  };
  shareServer(engine, pool as never);
  try {
    const client = await pool.connect();
    client.release();
  } catch (err) {
    await pool.end().catch(() => {});
    throw new ConfigError(describeConnectError(err as NodeJS.ErrnoException & { code?: string }, parsed, shown));
  }
  const db = (engine.db = drizzle(pool, { schema }) as unknown as Db);
  try {
    const available = await rows<{ n: number }>(db, sql`select count(*)::int as n from pg_available_extensions where name = 'postgis'`);
    if (!available[0] || available[0].n === 0) {
      throw new ConfigError(
        `The PostgreSQL server at ${shown} has no PostGIS extension available. Install it (Debian: apt-get install -y postgresql-15-postgis-3) or unset DATABASE_URL to use the embedded engine.`,
      );
    }
    await refreshCapabilities(engine);
  } catch (err) {
    await close().catch(() => {}); // a half-opened engine must not keep the process alive
    throw err;
  }
  return engine;
}

type PoolClientLike = { query: (...args: unknown[]) => unknown; release: (err?: unknown) => void };
type PoolLike = { query: QueryFn; connect: (...args: unknown[]) => Promise<PoolClientLike>; on: (event: 'connect', cb: (client: PoolClientLike) => void) => void };

/**
 * Server engine: every statement is timed on the client that runs it (so once, and without the
 * wait for a connection); heavy statements, and heavy transactions for as long as they hold a
 * client, take one of SERVER_HEAVY_CONNECTIONS permits, so a burst of feeds and aggregates
 * leaves connections free for sign-ins and single-record reads.
 */
function shareServer(engine: Engine, pool: PoolLike): void {
  pool.on('connect', (client) => {
    const query = client.query.bind(client);
    client.query = (...args: unknown[]) => {
      const t0 = performance.now();
      const tag = statementTags.getStore();
      const text = sqlText(args[0]);
      const report = () => {
        try {
          engine.onStatement?.({ ms: performance.now() - t0, sql: text, tag });
        } catch {
          /* a broken hook must not fail the statement */
        }
      };
      const last = args[args.length - 1];
      if (typeof last === 'function') {
        // callback style (how pg-pool's own pool.query calls its client)
        return query(...args.slice(0, -1), (err: unknown, res: unknown) => {
          report();
          (last as (e: unknown, r: unknown) => void)(err, res);
        });
      }
      const result = query(...args);
      return result instanceof Promise ? result.finally(report) : result; // a submittable (cursor) is not timed
    };
  });
  const heavy = new Semaphore(SERVER_HEAVY_CONNECTIONS);
  const isHeavy = () => statementTags.getStore()?.priority === 'heavy';
  const query = pool.query.bind(pool);
  const connect = pool.connect.bind(pool);
  pool.query = async (...args) => {
    if (!isHeavy() || typeof args[args.length - 1] === 'function') return query(...args);
    const release = await heavy.acquire();
    try {
      return await query(...args);
    } finally {
      release();
    }
  };
  pool.connect = async (...args) => {
    if (typeof args[0] === 'function' || !isHeavy()) return connect(...args);
    const permit = await heavy.acquire();
    let client: PoolClientLike;
    try {
      client = await connect();
    } catch (err) {
      permit();
      throw err;
    }
    const release = client.release;
    client.release = (err?: unknown) => {
      client.release = release;
      permit();
      release.call(client, err);
    };
    return client;
  };
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

export interface MigrateOptions {
  /** Another migrations folder (tests replay older versions of the files). */
  migrationsFolder?: string;
  /** Superseded versions accepted per journal tag; default db/migrations-known.ts. */
  known?: Readonly<Record<string, readonly SupersededVersion[]>>;
  /** Where the one line about accepted superseded versions goes; default console.log. */
  log?: (line: string) => void;
}

/** drizzle's record of applied migrations (none before the first migration). */
async function appliedMigrations(db: Db): Promise<AppliedMigration[]> {
  const [t] = await rows<{ n: number }>(db, sql`select count(*)::int as n from pg_catalog.pg_tables where schemaname = 'drizzle' and tablename = '__drizzle_migrations'`);
  if (!t || t.n === 0) return [];
  const found = await rows<{ id: number; hash: string; created_at: string | number | null }>(db, sql`select id, hash, created_at from drizzle.__drizzle_migrations order by id`);
  return found.map((r) => ({ id: Number(r.id), hash: r.hash, createdAt: r.created_at === null ? null : Number(r.created_at) }));
}

/**
 * Applies the pending migrations. Before and after, the applied ones must be the files
 * (db/migration-check.ts): a file changed after it was applied, or a recorded migration missing
 * from the journal, refuses with a ConfigError; a known superseded version is accepted (one line
 * logged), and what a later migration needs from its edit is prepared first.
 */
export async function migrateEngine(engine: Engine, opts: MigrateOptions = {}): Promise<void> {
  const folder = opts.migrationsFolder ?? migrationsFolder;
  const known = opts.known ?? SUPERSEDED_MIGRATIONS;
  const files = readMigrations(folder);
  const accepted = checkApplied(await appliedMigrations(engine.db), files, known);
  if (accepted.length) (opts.log ?? console.log)(acceptedLine(accepted));
  try {
    for (const { version } of accepted) if (version.prepare) await engine.db.execute(sql.raw(version.prepare));
    if (engine.kind === 'embedded') {
      const { migrate } = await import('drizzle-orm/pglite/migrator');
      await migrate(engine.db as never, { migrationsFolder: folder });
    } else {
      const { migrate } = await import('drizzle-orm/node-postgres/migrator');
      await migrate(engine.db as never, { migrationsFolder: folder });
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
  checkApplied(await appliedMigrations(engine.db), files, known, { complete: true });
  // PostGIS arrives with the first migration on a fresh server database: look again
  await refreshCapabilities(engine);
}

export interface EngineInfo {
  engine: EngineKind;
  postgres: string;
  postgis: string;
  migrations: number;
  capabilities: EngineCapabilities;
}

/**
 * Detects the engine's capabilities again (server: from the catalogue, so a PostGIS installed
 * by the migrations after the engine opened is seen) and updates `engine.capabilities` in place.
 */
export async function refreshCapabilities(engine: Engine): Promise<EngineCapabilities> {
  if (engine.kind === 'server') Object.assign(engine.capabilities, await probeServerCapabilities(engine.db));
  return engine.capabilities;
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
  // as detected at open and after migrating (not probed again per call: /healthz is public)
  const capabilities = { ...engine.capabilities };
  return { engine: engine.kind, postgres: v.pg, postgis: v.gis, migrations: m.n, capabilities };
}
