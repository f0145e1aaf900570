// Clinic coverage (docs/decisions/0026-coverage.md), each against a baseline measured in the same run:
// - the full recompute (the nearest clinic of every demand cell and village centre, 1,656 clinics,
//   in PostGIS) on the embedded engine, and on the server engine when DATABASE_URL is set
//   (goal ≤ 100 ms there), against a naive all-pairs computation in JavaScript (every cell ×
//   every clinic, great circle) over the same cells;
// - a scenario (one proposed site, one clinic closed): the summary from the kept nearest clinics
//   plus PostGIS's answer for the places it changes, against the full recompute;
// - the browser's what-if per drag move (client/features/coverage/what-if.ts: the computation
//   alone; goal ≤ 16 ms), against the naive all-pairs recompute of one move;
// - greedy k = 20 (goal ≤ 1 s) and the exact k = 5 (reported, within its time budget).
// CITYGRID_BENCH_SMOKE=1: the cached test city restored in memory, one repetition, k = 3.
import { readFileSync } from 'node:fs';
import { migrateEngine, openEngine, type Engine } from '../db/engine.ts';
import { isSeeded, seedCity } from '../data/seed.ts';
import { CITY } from '../server/auth/actor.ts';
import { baseNearest, computeBase, coverageSummary, sitingData } from '../server/coverage/coverage-queries.ts';
import { greedyCover } from '../server/coverage/siting.ts';
import { WhatIf } from '../client/features/coverage/what-if.ts';
import { greatCircleMetres, isCovered, reachMm } from '../domain/coverage.ts';
import { entry, repeat, type BenchEntry } from './harness.ts';
import { openSeeded } from './seeded-engine.ts';

const SMOKE = process.env.CITYGRID_BENCH_SMOKE === '1';
const ms = (x: number) => Math.round(x * 10) / 10;

/** Every cell against every clinic (and the proposed sites), no index: the naive reference (smoke: every 20th cell, scaled up). */
function allPairs(w: WhatIf, extra: { lng: number; lat: number }[] = []): number {
  const d = w.data;
  const mm = reachMm('walking', 15);
  let covered = 0;
  for (let i = 0; i < d.lng.length; i += SMOKE ? 20 : 1) {
    let best = Infinity;
    for (const c of d.clinics) best = Math.min(best, greatCircleMetres(c.lng, c.lat, d.lng[i], d.lat[i]));
    for (const c of extra) best = Math.min(best, greatCircleMetres(c.lng, c.lat, d.lng[i], d.lat[i]));
    if (isCovered(best, mm)) covered += d.population[i];
  }
  return covered;
}

async function engineBench(engine: Engine, label: string, reps: number): Promise<{ entries: BenchEntry[]; full: number; base: Awaited<ReturnType<typeof computeBase>> }> {
  // the first is the server's own first request (kept for the calls below); more runs bypass the cache
  const t0 = performance.now();
  const base = await baseNearest(engine.db);
  const first = performance.now() - t0;
  const full = reps > 1 ? await repeat(reps - 1, () => computeBase(engine.db, 'bench')) : first;
  const w = new WhatIf({ ...base.cells, clinics: base.clinics });
  const naive = (await repeat(1, () => allPairs(w))) * (SMOKE ? 20 : 1);
  // a proposed site at the cell farthest from any clinic, and the first clinic closed
  let far = 0;
  base.cells.metres.forEach((m, i) => m > base.cells.metres[far] && (far = i));
  const scenario = { closed: [base.clinics[0].id], proposed: [{ lng: base.cells.lng[far], lat: base.cells.lat[far] }] };
  await coverageSummary(engine.db, { mode: 'walking', thresholdMinutes: 15, scope: CITY, scenario: { closed: [], proposed: [] } });
  const what = await repeat(reps, () => coverageSummary(engine.db, { mode: 'walking', thresholdMinutes: 15, scope: CITY, scenario }));
  const cells = base.cells.id.length;
  return {
    full,
    base,
    entries: [
      entry({ name: `coverage full recompute, ${label} (${cells} cells × ${base.clinics.length} clinics, PostGIS)`, value: ms(full), unit: 'ms', baseline: ms(naive), target: label === 'server' ? '≤ 100 ms' : 'reported', met: label !== 'server' || full <= 100, note: 'baseline: naive all-pairs great circle in JS' }),
      entry({ name: `coverage scenario summary, ${label} (1 proposed, 1 closed)`, value: ms(what), unit: 'ms', baseline: ms(full), target: 'ratio < 1', met: what < full, note: 'baseline: the full recompute' }),
    ],
  };
}

export async function coverageBench(): Promise<BenchEntry[]> {
  const out: BenchEntry[] = [];
  let engine: Engine;
  let cleanup = () => {};
  if (SMOKE) {
    const { ensureEmbeddedCity } = await import('../tests/support/city-snapshot.ts');
    const { snapshot } = await ensureEmbeddedCity((l) => console.log(`  ${l}`));
    engine = await openEngine({ dataDir: 'memory://', loadDataDir: new Blob([readFileSync(snapshot)]) });
  } else ({ engine, cleanup } = await openSeeded());
  const reps = SMOKE ? 1 : 5;
  try {
    const embedded = await engineBench(engine, 'embedded', reps);
    out.push(...embedded.entries);

    // the browser's what-if: one drag move (a proposed site 100 m further each move)
    const base = embedded.base;
    const w = new WhatIf({ ...base.cells, clinics: base.clinics });
    let far = 0;
    base.cells.metres.forEach((m, i) => m > base.cells.metres[far] && (far = i));
    w.evaluate('walking', 15, new Set(), []);
    let step = 0;
    const move = await repeat(SMOKE ? 20 : 200, () => w.evaluate('walking', 15, new Set(), [{ lng: base.cells.lng[far] + (step++ % 50) * 0.001, lat: base.cells.lat[far] }]));
    const naiveMove = (await repeat(1, () => allPairs(w, [{ lng: base.cells.lng[far], lat: base.cells.lat[far] }]))) * (SMOKE ? 20 : 1);
    out.push(entry({ name: 'coverage what-if per drag move (browser computation alone)', value: ms(move), unit: 'ms', baseline: ms(naiveMove), target: '≤ 16 ms', met: move <= 16, note: 'baseline: naive all-pairs recompute of the move' }));

    // suggestions
    const k = SMOKE ? 3 : 20;
    const data = await sitingData(engine.db, { mode: 'walking', thresholdMinutes: 15, scope: CITY, scenario: { closed: [], proposed: [] } });
    const inst = { weights: data.weights, covers: data.covers };
    const greedy = await repeat(reps, () => greedyCover(inst, k));
    out.push(entry({ name: `coverage greedy k = ${k} (${data.candidates.length} candidates, ${data.weights.length} uncovered cells)`, value: ms(greedy), unit: 'ms', baseline: ms(embedded.full), target: '≤ 1 s', met: greedy <= 1000, note: 'baseline: the full recompute (embedded)' }));
    const { suggestSites } = await import('../server/coverage/coverage-suggest.ts');
    const t0 = performance.now();
    const s = await suggestSites(engine.db, { mode: 'walking', thresholdMinutes: 15, scope: CITY, scenario: { closed: [], proposed: [] } }, SMOKE ? 3 : 5, true, { actor: 'bench' });
    const total = performance.now() - t0;
    out.push(entry({ name: `coverage exact k = ${SMOKE ? 3 : 5} (yalps in a worker, pool ${s.exact?.pool}; ${s.exact?.status}, gap ${s.exact?.gapPercent.toFixed(2)} %)`, value: ms(s.exact?.ms ?? NaN), unit: 'ms', baseline: ms(total), target: 'within its 5 s budget', met: s.exact?.status === 'optimal', note: 'baseline: the whole suggest call' }));
  } finally {
    await engine.close();
    cleanup();
  }
  if (process.env.DATABASE_URL && !SMOKE) {
    const server = await openEngine({ databaseUrl: process.env.DATABASE_URL });
    try {
      await migrateEngine(server);
      if (!(await isSeeded(server.db))) await seedCity(server.db, {});
      out.push(...(await engineBench(server, 'server', 5)).entries);
    } finally {
      await server.close();
    }
  }
  return out;
}
