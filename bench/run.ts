// `npm run bench`: runs every suite, prints a table and writes bench/results.json.
// Results are ratios against baselines measured in the same run; tests never time anything.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BenchEntry } from './harness.ts';
import { SMOKE } from './smoke.ts';
import { startupBench } from './startup.bench.ts';
import { renderBench } from './render.bench.ts';
import { feedsBench } from './feeds.bench.ts';
import { authBench } from './auth.bench.ts';
import { abuseBench } from './abuse.bench.ts';
import { dispatchBench } from './dispatch.bench.ts';

const all: [string, () => Promise<BenchEntry[]>][] = [
  ['startup', startupBench],
  ['render', renderBench],
  ['feeds', feedsBench],
  ['auth', authBench],
  ['abuse', abuseBench],
  ['dispatch', dispatchBench],
  ['live', async () => (await import('./live.bench.ts')).liveBench()],
  ['photos', async () => (await import('./photos.bench.ts')).photosBench()],
  ['livehub', async () => (await import('./live-hub.bench.ts')).liveHubBench()],
  ['indicators', async () => (await import('./indicators.bench.ts')).indicatorsBench()],
  ['coverage', async () => (await import('./coverage.bench.ts')).coverageBench()],
  ['grids', async () => (await import('./grids.bench.ts')).gridsBench()],
  ['grideditor', async () => (await import('./grid-editor.bench.ts')).gridEditorBench()],
  ['gridredraw', async () => (await import('./grid-redraw.bench.ts')).gridRedrawBench()],
];
// `npm run bench -- render` runs the named suites only
const wanted = process.argv.slice(2);
const suites = wanted.length ? all.filter(([name]) => wanted.includes(name)) : all;

const results: (BenchEntry & { suite: string })[] = [];
const failed: { suite: string; error: string }[] = [];
const out = resolve(import.meta.dirname, SMOKE ? 'results-smoke.json' : 'results.json');
if (SMOKE) console.log('smoke pass: every suite at tiny sizes on the test city, targets not judged');
// written after every suite, so one that fails or hangs never costs the others' results
const write = () => writeFileSync(out, JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, results, failed }, null, 2) + '\n');
for (const [suite, run] of suites) {
  console.log(`running ${suite} …`);
  const t0 = performance.now();
  try {
    for (const e of await run()) results.push({ suite, ...e });
    console.log(`  ${suite} done in ${Math.round((performance.now() - t0) / 1000)} s`);
  } catch (err) {
    failed.push({ suite, error: (err as Error).message.split('\n')[0] });
    console.error(`suite ${suite} failed: ${(err as Error).message}`);
  }
  write();
}
console.table(results.map((r) => ({ name: r.name, value: `${r.value} ${r.unit}`, baseline: `${r.baseline} ${r.unit}`, ratio: r.ratio, target: r.target, met: SMOKE ? '(smoke)' : r.met ? 'yes' : 'NO' })));
console.log(`written to ${out}`);
if (failed.length) {
  console.error(`${failed.length} suite(s) failed: ${failed.map((f) => f.suite).join(', ')}`);
  process.exitCode = 1;
}
