// The benchmark harness: each suite returns entries measured against a baseline taken in the
// same run (machines here are noisy), and bench/run.ts prints and writes them.
export interface BenchEntry {
  name: string;
  value: number;
  unit: string;
  /** The same quantity for the baseline, measured in this run. */
  baseline: number;
  /** value / baseline. */
  ratio: number;
  /** The target, e.g. "≤ 60 s" or "ratio ≤ 3". */
  target: string;
  /** Whether the target is met. */
  met: boolean;
  note?: string;
}

export type BenchSuite = () => Promise<BenchEntry[]>;

export function entry(e: Omit<BenchEntry, 'ratio'>): BenchEntry {
  return { ...e, ratio: e.baseline ? Math.round((e.value / e.baseline) * 100) / 100 : NaN };
}

export const seconds = (ms: number) => Math.round(ms / 100) / 10;
