// The cases layer as a binary feed (CGB1, server/http/binary-feed.ts) and, for the benchmark
// baseline only, as GeoJSON built from the same rows. Column spec (the client decodes exactly
// this): id u32, x y f32 (degrees from meta.origin, WGS-84), t u32 (reported_at, unix s),
// status u8 (meta.statuses), light u8 (meta.lights), source u8 (meta.sources),
// category u16 (meta.categories), district u8 (meta.districts; 255 = none).
import type { Db } from '../../db/engine.ts';
import type { FeedInput } from '../http/binary-feed.ts';
import { LIGHTS, trafficLight, type Light } from './traffic-light.ts';
import { caseFeedColumns, caseFeedDictionaries, clockSettings, FEED_ORIGIN, openCaseClocks, type CaseFeedColumns, type Period } from './cases-queries.ts';

/** Workflow order; statuses outside it follow in order of appearance. */
const STATUS_ORDER = ['reported', 'verifying', 'verified', 'filed', 'dispatched', 'returned', 'handled', 'checked', 'closed', 'voided'];
const SOURCE_ORDER = ['inspector', 'public', 'survey', 'video', 'referral'];
const NO_DISTRICT = 255;
const NO_CATEGORY = 0xffff;

export interface CasesLayer {
  cols: CaseFeedColumns;
  /** Index into LIGHTS per case. */
  light: Uint8Array;
  meta: {
    origin: [number, number];
    now: string;
    period: { from: string | null; to: string | null } | null;
    statuses: string[];
    sources: string[];
    categories: { code: string; name: string; nameEn: string; major: string }[];
    districts: { code: string; name: string; nameEn: string }[];
    lights: readonly string[];
    warnRatio: number;
  };
}

const L = Object.fromEntries(LIGHTS.map((l, i) => [l, i])) as Record<Light, number>;

/** The cases of the period with their lights as of `now`. */
export async function loadCasesLayer(db: Db, period: Period, now: Date, opts: { withCodes?: boolean } = {}): Promise<CasesLayer> {
  const [cols, clocks, settings, dict] = await Promise.all([caseFeedColumns(db, period, opts), openCaseClocks(db, period), clockSettings(db), caseFeedDictionaries(db)]);
  const date = (ms: number | null) => (ms === null ? null : new Date(ms));
  const light = new Uint8Array(cols.n);
  for (let i = 0; i < cols.n; i++) light[i] = cols.closed[i] === 1 ? L.onTime : cols.closed[i] === 2 ? L.late : L.none;
  const row = new Map<number, number>();
  cols.id.forEach((id, i) => row.set(id, i));
  for (const c of clocks) {
    const i = row.get(c.id);
    if (i === undefined) continue;
    light[i] = L[trafficLight(
      { status: c.status, dispatchedAt: date(c.dispatched_ms), handledAt: date(c.handled_ms), handleDueAt: date(c.handle_due_ms), closeDueAt: date(c.close_due_ms), closedAt: null },
      now,
      settings.warnRatio,
      settings.calendar,
    )];
  }
  return {
    cols,
    light,
    meta: {
      origin: FEED_ORIGIN,
      now: now.toISOString(),
      period: period.from || period.to ? { from: period.from ?? null, to: period.to ?? null } : null,
      statuses: withExtras(STATUS_ORDER, cols.statuses),
      sources: withExtras(SOURCE_ORDER, cols.sources),
      categories: dict.categories,
      districts: dict.districts,
      lights: LIGHTS,
      warnRatio: settings.warnRatio,
    },
  };
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

export function casesFeed(layer: CasesLayer): FeedInput {
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
      light: layer.light,
      source: remap(new Uint8Array(n), cols.source, cols.sources, meta.sources, 0),
      // the query's positions are already in code order, as meta's lists are
      category: remap(new Uint16Array(n), cols.category, categoryCodes, categoryCodes, NO_CATEGORY),
      district: remap(new Uint8Array(n), cols.district, districtCodes, districtCodes, NO_DISTRICT),
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
      light: LIGHTS[layer.light[i]],
      source: cols.sources[cols.source[i] - 1] ?? null,
      categoryCode: meta.categories[cols.category[i] - 1]?.code ?? null,
      districtCode: meta.districts[cols.district[i] - 1]?.code ?? null,
      reportedAt: new Date(cols.t[i] * 1000).toISOString(),
    },
  }));
  return JSON.stringify({ type: 'FeatureCollection', features });
}
