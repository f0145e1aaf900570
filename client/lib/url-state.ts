// Everything a wall screen needs lives in the address: route, language, theme, view, layers,
// filters and selection. parseUrlState/serializeUrlState are inverses for valid state
// (tests/unit/url-state.test.ts); anything unreadable in a URL falls back to the default
// rather than breaking the page.
import type { ViewState } from '../map/view-state.ts';

export type Theme = 'dark' | 'light';
export type CaseColouring = 'state' | 'light';

export type { ViewState };

export interface UrlState {
  lang: 'zh' | 'en';
  theme: Theme;
  view: ViewState;
  layers: string[];
  /** Reporting period, local dates (Asia/Shanghai), inclusive: [from, to]. */
  period: { from: string; to: string };
  /** Filter name → allowed values; an absent key means "all". */
  filters: Record<string, string[]>;
  colour: CaseColouring;
  /** The selected feature, `<kind>:<id>`. */
  sel: string | null;
  /** A wall screen's read-only display token (kept in the address so the screen is configured by it). */
  display: string | null;
}

export interface UrlDefaults {
  view: ViewState;
  layers: string[];
  period: { from: string; to: string };
  filterKeys: readonly string[];
}

const round = (n: number, digits: number) => Number(n.toFixed(digits));
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const LIST = /^[\w.-]+(,[\w.-]+)*$/;

function parseView(raw: string | null, fallback: ViewState): ViewState {
  if (!raw) return fallback;
  const [lng, lat, zoom, bearing = 0, pitch = 0] = raw.split(',').map(Number);
  const ok = [lng, lat, zoom, bearing, pitch].every(Number.isFinite) && Math.abs(lng) <= 180 && Math.abs(lat) <= 85 && zoom >= 0 && zoom <= 24 && pitch >= 0 && pitch <= 85;
  // bearings as MapLibre reports them, in (-180, 180], so a view read back compares equal
  return ok ? { lng, lat, zoom, bearing: normaliseBearing(bearing), pitch } : fallback;
}

export function normaliseBearing(b: number): number {
  const r = ((((b + 180) % 360) + 360) % 360) - 180;
  return r === -180 ? 180 : r;
}

export function formatView(v: ViewState): string {
  const parts = [round(v.lng, 5), round(v.lat, 5), round(v.zoom, 2)];
  if (round(v.bearing, 1) !== 0 || round(v.pitch, 1) !== 0) parts.push(round(v.bearing, 1), round(v.pitch, 1));
  return parts.join(',');
}

/** The display token of a wall screen's address (`display=`), or null when absent or malformed. */
export function displayTokenOf(search: string): string | null {
  const raw = new URLSearchParams(search).get('display');
  return raw && /^[\w-]{16,100}$/.test(raw) ? raw : null;
}

export function parseUrlState(search: string, d: UrlDefaults): UrlState {
  const q = new URLSearchParams(search);
  const layersRaw = q.get('layers');
  const period = (q.get('period') ?? '').split('..');
  const filters: Record<string, string[]> = {};
  for (const key of d.filterKeys) {
    const raw = q.get(key);
    if (raw && LIST.test(raw)) filters[key] = raw.split(',');
  }
  return {
    lang: q.get('lang') === 'en' ? 'en' : 'zh',
    theme: q.get('theme') === 'light' ? 'light' : 'dark',
    view: parseView(q.get('view'), d.view),
    layers: layersRaw === null ? d.layers : layersRaw === '' || layersRaw === 'none' ? [] : LIST.test(layersRaw) ? layersRaw.split(',') : d.layers,
    period: period.length === 2 && DATE.test(period[0]) && DATE.test(period[1]) && period[0] <= period[1] ? { from: period[0], to: period[1] } : d.period,
    filters,
    colour: q.get('colour') === 'light' ? 'light' : 'state',
    sel: /^[a-z]+:\d+$/i.test(q.get('sel') ?? '') ? q.get('sel') : null,
    display: displayTokenOf(search),
  };
}

/** Only what differs from the defaults goes into the address, so links stay short. */
export function serializeUrlState(s: UrlState, d: UrlDefaults): string {
  const q = new URLSearchParams();
  if (s.lang !== 'zh') q.set('lang', s.lang);
  if (s.theme !== 'dark') q.set('theme', s.theme);
  q.set('view', formatView(s.view));
  if (s.layers.join(',') !== d.layers.join(',')) q.set('layers', s.layers.length ? s.layers.join(',') : 'none');
  if (s.period.from !== d.period.from || s.period.to !== d.period.to) q.set('period', `${s.period.from}..${s.period.to}`);
  for (const key of d.filterKeys) if (s.filters[key]?.length) q.set(key, s.filters[key].join(','));
  if (s.colour !== 'state') q.set('colour', s.colour);
  if (s.sel) q.set('sel', s.sel);
  if (s.display) q.set('display', s.display);
  return readableQuery(q);
}

/** A query string as people read it: commas and colons unescaped (both are legal in a query). */
export const readableQuery = (q: URLSearchParams): string => q.toString().replaceAll('%2C', ',').replaceAll('%3A', ':');

/** The address keys the console's state owns (what serializeUrlState writes). */
const consoleKeys = (d: UrlDefaults) => new Set(['lang', 'theme', 'view', 'layers', 'period', 'colour', 'sel', 'display', ...d.filterKeys]);

/**
 * The console's state written over the current address: the keys it owns come from `s`, any other
 * key of `current` (a screen's own, such as the grid editor's edit and district) is kept.
 */
export function serializeOver(current: string, s: UrlState, d: UrlDefaults): string {
  const q = new URLSearchParams(serializeUrlState(s, d));
  const owned = consoleKeys(d);
  for (const [k, v] of new URLSearchParams(current)) if (!owned.has(k) && !q.has(k)) q.append(k, v);
  return readableQuery(q);
}

/** The period as the API's half-open instant range, in China Standard Time (UTC+8, no DST). */
export function periodInstants(p: { from: string; to: string }): { from: string; to: string } {
  const next = new Date(`${p.to}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return { from: `${p.from}T00:00:00+08:00`, to: `${next.toISOString().slice(0, 10)}T00:00:00+08:00` };
}

/** Local dates (China Standard Time, UTC+8) of the `days` days ending today, inclusive: what a working screen opens on. */
export function recentPeriod(days: number, nowMs: number = Date.now()): { from: string; to: string } {
  const local = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
  return { from: local(nowMs - (days - 1) * 86_400_000), to: local(nowMs) };
}

/** The days a screen's default period covers: every open case of the demo city (the oldest are ~17 days old) and the recent weeks. */
export const RECENT_DAYS = 30;
