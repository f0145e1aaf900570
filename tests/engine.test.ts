// Engine start, migration and the operator-facing errors, on the engine under test.
import { mkdtempSync, chmodSync, readdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { sql } from 'drizzle-orm';
import { ConfigError } from '../db/config-error.ts';
import { engineInfo, migrateEngine, migrationsFolder, openEngine, rows, type Engine } from '../db/engine.ts';
import { freshEngine } from './support/test-db.ts';

const cfg = inject('testDb');
const migrationFiles = readdirSync(migrationsFolder).filter((f) => f.endsWith('.sql')).length;

describe(`fresh ${cfg.engine} engine`, () => {
  let engine: Engine | undefined;
  let dispose: (() => Promise<void>) | undefined;
  afterAll(() => dispose?.());

  it('starts, migrates an empty database, and reports its PostGIS version', async () => {
    ({ engine, dispose } = await freshEngine('citygrid_engine'));
    await migrateEngine(engine);
    const info = await engineInfo(engine);
    expect(info.engine).toBe(cfg.engine);
    expect(info.postgis).toMatch(/^3\.\d+/);
    expect(info.migrations).toBe(migrationFiles);
  });

  it('migrating again is a no-op', async () => {
    await migrateEngine(engine!);
    expect((await engineInfo(engine!)).migrations).toBe(migrationFiles);
  });

  it('stores geometry in SRID 4326 with GiST indexes', async () => {
    const cols = await rows<{ table: string; srid: number }>(engine!.db, sql`select f_table_name as table, srid from geometry_columns where f_table_schema = 'public'`);
    expect(cols.length).toBeGreaterThanOrEqual(9);
    expect(cols.every((c) => c.srid === 4326)).toBe(true);
    const unindexed = await rows<{ t: string; c: string }>(
      engine!.db,
      sql`select g.f_table_name as t, g.f_geometry_column as c from geometry_columns g
          where g.f_table_schema = 'public' and not exists (
            select 1 from pg_indexes i where i.schemaname = 'public' and i.tablename = g.f_table_name
              and i.indexdef ilike '%using gist (' || quote_ident(g.f_geometry_column) || ')%')`,
    );
    expect(unindexed).toEqual([]);
  });
});

describe('operator errors are one clear line', () => {
  it('names an unreachable server and what to do', async () => {
    const err = await openEngine({ databaseUrl: 'postgres://postgres@127.0.0.1:1/nowhere' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/Cannot reach PostgreSQL at 127\.0\.0\.1:1.*unset it to use the embedded engine/);
  });

  it('hides the password of a DATABASE_URL in messages', async () => {
    const err = await openEngine({ databaseUrl: 'postgres://postgres:secret@127.0.0.1:1/nowhere' }).catch((e: unknown) => e);
    expect((err as Error).message).not.toContain('secret');
  });

  it.runIf(cfg.engine === 'server')('names a database that does not exist', async () => {
    const u = new URL(cfg.adminUrl!);
    u.pathname = '/citygrid_does_not_exist';
    const err = await openEngine({ databaseUrl: u.toString() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/does not exist.*createdb citygrid_does_not_exist/);
  });

  it.skipIf(process.getuid?.() === 0)('names a data folder that is not writable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'citygrid-ro-'));
    chmodSync(dir, 0o500);
    const err = await openEngine({ dataDir: join(dir, 'data') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/not writable.*CITYGRID_DATA_DIR/);
  });

  it('refuses a data folder another process holds, and takes over a stale lock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'citygrid-lock-'));
    writeFileSync(join(dir, 'citygrid.lock'), String(process.ppid)); // a live process that is not us
    const err = await openEngine({ dataDir: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(new RegExp(`in use by another CityGrid process \\(pid ${process.ppid}\\)`));
    writeFileSync(join(dir, 'citygrid.lock'), String(process.pid)); // our pid, left by an unclean stop (containers reuse pids)
    await (await openEngine({ dataDir: dir })).close();
    writeFileSync(join(dir, 'citygrid.lock'), '999999999'); // no such process
    const engine = await openEngine({ dataDir: dir });
    await expect(openEngine({ dataDir: dir })).rejects.toThrow(/already open in this process/);
    try {
      expect(readFileSync(join(dir, 'citygrid.lock'), 'utf8')).toBe(String(process.pid));
    } finally {
      await engine.close();
    }
    expect(existsSync(join(dir, 'citygrid.lock'))).toBe(false);
  });

  it('names a data folder path that cannot be a folder', async () => {
    const err = await openEngine({ dataDir: '/dev/null/citygrid' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/not writable.*CITYGRID_DATA_DIR/);
  });
});
