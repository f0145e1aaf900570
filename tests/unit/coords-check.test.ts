// Typed coordinates against the city's area (domain/coords.ts coordsCheck): longitude and
// latitude the other way round are recognised as such (the intake form offers the swap, the
// server says so), a point far away is outside, a half-typed pair is incomplete.
import { describe, expect, it } from 'vitest';
import { CITY_AREA, coordsCheck, fromWgs84 } from '../../domain/coords.ts';

describe('typed coordinates', () => {
  it('a point in Zhangzhou is ok, in every input system', () => {
    expect(coordsCheck(117.6484, 24.5663)).toBe('ok');
    for (const crs of ['gcj02', 'bd09'] as const) expect(coordsCheck(...fromWgs84([117.6484, 24.5663], crs))).toBe('ok');
    // the corners of the city: Dongshan island in the south-east, Hua'an in the north
    expect(coordsCheck(117.43, 23.7)).toBe('ok');
    expect(coordsCheck(117.53, 25.0)).toBe('ok');
  });
  it('longitude and latitude swapped (24.5663 / 117.6484) are recognised', () => {
    expect(coordsCheck(24.5663, 117.6484)).toBe('swapped');
    expect(coordsCheck(24.2, 117.1)).toBe('swapped');
  });
  it('a point elsewhere is outside, either way round', () => {
    expect(coordsCheck(116.4, 39.9)).toBe('outside'); // Beijing
    expect(coordsCheck(39.9, 116.4)).toBe('outside');
    expect(coordsCheck(0, 0)).toBe('outside');
    expect(coordsCheck(CITY_AREA.east + 0.01, 24.5)).toBe('outside');
  });
  it('not two numbers yet: incomplete', () => {
    expect(coordsCheck(Number.NaN, 24.5)).toBe('incomplete');
    expect(coordsCheck(117.6, Number.parseFloat(''))).toBe('incomplete');
    expect(coordsCheck(Number.POSITIVE_INFINITY, 24.5)).toBe('incomplete');
  });
});
