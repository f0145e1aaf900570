// Siting new clinics: the maximal covering location problem (MCLP). Given demand points with
// weights (residents not covered today) and candidate sites each covering a set of them, pick k
// sites covering the most weight. Greedy (each pick the site adding the most) is within 1 − 1/e
// of the optimum and fast; the exact optimum is an integer programme solved by yalps (MIT) in a
// worker thread with a time budget (exact-worker.mjs), so the server's main thread — which the
// embedded database shares — never waits on it. Pure: no database (the CLI and tests use it too).
import { Worker } from 'node:worker_threads';

export interface SitingInstance {
  /** Weight of each demand point (residents). */
  weights: number[];
  /** For each candidate, the demand points it covers (indices into weights, ascending, no repeats). */
  covers: number[][];
}

export interface SitingAnswer {
  /** Candidate indices in pick order. */
  sites: number[];
  /** Weight each pick added (greedy), in order; for the exact answer the weight each adds in that order. */
  added: number[];
  covered: number;
}

/** Greedy maximal covering: k picks (fewer when nothing more can be added), ties to the lower index. */
export function greedyCover(inst: SitingInstance, k: number): SitingAnswer {
  const taken = new Uint8Array(inst.weights.length);
  const used = new Uint8Array(inst.covers.length);
  const gain = (j: number) => {
    let g = 0;
    for (const i of inst.covers[j]) if (!taken[i]) g += inst.weights[i];
    return g;
  };
  const sites: number[] = [];
  const added: number[] = [];
  // lazy greedy: a site's gain only falls as others are picked, so a stale upper bound that still
  // tops every other bound is the true best (same answer as the plain loop, far fewer recounts)
  const bound = inst.covers.map((_, j) => gain(j));
  for (let step = 0; step < k; step++) {
    let best = -1;
    for (;;) {
      best = -1;
      for (let j = 0; j < bound.length; j++) if (!used[j] && (best < 0 || bound[j] > bound[best])) best = j;
      if (best < 0) break;
      const fresh = gain(best);
      if (fresh === bound[best]) break;
      bound[best] = fresh;
    }
    if (best < 0 || bound[best] <= 0) break;
    used[best] = 1;
    sites.push(best);
    added.push(bound[best]);
    for (const i of inst.covers[best]) taken[i] = 1;
    bound[best] = 0;
  }
  return { sites, added, covered: added.reduce((a, b) => a + b, 0) };
}

/** The weight a set of sites covers together, and what each adds in the given order. */
export function coverOf(inst: SitingInstance, sites: number[]): SitingAnswer {
  const taken = new Uint8Array(inst.weights.length);
  const added = sites.map((j) => {
    let g = 0;
    for (const i of inst.covers[j]) if (!taken[i]) {
      taken[i] = 1;
      g += inst.weights[i];
    }
    return g;
  });
  return { sites, added, covered: added.reduce((a, b) => a + b, 0) };
}

/**
 * The same instance, smaller and equivalent: demand points no candidate covers dropped, points
 * covered by exactly the same candidates merged (weights summed), candidates covering nothing
 * dropped. Returns the reduced instance and, for each of its candidates, the original index.
 */
export function reduceInstance(inst: SitingInstance, keep?: number[]): { inst: SitingInstance; candidates: number[] } {
  const candidates = (keep ?? inst.covers.map((_, j) => j)).filter((j) => inst.covers[j].length > 0);
  const by = new Map<number, number[]>();
  candidates.forEach((j, jj) => {
    for (const i of inst.covers[j]) (by.get(i) ?? by.set(i, []).get(i)!).push(jj);
  });
  const groups = new Map<string, number>();
  const weights: number[] = [];
  const covers: number[][] = candidates.map(() => []);
  for (const [i, js] of by) {
    const key = js.join(',');
    let g = groups.get(key);
    if (g === undefined) {
      g = weights.length;
      groups.set(key, g);
      weights.push(0);
      for (const jj of js) covers[jj].push(g);
    }
    weights[g] += inst.weights[i];
  }
  return { inst: { weights, covers }, candidates };
}

export interface ExactAnswer {
  status: 'optimal' | 'timedout' | 'failed';
  /** Sites of the best answer found (candidate indices of the instance given), or null. */
  sites: number[] | null;
  covered: number | null;
  ms: number;
}

const WORKER_URL = new URL('./exact-worker.mjs', import.meta.url);

/**
 * The exact MCLP optimum for k sites, solved by yalps in a worker thread. The worker is stopped
 * when `budgetMs` is spent (yalps's own timeout first, then terminate() as the backstop): the
 * answer is then 'timedout' with the best integer solution yalps had, if any.
 */
export function exactCover(inst: SitingInstance, k: number, budgetMs: number): Promise<ExactAnswer> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    // a plain .mjs worker: it runs under any loader (the server's tsx, vitest, the CLI)
    const worker = new Worker(WORKER_URL, { workerData: { weights: inst.weights, covers: inst.covers, k, budgetMs } });
    let done = false;
    const finish = (a: Omit<ExactAnswer, 'ms'>) => {
      if (done) return;
      done = true;
      clearTimeout(backstop);
      void worker.terminate();
      resolve({ ...a, ms: Math.round(performance.now() - t0) });
    };
    const backstop = setTimeout(() => finish({ status: 'timedout', sites: null, covered: null }), budgetMs + 1000);
    worker.once('message', (m: { status: string; sites: number[] | null }) => {
      const sites = m.sites && m.sites.length ? m.sites : null;
      const covered = sites ? coverOf(inst, sites).covered : null;
      finish({ status: m.status === 'optimal' ? 'optimal' : m.status === 'timedout' ? 'timedout' : 'failed', sites, covered });
    });
    worker.once('error', () => finish({ status: 'failed', sites: null, covered: null }));
    worker.once('exit', () => finish({ status: 'failed', sites: null, covered: null }));
  });
}

/** The relative gap between the greedy and the exact answer, in percent of the exact one (0 when both cover nothing). */
export const gapPercent = (greedy: number, exact: number) => (exact > 0 ? ((exact - greedy) / exact) * 100 : 0);
