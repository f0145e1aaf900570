// A decode flood (docs/decisions/0020-one-write-pipeline.md): one account keeps 30 uploads of a
// truncated 7071 × 7071 PNG in flight (a small file whose decoding takes the whole image's work
// and then fails), while another account uploads an ordinary phone photo; that upload's latency
// (median of a few) against the same upload on an idle server in the same run. Target: ratio ≤ 2
// (before the queue with a share per actor: 19.5 s against 0.4 s, ~50×). Also: a flood that keeps
// exactly its share in flight (the decodes' cost without a storm of refused retries), and the 30
// with the queue as it was before 0020 (two slots, first come first served), for comparison.
// A throwaway embedded engine, migrated, with the demo accounts (photos need no city); with
// DATABASE_URL, a database `citygrid_photos_bench` on that server (made once, migrated, reused).
// In-process requests (no sockets). The day's photo budget is lifted for the run.
// CITYGRID_BENCH_FLOOD sets the uploads kept in flight (30).
import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrateEngine, openEngine, rows, type Engine } from '../db/engine.ts';
import type { Hono } from 'hono';
import { createApp } from '../server/app.ts';
import { WORK_DEFAULTS, WorkQueue } from '../server/http/work-queue.ts';
import { ensureDemoAccounts } from '../server/auth/first-run.ts';
import { createSession, loadSessionPolicy } from '../server/auth/sessions.ts';
import { csrfTokenFor } from '../server/auth/secrets.ts';
import { entry, median, type BenchEntry } from './harness.ts';
import { sized } from './smoke.ts';
import { SETTINGS } from '../domain/settings-policy.ts';

const FLOOD = Number(process.env.CITYGRID_BENCH_FLOOD) || sized(30, 6);
const SIDE = sized(7071, 1500);
const PROBES = sized(5, 1);

export async function photosBench(): Promise<BenchEntry[]> {
  const url = process.env.DATABASE_URL;
  const dir = url ? null : mkdtempSync(join(tmpdir(), 'citygrid-photos-bench-'));
  let engine: Engine;
  if (url) {
    const u = new URL(url);
    u.pathname = '/citygrid_photos_bench';
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      if (!(await admin.query(`select 1 from pg_database where datname = 'citygrid_photos_bench'`)).rowCount) await admin.query('create database citygrid_photos_bench');
    } finally {
      await admin.end();
    }
    engine = await openEngine({ databaseUrl: u.toString() });
  } else {
    engine = await openEngine({ dataDir: dir! });
  }
  const db = engine.db;
  console.log(`  ${url ? 'server' : 'embedded'} engine`);
  try {
    await migrateEngine(engine);
    await ensureDemoAccounts(db);
    // the setting's upper bound (domain/settings-policy.ts): a value past it reads as a corrupt setting (500 settings.badStored)
    await db.execute(sql`update app_meta set value = ${String(SETTINGS['photos.per_user_day'].kind.max)} where key = 'photos.per_user_day'`);
    const policy = await loadSessionPolicy(db);
    const headersOf = async (username: string) => {
      const [u] = await rows<{ id: number }>(db, sql`select id from users where username = ${username}`);
      const { token } = await createSession(db, u.id, {}, new Date(), policy);
      return { cookie: `cg_session=${token}`, 'x-csrf-token': csrfTokenFor(token) };
    };
    const [flooder, other] = [await headersOf('demo-inspector'), await headersOf('demo-intake')];
    const bomb = await sharp({ create: { width: SIDE, height: SIDE, channels: 3, background: '#7a9' } }).png().toBuffer();
    const truncated = bomb.subarray(0, bomb.length >> 1);
    const photo = await sharp({ create: { width: 2400, height: 1600, channels: 3, background: '#357', noise: { type: 'gaussian', mean: 120, sigma: 30 } } }).jpeg({ quality: 90 }).toBuffer();
    const post = async (app: Hono, headers: Record<string, string>, body: Buffer, type: string) => {
      const res = await app.fetch(new Request('http://127.0.0.1/api/photos', { method: 'POST', headers: { 'content-type': type, ...headers }, body: new Uint8Array(body) }));
      const text = await res.text();
      return { status: res.status, reason: res.status === 201 ? null : (JSON.parse(text) as { reason: string }).reason };
    };
    const timedUpload = async (app: Hono) => {
      const t = performance.now();
      const r = await post(app, other, photo, 'image/jpeg');
      if (r.status !== 201) throw new Error(`the other account's upload: ${r.status} ${r.reason}`);
      return performance.now() - t;
    };
    console.log(`  truncated ${SIDE}² PNG: ${Math.round(truncated.length / 1024)} KB; the other upload: ${Math.round(photo.length / 1024)} KB JPEG`);
    const fair = createApp(engine);
    await timedUpload(fair); // warm-up
    const idle: number[] = [];
    for (let i = 0; i < PROBES; i++) idle.push(await timedUpload(fair));

    /** FLOOD uploads in flight at all times from one account while the other account's upload is timed `probes` times. */
    const flooded = async (app: Hono, probes: number, label: string, floodClients = FLOOD) => {
      let flooding = true;
      const outcomes = new Map<string, number>();
      const floodClient = async () => {
        while (flooding) {
          const r = await post(app, flooder, truncated, 'image/png');
          const k = `${r.status} ${r.reason}`;
          outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
          if (r.status === 429 || r.status === 503) await new Promise((res) => setTimeout(res, 50)); // a client that retries soon, not at once
        }
      };
      const clients = Array.from({ length: floodClients }, floodClient);
      await new Promise((r) => setTimeout(r, 1000)); // the flood is under way
      const loaded: number[] = [];
      for (let i = 0; i < probes; i++) loaded.push(await timedUpload(app));
      flooding = false;
      await Promise.all(clients);
      console.log(`  ${label}: flood answers ${[...outcomes].map(([k, v]) => `${k} ×${v}`).join(', ')}`);
      return loaded;
    };
    const loaded = await flooded(fair, PROBES, 'the queue with a share per actor');
    // a flood that fills its share exactly (1 decoding, 4 waiting): the decodes' cost alone, without a storm of refusals
    const share = WORK_DEFAULTS.perActor + WORK_DEFAULTS.perActorWaiting;
    const filled = await flooded(fair, PROBES, `${share} in flight`, share);
    // as before 0020: two slots, first come first served, no share and no bound (the 19.5 s of the issue)
    const before = await flooded(createApp(engine, { workQueue: new WorkQueue({ slots: 2, perActor: 2, perActorWaiting: Number.MAX_SAFE_INTEGER, maxWaiting: Number.MAX_SAFE_INTEGER }) }), 2, 'two slots, no share');
    const b = median(idle);
    const entryOf = (name: string, xs: number[], target: string, met: (r: number) => boolean) => {
      const a = median(xs);
      return entry({ name, value: Math.round(a), unit: 'ms', baseline: Math.round(b), target, met: met(a / b), note: `idle ${idle.map(Math.round).join('/')} ms, flood ${xs.map(Math.round).join('/')} ms` });
    };
    return [
      entryOf(`another account's photo upload during a ${FLOOD}-upload decode flood (median of ${PROBES})`, loaded, 'ratio ≤ 2', (r) => r <= 2),
      entryOf(`the same while the flood keeps exactly its share in flight (${share} uploads, no refusals)`, filled, 'ratio ≤ 2', (r) => r <= 2),
      entryOf('the same without the share per actor (two slots, first come first served: before 0020)', before, 'for comparison', () => true),
    ];
  } finally {
    await engine.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}
