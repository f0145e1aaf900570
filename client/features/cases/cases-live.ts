// Live events on the map's case layer: one event (live.events, server/live/live-hub.ts)
// changes one row of the decoded cases feed in place, or appends the new case, and the drawn
// selection is patched at that row instead of being selected again from all 141,818 cases
// (bench: a patch against a rebuild, bench/live.bench.ts). The feed object is new after each
// patch (React and the query cache see a change) but its columns are the same arrays, grown by
// doubling when a case is added; `lineageOf` tells the layer which earlier feed, and which rows
// of it, a feed was patched from.
// Positions stay float32 offsets from meta.origin (degrees, WGS-84), as the feed carries them.
import { caseLight, type Light } from '../../../domain/case-light.ts';
import { NO_CATEGORY, NO_DISTRICT, sortedIndexOf, type LiveCaseRow } from '../../../domain/feeds.ts';
import { stateGroupOf } from '../../../domain/workflow.ts';
import { LIGHT_COLOURS, STATE_COLOURS } from './case-colours.ts';
import type { CaseFilters, CasesFeed, SelectedCases } from './cases-data.ts';

type Column = Float32Array | Uint32Array | Uint16Array | Uint8Array;

/**
 * Where each case id's row is. The downloaded feed is sorted by id (server/cases/cases-queries.ts):
 * its rows are found by binary search over that prefix (checked sorted once, O(n) comparisons —
 * a 141,818-entry Map cost the first event ~16 ms); rows added by live events, and a feed that
 * turns out not to be sorted, go in a Map.
 */
interface RowIndex {
  /** Rows [0, sorted) are in ascending id order. */
  sorted: number;
  extra: Map<number, number>;
}
const rowIndexes = new WeakMap<Uint32Array, RowIndex>();
function rowIndexOf(ids: Uint32Array, length: number): RowIndex {
  let x = rowIndexes.get(ids);
  if (!x) {
    let ascending = true;
    for (let i = 1; i < length && ascending; i++) ascending = ids[i - 1] < ids[i];
    x = { sorted: ascending ? length : 0, extra: new Map() };
    if (!ascending) for (let i = 0; i < length; i++) x.extra.set(ids[i], i);
    rowIndexes.set(ids, x);
  }
  return x;
}
function rowOf(ids: Uint32Array, x: RowIndex, id: number): number | undefined {
  const i = sortedIndexOf(ids, id, x.sorted);
  return i >= 0 ? i : x.extra.get(id);
}

const dictIndexes = new WeakMap<object, Map<string, number>>();
function indexIn<T>(list: readonly T[], key: (v: T) => string): Map<string, number> {
  let m = dictIndexes.get(list);
  if (!m) dictIndexes.set(list, (m = new Map(list.map((v, i) => [key(v), i]))));
  return m;
}

/** Buffers this module allocated with room to grow (a decoded feed's columns share one buffer: never written past their ends). */
const owned = new WeakSet<ArrayBufferLike>();

/** A column with room for `n` rows: a longer view of the same buffer while it has room, else a copy into one twice as large. */
function withRoom<T extends Column>(col: T, n: number): T {
  const C = col.constructor as { new (b: ArrayBufferLike, o: number, l: number): T; new (l: number): T; BYTES_PER_ELEMENT: number };
  if (owned.has(col.buffer) && col.byteOffset === 0 && col.buffer.byteLength >= n * C.BYTES_PER_ELEMENT) return new C(col.buffer, 0, n);
  const grown = new C(Math.max(1024, n * 2));
  owned.add(grown.buffer);
  grown.set(col.subarray(0, Math.min(col.length, n)));
  return new C(grown.buffer, 0, n);
}

export interface Lineage {
  /** The feed this one was patched from (the last one a selection was made of). */
  from: CasesFeed;
  /** The rows changed or added since. */
  rows: number[];
}
const lineages = new WeakMap<CasesFeed, Lineage>();
/** Which feed, and which of its rows, `feed` was patched from (undefined: a feed as downloaded). */
export const lineageOf = (feed: CasesFeed): Lineage | undefined => lineages.get(feed);

/** Whether a case's report falls in the feed's period (a new case outside it is not the layer's). */
function inPeriod(feed: CasesFeed, reportedAt: number): boolean {
  const p = feed.meta.period;
  if (!p) return true;
  const t = reportedAt * 1000;
  return (!p.from || t >= Date.parse(p.from)) && (!p.to || t < Date.parse(p.to));
}

/**
 * The feed after one event: the case's row changed in place, or a new row for a case not in it
 * (when its report falls in the feed's period). Null when the event changes nothing the layer draws.
 * `hasSelection(feed)`: whether a selection was made of a feed (the patch then starts from it).
 */
export function patchCasesFeed(feed: CasesFeed, e: LiveCaseRow, hasSelection: (f: CasesFeed) => boolean = () => false): CasesFeed | null {
  const ids = feed.columns.id as Uint32Array;
  const index = rowIndexOf(ids, feed.length);
  let row = rowOf(ids, index, e.caseId);
  let columns = feed.columns;
  let length = feed.length;
  if (row === undefined) {
    if (!inPeriod(feed, e.reportedAt)) return null;
    row = length++;
    columns = Object.fromEntries(Object.entries(feed.columns).map(([k, c]) => [k, withRoom(c as Column, length)]));
    (columns.id as Uint32Array)[row] = e.caseId;
    (columns.t as Uint32Array)[row] = e.reportedAt;
    // the index follows the grown id column (the same ids in its sorted prefix)
    rowIndexes.set(columns.id as Uint32Array, index);
    index.extra.set(e.caseId, row);
  }
  const { meta } = feed;
  const [ox, oy] = meta.origin;
  let status = meta.statuses.indexOf(e.status);
  if (status < 0) status = meta.statuses.push(e.status) - 1; // a status the feed did not list: the palette follows the list
  let source = meta.sources.indexOf(e.source);
  if (source < 0) source = meta.sources.push(e.source) - 1;
  (columns.x as Float32Array)[row] = e.lng - ox;
  (columns.y as Float32Array)[row] = e.lat - oy;
  (columns.status as Uint8Array)[row] = status;
  (columns.source as Uint8Array)[row] = source;
  (columns.category as Uint16Array)[row] = indexIn(meta.categories, (c) => c.code).get(e.categoryCode) ?? NO_CATEGORY;
  (columns.district as Uint8Array)[row] = (e.districtCode ? indexIn(meta.districts, (d) => d.code).get(e.districtCode) : undefined) ?? NO_DISTRICT;
  if (columns.warnAt) (columns.warnAt as Uint32Array)[row] = e.warnAt;
  if (columns.dueAt) (columns.dueAt as Uint32Array)[row] = e.dueAt;
  if (columns.closed) (columns.closed as Uint8Array)[row] = e.closed;
  const next: CasesFeed = { length, meta, columns };
  const before = lineages.get(feed);
  lineages.set(next, before && !hasSelection(feed) ? { from: before.from, rows: [...before.rows, row] } : { from: feed, rows: [row] });
  return next;
}

/** Whether row `i` of the feed passes the filters (the rule of cases-data.ts selectCases, for one row). */
function passes(feed: CasesFeed, i: number, f: CaseFilters, light: Light): boolean {
  const { meta, columns } = feed;
  const status = meta.statuses[(columns.status as Uint8Array)[i]];
  if (f.src?.length && !f.src.includes(meta.sources[(columns.source as Uint8Array)[i]])) return false;
  if (f.cat?.length && !f.cat.includes(meta.categories[(columns.category as Uint16Array)[i]]?.code)) return false;
  if (f.dist?.length && !f.dist.includes(meta.districts[(columns.district as Uint8Array)[i]]?.code)) return false;
  if (f.state?.length && !f.state.includes(stateGroupOf(status))) return false;
  if (f.light?.length && !f.light.includes(light)) return false;
  return true;
}

const rowPositions = new WeakMap<SelectedCases, Int32Array>();
/** Position in the selection of each feed row (−1: not drawn); made once per selection. */
function positionsOf(sel: SelectedCases, feedLength: number): Int32Array {
  let p = rowPositions.get(sel);
  if (!p || p.length < feedLength) {
    const grown = new Int32Array(Math.max(1024, feedLength * 2)).fill(-1);
    if (p) grown.set(p);
    else for (let k = 0; k < sel.length; k++) grown[sel.rows[k]] = k;
    rowPositions.set(sel, (p = grown));
  }
  return p;
}

/**
 * The selection after the rows `rows` of `feed` changed: each drawn row recoloured in place, a
 * new row that passes the filters appended. Null when a change moves a case into or out of the
 * filters' selection in a way that needs a full select (a drawn case filtered out): the caller
 * selects again. Draw order is kept (a case closed now is not moved under the open ones).
 */
export function patchSelection(sel: SelectedCases, feed: CasesFeed, rows: readonly number[], f: CaseFilters, colouring: 'state' | 'light', nowMs: number): SelectedCases | null {
  const { meta, columns } = feed;
  const pos = positionsOf(sel, feed.length);
  let out: SelectedCases = { ...sel };
  for (const i of rows) {
    const status = meta.statuses[(columns.status as Uint8Array)[i]] ?? '';
    const light = caseLight({ status, closed: (columns.closed as Uint8Array)[i], warnAt: (columns.warnAt as Uint32Array)[i], dueAt: (columns.dueAt as Uint32Array)[i] }, nowMs);
    const lightCode = Math.max(0, meta.lights.indexOf(light));
    const colour = colouring === 'state' ? STATE_COLOURS[stateGroupOf(status)] ?? STATE_COLOURS.other : LIGHT_COLOURS[light] ?? LIGHT_COLOURS.none;
    const ok = passes(feed, i, f, light);
    // a position another patch of this selection gave (the layer derived again from it) is not this one's
    let k = pos[i] < out.length && out.rows[pos[i]] === i ? pos[i] : -1;
    if (k < 0) {
      if (!ok) continue;
      k = out.length;
      out = {
        length: k + 1,
        rows: withRoom(out.rows, k + 1),
        positions: withRoom(out.positions, 2 * (k + 1)),
        colours: withRoom(out.colours, 4 * (k + 1)),
        lights: withRoom(out.lights, k + 1),
      };
      out.rows[k] = i;
      pos[i] = k;
    } else if (!ok) return null;
    out.positions[2 * k] = (columns.x as Float32Array)[i];
    out.positions[2 * k + 1] = (columns.y as Float32Array)[i];
    out.colours.set(colour, 4 * k);
    out.lights[k] = lightCode;
  }
  rowPositions.set(out, pos);
  return out;
}

/** The selection made of each feed, and under which key (filters, colouring, minute). */
const selections = new WeakMap<CasesFeed, { key: string; sel: SelectedCases }>();

/**
 * The layer's selection of a feed: patched from the selection of the feed it was patched from
 * when that was made under the same key, else selected afresh (cases-data.ts selectCases).
 */
export function selectLive(feed: CasesFeed, key: string, filters: CaseFilters, colouring: 'state' | 'light', nowMs: number, selectAll: () => SelectedCases): SelectedCases {
  const lin = lineageOf(feed);
  const prev = lin && selections.get(lin.from);
  const sel = (prev && prev.key === key ? patchSelection(prev.sel, feed, lin.rows, filters, colouring, nowMs) : null) ?? selectAll();
  selections.set(feed, { key, sel });
  return sel;
}

/**
 * The feed without the case `caseId` (it left the viewer's scope: a 'caseLeft' message, which says
 * nothing of where it went), as new columns; null when the feed does not hold it. The new feed has
 * no lineage, so the layer selects it afresh, as when a drawn case is filtered out (patchSelection
 * answers null): no drawn position is left to it.
 */
export function dropCasesFeedRow(feed: CasesFeed, caseId: number): CasesFeed | null {
  const ids = feed.columns.id as Uint32Array;
  const row = rowOf(ids, rowIndexOf(ids, feed.length), caseId);
  if (row === undefined) return null;
  const length = feed.length - 1;
  const columns = Object.fromEntries(
    Object.entries(feed.columns).map(([k, c]) => {
      const col = c as Column;
      const C = col.constructor as { new (l: number): Column };
      const out = new C(length);
      out.set(col.subarray(0, row));
      out.set(col.subarray(row + 1, feed.length), row);
      return [k, out];
    }),
  ) as CasesFeed['columns'];
  return { length, meta: feed.meta, columns };
}

/** One live event on a cached cases feed (client/lib/live-cache.ts applyCaseEvent). */
export const patchLiveFeed = (feed: CasesFeed, e: LiveCaseRow): CasesFeed | null => patchCasesFeed(feed, e, (f) => selections.has(f));

/** What a live event about the case at `row` would say, as the feed holds it now (the inverse of patchCasesFeed's writes; tests, bench). */
export function liveRowOf(feed: CasesFeed, row: number): LiveCaseRow {
  const { meta, columns: c } = feed;
  return {
    caseId: (c.id as Uint32Array)[row],
    status: meta.statuses[(c.status as Uint8Array)[row]],
    source: meta.sources[(c.source as Uint8Array)[row]],
    categoryCode: meta.categories[(c.category as Uint16Array)[row]]?.code ?? '',
    districtCode: meta.districts[(c.district as Uint8Array)[row]]?.code ?? null,
    lng: meta.origin[0] + (c.x as Float32Array)[row],
    lat: meta.origin[1] + (c.y as Float32Array)[row],
    reportedAt: (c.t as Uint32Array)[row],
    warnAt: (c.warnAt as Uint32Array)[row],
    dueAt: (c.dueAt as Uint32Array)[row],
    closed: (c.closed as Uint8Array)[row],
  };
}
