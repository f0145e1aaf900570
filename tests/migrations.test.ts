// Migrations cannot drift (ADR 0009): an applied migration whose file changed refuses the start,
// naming the file; a database migrated with a known, superseded version of an edited migration
// is accepted and repaired (0012) to exactly the schema a fresh database gets; a database of the
// first landed schema upgrades to today's and signs in. On fresh databases of the engine under
// test; the superseded texts come from tests/fixtures/migrations-before-edits/ (no git needed).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ConfigError } from '../db/config-error.ts';
import { migrateEngine, migrationsFolder, openEngine, rows, type Db, type Engine } from '../db/engine.ts';
import { checkApplied, readMigrations, type MigrationFile } from '../db/migration-check.ts';
import { SUPERSEDED_MIGRATIONS } from '../db/migrations-known.ts';
import { createApp } from '../server/app.ts';
import { hashPassword } from '../server/auth/password.ts';
import { loadSessionPolicy } from '../server/auth/sessions.ts';
import { freshEngine, migratedDataDir } from './support/test-db.ts';
import { trpcPost } from './support/http-session.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'migrations-before-edits');
const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string; when: number }[] };
const tags = journal.entries.map((e) => e.tag);
const edited = readdirSync(FIXTURES).filter((f) => f.endsWith('.sql')).map((f) => f.replace(/\.sql$/, ''));

const temps: string[] = [];
/** A migrations folder of today's first `count` journal entries, with `old` tags in their first committed text. */
function pastFolder(count: number, old: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'citygrid-migrations-'));
  temps.push(dir);
  mkdirSync(join(dir, 'meta'));
  writeFileSync(join(dir, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, count) }));
  for (const tag of tags.slice(0, count)) copyFileSync(join(old.includes(tag) ? FIXTURES : migrationsFolder, `${tag}.sql`), join(dir, `${tag}.sql`));
  return dir;
}
const upTo = (tag: string) => tags.indexOf(tag) + 1;

/** The schema as far as migrations make it: relations, columns, indexes, views, functions, triggers, and the data they insert. */
async function schemaOf(db: Db) {
  const q = async (query: ReturnType<typeof sql>) => (await rows<{ x: string }>(db, query)).map((r) => r.x);
  const notExtension = (cls: string, oid: string) => sql.raw(`not exists (select 1 from pg_depend d where d.classid = '${cls}'::regclass and d.objid = ${oid} and d.deptype = 'e')`);
  return {
    relations: await q(sql`select c.relname || ':' || c.relkind::text as x from pg_class c where c.relnamespace = 'public'::regnamespace and ${notExtension('pg_class', 'c.oid')} order by 1`),
    columns: await q(sql`select c.relname || '.' || a.attnum || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull || ' ' || coalesce(pg_get_expr(ad.adbin, ad.adrelid), '') as x
      from pg_attribute a join pg_class c on c.oid = a.attrelid left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
      where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'v') and a.attnum > 0 and not a.attisdropped and ${notExtension('pg_class', 'c.oid')} order by 1`),
    indexes: await q(sql`select indexdef as x from pg_indexes where schemaname = 'public' order by 1`),
    views: await q(sql`select viewname || ': ' || definition as x from pg_views where schemaname = 'public' order by 1`),
    functions: await q(sql`select p.oid::regprocedure::text || ' ' || md5(p.prosrc) as x from pg_proc p where p.pronamespace = 'public'::regnamespace and ${notExtension('pg_proc', 'p.oid')} order by 1`),
    triggers: await q(sql`select t.tgrelid::regclass::text || '.' || t.tgname || ' ' || pg_get_triggerdef(t.oid) as x from pg_trigger t where not t.tgisinternal order by 1`),
    appMeta: await q(sql`select key || '=' || value as x from app_meta where key not like 'seed.%' order by 1`),
    rights: await q(sql`select role_code || ':' || permission as x from role_permissions order by 1`),
  };
}

let today: Engine;
let disposeToday: () => Promise<void>;
let todaySchema: Awaited<ReturnType<typeof schemaOf>>;
beforeAll(async () => {
  ({ engine: today, dispose: disposeToday } = await freshEngine('citygrid_migrations'));
  await migrateEngine(today);
  todaySchema = await schemaOf(today.db);
}, 300_000);
afterAll(async () => {
  await disposeToday?.();
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

describe('the list of superseded versions', () => {
  it('holds the sha256 of each fixture text, as drizzle hashes it, and no version of today', () => {
    const files = new Map(readMigrations(migrationsFolder).map((f) => [f.tag, f]));
    expect(Object.keys(SUPERSEDED_MIGRATIONS).sort()).toEqual([...edited].sort());
    for (const tag of edited) {
      const text = readFileSync(join(FIXTURES, `${tag}.sql`)).toString();
      const hashes = SUPERSEDED_MIGRATIONS[tag].map((v) => v.sha256);
      expect(hashes).toContain(createHash('sha256').update(text).digest('hex'));
      expect(hashes).not.toContain(files.get(tag)!.hash);
    }
  });

  it('refuses a journal entry slipped in before the last applied migration (drizzle would skip it)', () => {
    const files: MigrationFile[] = [
      { tag: '0000_a', when: 1, hash: 'a', shown: 'db/migrations/0000_a.sql' },
      { tag: '0001_b', when: 3, hash: 'b', shown: 'db/migrations/0001_b.sql' },
      { tag: '0002_c', when: 2, hash: 'c', shown: 'db/migrations/0002_c.sql' },
    ];
    const applied = [{ id: 1, hash: 'a', createdAt: 1 }, { id: 2, hash: 'b', createdAt: 3 }];
    expect(() => checkApplied(applied, files, {})).toThrow(/Migration db\/migrations\/0002_c\.sql is not applied to this database and never would be/);
    expect(checkApplied(applied.slice(0, 1), files, {})).toEqual([]);
    expect(() => checkApplied(applied.slice(0, 1), files, {}, { complete: true })).toThrow(/0001_b\.sql was not applied/);
  });
});

describe('an applied migration changed afterwards', () => {
  it('refuses to start, naming the file, and starts again once the file is as applied', async () => {
    const [row] = await rows<{ id: number; hash: string }>(today.db, sql`select m.id, m.hash from drizzle.__drizzle_migrations m where m.created_at = ${journal.entries[upTo('0005_roles_and_permissions') - 1].when}`);
    await today.db.execute(sql`update drizzle.__drizzle_migrations set hash = ${createHash('sha256').update(String(Math.random())).digest('hex')} where id = ${row.id}`);
    try {
      const err = await migrateEngine(today).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(
        /^Migration db\/migrations\/0005_roles_and_permissions\.sql was changed after it was applied to this database \(recorded sha256 [0-9a-f]{12}…, file now [0-9a-f]{12}…\)\. Migrations are append-only: restore the file from git and put the change in a new migration\.$/,
      );
    } finally {
      await today.db.execute(sql`update drizzle.__drizzle_migrations set hash = ${row.hash} where id = ${row.id}`);
    }
    await migrateEngine(today);
  });

  it('npm start refuses it with one line and exit code 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'citygrid-drift-'));
    temps.push(dir);
    await migratedDataDir(dir);
    const disk = await openEngine({ dataDir: dir });
    try {
      await disk.db.execute(sql`update drizzle.__drizzle_migrations set hash = repeat('0', 64) where created_at = ${journal.entries[upTo('0008_wall_display_role') - 1].when}`);
    } finally {
      await disk.close();
    }
    const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
        env: { ...process.env, DATABASE_URL: '', CITYGRID_DATA_DIR: dir, CITYGRID_NO_SEED: '1', PORT: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
        // if the check ever lets it start, it would serve forever: end it, and the test fails on the exit code
        timeout: 60_000,
        killSignal: 'SIGKILL',
      });
      let text = '';
      child.stdout.on('data', (d) => (text += d));
      child.stderr.on('data', (d) => (text += d));
      child.on('close', (c) => resolve({ code: c, out: text }));
    });
    expect(code).toBe(1);
    expect(out.trim().split('\n')).toEqual([expect.stringMatching(/^CityGrid cannot start: Migration db\/migrations\/0008_wall_display_role\.sql was changed after it was applied to this database \(recorded sha256 000000000000…/)]);
  });

  it('refuses a recorded migration the journal does not have (a newer or other CityGrid migrated it)', async () => {
    await today.db.execute(sql`insert into drizzle.__drizzle_migrations (hash, created_at) values ('0123456789abcdef0123456789abcdef', 4102444800000)`);
    try {
      const err = await migrateEngine(today).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(/not in the journal \(drizzle\.__drizzle_migrations id \d+, created_at 4102444800000, sha256 0123456789ab…\)/);
    } finally {
      await today.db.execute(sql`delete from drizzle.__drizzle_migrations where created_at = 4102444800000`);
    }
  });
});

describe('a database migrated with superseded versions', () => {
  const histories: [string, number, string[]][] = [
    ['0000–0008 with 0008 as first landed (no auth.max_failures_per_address)', upTo('0008_wall_display_role'), ['0008_wall_display_role']],
    ['0000–0017, every edited migration as first committed (0017 as landed at stop 19)', upTo('0017_patrol_staff'), edited],
    ['0000–0002 as first landed (the first schema)', upTo('0002_functions'), ['0002_functions']],
  ];

  it.each(histories)('%s: is accepted, upgraded and repaired to the schema of a fresh database', async (_name, count, old) => {
    const { engine, dispose } = await freshEngine('citygrid_migrations_old');
    try {
      await migrateEngine(engine, { migrationsFolder: pastFolder(count, old), log: () => {} });
      const lines: string[] = [];
      await migrateEngine(engine, { log: (l) => lines.push(l) });
      expect(lines).toHaveLength(1);
      for (const tag of old) expect(lines[0]).toContain(tag);
      const [{ n }] = await rows<{ n: number }>(engine.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
      expect(n).toBe(tags.length);
      const meta = await rows<{ value: string }>(engine.db, sql`select value from app_meta where key = 'auth.max_failures_per_address'`);
      expect(meta).toEqual([{ value: '30' }]);
      expect(await schemaOf(engine.db)).toEqual(todaySchema);
      // the superseded hashes stay recorded (drizzle's table is history) and keep being accepted
      lines.length = 0;
      await migrateEngine(engine, { log: (l) => lines.push(l) });
      expect(lines).toHaveLength(1);
      expect(await schemaOf(engine.db)).toEqual(todaySchema);

      // and a user can sign in
      await loadSessionPolicy(engine.db);
      await engine.db.execute(sql`insert into users (username, display_name, role_code, password_hash) values ('upgraded', 'Upgraded', 'dispatcher', ${await hashPassword('upgraded-pass-1')})`);
      const { res, body } = await trpcPost(createApp(engine), 'auth.login', { username: 'upgraded', password: 'upgraded-pass-1' });
      expect(res.status, JSON.stringify(body)).toBe(200);
    } finally {
      await dispose();
    }
  });
});
