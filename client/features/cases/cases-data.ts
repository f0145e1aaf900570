// Shapes the decoded case feed (server/http/layers.ts, format CGB1) for deck.gl: filters run
// over the typed columns in the browser, so changing source, category, district, state or
// light never re-downloads the period. Positions stay float32 offsets from meta.origin
// (degrees, WGS-84) and are drawn with deck.gl's LNGLAT_OFFSETS.
// Lights are derived here, as of the browser's now, from the feed's clock marks (warnAt,
// dueAt, closed) with the rule the server uses too (domain/case-light.ts): the feed itself
// does not change with the time, only with the data; the console's minute clock (client/lib/use-minute.ts) moves now each minute.
import { caseLight, LIGHTS, type CaseLightInput, type Light } from '../../../domain/case-light.ts';
import type { Feed } from '../../map/binary-feed.ts';
import type { CasesFeedMeta } from '../../../domain/feeds.ts';
import { LIGHT_COLOURS, STATE_COLOURS, type Rgba } from './case-colours.ts';
import { stateGroupOf, type StateGroup } from '../../../domain/workflow.ts';

/** The cases feed's meta: the contract in domain/feeds.ts. */
export type CasesMeta = CasesFeedMeta;
export type CasesFeed = Feed<CasesMeta>;

export const CASE_FILTER_KEYS = ['src', 'cat', 'dist', 'state', 'light'] as const;
export type CaseFilterKey = (typeof CASE_FILTER_KEYS)[number];
export type CaseFilters = Partial<Record<CaseFilterKey, string[]>>;

export interface SelectedCases {
  length: number;
  /** Row index in the feed of each drawn case (for picking → id); finished cases first. */
  rows: Uint32Array;
  positions: Float32Array;
  colours: Uint8Array;
  /** Light code (an index into meta.lights) of each drawn case, as of the selection's instant. */
  lights: Uint8Array;
}

/** A lookup table value → allowed, or null when the filter is off. */
function allowTable(values: readonly string[], allowed: string[] | undefined, key: (v: string) => string = (v) => v): Uint8Array | null {
  if (!allowed?.length) return null;
  const set = new Set(allowed);
  return Uint8Array.from(values, (v) => (set.has(key(v)) ? 1 : 0));
}

/**
 * The light code of each case (an index into meta.lights) as of `nowMs`, from the clock marks.
 * A feed without marks (a hand-made one) keeps its own light column.
 */
export function caseLights(feed: CasesFeed, nowMs: number): Uint8Array {
  const { meta, columns, length } = feed;
  const warnAt = columns.warnAt as Uint32Array | undefined;
  const dueAt = columns.dueAt as Uint32Array | undefined;
  const closed = columns.closed as Uint8Array | undefined;
  if (!warnAt || !dueAt || !closed) return (columns.light as Uint8Array | undefined) ?? new Uint8Array(length);
  const status = columns.status as Uint8Array;
  // light name → the feed's code, by name (the server may order or extend its lights)
  const code = Object.fromEntries(LIGHTS.map((l) => [l, Math.max(0, meta.lights.indexOf(l))])) as Record<Light, number>;
  const out = new Uint8Array(length);
  const c: CaseLightInput = { status: '', closed: 0, warnAt: 0, dueAt: 0 };
  for (let i = 0; i < length; i++) {
    c.status = meta.statuses[status[i]] ?? '';
    c.closed = closed[i];
    c.warnAt = warnAt[i];
    c.dueAt = dueAt[i];
    out[i] = code[caseLight(c, nowMs)];
  }
  return out;
}

/** `nowMs`: the instant the lights are read at (default: now; see client/lib/use-minute.ts). */
export function selectCases(feed: CasesFeed, filters: CaseFilters, colouring: 'state' | 'light', nowMs = Date.now()): SelectedCases {
  const { meta, columns, length } = feed;
  const x = columns.x as Float32Array;
  const y = columns.y as Float32Array;
  const status = columns.status as Uint8Array;
  const light = caseLights(feed, nowMs);
  const source = columns.source as Uint8Array;
  const category = columns.category as Uint16Array;
  const district = columns.district as Uint8Array;
  const groups: StateGroup[] = meta.statuses.map(stateGroupOf);
  const bySource = allowTable(meta.sources, filters.src);
  const byCategory = allowTable(meta.categories.map((c) => c.code), filters.cat);
  const byDistrict = allowTable(meta.districts.map((d) => d.code), filters.dist);
  const byState = allowTable(groups, filters.state);
  const byLight = allowTable(meta.lights, filters.light);
  // by name, so the server may order or extend its lights without mis-colouring them
  const palette: Rgba[] = colouring === 'state' ? groups.map((g) => STATE_COLOURS[g]) : meta.lights.map((name) => LIGHT_COLOURS[name as Light] ?? LIGHT_COLOURS.none);
  const colourKey = colouring === 'state' ? status : light;

  // finished cases (closed, voided) are drawn first, so open ones stay on top where they crowd
  const finished = Uint8Array.from(groups, (g) => (g === 'closed' || g === 'voided' ? 1 : 0));
  const rows = new Uint32Array(length);
  let n = 0;
  for (const pass of [1, 0]) {
    for (let i = 0; i < length; i++) {
      if (finished[status[i]] !== pass) continue;
      if (bySource && !bySource[source[i]]) continue;
      if (byCategory && !byCategory[category[i]]) continue;
      if (byDistrict && !byDistrict[district[i]]) continue; // 255 (no district) reads undefined → filtered out
      if (byState && !byState[status[i]]) continue;
      if (byLight && !byLight[light[i]]) continue;
      rows[n++] = i;
    }
  }
  const positions = new Float32Array(n * 2);
  const colours = new Uint8Array(n * 4);
  const lights = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const i = rows[k];
    positions[2 * k] = x[i];
    positions[2 * k + 1] = y[i];
    colours.set(palette[colourKey[i]] ?? STATE_COLOURS.other, 4 * k);
    lights[k] = light[i];
  }
  return { length: n, rows: rows.slice(0, n), positions, colours, lights };
}
