// The case engine (docs/decisions/0015), over real HTTP on a local port:
// - register + route + event (dispatch.register as the intake operator) at a fixed rate, sent by a
//   load generator in a process of its own (bench/http-load.mjs), p50 and p99 latency, against the same work sent as plain SQL on the same pool in the same run (the
//   PostGIS place lookup, the case code under its advisory lock, the case row, the event, the
//   NOTIFY, in one transaction). Target on the server engine: ratio ≤ 2 and p99 ≤ 25 ms at
//   200 req/s; the embedded engine (one connection, one thread) is reported at 20 req/s.
// - commit → delivery: 100 subscribers on live.events over SSE, 100 committed moves; the
//   time from each commit returning to each subscriber reading its event, p50 and p99
//   (target p99 ≤ 250 ms).
// The server engine runs when DATABASE_URL is set (seeded first if empty, as npm start does).
// What this writes (cases, events) stays in the benchmark's database: never point it at data
// you keep.
import { createServer } from 'node:net';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import { serve } from '@hono/node-server';
import { migrateEngine, openEngine, rows, type Engine } from '../db/engine.ts';
import { isSeeded, seedCity } from '../data/seed.ts';
import { createApp } from '../server/app.ts';
import { ensureDemoAccounts } from '../server/auth/first-run.ts';
import { DEMO_PASSWORD } from '../server/auth/demo-accounts.ts';
import { placeAt } from '../server/dispatch/dispatch-queries.ts';
import { CASE_EVENTS_CHANNEL } from '../server/dispatch/case-engine.ts';
import { entry, type BenchEntry } from './harness.ts';
import { markerEvent } from './marker-event.ts';
import { liveLimits } from '../server/live/live-router.ts';
import { openSeeded } from './seeded-engine.ts';
import { sized } from './smoke.ts';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const ms = (x: number) => Math.round(x * 10) / 10;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Runs `n` calls of `f`, call i starting at t0 + i / rate; latency of each from its start (ms). */
async function atRate(n: number, rate: number, f: (i: number) => Promise<void>): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  const t0 = performance.now();
  const calls: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const at = t0 + (i * 1000) / rate;
    const wait = at - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const start = performance.now();
    calls.push(f(i).then(() => void latencies.push(performance.now() - start)));
  }
  await Promise.all(calls);
  return { latencies, seconds: (performance.now() - t0) / 1000 };
}

/** `n` registrations at `rate` from bench/http-load.mjs in a child process: its latencies and seconds. */
async function loadFromChild(base: string, who: { cookie: string; csrf: string }, rate: number, n: number, points: { lng: number; lat: number }[]): Promise<{ latencies: number[]; seconds: number }> {
  const child = spawn(process.execPath, [resolve(import.meta.dirname, 'http-load.mjs'), base, who.cookie, who.csrf, String(rate), String(n), JSON.stringify(points)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  if (code !== 0) throw new Error(`the load generator failed (exit ${code})`);
  return JSON.parse(out) as { latencies: number[]; seconds: number };
}

async function signIn(base: string, username: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${base}/trpc/auth.login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: base }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
  if (!res.ok) throw new Error(`sign-in ${username}: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { result: { data: { csrfToken: string } } };
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0], csrf: body.result.data.csrfToken };
}

async function suite(engine: Engine, label: string, rate: number, n: number): Promise<BenchEntry[]> {
  const db = engine.db;
  await ensureDemoAccounts(db);
  const port = await freePort();
  // the bench opens many streams under one viewer: lift the per-person cap of this (in-process) server
  liveLimits.streamsPerActor = 1000;
  const server = serve({ fetch: createApp(engine).fetch, hostname: '127.0.0.1', port });
  const base = `http://127.0.0.1:${port}`;
  try {
    const intake = await signIn(base, 'demo-intake');
    // points in the gridded core (a unit grid each), so every registration routes through a grid
    const points = await rows<{ lng: number; lat: number }>(db, sql`select ST_X(ST_PointOnSurface(geom)) as lng, ST_Y(ST_PointOnSurface(geom)) as lat from unit_grids where valid_to is null order by code limit 200`);
    const register = async (i: number) => {
      const p = points[i % points.length];
      const res = await fetch(`${base}/trpc/dispatch.register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: intake.cookie, 'x-csrf-token': intake.csrf, origin: base },
        body: JSON.stringify({ channel: '12345', categoryCode: 'E0104', lng: p.lng, lat: p.lat, description: `bench ${i}` }),
      });
      if (!res.ok) throw new Error(`register: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    };
    const now = new Date();
    let rawSerial = 0;
    const raw = async (i: number) => {
      const p = points[i % points.length];
      await db.transaction(async (t) => {
        const tx = t as unknown as typeof db;
        const place = await placeAt(tx, p.lng, p.lat, now);
        const day = 'BENCH' + String(now.getTime()).slice(-3);
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${day}))`);
        const serial = ++rawSerial;
        // the code as the engine makes it: the day's last code read inside the insert (a range of the unique index)
        const [c] = await rows<{ id: number }>(
          tx,
          sql`insert into cases (code, source, channel, category_code, urgency, area_class, description, address, geom, orig_lng, orig_lat, orig_crs, status, unit_grid_id, grid_code, village_code, township_code, district_code, reported_at)
              values (${`${day}${i}-${serial}`} || coalesce(left((select code from cases where code >= ${day} and code < ${`${day}~`} order by code desc limit 1), 0), ''), 'public', '12345', 'E0104', 'normal', ${place!.areaClass}, 'raw', ${place!.address}, ST_SetSRID(ST_MakePoint(${p.lng}, ${p.lat}), 4326), ${p.lng}, ${p.lat}, 'WGS84', 'reported',
                      ${place!.gridId}, ${place!.gridCode}, ${place!.villageCode}, ${place!.townshipCode}, ${place!.districtCode}, now()) returning id::int as id`,
        );
        const [e] = await rows<{ id: number }>(tx, sql`insert into case_events (case_id, seq, at, type, from_status, to_status, actor, actor_role) values (${c.id}, 1, now(), 'report', null, 'reported', 'bench', 'intake_operator') returning id::int as id`);
        await engine.notify(tx, CASE_EVENTS_CHANNEL, JSON.stringify({ eventId: e.id, caseId: c.id }));
      });
    };
    // warm both paths (plans, the JIT, the WebAssembly engine)
    for (let i = 0; i < sized(40, 3); i++) {
      await register(i);
      await raw(i);
    }
    // the API's load comes from a process of its own (the client's work must not share the server's thread)
    const api = await loadFromChild(base, intake, rate, n, points);
    const base0 = await atRate(n, rate, raw);

    // commit → delivery with 100 subscribers over SSE
    const viewer = await signIn(base, 'demo-viewer');
    const SUBS = Number(process.env.BENCH_SUBSCRIBERS ?? sized(100, 5));
    const EVENTS = sized(100, 10);
    const committedAt = new Map<number, number>();
    const delays: number[] = [];
    // the subscribers run in a process of their own: reading 100 streams must not share the server's thread
    const child = spawn(process.execPath, [resolve(import.meta.dirname, 'sse-listeners.mjs'), base, viewer.cookie, String(SUBS)], { stdio: ['pipe', 'pipe', 'inherit'] });
    let childOut = '';
    child.stdout.on('data', (d) => (childOut += d));
    const waitFor = async (mark: string) => {
      const end = Date.now() + 60_000;
      while (!childOut.includes(mark)) {
        if (Date.now() > end) throw new Error(`the SSE listeners did not say '${mark}'`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await waitFor('ready');
    const [target] = await rows<{ id: number }>(db, sql`select id::int as id from cases where description like 'bench %' order by id limit 1`);
    await atRate(EVENTS, 20, async () => {
      const id = await markerEvent(engine, target.id);
      committedAt.set(id, performance.timeOrigin + performance.now());
    });
    await new Promise((r) => setTimeout(r, 2000)); // the last deliveries
    child.stdin.write('report\n');
    await waitFor('\nend\n');
    for (const line of childOut.split('\n')) {
      const [id, at] = line.split(' ').map(Number);
      const c = committedAt.get(id);
      if (c !== undefined && Number.isFinite(at)) delays.push(at - c);
    }
    const p50 = pct(api.latencies, 50);
    const p99 = pct(api.latencies, 99);
    const b50 = pct(base0.latencies, 50);
    const b99 = pct(base0.latencies, 99);
    const server = label === 'server';
    return [
      entry({
        name: `register + route + event over HTTP, ${label}, p50 at ${rate}/s`,
        value: ms(p50), unit: 'ms', baseline: ms(b50),
        target: server ? 'ratio ≤ 2' : 'reported', met: server ? p50 / b50 <= 2 : true,
        note: `${n} calls in ${api.seconds.toFixed(1)} s (${(n / api.seconds).toFixed(0)}/s); baseline: the place lookup, the case code, the case row, the event and the NOTIFY as plain SQL in one transaction on the same pool (${(n / base0.seconds).toFixed(0)}/s)`,
      }),
      entry({
        name: `register + route + event over HTTP, ${label}, p99 at ${rate}/s`,
        value: ms(p99), unit: 'ms', baseline: ms(b99),
        target: server ? 'ratio ≤ 2 and ≤ 25 ms' : 'reported', met: server ? p99 / b99 <= 2 && p99 <= 25 : true,
      }),
      entry({
        name: `commit → delivery to ${SUBS} SSE subscribers, ${label}, p99`,
        value: ms(pct(delays, 99)), unit: 'ms', baseline: ms(pct(delays, 50)),
        target: '≤ 250 ms', met: pct(delays, 99) <= 250 && delays.length === SUBS * EVENTS,
        note: `baseline column: the p50; ${delays.length} of ${SUBS * EVENTS} deliveries read`,
      }),
    ];
  } finally {
    server.close();
  }
}

export async function dispatchBench(): Promise<BenchEntry[]> {
  const out: BenchEntry[] = [];
  const { engine, cleanup } = await openSeeded();
  try {
    out.push(...(await suite(engine, 'embedded', 20, sized(200, 20))));
  } finally {
    await engine.close();
    cleanup();
  }
  if (process.env.DATABASE_URL) {
    const server = await openEngine({ databaseUrl: process.env.DATABASE_URL });
    try {
      await migrateEngine(server);
      if (!(await isSeeded(server.db))) {
        console.log('  seeding the demo city on the server …');
        await seedCity(server.db, {});
      }
      out.push(...(await suite(server, 'server', 200, 1000)));
    } finally {
      await server.close();
    }
  }
  return out;
}
