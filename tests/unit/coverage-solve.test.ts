// `npm run coverage:solve` on instances from files: a cost matrix with a known optimum (greedy
// short of it), coordinates with the travel model (a demand point exactly at the threshold),
// existing sites kept, and the bad inputs the issue names — each a clear error, nothing printed.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { InstanceError, parseCsv, solveFiles } from '../../server/coverage/solve-cli.ts';
import { destination, reachMetres } from '../../domain/coverage.ts';

const dir = mkdtempSync(join(tmpdir(), 'coverage-solve-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

// 8 demand points of weight 1; site B covers 2–6 (5), A covers 0–3, C covers 4–7: greedy B then A (7), optimum A + C (8)
const demand = file('d.csv', `id,weight\n${Array.from({ length: 8 }, (_, i) => `d${i},1`).join('\n')}\n`);
const sites = file('s.csv', 'id\nA\nB\nC\n');
const cover: Record<string, number[]> = { A: [0, 1, 2, 3], B: [2, 3, 4, 5, 6], C: [4, 5, 6, 7] };
const matrix = (edit: (rows: string[]) => string[] = (r) => r) =>
  file(`c${Math.random().toString(36).slice(2)}.csv`, ['demand_id,site_id,cost', ...edit(Object.entries(cover).flatMap(([s, ds]) => Array.from({ length: 8 }, (_, i) => `d${i},${s},${ds.includes(i) ? 10 : 30}`)))].join('\n'));

describe('coverage:solve from files', () => {
  it('parses quoted CSV fields and CRLF lines', () => {
    expect(parseCsv('id,name\r\n1,"a, ""b"""\r\n2,c\r\n')).toEqual([{ id: '1', name: 'a, "b"' }, { id: '2', name: 'c' }]);
  });

  it('a cost matrix: greedy picks B then A (7), the exact optimum A and C (8), gap 12.5 %', async () => {
    const r = await solveFiles({ demand, sites, costs: matrix(), threshold: 15, k: 2, exact: true });
    expect(r.greedy).toEqual({ sites: ['B', 'A'], added: [5, 2], covered: 7 });
    expect(r.exact).toMatchObject({ sites: expect.arrayContaining(['A', 'C']), covered: 8, status: 'optimal' });
    expect(r.exact!.gapPercent).toBeCloseTo(12.5, 9);
  });

  it('an existing site is kept: what it covers is covered already, and it is no candidate', async () => {
    const withExisting = file('s2.csv', 'id,existing\nA,1\nB,0\nC,\n');
    const r = await solveFiles({ demand, sites: withExisting, costs: matrix(), threshold: 15, k: 1 });
    expect(r.existingCovered).toBe(4);
    expect(r.greedy).toEqual({ sites: ['C'], added: [4], covered: 8 });
  });

  it('coordinates and the travel model: a point exactly at the walking threshold is covered, 1 mm further is not', async () => {
    const [x, y] = [117.65, 24.51];
    const at = destination(x, y, reachMetres('walking', 15), 0);
    const past = destination(x, y, reachMetres('walking', 15) + 0.001, 90);
    const d = file('dc.csv', `id,weight,lng,lat\nat,3,${at[0]},${at[1]}\npast,5,${past[0]},${past[1]}\n`);
    const s = file('sc.csv', `id,lng,lat\nX,${x},${y}\n`);
    const r = await solveFiles({ demand: d, sites: s, threshold: 15, k: 1 });
    expect(r.greedy.covered).toBe(3);
  });

  it.each([
    ['an unknown demand id in the matrix', () => ({ costs: matrix((rows) => [...rows, 'd99,A,1']) }), /unknown demand id 'd99'/],
    ['an unknown site id in the matrix', () => ({ costs: matrix((rows) => [...rows, 'd1,Z,1']) }), /unknown site id 'Z'/],
    ['a missing pair', () => ({ costs: matrix((rows) => rows.slice(1)) }), /1 demand–site pair\(s\) missing, e\.g\. d0 → A/],
    ['a negative cost', () => ({ costs: matrix((rows) => rows.map((r, i) => (i === 0 ? 'd0,A,-1' : r))) }), /negative cost -1/],
    ['k above the candidates', () => ({ costs: matrix(), k: 4 }), /k 4: must be a whole number from 1 to the 3 candidate/],
    ['k = 0', () => ({ costs: matrix(), k: 0 }), /k 0/],
    ['a threshold of 0', () => ({ costs: matrix(), threshold: 0 }), /threshold 0/],
    ['a threshold of 10,000', () => ({ costs: matrix(), threshold: 10_000 }), /threshold 10000/],
  ])('%s: a clear error', async (_what, opts, message) => {
    await expect(solveFiles({ demand, sites, threshold: 15, k: 2, ...opts() })).rejects.toThrow(InstanceError);
    await expect(solveFiles({ demand, sites, threshold: 15, k: 2, ...opts() })).rejects.toThrow(message);
  });

  it('the command prints JSON with greedy and exact, and says what is wrong with exit code 2', () => {
    const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'server/coverage/solve-cli.ts', ...args], { encoding: 'utf8' });
    const ok = run(['--demand', demand, '--sites', sites, '--costs', matrix(), '--threshold', '15', '--k', '2', '--exact']);
    expect(ok.status).toBe(0);
    const out = JSON.parse(ok.stdout) as { greedy: { sites: string[]; covered: number }; exact: { covered: number } };
    expect([out.greedy.covered, out.exact.covered]).toEqual([7, 8]);
    const bad = run(['--demand', demand, '--sites', sites, '--threshold', '15', '--k', '2', '--mode', 'bicycle']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown mode 'bicycle'/);
  });
});
