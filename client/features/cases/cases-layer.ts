// The case layer (stable ids cases-points, cases-hex): points coloured by state or traffic
// light from street level, hexagons below it (mode 'auto'), or either forced. Hexagons show
// density when colouring by state, and the share of cases over their time limit when
// colouring by time limit (what a command centre looks for at city scale: where the overdue
// work is, not only where there is much of it).
import { COORDINATE_SYSTEM } from '@deck.gl/core';
import type { MapLayers } from '../../map/map-layers.ts';
import { ScatterplotLayer } from '@deck.gl/layers';
import { HexagonLayer, type HexagonLayerProps } from '@deck.gl/aggregation-layers';
import { DENSITY_RAMP, OVERDUE_RAMP, OVERDUE_STEP } from './case-colours.ts';
import { stableRows } from '../../map/feed-layers.ts';
import type { CasesMeta, SelectedCases } from './cases-data.ts';

export type CaseMode = 'auto' | 'points' | 'hex';
export const CASE_POINTS_MIN_ZOOM = 11;

export function caseModeAt(mode: CaseMode, zoom: number): 'points' | 'hex' {
  return mode === 'auto' ? (zoom >= CASE_POINTS_MIN_ZOOM ? 'points' : 'hex') : mode;
}

/** Hexagon radius in metres for a zoom (512-px tiles): about 14 px across on screen, never below 150 m. */
export function hexRadiusMeters(zoom: number, latitude = 24.5): number {
  const metresPerPixel = (78271.52 * Math.cos((latitude * Math.PI) / 180)) / 2 ** zoom;
  return Math.max(150, Math.round((metresPerPixel * 7) / 50) * 50);
}

/** One binary data object per selection, so deck.gl re-uploads only when the selection changes. */
interface BinaryData {
  length: number;
  attributes: Record<string, { value: Float32Array | Uint8Array; size: number; normalized?: boolean }>;
}
const attributeData = new WeakMap<SelectedCases, BinaryData>();
function attributesOf(selected: SelectedCases): BinaryData {
  let d = attributeData.get(selected);
  if (!d) {
    d = { length: selected.length, attributes: { getPosition: { value: selected.positions, size: 2 }, getFillColor: { value: selected.colours, size: 4, normalized: true } } };
    attributeData.set(selected, d);
  }
  return d;
}

/** Lights that count as over the limit (red: open and overdue) and that have no limit at all. */
const OVERDUE_LIGHTS = new Set(['red', 'late']);
const UNCLOCKED_LIGHT = 'none';

/**
 * The share of the given cases (indices into the selection) that are over their time limit,
 * of those that have one: red or closed late ÷ every light but 'none'. NaN when none has a
 * limit (deck.gl then draws no hexagon there).
 */
export function overdueShare(lightNames: readonly string[], lights: Uint8Array, indices: ArrayLike<number>): number {
  let over = 0;
  let clocked = 0;
  for (let k = 0; k < indices.length; k++) {
    const name = lightNames[lights[indices[k]]];
    if (name === undefined || name === UNCLOCKED_LIGHT) continue;
    clocked++;
    if (OVERDUE_LIGHTS.has(name)) over++;
  }
  return clocked ? over / clocked : NaN;
}

/** One accessor per selection: deck.gl re-aggregates when the accessor changes. */
const overdueValue = new WeakMap<SelectedCases, (points: unknown[], o: { indices: number[] }) => number>();
function overdueValueOf(selected: SelectedCases, meta: CasesMeta) {
  let f = overdueValue.get(selected);
  if (!f) overdueValue.set(selected, (f = (_points, { indices }) => overdueShare(meta.lights, selected.lights, indices)));
  return f;
}

/** Colour domain of the overdue share: classes of OVERDUE_STEP, the last one open-ended. */
export const OVERDUE_DOMAIN: [number, number] = [0, OVERDUE_STEP * OVERDUE_RAMP.length];

export function createCasesLayers(o: { selected: SelectedCases; meta: CasesMeta; visible: boolean; zoom: number; mode: CaseMode; colour?: 'state' | 'light'; highlight?: number | null }): MapLayers {
  const shown = caseModeAt(o.mode, o.zoom);
  const { selected, meta } = o;
  const [ox, oy] = meta.origin;
  if (shown === 'hex') {
    const radius = hexRadiusMeters(Math.round(o.zoom * 2) / 2); // half-zoom steps: re-aggregate rarely
    const byLight = o.colour === 'light';
    // by light: a fixed scale, so a colour means the same share on every screen and day
    const colouring: Pick<HexagonLayerProps, 'getColorValue' | 'colorRange' | 'colorScaleType' | 'colorDomain'> = byLight
      ? { getColorValue: overdueValueOf(selected, meta) as HexagonLayerProps['getColorValue'], colorRange: OVERDUE_RAMP, colorScaleType: 'quantize', colorDomain: OVERDUE_DOMAIN }
      : { colorRange: DENSITY_RAMP, colorScaleType: 'quantile' };
    return {
      lines: [],
      deck: [
      new HexagonLayer({
        id: 'cases-hex',
        visible: o.visible,
        data: stableRows(selected, selected.length),
        getPosition: (_: unknown, { index }: { index: number }) => [ox + selected.positions[2 * index], oy + selected.positions[2 * index + 1]],
        gpuAggregation: false,
        radius,
        coverage: 0.9,
        ...colouring,
        opacity: 0.75,
        pickable: true,
        updateTriggers: { getPosition: [selected], getColorValue: [selected, byLight] },
      }),
      ],
    };
  }
  const highlightRow = o.highlight ?? -1;
  return {
    lines: [],
    deck: [
    new ScatterplotLayer({
      id: 'cases-points',
      visible: o.visible,
      coordinateSystem: COORDINATE_SYSTEM.LNGLAT_OFFSETS,
      coordinateOrigin: [ox, oy, 0],
      data: attributesOf(selected),
      getRadius: o.zoom >= 17 ? 6 : o.zoom >= 15 ? 4 : o.zoom >= 13 ? 2.5 : 1.5,
      radiusUnits: 'pixels',
      radiusMinPixels: 1,
      stroked: o.zoom >= 15,
      getLineColor: (_: unknown, { index }: { index: number }) => (selected.rows[index] === highlightRow ? [255, 255, 255, 255] : [0, 0, 0, 140]),
      getLineWidth: (_: unknown, { index }: { index: number }) => (selected.rows[index] === highlightRow ? 3 : 1),
      lineWidthUnits: 'pixels',
      pickable: true,
      autoHighlight: true,
      highlightColor: [255, 255, 255, 200],
      updateTriggers: { getLineColor: [highlightRow, selected], getLineWidth: [highlightRow, selected] },
    }),
    ],
  };
}
