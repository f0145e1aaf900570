// Start-up and seeding:
// - first `npm start` on an empty data folder to "ready" (≤ 60 s), baseline: a bare engine
//   cold start (PGlite + CREATE EXTENSION postgis + migrations) in this run;
// - warm restart to "ready" (≤ 15 s), baseline: a bare reopen of the same data folder;
// - seeding cost against a bare bulk insert of the same rows (≤ 3×): every seeded table is
//   dumped to CSV and loaded back with COPY into a twin with the same indexes and constraints.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import { migrateEngine, openEngine, rows } from '../db/engine.ts';
import { entry, seconds, type BenchEntry } from './harness.ts';
import { SMOKE, smokeCity } from './smoke.ts';

interface PgliteLike {
  exec(q: string): Promise<unknown>;
  query(q: string, params?: unknown[], opts?: { blob?: Blob }): Promise<{ blob?: Blob; affectedRows?: number }>;
}

const root = resolve(import.meta.dirname, '..');

function startToReady(dataDir: string): Promise<{ ms: number; seedMs: number; log: string }> {
  return new Promise((ok, fail) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: '', PORT: '0', CITYGRID_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stderr.on('data', (d) => (log += d));
    child.stdout.on('data', (d) => {
      log += d;
      if (log.includes('CityGrid ready')) {
        const ms = performance.now() - t0;
        const seedMs = [...log.matchAll(/seeded .* in ([\d.]+) s/g)].reduce((a, m) => a + Number(m[1]) * 1000, 0);
        child.kill('SIGTERM');
        child.once('exit', () => ok({ ms, seedMs, log }));
      }
    });
    child.once('exit', (code) => {
      if (!log.includes('CityGrid ready')) fail(new Error(`server exited (${code}) before ready:\n${log}`));
    });
  });
}

const TABLES = [
  'districts', 'townships', 'villages', 'case_categories', 'category_time_limits', 'departments', 'department_districts', 'dispatch_rules',
  'calendar_days', 'working_periods', 'responsibility_grids', 'unit_grids', 'property_companies', 'property_communities', 'clinics',
  'cases', 'case_events', 'case_reporters', 'app_meta',
];

export async function startupBench(): Promise<BenchEntry[]> {
  const dir = mkdtempSync(join(tmpdir(), 'citygrid-bench-'));
  // the smoke pass starts on the restored test city (no seed) and copies a few rows a table
  const dataDir = SMOKE ? await smokeCity() : join(dir, 'data');
  try {
    // baselines first, on a folder of their own
    let t = performance.now();
    const bare = await openEngine({ dataDir: join(dir, 'bare') });
    await migrateEngine(bare);
    await bare.close();
    const bareCold = performance.now() - t;
    t = performance.now();
    const reopened = await openEngine({ dataDir: join(dir, 'bare') });
    await rows(reopened.db, sql`select 1`);
    await reopened.close();
    const bareWarm = performance.now() - t;

    const first = SMOKE ? { ms: NaN, seedMs: NaN, log: '' } : await startToReady(dataDir);
    const warm = await startToReady(dataDir);
    const limit = SMOKE ? ' limit 100' : '';

    // bare bulk insert of the same rows the seed wrote: every table dumped to CSV, then only
    // the COPY back into a twin with the same indexes and constraints is timed
    const engine = await openEngine({ dataDir });
    let copyMs = 0;
    let selectMs = 0;
    let rowCount = 0;
    try {
      const pg = (engine.db as unknown as { $client: PgliteLike }).$client;
      await pg.exec('begin');
      for (const table of TABLES) {
        const out = await pg.query(`copy (select * from "${table}"${limit}) to '/dev/blob' with (format csv)`);
        await pg.exec(`create temp table "bench_${table}" (like "${table}" including all)`);
        const t1 = performance.now();
        const res = await pg.query(`copy "bench_${table}" from '/dev/blob' with (format csv)`, [], { blob: out.blob });
        copyMs += performance.now() - t1;
        rowCount += res.affectedRows ?? 0;
        // the harsher floor: a server-side INSERT … SELECT (no parsing at all)
        await pg.exec(`create temp table "bench2_${table}" (like "${table}" including all)`);
        const t2 = performance.now();
        await pg.exec(`insert into "bench2_${table}" select * from "${table}"${limit}`);
        selectMs += performance.now() - t2;
      }
      await pg.exec('rollback');
    } finally {
      await engine.close();
    }
    return [
      entry({ name: 'first start to ready (empty data folder, seeds the city)', value: seconds(first.ms), unit: 's', baseline: seconds(bareCold), target: '≤ 60 s', met: first.ms <= 60_000, note: 'baseline: bare engine cold start + migrations' }),
      entry({ name: 'warm restart to ready', value: seconds(warm.ms), unit: 's', baseline: seconds(bareWarm), target: '≤ 15 s', met: warm.ms <= 15_000, note: 'baseline: bare reopen of the data folder' }),
      entry({ name: 'seeding vs bare bulk insert (COPY) of the same rows', value: seconds(first.seedMs), unit: 's', baseline: seconds(copyMs), target: 'ratio ≤ 3', met: first.seedMs / copyMs <= 3, note: `${rowCount.toLocaleString('en')} rows` }),
      entry({ name: 'seeding vs in-database INSERT … SELECT of the same rows (informational floor)', value: seconds(first.seedMs), unit: 's', baseline: seconds(selectMs), target: 'none', met: true }),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
