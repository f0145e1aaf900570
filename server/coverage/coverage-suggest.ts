// Suggestions: k new clinic sites among the village and community centres of the asker's
// districts, for the residents a scenario leaves uncovered. Greedy over every candidate; the
// exact optimum (yalps in a worker thread, EXACT_BUDGET_MS) over a pool of the EXACT_POOL
// candidates that cover most on their own plus the greedy picks, so the exact answer is never
// below greedy and the gap is measured on the same instance (said in the answer: `pool`). The
// exact solve (a thread and a core for up to EXACT_BUDGET_MS) waits its turn in the process's
// expensive-work queue, with a share per actor: parallel requests from one planner do not start
// as many threads, and a flood is refused (work.actorShare, work.queueFull) before any work.
import type { Db } from '../../db/engine.ts';
import { refuse } from '../query-error.ts';
import { checkScenario, sitingData, type CoverageParams } from './coverage-queries.ts';
import { coverOf, exactCover, gapPercent, greedyCover, reduceInstance } from './siting.ts';
import { expensiveWork, type WorkQueue } from '../http/work-queue.ts';

export const MAX_K = 20;
export const MAX_EXACT_K = 8;
export const EXACT_POOL = 40;
export const EXACT_BUDGET_MS = 5000;

export interface Pick {
  code: string;
  name: string;
  lng: number;
  lat: number;
  /** Residents this pick adds to those covered before it. */
  added: number;
}

export async function suggestSites(db: Db, p: CoverageParams, k: number, exact: boolean, work: { actor: string; queue?: WorkQueue }) {
  const queue = work.queue ?? expensiveWork;
  if (exact) {
    const full = queue.wouldRefuse(work.actor);
    if (full) throw full;
  }
  if (p.scenario.closed.length || p.scenario.proposed.length) await checkScenario(db, p.scenario);
  const data = await sitingData(db, p);
  const useful = data.covers.filter((c) => c.length > 0).length;
  if (k > data.candidates.length) throw refuse('BAD_REQUEST', 'coverage.tooManyPicks', { k, candidates: data.candidates.length });
  const inst = { weights: data.weights, covers: data.covers };
  const uncovered = data.weights.reduce((a, b) => a + b, 0);
  const g = greedyCover(inst, k);
  const picks = (a: { sites: number[]; added: number[] }): Pick[] => a.sites.map((j, n) => ({ ...data.candidates[j], added: a.added[n] }));
  const greedy = { picks: picks(g), covered: g.covered };
  if (!exact) return { candidates: data.candidates.length, usefulCandidates: useful, uncovered, greedy, exact: null };
  // the pool: the strongest candidates on their own, and greedy's picks
  const alone = data.covers.map((c, j) => [j, c.reduce((a, i) => a + data.weights[i], 0)] as const).filter(([, w]) => w > 0);
  alone.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const pool = [...new Set([...g.sites, ...alone.slice(0, EXACT_POOL).map(([j]) => j)])].sort((a, b) => a - b);
  const reduced = reduceInstance(inst, pool);
  const x = await queue.run(work.actor, () => exactCover(reduced.inst, Math.min(k, reduced.candidates.length), EXACT_BUDGET_MS));
  const sites = x.sites?.map((jj) => reduced.candidates[jj]) ?? null;
  const best = sites ? coverOf(inst, sites) : null;
  // yalps stopped by its budget may hold an answer below greedy's: the better of the two is reported
  const exactAnswer = best && best.covered >= g.covered ? best : g;
  return {
    candidates: data.candidates.length,
    usefulCandidates: useful,
    uncovered,
    greedy,
    exact: {
      status: x.status,
      ms: x.ms,
      pool: pool.length,
      picks: picks(exactAnswer),
      covered: exactAnswer.covered,
      gapPercent: gapPercent(g.covered, exactAnswer.covered),
    },
  };
}
