// The smoke pass (`CITYGRID_BENCH_SMOKE=1 npm run bench`, run by CI): every suite at tiny sizes,
// on the test city's snapshot instead of a fresh seed, so a bench that no longer runs cannot land.
// Nothing is measured in earnest: targets are not judged and the results go to
// bench/results-smoke.json, never over a real run's bench/results.json.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { restoreCityTo } from '../tests/support/city-snapshot.ts';

export const SMOKE = process.env.CITYGRID_BENCH_SMOKE === '1';

/** `full` in a real run, `smoke` in the smoke pass. */
export const sized = <T>(full: T, smoke: T): T => (SMOKE ? smoke : full);

let city: Promise<string> | null = null;

/**
 * The smoke pass's data folder: the test city restored once (a restore of the ~0.8 GB snapshot
 * takes half a minute) and shared by the suites, which run one after another and each close
 * their engine before the next opens it; removed when the process exits. Made by the test run,
 * or seeded here once if missing.
 */
export function smokeCity(): Promise<string> {
  city ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'citygrid-smoke-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    await restoreCityTo(dir, (l) => console.log(`  ${l}`));
    return dir;
  })();
  return city;
}
