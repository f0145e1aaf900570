// The exact maximal covering solve, in a worker thread (server/coverage/siting.ts exactCover):
// maximise Σ wᵢ yᵢ subject to yᵢ ≤ Σ_{j covers i} xⱼ, Σ xⱼ = k, xⱼ binary, 0 ≤ yᵢ ≤ 1, with yalps
// (MIT, pure JS branch and bound). Plain JavaScript so it loads under any loader. Posts
// { status, sites } once: yalps's own timeout stops it at the budget with the best integer
// answer it has; the parent terminates this thread as a backstop.
import { parentPort, workerData } from 'node:worker_threads';
import { solve } from 'yalps';

const { weights, covers, k, budgetMs } = workerData;
const constraints = new Map([['k', { max: k }]]);
weights.forEach((_, i) => constraints.set(`d${i}`, { max: 0 }));
const variables = new Map();
covers.forEach((list, j) => {
  const coef = [['k', 1]];
  for (const i of list) coef.push([`d${i}`, -1]);
  variables.set(`x${j}`, coef);
});
weights.forEach((w, i) => {
  variables.set(`y${i}`, [['obj', w], [`d${i}`, 1], [`u${i}`, 1]]);
  constraints.set(`u${i}`, { max: 1 });
});
let status = 'failed';
let sites = null;
try {
  const solution = solve(
    { direction: 'maximize', objective: 'obj', constraints, variables, binaries: new Set(covers.map((_, j) => `x${j}`)) },
    { timeout: budgetMs, includeZeroVariables: false },
  );
  status = solution.status;
  if (solution.status === 'optimal' || solution.status === 'timedout') {
    sites = solution.variables.filter(([name, v]) => name.startsWith('x') && v > 0.5).map(([name]) => Number(name.slice(1)));
  }
} catch {
  status = 'failed';
}
parentPort.postMessage({ status, sites });
