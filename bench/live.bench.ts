// Live events on the browser's case layer (client/features/cases/cases-live.ts), excluding the
// frame draw: one event applied to the decoded feed of the 2022 period (141,818 cases) and the
// drawn selection patched at its row (patchLiveFeed + selectLive), against rebuilding the
// layer from the feed (cases-data.ts selectCases, no filter, coloured by state) measured in the
// same run. Target: the patch ≤ 1/100 of a rebuild.
// - a status change of an existing case and a new case appended, each over many events with
//   different case ids, in the steady state (the id index and the row → position table built);
// - the first event on a feed as downloaded (it builds the id index and the row → position
//   table) and the first new case on a feed (it copies the columns into buffers with room),
//   each on a freshly decoded feed.
// The feed is the server's (loadCasesLayer + casesFeed, encoded as CGB1) decoded as the
// browser decodes it. The data folder: see seeded-engine.ts.
import { openSeeded } from './seeded-engine.ts';
import { sized } from './smoke.ts';
import { CASE_TARGETS } from '../data/generators/cases.ts';
import { casesFeed, loadCasesLayer } from '../server/cases/cases-feed.ts';
import { CITY } from '../server/auth/actor.ts';
import { encodeFeed } from '../server/http/binary-feed.ts';
import { decodeFeed } from '../client/map/binary-feed.ts';
import { selectCases, type CaseFilters, type CasesFeed, type CasesMeta, type SelectedCases } from '../client/features/cases/cases-data.ts';
import { liveRowOf, patchLiveFeed, selectLive } from '../client/features/cases/cases-live.ts';
import { CASES_FEED_COLUMNS, type LiveCaseRow } from '../domain/feeds.ts';
import { STATUSES } from '../domain/workflow.ts';
import { entry, type BenchEntry } from './harness.ts';

const REBUILDS = sized(40, 3);
const EVENTS = sized(2000, 50);
const FIRSTS = sized(15, 2);
const FILTERS: CaseFilters = {};
const COLOURING = 'state' as const;
const KEY = `${JSON.stringify(FILTERS)}|${COLOURING}|`;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
/** ms to 0.1 µs: a patch is far below the 0.1 ms the other suites round to. */
const ms = (x: number) => Math.round(x * 10_000) / 10_000;
/** patch / rebuild, as a share (1/n) below one and as a multiple above it. */
const share = (x: number, of: number) => (x < of ? `1/${Math.round(of / x)} (${(x / of).toExponential(2)})` : `${(x / of).toFixed(2)}×`);

/** A small deterministic generator (the same case ids on every run). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

/** The event a case's row would give, its status moved on one step. */
function statusChange(feed: CasesFeed, row: number): LiveCaseRow {
  const e = liveRowOf(feed, row);
  return { ...e, status: STATUSES[(STATUSES.indexOf(e.status as never) + 1) % STATUSES.length] };
}

/** A case registered in the period's last week, somewhere in the city, as its first event says it. */
function newCase(feed: CasesFeed, id: number, r: () => number): LiveCaseRow {
  const { meta } = feed;
  return {
    caseId: id,
    status: 'reported',
    source: 'inspector',
    categoryCode: meta.categories[Math.floor(r() * meta.categories.length)].code,
    districtCode: meta.districts[Math.floor(r() * meta.districts.length)].code,
    lng: meta.origin[0] + (r() - 0.5) * 0.2,
    lat: meta.origin[1] + (r() - 0.5) * 0.2,
    reportedAt: Math.floor(Date.parse(CASE_TARGETS.periodEnd) / 1000) - 1 - Math.floor(r() * 7 * 86400),
    warnAt: 0,
    dueAt: 0,
    closed: 0,
  };
}

export async function liveBench(): Promise<BenchEntry[]> {
  const { engine, cleanup } = await openSeeded();
  let bytes: Uint8Array;
  try {
    // the cases feed of the 2022 period, as the server builds it for a city-wide reader
    bytes = encodeFeed(casesFeed(await loadCasesLayer(engine.db, { from: CASE_TARGETS.periodStart, to: CASE_TARGETS.periodEnd, scope: CITY })));
  } finally {
    await engine.close();
    cleanup();
  }
  const buffer = bytes.slice().buffer;
  /** A feed as downloaded: fresh views (so no id index, no selection yet). */
  const decoded = () => decodeFeed<CasesMeta>(buffer, CASES_FEED_COLUMNS);
  const now = Date.now();
  const base = decoded();
  const n = base.length;
  const maxId = (base.columns.id as Uint32Array).reduce((a, b) => Math.max(a, b), 0);

  // the baseline: rebuilding the layer's selection from the feed (one throwaway first, for the JIT)
  selectCases(base, FILTERS, COLOURING, now);
  const rebuild: number[] = [];
  let drawn = 0;
  for (let i = 0; i < REBUILDS; i++) {
    const t = performance.now();
    drawn = selectCases(base, FILTERS, COLOURING, now).length;
    rebuild.push(performance.now() - t);
  }

  // a layer as the console holds it: selectLive, falling back to a rebuild (counted)
  let rebuilds = 0;
  const select = (feed: CasesFeed): SelectedCases =>
    selectLive(feed, KEY, FILTERS, COLOURING, now, () => {
      rebuilds++;
      return selectCases(feed, FILTERS, COLOURING, now);
    });
  /** One event applied: the feed patched, the selection patched at its row (ms in all, ms of the feed's part). */
  const apply = (feed: CasesFeed, e: LiveCaseRow): [CasesFeed, number, number] => {
    const t = performance.now();
    const next = patchLiveFeed(feed, e);
    const tFeed = performance.now();
    if (!next) throw new Error(`case ${e.caseId}: the patch changed nothing`);
    const sel = select(next);
    const took = performance.now() - t;
    if (sel.length < drawn) throw new Error(`case ${e.caseId}: ${sel.length} cases drawn, ${drawn} expected`);
    return [next, took, tFeed - t];
  };

  const r = rng(20220901);
  const rowsSeen = new Set<number>();
  const distinctRow = () => {
    let row: number;
    do row = Math.floor(r() * n);
    while (rowsSeen.has(row));
    rowsSeen.add(row);
    return row;
  };
  let nextId = maxId + 1;

  // the first event on a feed as downloaded: it builds the id index and the row → position table
  const firstEvent: number[] = [];
  const firstEventFeed: number[] = [];
  const firstNewCase: number[] = [];
  const firstNewCaseFeed: number[] = [];
  for (let i = 0; i < FIRSTS; i++) {
    let feed = decoded();
    select(feed);
    const before = rebuilds;
    let took: number;
    let feedPart: number;
    [feed, took, feedPart] = apply(feed, statusChange(feed, distinctRow()));
    firstEvent.push(took);
    firstEventFeed.push(feedPart);
    // then the first new case on it: every column copied into a buffer with room
    [feed, took, feedPart] = apply(feed, newCase(feed, nextId++, r));
    firstNewCase.push(took);
    firstNewCaseFeed.push(feedPart);
    if (rebuilds !== before) throw new Error('a first event fell back to a rebuild');
  }

  // the steady state, on one feed: the index and the table built, the columns with room
  let feed = decoded();
  select(feed);
  [feed] = apply(feed, statusChange(feed, distinctRow()));
  [feed] = apply(feed, newCase(feed, nextId++, r));
  const fellBack = rebuilds;
  const status: number[] = [];
  const added: number[] = [];
  for (let i = 0; i < EVENTS; i++) {
    let took: number;
    [feed, took] = apply(feed, statusChange(feed, distinctRow()));
    status.push(took);
    [feed, took] = apply(feed, newCase(feed, nextId++, r));
    added.push(took);
  }
  const steadyRebuilds = rebuilds - fellBack;
  if (feed.length !== n + 1 + EVENTS) throw new Error(`the feed has ${feed.length} rows, ${n + 1 + EVENTS} expected`);

  const rebuild50 = pct(rebuild, 50);
  const rebuild95 = pct(rebuild, 95);
  const parts = (feedPart: number[], all: number[]) => `of which the feed's patch (patchLiveFeed) p50 ${ms(pct(feedPart, 50))} ms, the selection's (selectLive) p50 ${ms(pct(all.map((x, i) => x - feedPart[i]), 50))} ms`;
  const report = (name: string, xs: number[], what: string): BenchEntry => {
    const p50 = pct(xs, 50);
    const p95 = pct(xs, 95);
    return entry({
      name,
      value: ms(p50),
      unit: 'ms',
      baseline: ms(rebuild50),
      target: 'ratio ≤ 0.01 (≤ 1/100 of a rebuild)',
      met: p50 / rebuild50 <= 0.01,
      note: `p50 ${ms(p50)} ms, p95 ${ms(p95)} ms over ${xs.length} events (${what}); rebuild p50 ${ms(rebuild50)} ms, p95 ${ms(rebuild95)} ms over ${REBUILDS}; patch/rebuild p50 ${share(p50, rebuild50)}, p95 ${share(p95, rebuild95)}`,
    });
  };
  const cases = `${n.toLocaleString('en')} cases, ${drawn.toLocaleString('en')} drawn (no filter, coloured by state)`;
  return [
    report(`one live status change, patch vs rebuild (${cases}, steady state)`, status, `different case ids; patchLiveFeed + selectLive; ${steadyRebuilds} fell back to a rebuild`),
    report(`one new case appended, patch vs rebuild (${cases}, steady state)`, added, `new ids; the columns with room; ${steadyRebuilds} fell back to a rebuild`),
    report('the first event on a feed as downloaded (a status change: builds the id index and the row → position table)', firstEvent, `each on a freshly decoded feed; ${parts(firstEventFeed, firstEvent)}`),
    report('the first new case on a feed (every column copied into a buffer with room)', firstNewCase, `each after the first event on a freshly decoded feed; ${parts(firstNewCaseFeed, firstNewCase)}`),
  ];
}
