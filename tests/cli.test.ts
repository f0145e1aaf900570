// The command line while a server runs (docs/decisions/0011): with no server the commands open
// the data folder themselves and say so; while a server holds it they go through it (locally,
// with the server file's secret) and say so; a wrong secret or a caller that is not on this
// machine is refused and changes nothing; a server file left by a server that is gone is
// ignored. On the server engine (DATABASE_URL) the commands always connect themselves.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrateEngine, openEngine, rows, type Db, type Engine } from '../db/engine.ts';
import { SERVER_FILE, VIA_DIRECT, VIA_SERVER, type ServerFile } from '../db/cli.ts';
import { createApp } from '../server/app.ts';
import { ensureFirstAdmin, FIRST_ADMIN } from '../server/auth/first-run.ts';
import { verifyPassword } from '../server/auth/password.ts';
import { isLoopback, LOCAL_CLI_BODY_LIMIT } from '../server/http/local-cli.ts';
import { migratedDataDir, testEngine } from './support/test-db.ts';
import { rolledBackSuite } from './support/rolled-back.ts';
import { createServerDatabase, dropServerDatabase } from './support/server-db.ts';

const cfg = inject('testDb');
const embedded = cfg.engine === 'embedded';
const ADMIN_PASSWORD = 'cli-test-first-password';
/** A pid no process has (Linux caps pids far below it). */
const DEAD_PID = 999_999_999;

interface Ran {
  code: number | null;
  out: string;
  err: string;
}

/** One command as a person runs it (`npm run <script>` is `node --import tsx <file>`), bounded. */
function run(file: string, args: string[], env: Record<string, string>): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
      env: { ...process.env, DATABASE_URL: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 90_000,
      killSignal: 'SIGKILL',
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

const REPORT = 'server/indicators/report-cli.ts';
const RESET = 'server/auth/reset-password-cli.ts';
const oneTimePassword = (out: string) => /^One-time password for 'admin'.*\n\n {4}(\S+)\n/m.exec(out)?.[1];

const localAddress = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress, remotePort: 40000, remoteFamily: remoteAddress.includes(':') ? 'IPv6' : 'IPv4' } } });

describe('the local route', () => {
  const secret = 'A'.repeat(43);
  // in a transaction rolled back at the end: the refusals and the report it audits stay out of the shared city
  const suite = rolledBackSuite(testEngine);
  const engine: Engine = suite.engine;
  let app: ReturnType<typeof createApp>;
  beforeAll(() => suite.setup(async () => {
    app = createApp(engine, { localCli: { secret } });
  }), 120_000);
  afterAll(() => suite.end());
  const post = (path: string, init: { body?: string; headers?: Record<string, string> } = {}, from = '127.0.0.1') =>
    app.request(`http://127.0.0.1:3000/local/cli/${path}`, { method: 'POST', body: init.body ?? '{}', headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}`, ...init.headers } }, localAddress(from));
  const denials = async (reason: string) =>
    (await rows<{ n: number }>(engine.db, sql`select coalesce(sum(repeats), 0)::int as n from audit_log where action = 'system.localCli' and detail->>'reason' = ${reason}`))[0].n;

  it('knows loopback addresses, IPv4-mapped ones included', () => {
    for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) expect(isLoopback(a)).toBe(true);
    for (const a of ['10.0.0.1', '192.0.2.7', '::ffff:192.0.2.7', '2001:db8::1', '', undefined]) expect(isLoopback(a)).toBe(false);
  });

  it('refuses a caller that is not on this machine (403), even with the right secret, and audits it', () =>
    suite.run(async () => {
      const before = await denials('cli.notLocal');
      const cases = [
        post('report', {}, '192.0.2.7'),
        post('report', {}, '::ffff:10.1.2.3'),
        // a proxy on this machine makes every visitor look local: its headers refuse the request
        post('report', { headers: { 'x-forwarded-for': '127.0.0.1' } }),
        post('report', { headers: { forwarded: 'for=127.0.0.1' } }),
        // a browser (a page on another site, or one whose name was rebound to 127.0.0.1)
        post('report', { headers: { origin: 'http://127.0.0.1:3000' } }),
        app.request('http://evil.example:3000/local/cli/report', { method: 'POST', body: '{}', headers: { authorization: `Bearer ${secret}` } }, localAddress('127.0.0.1')),
        // no socket at all (an in-process request): not known to be local
        app.request('http://127.0.0.1:3000/local/cli/report', { method: 'POST', body: '{}', headers: { authorization: `Bearer ${secret}` } }),
      ];
      for (const res of await Promise.all(cases)) {
        expect(res.status).toBe(403);
        expect(await res.json()).toMatchObject({ reason: 'cli.notLocal', error: expect.stringMatching(/straight from this machine/) });
      }
      expect(await denials('cli.notLocal')).toBeGreaterThan(before);
    }));

  it('refuses a missing or wrong secret (401) before it reads the body, and audits it', () =>
    suite.run(async () => {
      const before = await denials('cli.badSecret');
      for (const authorization of ['', 'Bearer ', `Bearer ${'B'.repeat(43)}`, `Bearer ${secret}x`, `Basic ${secret}`]) {
        const res = await post('accounts:reset-password', { headers: { authorization }, body: JSON.stringify({ username: FIRST_ADMIN }) });
        expect(res.status).toBe(401);
        expect(await res.json()).toMatchObject({ reason: 'cli.badSecret', error: expect.stringMatching(/citygrid\.server\.json/) });
      }
      expect(await denials('cli.badSecret')).toBeGreaterThan(before);
    }));

  it('validates the command and its input with the shared primitives, and limits the body', () =>
    suite.run(async () => {
      let res = await post('db:seed');
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ reason: 'cli.unknownCommand', params: { command: 'db:seed', known: 'accounts:reset-password, report, calendar:correct' } });
      // the calendar correction validates its days with the shared date primitive
      res = await post('calendar:correct', { body: JSON.stringify({ days: ['2026-02-30'], kind: 'holiday', name: '', apply: false }) });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ reason: 'input.invalid', issues: [{ path: 'days.0', reason: 'input.dateFormat' }] });
      res = await post('report', { body: JSON.stringify({ from: '2022-02-30T00:00:00+08:00', to: '2022-01-01T00:00:00+08:00' }) });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ reason: 'input.invalid', issues: [{ path: 'from', reason: 'input.instantFormat' }] });
      res = await post('report', { body: JSON.stringify({ from: '2022-03-01T00:00:00+08:00', to: '2022-01-01T00:00:00+08:00' }) });
      expect(await res.json()).toMatchObject({ reason: 'input.invalid', issues: [{ path: 'to', reason: 'input.periodOrder' }] });
      res = await post('report', { body: JSON.stringify({ from: '2022-01-01T00:00:00+08:00', to: '2022-02-01T00:00:00+08:00', scope: 'x' }) });
      expect(await res.json()).toMatchObject({ reason: 'input.invalid', issues: [{ reason: 'zod.unrecognized_keys' }] });
      res = await post('report', { body: '{"from":' });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ reason: 'refused.PARSE_ERROR' });
      res = await post('report', { body: JSON.stringify({ from: 'x'.repeat(LOCAL_CLI_BODY_LIMIT) }) });
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ reason: 'request.tooLarge' });
      res = await post('accounts:reset-password', { body: JSON.stringify({ username: 'demo-viewer' }) });
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ reason: 'admin.noAccountToReset', error: "No account 'demo-viewer' (demo accounts keep their documented password)." });
    }));

  it('answers a report on the server’s own engine, audited as through the server', () =>
    suite.run(async () => {
      const res = await post('report', { body: JSON.stringify({ from: '2022-01-01T00:00:00+08:00', to: '2022-09-01T00:00:00+08:00' }) });
      expect(res.status).toBe(200);
      const { lines } = (await res.json()) as { lines: string[] };
      expect(lines[0]).toBe('CityGrid indicators, city-wide: cases of [2022-01-01T00:00:00+08:00, 2022-09-01T00:00:00+08:00), as of 2022-09-01T00:00:00+08:00');
      expect(lines.find((l) => l.includes('handling rate'))).toMatch(/handling rate\s+\d+\.\d\d %\s+[\d,]+ \/ [\d,]+\s+处置率$/);
      const [row] = await rows<{ ip: string; via: string }>(engine.db, sql`select ip, detail->>'via' as via from audit_log where action = 'system.report' order by id desc limit 1`);
      expect(row).toEqual({ ip: '127.0.0.1', via: VIA_SERVER });
    }));

  it('is not there unless the server wrote a server file', () =>
    suite.run(async () => {
      const plain = createApp(engine);
      const res = await plain.request('http://127.0.0.1:3000/local/cli/report', { method: 'POST', body: '{}', headers: { authorization: `Bearer ${secret}` } }, localAddress('127.0.0.1'));
      expect(res.status).toBe(404);
    }));
});

describe.skipIf(!embedded)('an embedded data folder', () => {
  let dir: string;
  const env = () => ({ CITYGRID_DATA_DIR: dir });
  const serverFile = () => join(dir, SERVER_FILE);
  let server: ChildProcess | undefined;
  /** Each stage's one-time password. */
  const passwords: { direct?: string; server?: string } = {};

  /** The folder as the test needs it: migrated, with the first administrator (and nobody holding it). */
  async function withFolder<T>(body: (db: Db) => Promise<T>): Promise<T> {
    const engine = await openEngine({ dataDir: dir });
    try {
      await migrateEngine(engine, { log: () => {} });
      return await body(engine.db);
    } finally {
      await engine.close();
    }
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'citygrid-cli-'));
    await migratedDataDir(dir);
    await withFolder((db) => ensureFirstAdmin(db, { password: ADMIN_PASSWORD }));
  });
  afterAll(() => {
    server?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('with no server, report and reset-password open the folder themselves and say so', async () => {
    const report = await run(REPORT, [], env());
    expect(report.code).toBe(0);
    expect(report.err.trim()).toBe(`(opened the data folder ${dir} directly)`);
    expect(report.out).toMatch(/^CityGrid indicators, city-wide: cases of \[2022-01-01T00:00:00\+08:00, 2022-09-01T00:00:00\+08:00\)/);
    expect(report.out).toMatch(/handling rate\s+—\s+0 \/ 0\s+处置率/); // an unseeded folder: nothing was due
    const csv = await run(REPORT, ['--from', '2022-01-01', '--to', '2022-08-31', '--format', 'csv'], env());
    expect(csv.code).toBe(0);
    expect(csv.err.trim()).toBe(`(opened the data folder ${dir} directly)`);
    expect(csv.out.trim().split('\n')).toHaveLength(2); // the header and the city
    expect(csv.out).toMatch(/^group,key,name,nameEn,accepted,/);
    const reversed = await run(REPORT, ['--from', '2022-08-31', '--to', '2022-01-01'], env());
    expect(reversed.code).toBe(1);
    expect(reversed.err).toMatch(/Report failed: .*from must be before to/);
    const reset = await run(RESET, [FIRST_ADMIN], env());
    expect(reset.code).toBe(0);
    expect(reset.err.trim()).toBe(`(opened the data folder ${dir} directly)`);
    passwords.direct = oneTimePassword(reset.out);
    expect(passwords.direct).toMatch(/^\S{12,}$/);
    const bad = await run(REPORT, ['--from', '2022-13-01T00:00:00+08:00'], env());
    expect(bad.code).toBe(1);
    expect(bad.err.trim().split('\n')).toEqual(['Report failed: from must be an ISO date-time with offset, e.g. 2022-01-01T00:00:00+08:00']);
    expect(existsSync(serverFile())).toBe(false);
  });

  it('while a server holds the folder, both go through it and say so; the reset is real; a wrong secret changes nothing', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { ...process.env, DATABASE_URL: '', CITYGRID_DATA_DIR: dir, CITYGRID_NO_SEED: '1', CITYGRID_MODE: 'production', HOST: '127.0.0.1', PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 150_000,
      killSignal: 'SIGKILL',
    });
    server = child;
    let log = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      const seen = (d: Buffer) => {
        log += d;
        const m = /CityGrid ready .* — (http:\/\/\S+)\/\n/.exec(log);
        if (m) resolve(m[1]);
      };
      child.stdout.on('data', seen);
      child.stderr.on('data', seen);
      void exited.then((code) => reject(new Error(`the server ended (${code}) before it was ready:\n${log}`)));
    });

    // the server file: beside the lock, readable by its owner only, naming the server
    const file = JSON.parse(readFileSync(serverFile(), 'utf8')) as ServerFile;
    expect(statSync(serverFile()).mode & 0o777).toBe(0o600);
    expect(file).toMatchObject({ pid: child.pid, host: '127.0.0.1', port: Number(new URL(url).port), secret: expect.stringMatching(/^[\w-]{43}$/) });
    const through = `(through the running CityGrid server, pid ${child.pid}, ${url})`;

    // a wrong secret: refused with one clear line and exit code 1, nothing changed
    writeFileSync(serverFile(), JSON.stringify({ ...file, secret: 'W'.repeat(43) }));
    const refused = await run(RESET, [FIRST_ADMIN], env());
    writeFileSync(serverFile(), JSON.stringify(file));
    expect(refused.code).toBe(1);
    expect(refused.out).toBe('');
    expect(refused.err.trim().split('\n')).toEqual([
      through,
      expect.stringMatching(new RegExp(`^Password reset \\(nothing was changed\\) failed: the running CityGrid server \\(pid ${child.pid}\\) refused it \\(HTTP 401 cli\\.badSecret\\): Missing or wrong command-line secret`)),
    ]);
    const raw = await fetch(`${url}/local/cli/accounts:reset-password`, { method: 'POST', headers: { authorization: 'Bearer nope', 'content-type': 'application/json' }, body: JSON.stringify({ username: FIRST_ADMIN }) });
    expect(raw.status).toBe(401);
    expect(await raw.json()).toMatchObject({ reason: 'cli.badSecret' });

    const report = await run(REPORT, ['--from', '2022-01-01T00:00:00+08:00', '--to', '2022-02-01T00:00:00+08:00'], env());
    expect(report.code).toBe(0);
    expect(report.err.trim()).toBe(through);
    expect(report.out).toMatch(/^CityGrid indicators, city-wide: cases of \[2022-01-01T00:00:00\+08:00, 2022-02-01T00:00:00\+08:00\)/);
    // China-time dates (both included), grouped, as JSON: the same through the server
    const json = await run(REPORT, ['--from', '2022-01-01', '--to', '2022-01-31', '--by', 'district', '--format', 'json'], env());
    expect(json.code).toBe(0);
    expect(json.err.trim()).toBe(through);
    expect(JSON.parse(json.out)).toMatchObject({ from: '2022-01-01T00:00:00+08:00', to: '2022-02-01T00:00:00+08:00', by: 'district', accepted: 0, handlingRatePct: null, groups: [] });
    const reset = await run(RESET, [], env());
    expect(reset.code).toBe(0);
    expect(reset.err.trim()).toBe(through);
    passwords.server = oneTimePassword(reset.out);
    expect(passwords.server).toMatch(/^\S{12,}$/);
    const missing = await run(RESET, ['nobody'], env());
    expect(missing.code).toBe(1);
    expect(missing.err.trim().split('\n')[1]).toMatch(/refused it \(HTTP 404 admin\.noAccountToReset\): No account 'nobody'/);

    // migrating and seeding need the folder for themselves: refused, with the way out
    for (const script of ['db/migrate.ts', 'data/seed-cli.ts']) {
      const r = await run(script, [], env());
      expect(r.code).toBe(1);
      expect(r.err.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`failed: the CityGrid server \\(pid ${child.pid}, ${url.replace(/[.]/g, '\\.')}\\) holds the data folder .*already migrated it.*Stop the server`))]);
    }

    // a clean stop takes the server file away with the lock
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    server = undefined;
    expect(existsSync(serverFile())).toBe(false);
    expect(existsSync(join(dir, 'citygrid.lock'))).toBe(false);

    await withFolder(async (db) => {
      const [admin] = await rows<{ hash: string; must: boolean }>(db, sql`select password_hash as hash, must_change_password as must from users where username = ${FIRST_ADMIN}`);
      expect(admin.must).toBe(true);
      expect(await verifyPassword(passwords.server!, admin.hash)).toBe(true);
      expect(await verifyPassword(passwords.direct!, admin.hash)).toBe(false);
      const audit = await rows<{ action: string; via: string | null; reason: string | null; ip: string | null; n: number }>(
        db,
        sql`select action, detail->>'via' as via, detail->>'reason' as reason, ip, sum(repeats)::int as n from audit_log
            where action in ('system.resetPassword', 'system.report', 'system.localCli') group by 1, 2, 3, 4 order by 1, 2, 3`,
      );
      // one reset each way (the refused one changed nothing); each report that ran; the refusals, counted
      expect(audit).toEqual([
        { action: 'system.localCli', via: null, reason: 'admin.noAccountToReset', ip: '127.0.0.1', n: 1 },
        { action: 'system.localCli', via: null, reason: 'cli.badSecret', ip: '127.0.0.1', n: 2 },
        { action: 'system.report', via: VIA_DIRECT, reason: null, ip: null, n: 2 }, // text and CSV (a reversed period is refused before it runs)
        { action: 'system.report', via: VIA_SERVER, reason: null, ip: '127.0.0.1', n: 2 }, // text and JSON
        { action: 'system.resetPassword', via: VIA_DIRECT, reason: null, ip: null, n: 1 },
        { action: 'system.resetPassword', via: VIA_SERVER, reason: null, ip: '127.0.0.1', n: 1 },
      ]);
    });
  });

  it('a process that holds the folder but takes no commands (a server still starting) is named, and nothing runs', async () => {
    writeFileSync(join(dir, 'citygrid.lock'), String(process.pid)); // this test process: alive, and not the command's
    try {
      const report = await run(REPORT, [], env());
      expect(report.code).toBe(1);
      expect(report.out).toBe('');
      expect(report.err.trim().split('\n')).toEqual([`Report failed: the data folder ${dir} is in use by another CityGrid process (pid ${process.pid}) that takes no commands: a server still starting (it takes them once it is ready) or another command. Try again then, or stop it.`]);
    } finally {
      rmSync(join(dir, 'citygrid.lock'));
    }
  });

  it('a server file left by a server that is gone is ignored (and removed)', async () => {
    writeFileSync(join(dir, 'citygrid.lock'), String(DEAD_PID));
    writeFileSync(serverFile(), JSON.stringify({ pid: DEAD_PID, host: '127.0.0.1', port: 9, secret: 'S'.repeat(43) } satisfies ServerFile), { mode: 0o600 });
    const report = await run(REPORT, [], env());
    expect(report.code).toBe(0);
    expect(report.err.trim()).toBe(`(opened the data folder ${dir} directly)`);
    expect(existsSync(serverFile())).toBe(false);
  });
});

describe.skipIf(embedded)('a PostgreSQL server (DATABASE_URL)', () => {
  it('the commands connect to it themselves (it takes many processes) and say so', async () => {
    // a database of its own (the report audits itself: the shared city stays as it was)
    const url = await createServerDatabase(cfg.adminUrl!, 'citygrid_cli', { template: cfg.migrated });
    try {
      const report = await run(REPORT, [], { DATABASE_URL: url });
      expect(report.code).toBe(0);
      expect(report.err.trim()).toMatch(/^\(connected to the PostgreSQL server postgres:\/\/.+\)$/);
      expect(report.out).toMatch(/handling rate\s/);

      const engine = await openEngine({ databaseUrl: url });
      try {
        await ensureFirstAdmin(engine.db, { password: ADMIN_PASSWORD });
      } finally {
        await engine.close();
      }
      const reset = await run(RESET, [FIRST_ADMIN], { DATABASE_URL: url });
      expect(reset.code).toBe(0);
      expect(reset.err.trim()).toMatch(/^\(connected to the PostgreSQL server postgres:\/\/.+\)$/);
      const password = oneTimePassword(reset.out)!;
      const check = await openEngine({ databaseUrl: url });
      try {
        const [admin] = await rows<{ hash: string; must: boolean }>(check.db, sql`select password_hash as hash, must_change_password as must from users where username = ${FIRST_ADMIN}`);
        expect(admin.must).toBe(true);
        expect(await verifyPassword(password, admin.hash)).toBe(true);
        const via = await rows<{ via: string }>(check.db, sql`select detail->>'via' as via from audit_log where action = 'system.resetPassword'`);
        expect(via).toEqual([{ via: VIA_DIRECT }]);
      } finally {
        await check.close();
      }
    } finally {
      await dropServerDatabase(cfg.adminUrl!, url);
    }
  });
});
