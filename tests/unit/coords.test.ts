// Coordinate conversion (domain/coords.ts, through gcoord): what phone apps send in GCJ-02 or
// BD-09 comes back to WGS-84 where we store it.
import { describe, expect, it } from 'vitest';
import { fromWgs84, toWgs84, transformGeoJson, INPUT_CRS } from '../../domain/coords.ts';

// metres per degree near Zhangzhou (24.5° N)
const M_LAT = 110_800;
const M_LNG = 111_320 * Math.cos((24.5 * Math.PI) / 180);
const metres = (a: [number, number], b: [number, number]) => Math.hypot((a[0] - b[0]) * M_LNG, (a[1] - b[1]) * M_LAT);
const ZHANGZHOU_CENTRE: [number, number] = [117.6472, 24.5135];

describe('coordinate systems', () => {
  it('WGS-84 is returned as it is', () => {
    expect(toWgs84([117.1, 24.2], 'wgs84')).toEqual([117.1, 24.2]);
    expect(fromWgs84([117.1, 24.2], 'wgs84')).toEqual([117.1, 24.2]);
  });
  it('the GCJ-02 shift near Zhangzhou is several hundred metres (east and south), and BD-09 is further off', () => {
    const gcj = fromWgs84(ZHANGZHOU_CENTRE, 'gcj02');
    expect(gcj[0]).toBeGreaterThan(ZHANGZHOU_CENTRE[0]);
    expect(gcj[1]).toBeLessThan(ZHANGZHOU_CENTRE[1]);
    expect(metres(gcj, ZHANGZHOU_CENTRE)).toBeGreaterThan(400);
    expect(metres(gcj, ZHANGZHOU_CENTRE)).toBeLessThan(700);
    expect(metres(fromWgs84(ZHANGZHOU_CENTRE, 'bd09'), ZHANGZHOU_CENTRE)).toBeGreaterThan(metres(gcj, ZHANGZHOU_CENTRE));
  });
  it('a position sent in any system comes back to its WGS-84 point within 10 cm (the inverses of gcoord are approximations)', () => {
    for (const crs of INPUT_CRS) {
      for (const p of [ZHANGZHOU_CENTRE, [117.2, 23.7], [117.9, 24.9], [116.9, 24.0]] as [number, number][]) {
        expect(metres(toWgs84(fromWgs84(p, crs), crs), p), `${crs} ${p}`).toBeLessThan(0.1);
      }
    }
  });
  it('outside China nothing is shifted', () => {
    expect(metres(fromWgs84([2.35, 48.85], 'gcj02'), [2.35, 48.85])).toBe(0);
  });
  it('converts GeoJSON without touching the input', () => {
    const input = { type: 'Point', coordinates: [...ZHANGZHOU_CENTRE] };
    const out = transformGeoJson(input, 'wgs84', 'gcj02');
    expect(input.coordinates).toEqual(ZHANGZHOU_CENTRE);
    expect(out.coordinates).toEqual(fromWgs84(ZHANGZHOU_CENTRE, 'gcj02'));
    expect(transformGeoJson(input, 'gcj02', 'gcj02')).toBe(input);
  });
});
