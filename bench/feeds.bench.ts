// Binary layer feeds vs GeoJSON (docs/decisions/0005), on the embedded engine,
// for the cases of the 2022 period:
// - gzip bytes per case of cases.bin (≤ 16) and gzip size against cases.geojson (≥ 10× smaller);
// - time to serve (first request on a fresh app, then the cached repeat) and to decode
//   (decodeFeed vs JSON.parse), binary against GeoJSON measured in the same run (≥ 10× faster).
// The data folder: see seeded-engine.ts.
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { rows } from '../db/engine.ts';
import { openSeeded } from './seeded-engine.ts';
import { ensureDemoAccounts } from '../server/auth/first-run.ts';
import { createSession, loadSessionPolicy } from '../server/auth/sessions.ts';
import { CASE_TARGETS } from '../data/generators/cases.ts';
import { createApp } from '../server/app.ts';
import { decodeFeed } from '../client/map/binary-feed.ts';
import { entry, repeat, timed, type BenchEntry } from './harness.ts';

const PERIOD = `from=${encodeURIComponent(CASE_TARGETS.periodStart)}&to=${encodeURIComponent(CASE_TARGETS.periodEnd)}`;
const GZIP = { 'Accept-Encoding': 'gzip' };
const ms = (x: number) => Math.round(x * 10) / 10;

export async function feedsBench(): Promise<BenchEntry[]> {
  const { engine, cleanup } = await openSeeded();
  try {
    // as the command-centre viewer (city-wide case.read), through a real session
    await ensureDemoAccounts(engine.db);
    const [viewer] = await rows<{ id: number }>(engine.db, sql`select id from users where username = 'demo-viewer'`);
    const { token } = await createSession(engine.db, viewer.id, {}, new Date(), await loadSessionPolicy(engine.db));
    const headers = { ...GZIP, cookie: `cg_session=${token}` };
    const fetchBody = async (app: ReturnType<typeof createApp>, path: string) => {
      const res = await app.request(`/api/layers/${path}`, { headers });
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return new Uint8Array(await res.arrayBuffer());
    };
    // cold: a fresh app (empty payload cache) per format, so each pays its SQL, encoding and
    // gzip; one throwaway round first, so neither pays for a cold database or a cold JIT
    await fetchBody(createApp(engine, { geojsonBaseline: true }), `cases.bin?${PERIOD}`);
    await fetchBody(createApp(engine, { geojsonBaseline: true }), `cases.geojson?${PERIOD}`);
    const [binGz, binCold] = await timed(() => fetchBody(createApp(engine, { geojsonBaseline: true }), `cases.bin?${PERIOD}`));
    const [jsonGz, jsonCold] = await timed(() => fetchBody(createApp(engine, { geojsonBaseline: true }), `cases.geojson?${PERIOD}`));
    // warm: one app, cache filled, then the median repeat (the stamp query + sending bytes)
    const app = createApp(engine, { geojsonBaseline: true });
    await fetchBody(app, `cases.bin?${PERIOD}`);
    await fetchBody(app, `cases.geojson?${PERIOD}`);
    const binWarm = await repeat(15, () => fetchBody(app, `cases.bin?${PERIOD}`));
    const jsonWarm = await repeat(15, () => fetchBody(app, `cases.geojson?${PERIOD}`));
    // decode what a browser holds after inflating the response
    const bin = gunzipSync(binGz);
    const json = gunzipSync(jsonGz);
    const binBuf = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
    const n = decodeFeed(binBuf).length;
    const binDecode = await repeat(15, () => decodeFeed(binBuf.slice(0)));
    const jsonDecode = await repeat(5, () => JSON.parse(new TextDecoder().decode(json)));

    // what the gzip bytes are spent on: each column compressed on its own
    const feed = decodeFeed(binBuf);
    const perColumn = Object.entries(feed.columns)
      .map(([name, c]) => `${name} ${(gzipSync(new Uint8Array(c.buffer, c.byteOffset, c.byteLength), { level: 6 }).byteLength / n).toFixed(2)}`)
      .join(', ');
    const bytesPerCase = binGz.byteLength / n;
    const sizeRatio = jsonGz.byteLength / binGz.byteLength;
    const cold = jsonCold / binCold;
    const warm = (jsonWarm + jsonDecode) / (binWarm + binDecode);
    return [
      entry({
        name: 'cases.bin gzip bytes per case (2022 period)',
        value: Math.round(bytesPerCase * 100) / 100,
        unit: 'B',
        baseline: Math.round((jsonGz.byteLength / n) * 100) / 100,
        target: '≤ 16 B',
        met: bytesPerCase <= 16,
        note: `${n.toLocaleString('en')} cases; raw ${(bin.byteLength / n).toFixed(1)} B/case; gzip B/case by column: ${perColumn}; baseline: cases.geojson`,
      }),
      entry({
        name: 'cases.bin vs cases.geojson, gzip bytes',
        value: binGz.byteLength,
        unit: 'B',
        baseline: jsonGz.byteLength,
        target: '≥ 10× smaller (ratio ≤ 0.1)',
        met: sizeRatio >= 10,
        note: `raw ${bin.byteLength.toLocaleString('en')} B vs ${json.byteLength.toLocaleString('en')} B (${(json.byteLength / bin.byteLength).toFixed(1)}× smaller)`,
      }),
      entry({
        name: 'first request (cold cache), cases.bin vs cases.geojson',
        value: ms(binCold),
        unit: 'ms',
        baseline: ms(jsonCold),
        target: 'ratio ≤ 0.1 (≥ 10× faster)',
        met: cold >= 10,
        note: 'SQL + encode + gzip; both run the same query',
      }),
      entry({
        name: 'repeat request (cached), cases.bin vs cases.geojson',
        value: ms(binWarm),
        unit: 'ms',
        baseline: ms(jsonWarm),
        target: 'ratio ≤ 0.1 (≥ 10× faster)',
        met: jsonWarm / binWarm >= 10,
        note: 'median of 15: the stamp query plus the bytes',
      }),
      entry({
        name: 'decode, decodeFeed vs JSON.parse',
        value: ms(binDecode),
        unit: 'ms',
        baseline: ms(jsonDecode),
        target: 'ratio ≤ 0.1 (≥ 10× faster)',
        met: jsonDecode / binDecode >= 10,
        note: 'on the inflated body; median',
      }),
      entry({
        name: 'repeat request + decode, binary vs GeoJSON',
        value: ms(binWarm + binDecode),
        unit: 'ms',
        baseline: ms(jsonWarm + jsonDecode),
        target: 'ratio ≤ 0.1 (≥ 10× faster)',
        met: warm >= 10,
      }),
    ];
  } finally {
    await engine.close();
    cleanup();
  }
}
