// A decode flood (docs/decisions/0020-one-write-pipeline.md): one account keeps 30 uploads of a
// truncated 7071 × 7071 PNG in flight (a small file whose decoding takes the whole image's work
// and then fails), while another account uploads an ordinary phone photo; that upload's latency
// (median of a few) against the same upload on an idle server in the same run. Target: ratio ≤ 2
// (before the queue with a share per actor: 19.5 s against 0.4 s, ~50×).
// A throwaway embedded engine, migrated, with the demo accounts (photos need no city); in-process
// requests (no sockets). The day's photo budget is lifted for the run.
import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateEngine, openEngine, rows } from '../db/engine.ts';
import { createApp } from '../server/app.ts';
import { ensureDemoAccounts } from '../server/auth/first-run.ts';
import { createSession, loadSessionPolicy } from '../server/auth/sessions.ts';
import { csrfTokenFor } from '../server/auth/secrets.ts';
import { entry, median, type BenchEntry } from './harness.ts';

const FLOOD = 30;
const SIDE = 7071;
const PROBES = 5;

export async function photosBench(): Promise<BenchEntry[]> {
  const dir = mkdtempSync(join(tmpdir(), 'citygrid-photos-bench-'));
  const engine = await openEngine({ dataDir: dir });
  const db = engine.db;
  try {
    await migrateEngine(engine);
    await ensureDemoAccounts(db);
    await db.execute(sql`update app_meta set value = '1000000' where key = 'photos.per_user_day'`);
    const policy = await loadSessionPolicy(db);
    const headersOf = async (username: string) => {
      const [u] = await rows<{ id: number }>(db, sql`select id from users where username = ${username}`);
      const { token } = await createSession(db, u.id, {}, new Date(), policy);
      return { cookie: `cg_session=${token}`, 'x-csrf-token': csrfTokenFor(token) };
    };
    const [flooder, other] = [await headersOf('demo-inspector'), await headersOf('demo-intake')];
    const app = createApp(engine);
    const bomb = await sharp({ create: { width: SIDE, height: SIDE, channels: 3, background: '#7a9' } }).png().toBuffer();
    const truncated = bomb.subarray(0, bomb.length >> 1);
    const photo = await sharp({ create: { width: 2400, height: 1600, channels: 3, background: '#357', noise: { type: 'gaussian', mean: 120, sigma: 30 } } }).jpeg({ quality: 90 }).toBuffer();
    const post = async (headers: Record<string, string>, body: Buffer, type: string) => {
      const res = await app.fetch(new Request('http://127.0.0.1/api/photos', { method: 'POST', headers: { 'content-type': type, ...headers }, body: new Uint8Array(body) }));
      const text = await res.text();
      return { status: res.status, reason: res.status === 201 ? null : (JSON.parse(text) as { reason: string }).reason };
    };
    const timedUpload = async () => {
      const t = performance.now();
      const r = await post(other, photo, 'image/jpeg');
      if (r.status !== 201) throw new Error(`the other account's upload: ${r.status} ${r.reason}`);
      return performance.now() - t;
    };
    console.log(`  truncated ${SIDE}² PNG: ${Math.round(truncated.length / 1024)} KB; the other upload: ${Math.round(photo.length / 1024)} KB JPEG`);
    await timedUpload(); // warm-up
    const idle: number[] = [];
    for (let i = 0; i < PROBES; i++) idle.push(await timedUpload());

    // the flood: FLOOD uploads in flight at all times from one account
    let flooding = true;
    const outcomes = new Map<string, number>();
    const floodClient = async () => {
      while (flooding) {
        const r = await post(flooder, truncated, 'image/png');
        const k = `${r.status} ${r.reason}`;
        outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
        if (r.status === 429 || r.status === 503) await new Promise((res) => setTimeout(res, 50)); // a client that retries soon, not at once
      }
    };
    const clients = Array.from({ length: FLOOD }, floodClient);
    await new Promise((r) => setTimeout(r, 1000)); // the flood is under way
    const loaded: number[] = [];
    for (let i = 0; i < PROBES; i++) loaded.push(await timedUpload());
    flooding = false;
    await Promise.all(clients);
    console.log(`  flood answers: ${[...outcomes].map(([k, v]) => `${k} ×${v}`).join(', ')}`);
    const [a, b] = [median(loaded), median(idle)];
    return [
      entry({
        name: `another account's photo upload during a ${FLOOD}-upload decode flood (median of ${PROBES})`,
        value: Math.round(a),
        unit: 'ms',
        baseline: Math.round(b),
        target: 'ratio ≤ 2',
        met: a / b <= 2,
        note: `idle ${idle.map(Math.round).join('/')} ms, flood ${loaded.map(Math.round).join('/')} ms`,
      }),
    ];
  } finally {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
