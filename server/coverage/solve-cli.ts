// `npm run coverage:solve -- --demand d.csv --sites s.csv [--costs c.csv] --threshold T --k K
// [--exact] [--format json|csv] [--mode walking|ebike|car]`: the siting solver on any instance,
// no server needed. d.csv: id,weight[,lng,lat]; s.csv: id[,lng,lat][,existing]; c.csv:
// demand_id,site_id,cost (in the threshold's unit, every pair). Without costs the travel model of
// domain/coverage.ts over the coordinates decides (T in minutes, inclusive). Existing sites
// (existing = 1/true/yes) are kept: what they cover is covered already. Prints the greedy picks in
// order with the weight each adds and the covered weight, and with --exact the optimum and the
// gap; JSON keys `greedy`, `exact`, each with `sites` (ids) and `covered`.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { TRAVEL_MODES, greatCircleMetres, isCovered, reachMm, type TravelMode } from '../../domain/coverage.ts';
import { exactCover, gapPercent, greedyCover, reduceInstance, coverOf } from './siting.ts';

export class InstanceError extends Error {}

/** RFC 4180 fields: commas, quotes ("" inside quotes), CRLF or LF; a header row first. */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f.trim() !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f.trim() !== '')) rows.push(row);
  const [head, ...body] = rows;
  if (!head) return [];
  const keys = head.map((h) => h.trim().replace(/^\uFEFF/, '').toLowerCase());
  return body.map((r) => Object.fromEntries(keys.map((k, i) => [k, (r[i] ?? '').trim()])));
}

export interface SolveOptions {
  demand: string;
  sites: string;
  costs?: string;
  threshold: number;
  k: number;
  exact?: boolean;
  mode?: TravelMode;
  budgetMs?: number;
}

const num = (v: string | undefined, what: string): number => {
  const x = Number(v);
  if (v === undefined || v === '' || !Number.isFinite(x)) throw new InstanceError(`${what}: '${v ?? ''}' is not a number`);
  return x;
};

export async function solveFiles(o: SolveOptions) {
  const demand = parseCsv(readFileSync(o.demand, 'utf8'));
  const sites = parseCsv(readFileSync(o.sites, 'utf8'));
  if (!demand.length) throw new InstanceError(`${o.demand}: no demand rows`);
  if (!sites.length) throw new InstanceError(`${o.sites}: no site rows`);
  const dIndex = new Map<string, number>();
  demand.forEach((d, i) => {
    if (!d.id) throw new InstanceError(`${o.demand} row ${i + 2}: no id`);
    if (dIndex.has(d.id)) throw new InstanceError(`${o.demand}: id ${d.id} twice`);
    dIndex.set(d.id, i);
  });
  const sIndex = new Map<string, number>();
  sites.forEach((s, j) => {
    if (!s.id) throw new InstanceError(`${o.sites} row ${j + 2}: no id`);
    if (sIndex.has(s.id)) throw new InstanceError(`${o.sites}: id ${s.id} twice`);
    sIndex.set(s.id, j);
  });
  const weights = demand.map((d, i) => {
    const w = num(d.weight, `${o.demand} row ${i + 2} weight`);
    if (w < 0) throw new InstanceError(`${o.demand} row ${i + 2}: negative weight ${w}`);
    return w;
  });
  if (!(o.threshold > 0 && o.threshold < 10_000)) throw new InstanceError(`threshold ${o.threshold}: must be above 0 and below 10000`);
  const covers: number[][] = sites.map(() => []);
  if (o.costs) {
    const costs = parseCsv(readFileSync(o.costs, 'utf8'));
    const seen = new Set<string>();
    costs.forEach((c, r) => {
      const i = dIndex.get(c.demand_id);
      const j = sIndex.get(c.site_id);
      if (i === undefined) throw new InstanceError(`${o.costs} row ${r + 2}: unknown demand id '${c.demand_id}'`);
      if (j === undefined) throw new InstanceError(`${o.costs} row ${r + 2}: unknown site id '${c.site_id}'`);
      const cost = num(c.cost, `${o.costs} row ${r + 2} cost`);
      if (cost < 0) throw new InstanceError(`${o.costs} row ${r + 2}: negative cost ${cost}`);
      seen.add(`${i}:${j}`);
      if (cost <= o.threshold) covers[j].push(i);
    });
    const missing = demand.length * sites.length - seen.size;
    if (missing > 0) {
      const [d, s] = (() => {
        for (let i = 0; i < demand.length; i++) for (let j = 0; j < sites.length; j++) if (!seen.has(`${i}:${j}`)) return [demand[i].id, sites[j].id];
        return ['?', '?'];
      })();
      throw new InstanceError(`${o.costs}: ${missing} demand–site pair(s) missing, e.g. ${d} → ${s} (every pair needs a cost)`);
    }
  } else {
    const mode = o.mode ?? 'walking';
    if (!(Number.isInteger(o.threshold) && o.threshold >= 1 && o.threshold <= 120)) throw new InstanceError(`threshold ${o.threshold}: whole minutes from 1 to 120 with the travel model`);
    const mm = reachMm(mode, o.threshold);
    const at = (r: Record<string, string>, file: string, n: number) => [num(r.lng, `${file} row ${n + 2} lng`), num(r.lat, `${file} row ${n + 2} lat`)] as const;
    const dp = demand.map((d, i) => at(d, o.demand, i));
    sites.forEach((s, j) => {
      const [x, y] = at(s, o.sites, j);
      dp.forEach(([a, b], i) => isCovered(greatCircleMetres(x, y, a, b), mm) && covers[j].push(i));
    });
  }
  // existing sites stay: what they cover is covered already, and they are no candidates
  const existing = sites.map((s) => /^(1|true|yes)$/i.test(s.existing ?? ''));
  const pre = new Set<number>();
  covers.forEach((c, j) => existing[j] && c.forEach((i) => pre.add(i)));
  const candidates = sites.map((_, j) => j).filter((j) => !existing[j]);
  if (!Number.isInteger(o.k) || o.k < 1 || o.k > candidates.length) throw new InstanceError(`k ${o.k}: must be a whole number from 1 to the ${candidates.length} candidate site(s)`);
  const inst = { weights: weights.map((w, i) => (pre.has(i) ? 0 : w)), covers: candidates.map((j) => covers[j]) };
  const already = [...pre].reduce((a, i) => a + weights[i], 0);
  const g = greedyCover(inst, o.k);
  const ids = (xs: number[]) => xs.map((jj) => sites[candidates[jj]].id);
  const out: {
    existingCovered: number;
    total: number;
    greedy: { sites: string[]; added: number[]; covered: number };
    exact: { sites: string[]; covered: number; status: string; gapPercent: number } | null;
  } = {
    existingCovered: already,
    total: weights.reduce((a, b) => a + b, 0),
    greedy: { sites: ids(g.sites), added: g.added, covered: already + g.covered },
    exact: null,
  };
  if (o.exact) {
    const r = reduceInstance(inst);
    const x = await exactCover(r.inst, Math.min(o.k, r.candidates.length), o.budgetMs ?? 60_000);
    const best = x.sites ? coverOf(inst, x.sites.map((jj) => r.candidates[jj])) : null;
    const chosen = best && best.covered >= g.covered ? best : g;
    out.exact = { sites: ids(chosen.sites), covered: already + chosen.covered, status: x.status, gapPercent: gapPercent(g.covered, chosen.covered) };
  }
  return out;
}

async function main() {
  const { values } = parseArgs({
    options: {
      demand: { type: 'string' }, sites: { type: 'string' }, costs: { type: 'string' }, threshold: { type: 'string' }, k: { type: 'string' },
      exact: { type: 'boolean', default: false }, format: { type: 'string', default: 'json' }, mode: { type: 'string', default: 'walking' },
    },
  });
  try {
    if (!values.demand || !values.sites || values.threshold === undefined || values.k === undefined) throw new InstanceError('needs --demand d.csv --sites s.csv --threshold T --k K');
    if (!(TRAVEL_MODES as readonly string[]).includes(values.mode!)) throw new InstanceError(`unknown mode '${values.mode}' (${TRAVEL_MODES.join(', ')})`);
    if (!['json', 'csv'].includes(values.format!)) throw new InstanceError(`unknown format '${values.format}' (json, csv)`);
    const r = await solveFiles({ demand: values.demand, sites: values.sites, costs: values.costs, threshold: Number(values.threshold), k: Number(values.k), exact: values.exact, mode: values.mode as TravelMode });
    if (values.format === 'json') console.log(JSON.stringify(r, null, 2));
    else {
      console.log('method,order,site_id,added,covered');
      r.greedy.sites.forEach((s, n) => console.log(`greedy,${n + 1},${s},${r.greedy.added[n]},`));
      console.log(`greedy,,,,${r.greedy.covered}`);
      if (r.exact) {
        r.exact.sites.forEach((s, n) => console.log(`exact,${n + 1},${s},,`));
        console.log(`exact,,,,${r.exact.covered}`);
      }
    }
  } catch (err) {
    if (!(err instanceof InstanceError)) throw err;
    console.error(`coverage:solve: ${err.message}`);
    process.exitCode = 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
