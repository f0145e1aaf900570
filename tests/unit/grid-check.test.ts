import { describe, expect, it } from 'vitest';
import { checkCell, mayLeave, mayOverlap } from '../../client/features/grids/editor/check.ts';
import type { CellGeometry, GridRules, Position } from '../../domain/grid-rules.ts';

// The defaults of settings grid.* (docs/decisions/0027-grid-editor.md).
const RULES: GridRules = { overlapToleranceM2: 0.01, minGapM2: 1, spikeDegrees: 1, minAreaM2: 1000, maxAreaM2: 200_000 };
const O: Position = [117.6, 24.5];
const at = (x: number, y: number): Position => [O[0] + x, O[1] + y];
const poly = (...pts: Position[]): CellGeometry => ({ type: 'Polygon', coordinates: [[...pts, pts[0]]] });
const square = (x0: number, y0: number, x1: number, y1: number) => poly(at(x0, y0), at(x1, y0), at(x1, y1), at(x0, y1));
/** Degrees of latitude and longitude (at 24.5° N) for one metre. */
const M_LAT = 1 / 110_700, M_LNG = 1 / (111_320 * Math.cos((24.5 * Math.PI) / 180));

const A = square(0, 0, 0.001, 0.001); // about 101 m × 111 m
const community = square(0, 0, 0.003, 0.002);
const reasons = (g: CellGeometry, neighbours: CellGeometry[] = [], c: CellGeometry | null = community) =>
  checkCell({ ref: 'new-1', geometry: g, neighbours: neighbours.map((n, i) => ({ ref: `n${i}`, geometry: n })), community: c }, RULES).map((p) => p.reason);

describe('the instant check', () => {
  it.each<[string, CellGeometry, string[]]>([
    ['a plain square cell is fine', A, []],
    ['wrong winding (clockwise) is fine', poly(at(0, 0), at(0, 0.001), at(0.001, 0.001), at(0.001, 0)), []],
    ['bow-tie is a self-intersection', poly(at(0, 0), at(0.001, 0.001), at(0.001, 0), at(0, 0.001)), ['grid.selfIntersection']],
    ['spike detected (a needle 0.5° wide off one side)', poly(at(0, 0), at(0.001, 0), at(0.001, 0.0005), at(0.0025, 0.0005 + 0.0015 * Math.tan((0.5 * Math.PI) / 180)), at(0.001, 0.0005 + 0.00001), at(0.001, 0.001), at(0, 0.001)), ['grid.spike']],
    ['a corner of 2° is no spike', poly(at(0, 0), at(0.001, 0), at(0.0005, 0.001 * Math.tan((2 * Math.PI) / 180) * 0.5)), ['grid.tooSmall']],
    ['too small: 30 m × 30 m', square(0, 0, 30 * M_LNG, 30 * M_LAT), ['grid.tooSmall']],
    ['too large: a whole 0.005° square (about 280,000 m²)', square(0, 0, 0.005, 0.005), ['grid.tooLarge', 'grid.outsideCommunity']],
  ])('%s', (_, g, expected) => {
    expect(reasons(g)).toEqual(expected);
  });

  it('1 m² overlap reported, 0.005 m² not', () => {
    const one = square(0.001 - M_LNG, 0.001 - M_LAT, 0.002, 0.002);
    const tiny = square(0.001 - Math.sqrt(0.005) * M_LNG, 0.001 - Math.sqrt(0.005) * M_LAT, 0.002, 0.002);
    const found = checkCell({ ref: 'a', geometry: A, neighbours: [{ ref: '350602001001002', geometry: one }], community }, RULES);
    expect(found.map((p) => p.reason)).toEqual(['grid.overlap']);
    expect(found[0].params.m2).toBeGreaterThan(0.95);
    expect(found[0].params.m2).toBeLessThan(1.05);
    expect(found[0].params.other).toBe('350602001001002');
    expect(found[0].where?.type).toBe('Polygon');
    expect(reasons(A, [tiny])).toEqual([]);
  });

  it('neighbours sharing an edge or only a corner do not overlap', () => {
    expect(reasons(A, [square(0.001, 0, 0.002, 0.001), square(0.001, 0.001, 0.002, 0.002), square(0, 0.001, 0.001, 0.002)])).toEqual([]);
  });

  it('a cell 1 m² outside its community is reported, 0.005 m² outside is not', () => {
    // A with a tab of side d metres sticking out west of the community's western edge
    const tab = (d: number) => poly(at(-d * M_LNG, 0), at(0.001, 0), at(0.001, 0.001), at(0, 0.001), at(0, d * M_LAT), at(-d * M_LNG, d * M_LAT));
    const one = checkCell({ ref: 'a', geometry: tab(1), neighbours: [], community }, RULES);
    expect(one.map((p) => p.reason)).toEqual(['grid.outsideCommunity']);
    expect(Number(one[0].params.m2)).toBeCloseTo(1, 1);
    expect(reasons(tab(Math.sqrt(0.005)))).toEqual([]);
  });

  it('no community known: the outside check is skipped', () => {
    expect(reasons(square(-0.001, 0, 0.0005, 0.001), [], null)).toEqual([]);
  });

  it('a MultiPolygon cell is checked part by part', () => {
    const multi: CellGeometry = { type: 'MultiPolygon', coordinates: [square(0, 0, 0.0005, 0.001).coordinates, square(0.0006, 0, 0.001, 0.001).coordinates] as Position[][][] };
    expect(reasons(multi)).toEqual([]);
  });

  it.each<[string, CellGeometry, boolean]>([
    ['a neighbour sharing an edge', square(0.001, 0, 0.002, 0.001), false],
    ['a neighbour sharing only a corner', square(0.001, 0.001, 0.002, 0.002), false],
    ['a neighbour sharing half an edge (a T-junction)', square(0.001, 0.0005, 0.002, 0.0015), false],
    ['a cross: no vertex inside the other, the edges cross', square(-0.0005, 0.0004, 0.0015, 0.0006), true],
    ['a triangle on three of its corners (every vertex on the outline, the diagonal inside)', poly(at(0, 0), at(0.001, 0), at(0.001, 0.001)), true],
    ['the same cell twice', A, true],
    ['a cell inside it', square(0.0004, 0.0004, 0.0006, 0.0006), true],
  ])('the overlap pretest: %s → %s', (_, other, expected) => {
    expect(mayOverlap(A, other)).toBe(expected);
  });

  it.each<[string, CellGeometry, CellGeometry, boolean]>([
    ['a cell well inside', square(0.001, 0.0005, 0.002, 0.0015), community, false],
    ["a cell in the community's corner (two edges on its outline)", A, community, false],
    ['a cell with half an edge on the outline (a vertex slid along it)', square(0.0005, 0, 0.0015, 0.001), community, false],
    ['a tab across the western edge', poly(at(-0.0001, 0), at(0.001, 0), at(0.001, 0.001), at(-0.0001, 0.001)), community, true],
    ['a cell on the outline, outside (in a hole of the same shape)', square(0.001, 0.0005, 0.002, 0.0015), { type: 'Polygon', coordinates: [community.coordinates[0] as Position[], [...(square(0.001, 0.0005, 0.002, 0.0015).coordinates[0] as Position[])].reverse()] }, true],
    ['a community that is half the cell (a corner strictly outside)', A, poly(at(0, 0), at(0.001, 0), at(0.001, 0.001)), true],
    ["the outline dipping into the cell between two of its corners", A, poly(at(0, 0), at(0.0005, 0.0005), at(0.001, 0), at(0.003, 0), at(0.003, 0.002), at(0, 0.002)), true],
  ])('the outside pretest: %s → %s', (_, cell, c, expected) => {
    expect(mayLeave(cell, c)).toBe(expected);
  });

  it('a cross-shaped overlap (no vertex inside the other) is measured and reported', () => {
    const found = checkCell({ ref: 'a', geometry: A, neighbours: [{ ref: 'n', geometry: square(-0.0005, 0.0004, 0.0015, 0.0006) }], community: null }, RULES);
    expect(found.map((p) => p.reason)).toEqual(['grid.overlap']);
  });
});
