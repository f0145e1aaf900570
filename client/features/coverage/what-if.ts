// The planner's what-if, in the browser: covered residents while a proposed clinic is dragged or
// an existing one closed, recomputed from the demand cells the server sent (coverage.cells: each
// cell's nearest clinic and distance) with the rule of domain/coverage.ts, the same one the
// server's SQL mirrors. Static spatial indexes (kdbush) over the cells and the clinics; geokdbush
// finds candidates by great circle, and every decision is then made by greatCircleMetres and
// isCovered, so the browser's answer equals the server's (tests/coverage.test.ts).
// Per move: the cells within reach of each proposed site (a few dozen), on top of the covered
// flags of the scenario without proposals (cached per closed set, mode and threshold).
import KDBush from 'kdbush';
import { around } from 'geokdbush';
import { greatCircleMetres, isCovered, reachMetres, reachMm, type TravelMode } from '../../../domain/coverage.ts';

export interface WhatIfCells {
  lng: number[];
  lat: number[];
  population: number[];
  /** The nearest existing clinic's id (0: none) and its distance in metres (−1: none). */
  clinicId: number[];
  metres: number[];
  clinics: { id: number; lng: number; lat: number }[];
}

export interface Site {
  lng: number;
  lat: number;
}

export interface WhatIfAnswer {
  total: number;
  covered: number;
  /** 1 where the cell is covered, per cell. */
  flags: Uint8Array;
}

export class WhatIf {
  /** Null when there is nothing to index (kdbush refuses an empty index). */
  private readonly cells: KDBush | null;
  private readonly clinicIndex: KDBush | null;
  readonly total: number;
  private nearestCache: { key: string; metres: Float64Array } | null = null;
  private flagsCache: { key: string; flags: Uint8Array; covered: number } | null = null;

  constructor(readonly data: WhatIfCells) {
    const n = data.lng.length;
    this.cells = n ? new KDBush(n) : null;
    for (let i = 0; i < n; i++) this.cells!.add(data.lng[i], data.lat[i]);
    this.cells?.finish();
    this.clinicIndex = data.clinics.length ? new KDBush(data.clinics.length) : null;
    for (const c of data.clinics) this.clinicIndex!.add(c.lng, c.lat);
    this.clinicIndex?.finish();
    let t = 0;
    for (const p of data.population) t += p;
    this.total = t;
  }

  /** Each cell's distance to its nearest clinic left open (metres; Infinity when none is). */
  nearest(closed: ReadonlySet<number>): Float64Array {
    const key = [...closed].sort((a, b) => a - b).join(',');
    if (this.nearestCache?.key === key) return this.nearestCache.metres;
    const d = this.data;
    const metres = Float64Array.from(d.metres, (m) => (m < 0 ? Infinity : m));
    if (closed.size) {
      for (let i = 0; i < metres.length; i++) {
        if (!closed.has(d.clinicId[i])) continue;
        const [j] = this.clinicIndex ? around(this.clinicIndex, d.lng[i], d.lat[i], 1, Infinity, (k: number) => !closed.has(d.clinics[k].id)) : [];
        metres[i] = j === undefined ? Infinity : greatCircleMetres(d.clinics[j].lng, d.clinics[j].lat, d.lng[i], d.lat[i]);
      }
    }
    this.nearestCache = { key, metres };
    return metres;
  }

  /** Covered residents of a scenario: `closed` clinic ids, `proposed` sites. */
  evaluate(mode: TravelMode, minutes: number, closed: ReadonlySet<number>, proposed: readonly Site[]): WhatIfAnswer {
    const mm = reachMm(mode, minutes);
    const key = `${mode}:${minutes}:${[...closed].sort((a, b) => a - b).join(',')}`;
    if (this.flagsCache?.key !== key) {
      const metres = this.nearest(closed);
      const flags = new Uint8Array(metres.length);
      let covered = 0;
      for (let i = 0; i < metres.length; i++) {
        if (isCovered(metres[i], mm)) {
          flags[i] = 1;
          covered += this.data.population[i];
        }
      }
      this.flagsCache = { key, flags, covered };
    }
    const base = this.flagsCache;
    if (!proposed.length || !this.cells) return { total: this.total, covered: base.covered, flags: base.flags };
    const flags = base.flags.slice();
    let covered = base.covered;
    // geokdbush's sphere (6371 km) differs from ours by 0.0001 %: a metre of margin, then our own rule decides
    const km = reachMetres(mode, minutes) / 1000 + 0.001;
    for (const p of proposed) {
      for (const i of around(this.cells, p.lng, p.lat, Infinity, km)) {
        if (flags[i] || !isCovered(greatCircleMetres(p.lng, p.lat, this.data.lng[i], this.data.lat[i]), mm)) continue;
        flags[i] = 1;
        covered += this.data.population[i];
      }
    }
    return { total: this.total, covered, flags };
  }
}
