// Start-up and seeding, each start by `npm start`'s command line as a newcomer runs it (the
// client's build stamp checked first: the bench has just built the client, so nothing is rebuilt):
// - first start on an empty data folder to "ready" (goal ≤ 60 s), baseline: a bare engine
//   cold start (PGlite + CREATE EXTENSION postgis + migrations) in this run;
// - warm start to "ready" (goal ≤ 5 s), baseline: a bare reopen of the same data folder;
// - the seed's case rows (the cases-and-events step and the case facts: the generator's
//   workflow, routing and rows, loaded) against a bare COPY of the same rows into twins with the
//   same indexes and constraints (goal ≤ 2×); the geography (places, grids, compounds, clinics)
//   apart, informational; the whole seed against a COPY of every seeded table.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

/**
 * `npm start`'s own command line (package.json) on `dataDir`, until "CityGrid ready", then stopped
 * and waited for (its data folder free again). Through `sh -c` with the server exec'd in place of
 * the shell, so the stop reaches the server and its exit is the child's; npm itself adds ~0.3 s.
 */
function startToReady(dataDir: string): Promise<{ ms: number; steps: Map<string, number>; log: string }> {
  const start = (JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const last = start.lastIndexOf('&& ');
  const command = last < 0 ? `exec ${start}` : `${start.slice(0, last + 3)}exec ${start.slice(last + 3)}`;
  return new Promise((ok, fail) => {
    const t0 = performance.now();
    const child = spawn('sh', ['-c', command], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: '', PORT: '0', CITYGRID_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    let ready = false;
    child.stderr.on('data', (d) => (log += d));
    child.stdout.on('data', (d) => {
      log += d;
      if (!ready && log.includes('CityGrid ready')) {
        ready = true;
        const ms = performance.now() - t0;
        const steps = new Map([...log.matchAll(/seeded (.+) in ([\d.]+) s/g)].map((m) => [m[1], Number(m[2]) * 1000]));
        child.once('exit', () => ok({ ms, steps, log }));
        child.kill('SIGTERM');
      }
    });
    child.once('exit', (code) => {
      if (!ready) fail(new Error(`npm start exited (${code}) before ready:\n${log}`));
    });
  });
}

/** What the seed's case step writes (cases and events; reporters; the facts filled after). */
const CASE_TABLES = ['cases', 'case_events', 'case_reporters', 'case_facts'];
const TABLES = [
  'districts', 'townships', 'villages', 'case_categories', 'category_time_limits', 'departments', 'department_districts', 'dispatch_rules',
  'calendar_days', 'working_periods', 'responsibility_grids', 'unit_grids', 'property_companies', 'property_communities', 'clinics',
  'cases', 'case_events', 'case_reporters', 'case_facts', 'app_meta',
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

    const first = SMOKE ? { ms: NaN, steps: new Map<string, number>(), log: '' } : await startToReady(dataDir);
    const warm = await startToReady(dataDir);
    const limit = SMOKE ? ' limit 100' : '';

    // bare bulk insert of the same rows the seed wrote: every table dumped to CSV, then only
    // the COPY back into a twin with the same indexes and constraints is timed
    const engine = await openEngine({ dataDir });
    let copyMs = 0;
    let caseCopyMs = 0;
    let selectMs = 0;
    let rowCount = 0;
    let caseRows = 0;
    try {
      const pg = (engine.db as unknown as { $client: PgliteLike }).$client;
      await pg.exec('begin');
      for (const table of TABLES) {
        const out = await pg.query(`copy (select * from "${table}"${limit}) to '/dev/blob' with (format csv)`);
        await pg.exec(`create temp table "bench_${table}" (like "${table}" including all)`);
        const t1 = performance.now();
        const res = await pg.query(`copy "bench_${table}" from '/dev/blob' with (format csv)`, [], { blob: out.blob });
        const took = performance.now() - t1;
        copyMs += took;
        rowCount += res.affectedRows ?? 0;
        if (CASE_TABLES.includes(table)) {
          caseCopyMs += took;
          caseRows += res.affectedRows ?? 0;
        }
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
    const step = (name: string) => first.steps.get(name) ?? NaN;
    const seedMs = [...first.steps.values()].reduce((a, b) => a + b, 0);
    const caseMs = step('cases and events') + step('case facts');
    const geoMs = ['districts, townships, villages', 'unit and responsibility grids', 'property communities', 'village clinics'].reduce((a, n) => a + step(n), 0);
    return [
      entry({ name: 'first start to ready through npm start (empty data folder, seeds the city)', value: seconds(first.ms), unit: 's', baseline: seconds(bareCold), target: '≤ 60 s', met: first.ms <= 60_000, note: 'baseline: bare engine cold start + migrations' }),
      entry({ name: 'warm start to ready through npm start (client unchanged)', value: seconds(warm.ms), unit: 's', baseline: seconds(bareWarm), target: '≤ 5 s', met: warm.ms <= 5_000, note: 'baseline: bare reopen of the data folder' }),
      entry({ name: "the seed's case rows (generate, route, load; facts) vs bare COPY of the same rows", value: seconds(caseMs), unit: 's', baseline: seconds(caseCopyMs), target: 'ratio ≤ 2', met: caseMs / caseCopyMs <= 2, note: `${caseRows.toLocaleString('en')} rows in ${CASE_TABLES.join(', ')}` }),
      entry({ name: 'the seed\'s geography (places, grids, compounds, clinics), measured apart', value: seconds(geoMs), unit: 's', baseline: seconds(bareCold), target: 'informational', met: true, note: 'baseline: bare engine cold start + migrations' }),
      entry({ name: 'the whole seed vs bare bulk insert (COPY) of every seeded table', value: seconds(seedMs), unit: 's', baseline: seconds(copyMs), target: 'ratio ≤ 3', met: seedMs / copyMs <= 3, note: `${rowCount.toLocaleString('en')} rows` }),
      entry({ name: 'the whole seed vs in-database INSERT … SELECT of the same rows (informational floor)', value: seconds(seedMs), unit: 's', baseline: seconds(selectMs), target: 'none', met: true }),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
