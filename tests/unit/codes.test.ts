// The codes of places and grids (domain/codes.ts).
import { describe, expect, it } from 'vitest';
import { gridCode, gridNumbering, MAX_GRID_SERIAL, parseGridCode, townshipKind, villageKind } from '../../domain/codes.ts';

describe('grid codes', () => {
  it('are the village code and a 3-digit serial, and read back to their places', () => {
    const code = gridCode('350602001002', 7);
    expect(code).toBe('350602001002007');
    expect(parseGridCode(code)).toEqual({ districtCode: '350602', townshipCode: '350602001', villageCode: '350602001002', serial: 7 });
    expect(gridCode('350602001002', MAX_GRID_SERIAL)).toBe('350602001002999');
  });
  it('refuse what is not one', () => {
    expect(() => gridCode('35060200100', 1)).toThrow(RangeError);
    expect(() => gridCode('350602001002', 0)).toThrow(RangeError);
    expect(() => gridCode('350602001002', 1000)).toThrow(RangeError);
    expect(() => gridCode('350602001002', 1.5)).toThrow(RangeError);
    for (const bad of ['35060200100200', '3506020010020011', '350602001002000', '35060200100200a', ' 350602001002001']) expect(parseGridCode(bad), bad).toBeNull();
  });
  it('are numbered west→east within rows running north→south', () => {
    const cells = [
      { id: 'sw', x: 0.0, y: 0.1 },
      { id: 'ne', x: 1.0, y: 0.95 },
      { id: 'nw', x: 0.1, y: 0.9 },
      { id: 'se', x: 0.9, y: 0.05 },
    ];
    expect([...cells].sort(gridNumbering(1, 0.5)).map((c) => c.id)).toEqual(['nw', 'ne', 'sw', 'se']);
  });
});

describe('division codes', () => {
  it('township kind from digits 7–9, village kind from digits 10–12', () => {
    expect(['350602001', '350681100', '350627200', '350627400'].map(townshipKind)).toEqual(['street', 'town', 'township', 'other']);
    expect(['350602001001', '350602001199', '350602001200', '350602001399', '350602001400'].map(villageKind)).toEqual(['community', 'community', 'village', 'village', 'other']);
  });
});
