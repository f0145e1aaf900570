// Physical sizes for a wall screen: text is sized for the panel and the distance it is read
// from, not for the pixels, so a 1080p and a 4K panel of the same size read the same. The
// address names the panel's width in millimetres (`panel`) and the viewing distance in metres
// (`distance`); defaults: a 65″ 16:9 panel (1,439 mm wide) read from 3 m.

export const WALL_DEFAULTS = { panelMm: 1439, distanceM: 3 } as const;
/** Accepted ranges (a value outside falls back to the default). */
export const PANEL_MM_RANGE = [200, 20_000] as const;
export const DISTANCE_M_RANGE = [0.5, 50] as const;

/**
 * Body text height per metre of viewing distance, in millimetres: 5 mm/m (about 17′ of arc)
 * is within the legibility guidance for information displays read by passers-by (a 15 mm line
 * at 3 m). KPI values are 2.7× body, headings 1.4×.
 */
export const BODY_MM_PER_M = 5;
export const KPI_SCALE = 2.7;
export const HEADING_SCALE = 1.4;

export interface WallSizes {
  /** CSS pixels per millimetre of the panel at this window width. */
  pxPerMm: number;
  body: number;
  heading: number;
  kpi: number;
}

/** The sizes (CSS px) for a window `widthPx` wide on a panel `panelMm` wide read from `distanceM`. */
export function wallSizes(widthPx: number, panelMm: number = WALL_DEFAULTS.panelMm, distanceM: number = WALL_DEFAULTS.distanceM): WallSizes {
  const pxPerMm = widthPx / panelMm;
  const body = BODY_MM_PER_M * distanceM * pxPerMm;
  return { pxPerMm, body, heading: body * HEADING_SCALE, kpi: body * KPI_SCALE };
}

const inRange = (v: number, [lo, hi]: readonly [number, number]) => Number.isFinite(v) && v >= lo && v <= hi;

/** The panel and distance an address names (`panel=1439&distance=3`), defaults for what it does not or gets wrong. */
export function wallPhysical(search: string): { panelMm: number; distanceM: number } {
  const q = new URLSearchParams(search);
  const panel = Number(q.get('panel') ?? NaN);
  const distance = Number(q.get('distance') ?? NaN);
  return {
    panelMm: inRange(panel, PANEL_MM_RANGE) ? panel : WALL_DEFAULTS.panelMm,
    distanceM: inRange(distance, DISTANCE_M_RANGE) ? distance : WALL_DEFAULTS.distanceM,
  };
}
