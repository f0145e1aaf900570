// The cases layer as a binary feed (CGB1, server/http/binary-feed.ts) and, for the benchmark
// baseline only, as GeoJSON built from the same rows. Its columns and meta are the contract in
// domain/feeds.ts (CASES_FEED_COLUMNS, CasesFeedMeta), which the browser decodes against.
// Nothing here depends on the time of the request: the payload changes only with the data.
import { STATUSES } from '../../domain/workflow.ts';
import { NO_CATEGORY, NO_DISTRICT, sortedIndexOf, type CASES_FEED_COLUMNS, type CasesFeedMeta, type FeedColumnsOf } from '../../domain/feeds.ts';
import { withStatementTag, type Db } from '../../db/engine.ts';
import type { FeedInput } from '../http/binary-feed.ts';
import { clockMarks } from '../../domain/case-clock.ts';
import { LIGHTS } from '../../domain/case-light.ts';
import { caseFeedColumns, caseFeedDictionaries, clockSettings, FEED_ORIGIN, openCaseClocks, type CaseFeedColumns, type Period } from './cases-queries.ts';

/** Workflow order; statuses outside it follow in order of appearance. */
const STATUS_ORDER: string[] = [...STATUSES];
const SOURCE_ORDER = ['inspector', 'public', 'survey', 'video', 'referral'];
const CLOSED = [null, 'onTime', 'late'] as const;

export interface CasesLayer {
  cols: CaseFeedColumns;
  /** Unix seconds per case: yellow from warnAt, red after dueAt (0 = none). */
  warnAt: Uint32Array;
  dueAt: Uint32Array;
  /** 0 none, 1 closed on time, 2 closed late. */
  closed: Uint8Array;
  meta: CasesFeedMeta;
}

/** The cases of the period with the clock marks of the open ones (heavy work: feeds). */
export async function loadCasesLayer(db: Db, period: Period, opts: { withCodes?: boolean } = {}): Promise<CasesLayer> {
  return withStatementTag({ priority: 'heavy', who: 'cases feed' }, async () => {
    // one after another: on the embedded engine they queue anyway, on the server a feed then holds one connection
    const cols = await caseFeedColumns(db, period, { ...opts, statuses: STATUS_ORDER, sources: SOURCE_ORDER });
    const clocks = await openCaseClocks(db, period);
    const settings = await clockSettings(db);
    const dict = await caseFeedDictionaries(db);
    const date = (ms: number | null) => (ms === null ? null : new Date(ms));
    const warnAt = new Uint32Array(cols.n);
    const dueAt = new Uint32Array(cols.n);
    const closed = Uint8Array.from(cols.closed);
    for (const c of clocks) {
      // the columns are sorted by id (caseFeedColumns): a few hundred lookups, no 140k-entry map
      const i = sortedIndexOf(cols.id, c.id);
      if (i < 0) continue;
      const m = clockMarks(
        { status: c.status, dispatchedAt: date(c.dispatched_ms), handledAt: date(c.handled_ms), handleDueAt: date(c.handle_due_ms), closeDueAt: date(c.close_due_ms), closedAt: null },
        settings.warnRatio,
        settings.calendar,
      );
      warnAt[i] = m.warnAt;
      dueAt[i] = m.dueAt;
    }
    return {
      cols,
      warnAt,
      dueAt,
      closed,
      meta: {
        origin: FEED_ORIGIN,
        period: period.from || period.to ? { from: period.from ?? null, to: period.to ?? null } : null,
        statuses: withExtras(STATUS_ORDER, cols.statuses),
        sources: withExtras(SOURCE_ORDER, cols.sources),
        categories: dict.categories,
        districts: dict.districts,
        lights: LIGHTS,
        warnRatio: settings.warnRatio,
      },
    };
  });
}


function withExtras(known: string[], seen: string[]): string[] {
  const out = [...known];
  const has = new Set(known);
  for (const s of [...seen].sort()) {
    if (has.has(s)) continue;
    has.add(s);
    out.push(s);
  }
  return out;
}

/** Maps the query's 1-based dictionary positions (0 = none) onto the meta dictionaries. */
function remap<T extends Uint8Array | Uint16Array>(out: T, positions: Uint16Array, from: string[], to: string[], none: number): T {
  const ix = new Map(to.map((v, i) => [v, i]));
  const table = [none, ...from.map((v) => ix.get(v) ?? none)];
  for (let i = 0; i < positions.length; i++) out[i] = table[positions[i]] ?? none;
  return out;
}

export function casesFeed(layer: CasesLayer): FeedInput & { meta: CasesFeedMeta; columns: FeedColumnsOf<typeof CASES_FEED_COLUMNS> } {
  const { cols, meta } = layer;
  const n = cols.n;
  if (meta.categories.length >= NO_CATEGORY || meta.districts.length >= NO_DISTRICT) throw new Error('too many categories or districts for the cases feed columns');
  const categoryCodes = meta.categories.map((c) => c.code);
  const districtCodes = meta.districts.map((d) => d.code);
  return {
    length: n,
    meta,
    columns: {
      id: cols.id,
      x: cols.x,
      y: cols.y,
      t: cols.t,
      status: remap(new Uint8Array(n), cols.status, cols.statuses, meta.statuses, 0),
      source: remap(new Uint8Array(n), cols.source, cols.sources, meta.sources, 0),
      // the query's positions are already in code order, as meta's lists are
      category: remap(new Uint16Array(n), cols.category, categoryCodes, categoryCodes, NO_CATEGORY),
      district: remap(new Uint8Array(n), cols.district, districtCodes, districtCodes, NO_DISTRICT),
      warnAt: layer.warnAt,
      dueAt: layer.dueAt,
      closed: layer.closed,
    },
  };
}

/** The same rows as a GeoJSON FeatureCollection (load with withCodes). */
export function casesGeoJson(layer: CasesLayer): string {
  const { cols, meta } = layer;
  const [ox, oy] = meta.origin;
  // 7 decimals (~1 cm), the precision the binary feed carries: a fair, not a bloated, baseline
  const deg = (v: number) => Math.round(v * 1e7) / 1e7;
  const features = Array.from(cols.id, (id, i) => ({
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [deg(ox + cols.x[i]), deg(oy + cols.y[i])] },
    properties: {
      id,
      code: cols.codes?.[i] ?? null,
      status: cols.statuses[cols.status[i] - 1] ?? null,
      warnAt: layer.warnAt[i] || null,
      dueAt: layer.dueAt[i] || null,
      closed: CLOSED[layer.closed[i]] ?? null,
      source: cols.sources[cols.source[i] - 1] ?? null,
      categoryCode: meta.categories[cols.category[i] - 1]?.code ?? null,
      districtCode: meta.districts[cols.district[i] - 1]?.code ?? null,
      reportedAt: new Date(cols.t[i] * 1000).toISOString(),
    },
  }));
  return JSON.stringify({ type: 'FeatureCollection', features });
}
