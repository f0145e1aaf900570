// `npm run bench`: runs every suite, prints a table and writes bench/results.json.
// Results are ratios against baselines measured in the same run; tests never time anything.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BenchEntry } from './harness.ts';
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
  ['livehub', async () => (await import('./live-hub.bench.ts')).liveHubBench()],
];
// `npm run bench -- render` runs the named suites only
const wanted = process.argv.slice(2);
const suites = wanted.length ? all.filter(([name]) => wanted.includes(name)) : all;

const results: (BenchEntry & { suite: string })[] = [];
for (const [suite, run] of suites) {
  console.log(`running ${suite} …`);
  for (const e of await run()) results.push({ suite, ...e });
}
const out = resolve(import.meta.dirname, 'results.json');
writeFileSync(out, JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, results }, null, 2) + '\n');
console.table(results.map((r) => ({ name: r.name, value: `${r.value} ${r.unit}`, baseline: `${r.baseline} ${r.unit}`, ratio: r.ratio, target: r.target, met: r.met ? 'yes' : 'NO' })));
console.log(`written to ${out}`);
