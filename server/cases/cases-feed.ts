// The cases layer as a binary feed (CGB1, server/http/binary-feed.ts) and, for the benchmark
// baseline only, as GeoJSON built from the same rows. Column spec (the client decodes exactly
// this): id u32, x y f32 (degrees from meta.origin, WGS-84), t u32 (reported_at, unix s),
// status u8 (meta.statuses), light u8 (meta.lights), source u8 (meta.sources),
// category u16 (meta.categories), district u8 (meta.districts; 255 = none).
import type { Db } from '../../db/engine.ts';
import type { FeedInput } from '../http/binary-feed.ts';
import { LIGHTS, trafficLight, type Light } from './traffic-light.ts';
import { caseFeedDictionaries, caseFeedRows, clockSettings, FEED_ORIGIN, openCaseClocks, type CaseFeedRow, type Period } from './cases-queries.ts';

/** Workflow order; statuses outside it follow in order of appearance. */
const STATUS_ORDER = ['reported', 'verifying', 'verified', 'filed', 'dispatched', 'returned', 'handled', 'checked', 'closed', 'voided'];
const SOURCE_ORDER = ['inspector', 'public', 'survey', 'video', 'referral'];
const NO_DISTRICT = 255;

export interface CasesLayer {
  rows: CaseFeedRow[];
  lights: Light[];
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

/** The rows of the period with their lights as of `now`. */
export async function loadCasesLayer(db: Db, period: Period, now: Date): Promise<CasesLayer> {
  const [caseRows, clocks, settings, dict] = await Promise.all([caseFeedRows(db, period), openCaseClocks(db, period), clockSettings(db), caseFeedDictionaries(db)]);
  const date = (ms: number | null) => (ms === null ? null : new Date(ms));
  const openLight = new Map(
    clocks.map((c) => [
      c.id,
      trafficLight(
        { status: c.status, dispatchedAt: date(c.dispatched_ms), handledAt: date(c.handled_ms), handleDueAt: date(c.handle_due_ms), closeDueAt: date(c.close_due_ms), closedAt: null },
        now,
        settings.warnRatio,
        settings.calendar,
      ),
    ]),
  );
  const lights = caseRows.map((r): Light => (r.status === 'closed' ? (r.on_time === null ? 'none' : r.on_time ? 'onTime' : 'late') : (openLight.get(r.id) ?? 'none')));
  return {
    rows: caseRows,
    lights,
    meta: {
      origin: FEED_ORIGIN,
      now: now.toISOString(),
      period: period.from || period.to ? { from: period.from ?? null, to: period.to ?? null } : null,
      statuses: withExtras(STATUS_ORDER, caseRows.map((r) => r.status)),
      sources: withExtras(SOURCE_ORDER, caseRows.map((r) => r.source)),
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
  for (const s of seen) {
    if (has.has(s)) continue;
    has.add(s);
    out.push(s);
  }
  return out;
}

export function casesFeed(layer: CasesLayer): FeedInput {
  const { rows, meta } = layer;
  const n = rows.length;
  const index = (list: string[]) => new Map(list.map((v, i) => [v, i]));
  const statusIx = index(meta.statuses);
  const sourceIx = index(meta.sources);
  const categoryIx = index(meta.categories.map((c) => c.code));
  const districtIx = index(meta.districts.map((d) => d.code));
  const lightIx = index([...LIGHTS]);
  if (meta.categories.length > 0xffff) throw new Error('too many categories for a u16 column');
  const id = new Uint32Array(n);
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  const t = new Uint32Array(n);
  const status = new Uint8Array(n);
  const light = new Uint8Array(n);
  const source = new Uint8Array(n);
  const category = new Uint16Array(n);
  const district = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    id[i] = r.id;
    x[i] = r.x;
    y[i] = r.y;
    t[i] = Math.floor(r.t);
    status[i] = statusIx.get(r.status)!;
    light[i] = lightIx.get(layer.lights[i])!;
    source[i] = sourceIx.get(r.source)!;
    category[i] = categoryIx.get(r.category_code) ?? 0xffff;
    district[i] = r.district_code === null ? NO_DISTRICT : (districtIx.get(r.district_code) ?? NO_DISTRICT);
  }
  return { length: n, meta, columns: { id, x, y, t, status, light, source, category, district } };
}

/** The same rows as a GeoJSON FeatureCollection (full-precision lng/lat). */
export function casesGeoJson(layer: CasesLayer): string {
  const [ox, oy] = layer.meta.origin;
  const features = layer.rows.map((r, i) => ({
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [ox + r.x, oy + r.y] },
    properties: {
      id: r.id,
      code: r.code,
      status: r.status,
      light: layer.lights[i],
      source: r.source,
      categoryCode: r.category_code,
      districtCode: r.district_code,
      reportedAt: new Date(r.t * 1000).toISOString(),
    },
  }));
  return JSON.stringify({ type: 'FeatureCollection', features });
}
