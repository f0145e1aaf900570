// Colours and legends of the case layer: by workflow state group, or by time-limit traffic
// light (docs/domain-notes.md, clocks: green below the warning share of the limit, yellow up to the limit, red
// overdue). Pure tables; tests/unit/case-layer.test.ts checks every status is covered.
export type Rgba = [number, number, number, number];

import type { StateGroup } from '../../../domain/workflow.ts';
import type { Light } from '../../../domain/case-light.ts';

export const STATE_COLOURS: Record<StateGroup, Rgba> = {
  intake: [64, 160, 255, 255],
  handling: [255, 153, 51, 255],
  closing: [190, 120, 255, 255],
  closed: [70, 190, 170, 130],
  voided: [130, 130, 140, 120],
  other: [200, 200, 200, 200],
};

/** Index = the feed's light code (meta.lights). */
export const LIGHT_COLOURS: Record<Light, Rgba> = {
  none: [120, 140, 170, 200],
  green: [40, 200, 90, 255],
  yellow: [255, 210, 0, 255],
  red: [255, 50, 50, 255],
  onTime: [60, 160, 130, 130],
  late: [200, 90, 140, 170],
};

/** Hexagon ramp for case density (few → many). */
export const DENSITY_RAMP: [number, number, number][] = [
  [34, 94, 168],
  [44, 127, 184],
  [65, 182, 196],
  [127, 205, 187],
  [254, 217, 118],
  [253, 141, 60],
  [227, 26, 28],
];

/**
 * Hexagons coloured by time limit: the share of a hexagon's time-limited cases that are over
 * their limit (red: open and overdue; closed late), in classes of OVERDUE_STEP (green → red;
 * the last class is OVERDUE_STEP × (n − 1) and more). The city's share in Jan–Aug 2022 is ~5 %.
 */
export const OVERDUE_STEP = 0.05;
export const OVERDUE_RAMP: [number, number, number][] = [
  [40, 170, 90],
  [150, 200, 60],
  [255, 210, 0],
  [250, 130, 30],
  [220, 40, 40],
];
