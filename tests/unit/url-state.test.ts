import { describe, expect, it } from 'vitest';
import { parseUrlState, periodInstants, serializeOver, serializeUrlState, type UrlDefaults, type UrlState } from '../../client/lib/url-state.ts';

const d: UrlDefaults = {
  view: { lng: 117.55, lat: 24.38, zoom: 7.9, bearing: 0, pitch: 0 },
  layers: ['districts', 'townships', 'cases'],
  period: { from: '2022-01-01', to: '2022-08-31' },
  filterKeys: ['src', 'cat', 'dist', 'state', 'light', 'mode'],
};

describe('URL state', () => {
  it('an empty address gives the defaults', () => {
    const s = parseUrlState('', d);
    expect(s).toEqual({ lang: 'zh', theme: 'dark', view: d.view, layers: d.layers, period: d.period, filters: {}, colour: 'state', sel: null, display: null });
  });

  const full: UrlState = {
    lang: 'en',
    theme: 'light',
    view: { lng: 117.65432, lat: 24.51234, zoom: 15.25, bearing: 30, pitch: 45 },
    layers: ['grids', 'cases'],
    period: { from: '2022-03-01', to: '2022-03-31' },
    filters: { src: ['public', 'inspector'], dist: ['350602'], light: ['red'], mode: ['points'] },
    colour: 'light',
    sel: 'case:12345',
    display: 'wall-token_ABCDEFGHIJKLMNOP',
  };

  it('round-trips every field', () => {
    expect(parseUrlState(serializeUrlState(full, d), d)).toEqual(full);
  });

  it.each([
    ['?display=short', null],
    ['?display=has%20space%20in%20it-xxxxxxxx', null],
    ['?display=Ab_-0123456789abcdef', 'Ab_-0123456789abcdef'],
  ])('keeps a display token %s only when well-formed', (search, want) => {
    expect(parseUrlState(search, d).display).toBe(want);
  });

  it("a write keeps a screen's own keys (the grid editor's edit and district) and replaces the console's", () => {
    const out = new URLSearchParams(serializeOver('?view=117.1,24.1,9&edit=1&district=350602&sel=case:1', full, d));
    expect(out.get('edit')).toBe('1');
    expect(out.get('district')).toBe('350602');
    expect(out.get('sel')).toBe(full.sel);
    expect(parseUrlState(`?${out}`, d)).toEqual(full);
    // a console key the new state drops is dropped, not kept from the old address
    expect(new URLSearchParams(serializeOver('?sel=case:1&colour=light', { ...full, sel: null, colour: 'state' }, d)).has('sel')).toBe(false);
  });

  it('round-trips a state with no layers at all', () => {
    const none = { ...full, layers: [] };
    expect(serializeUrlState(none, d)).toContain('layers=none');
    expect(parseUrlState(serializeUrlState(none, d), d).layers).toEqual([]);
  });

  it('writes only what differs from the defaults, with readable commas', () => {
    const q = serializeUrlState(parseUrlState('', d), d);
    expect(q).toBe('view=117.55,24.38,7.9');
    expect(serializeUrlState(full, d)).toContain('src=public,inspector');
  });

  it('rounds the view to metre precision and omits a flat, north-up camera', () => {
    const q = serializeUrlState({ ...full, view: { lng: 117.123456789, lat: 24.987654321, zoom: 12.3456, bearing: 0, pitch: 0 } }, d);
    expect(new URLSearchParams(q).get('view')).toBe('117.12346,24.98765,12.35');
  });

  it.each([
    ['view=abc', 'view'],
    ['view=200,24,10', 'view'],
    ['view=117,24,99', 'view'],
    ['view=117,24,10,0,120', 'view'],
    ['period=2022-09-01..2022-01-01', 'period'],
    ['period=yesterday', 'period'],
    ['layers=<script>', 'layers'],
  ] as const)('falls back to the default for a bad %s', (search, key) => {
    expect(parseUrlState(search, d)[key]).toEqual(d[key]);
  });

  it('drops malformed filters and selections instead of failing', () => {
    const s = parseUrlState('src=a;b&sel=case:abc', d);
    expect(s.filters).toEqual({});
    expect(s.sel).toBeNull();
  });

  it.each([
    [-90, -90],
    [270, -90],
    [-10, -10],
    [350, -10],
    [180, 180],
    [-180, 180],
    [540, 180],
  ])('normalises bearing %s to %s, as MapLibre reports it (-180, 180]', (input, expected) => {
    expect(parseUrlState(`view=117,24,10,${input},0`, d).view.bearing).toBe(expected);
  });
  it('an anticlockwise view read back from the map is the same view (no jump loop)', () => {
    const fromMap = { lng: 117.5, lat: 24.5, zoom: 12, bearing: -37.5, pitch: 30 };
    expect(parseUrlState(serializeUrlState({ ...parseUrlState('', d), view: fromMap }, d), d).view).toEqual(fromMap);
  });
});

describe('period instants', () => {
  it('is the half-open China-time range of the inclusive dates', () => {
    expect(periodInstants({ from: '2022-01-01', to: '2022-08-31' })).toEqual({ from: '2022-01-01T00:00:00+08:00', to: '2022-09-01T00:00:00+08:00' });
  });
  it('crosses month and year ends (and a leap day)', () => {
    expect(periodInstants({ from: '2024-02-29', to: '2024-12-31' }).to).toBe('2025-01-01T00:00:00+08:00');
    expect(periodInstants({ from: '2024-02-28', to: '2024-02-28' }).to).toBe('2024-02-29T00:00:00+08:00');
  });
});
