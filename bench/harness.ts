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

export async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await f();
  return [r, performance.now() - t];
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The median of `n` timed runs (ms). */
export async function repeat(n: number, f: () => Promise<unknown> | unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await f();
    times.push(performance.now() - t);
  }
  return median(times);
}
