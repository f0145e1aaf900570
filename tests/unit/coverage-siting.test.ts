// The siting solvers on small instances with a known answer: greedy against exhaustive
// enumeration (the independent reference), the 1 − 1/e bound, the exact solve in its worker
// thread, and the instance reduction that must not change any answer.
import { describe, expect, it } from 'vitest';
import { coverOf, exactCover, gapPercent, greedyCover, reduceInstance, type SitingInstance } from '../../server/coverage/siting.ts';

/** A seeded pseudo-random instance: n demand points, m candidates each covering a few. */
function instance(seed: number, n: number, m: number): SitingInstance {
  let x = seed;
  const next = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const weights = Array.from({ length: n }, () => Math.round(next() * 100));
  const covers = Array.from({ length: m }, () => [...new Set(Array.from({ length: 1 + Math.floor(next() * 6) }, () => Math.floor(next() * n)))].sort((a, b) => a - b));
  return { weights, covers };
}

/** The best k-subset by enumerating all of them. */
function exhaustive(inst: SitingInstance, k: number): number {
  let best = 0;
  const pick = (from: number, chosen: number[]) => {
    if (chosen.length === k) return void (best = Math.max(best, coverOf(inst, chosen).covered));
    for (let j = from; j < inst.covers.length; j++) pick(j + 1, [...chosen, j]);
  };
  pick(0, []);
  return best;
}

describe('maximal covering on small instances', () => {
  it('a hand-made instance where greedy is not optimal: the gap is shown', async () => {
    // greedy takes the middle site (5 points), then one outer (2 more); the two outer ones together cover all 8
    const inst = { weights: [1, 1, 1, 1, 1, 1, 1, 1], covers: [[0, 1, 2, 3], [4, 5, 6, 7], [2, 3, 4, 5, 6]] };
    const g = greedyCover(inst, 2);
    expect(g.sites).toEqual([2, 0]);
    expect(g.covered).toBe(7);
    const x = await exactCover(inst, 2, 5000);
    expect(x.status).toBe('optimal');
    expect(x.covered).toBe(8);
    expect(gapPercent(g.covered, x.covered!)).toBeCloseTo(12.5, 9);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('random instance %i: greedy within 1 − 1/e of exhaustive, the exact solve equals it', async (seed) => {
    const inst = instance(seed, 30, 12);
    for (const k of [1, 2, 3, 4]) {
      const best = exhaustive(inst, k);
      const g = greedyCover(inst, k);
      expect(g.covered).toBeLessThanOrEqual(best);
      expect(g.covered).toBeGreaterThanOrEqual((1 - 1 / Math.E) * best - 1e-9);
      expect(g.added.reduce((a, b) => a + b, 0)).toBe(g.covered);
      const x = await exactCover(inst, k, 5000);
      expect(x.status).toBe('optimal');
      expect(x.covered).toBe(best);
      // merging points covered by the same candidates changes nothing
      const r = reduceInstance(inst);
      expect(greedyCover(r.inst, k).covered).toBe(g.covered);
    }
  });

  // many sites over few cells: the covers overlap, so the relaxation is fractional and branch and bound must search (a sparse instance is solved at its root, in any budget)
  it('an exact solve past its budget answers timedout, and the thread is stopped', async () => {
    const inst = instance(99, 60, 400);
    const x = await exactCover(inst, 12, 1);
    expect(x.status).toBe('timedout');
    expect(x.ms).toBeLessThan(60_000);
  });
});
