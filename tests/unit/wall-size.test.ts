// The wall screen's physical sizes and its district names' placement (client/features/wall/).
import { describe, expect, it } from 'vitest';
import { wallPhysical, wallSizes, WALL_DEFAULTS } from '../../client/features/wall/wall-size.ts';
import { overlaps, placeLabels, type LabelBox } from '../../client/features/wall/wall-labels.ts';

describe('wall sizes follow the panel and the distance, not the pixels', () => {
  it.each([
    ['a 65″ panel read from 3 m at 1920 px', 1920, 1439, 3, 20, 54],
    ['the same panel at 3840 px: twice the pixels', 3840, 1439, 3, 40, 108],
    ['read from 6 m: twice as large', 1920, 1439, 6, 40, 108],
  ])('%s', (_, width, panel, distance, body, kpi) => {
    const s = wallSizes(width, panel, distance);
    expect(s.body).toBeGreaterThanOrEqual(body);
    expect(s.body).toBeLessThan(body * 1.01);
    expect(s.kpi).toBeGreaterThanOrEqual(kpi);
  });
  it('reads panel and distance from the address, falling back to the defaults for missing or absurd values', () => {
    expect(wallPhysical('')).toEqual(WALL_DEFAULTS);
    expect(wallPhysical('?panel=2200&distance=5')).toEqual({ panelMm: 2200, distanceM: 5 });
    expect(wallPhysical('?panel=-1&distance=abc')).toEqual(WALL_DEFAULTS);
    expect(wallPhysical('?panel=1e9&distance=0.1')).toEqual(WALL_DEFAULTS);
  });
});

describe('district names never overlap', () => {
  const box = (key: string, x: number, y: number): LabelBox => ({ key, x, y, width: 80, height: 30 });
  it('leaves labels that do not touch where they are', () => {
    const placed = placeLabels([box('a', 0, 0), box('b', 200, 0)]);
    expect(placed.map((l) => [l.x, l.y])).toEqual([[0, 0], [200, 0]]);
  });
  it('moves the later of two labels on the same spot (芗城区 and 龙文区 side by side) just clear of the first', () => {
    const placed = placeLabels([box('xiangcheng', 100, 100), box('longwen', 130, 105)], 2);
    expect(placed[0]).toMatchObject({ x: 100, y: 100 });
    expect(overlaps(placed[0], placed[1], 2)).toBe(false);
    expect(Math.abs(placed[1].y - 105)).toBeLessThanOrEqual(45);
  });
  it('separates a crowd: no two of twelve labels piled on one point overlap', () => {
    const placed = placeLabels(Array.from({ length: 12 }, (_, i) => box(String(i), 300 + i, 300)), 2);
    for (let i = 0; i < placed.length; i++) for (let j = i + 1; j < placed.length; j++) expect(overlaps(placed[i], placed[j], 2)).toBe(false);
  });
});
