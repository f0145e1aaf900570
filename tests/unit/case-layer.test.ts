// The case layer's pure parts: colour tables, filtering over the typed columns, the mode by
// zoom, and the layer factory's ids and accessors on a hand-made feed.
import { describe, expect, it } from 'vitest';
import { LIGHT_COLOURS, STATE_COLOURS } from '../../client/features/cases/case-colours.ts';
import { LIGHTS } from '../../domain/case-light.ts';
import { STATE_GROUP_ORDER, STATE_GROUPS, STATUSES as WORKFLOW_STATUSES, stateGroupOf } from '../../domain/workflow.ts';
import { selectCases, type CasesFeed } from '../../client/features/cases/cases-data.ts';
import { caseModeAt, createCasesLayers, hexRadiusMeters } from '../../client/features/cases/cases-layer.ts';

const prop = (layer: { props: unknown }, key: string) => (layer.props as Record<string, unknown>)[key];

const STATUSES = [...WORKFLOW_STATUSES];

function feed(): CasesFeed {
  // five cases: (status, light, source, category, district)
  const st = (s: string) => STATUSES.indexOf(s as never);
  const rows = [
    [st('closed'), 4, 0, 0, 0],
    [st('dispatched'), 3, 1, 1, 1],
    [st('dispatched'), 1, 1, 0, 255],
    [st('reported'), 0, 0, 1, 0],
    [st('handled'), 2, 1, 1, 1],
  ];
  return {
    length: rows.length,
    meta: {
      origin: [117.6, 24.5],
      period: { from: null, to: null },
      statuses: STATUSES,
      sources: ['inspector', 'public'],
      categories: [
        { code: 'E0101', name: '暴露垃圾', nameEn: 'Exposed rubbish', major: '01' },
        { code: 'E0201', name: '非法小广告', nameEn: 'Illegal adverts', major: '02' },
      ],
      districts: [
        { code: '350602', name: '芗城区', nameEn: 'Xiangcheng' },
        { code: '350603', name: '龙文区', nameEn: 'Longwen' },
      ],
      lights: [...LIGHTS],
      warnRatio: 0.8,
    },
    columns: {
      id: Uint32Array.from([10, 11, 12, 13, 14]),
      x: Float32Array.from([0, 0.1, 0.2, 0.3, 0.4]),
      y: Float32Array.from([0, -0.1, -0.2, -0.3, -0.4]),
      t: new Uint32Array(5),
      status: Uint8Array.from(rows.map((r) => r[0])),
      light: Uint8Array.from(rows.map((r) => r[1])),
      source: Uint8Array.from(rows.map((r) => r[2])),
      category: Uint16Array.from(rows.map((r) => r[3])),
      district: Uint8Array.from(rows.map((r) => r[4])),
    },
  };
}

describe('case colours', () => {
  it('every workflow status belongs to exactly one state group', () => {
    for (const s of STATUSES) expect(Object.values(STATE_GROUPS).filter((g) => (g as readonly string[]).includes(s))).toHaveLength(1);
  });
  it('an unknown status is "other", not an error', () => {
    expect(stateGroupOf('archived')).toBe('other');
    expect(stateGroupOf('parked')).toBe('handling');
  });
  it('every state group, "other" included, has its own opaque-enough colour', () => {
    for (const g of STATE_GROUP_ORDER) {
      expect(STATE_COLOURS[g], g).toHaveLength(4);
      expect(STATE_COLOURS[g][3], g).toBeGreaterThanOrEqual(100);
    }
    expect(new Set(STATE_GROUP_ORDER.map((g) => STATE_COLOURS[g].join())).size).toBe(STATE_GROUP_ORDER.length);
  });
  it('every light has a colour, red reads red and green reads green', () => {
    for (const l of LIGHTS) expect(LIGHT_COLOURS[l]).toHaveLength(4);
    expect(LIGHT_COLOURS.red[0]).toBeGreaterThan(LIGHT_COLOURS.red[1]);
    expect(LIGHT_COLOURS.green[1]).toBeGreaterThan(LIGHT_COLOURS.green[0]);
  });
});

describe('selecting cases in the browser', () => {
  it('no filter keeps every case in feed order, coloured by state', () => {
    const s = selectCases(feed(), {}, 'state');
    expect(s.length).toBe(5);
    expect([...s.rows]).toEqual([0, 1, 2, 3, 4]);
    expect([...s.colours.subarray(0, 4)]).toEqual(STATE_COLOURS.closed);
    expect([...s.colours.subarray(4, 8)]).toEqual(STATE_COLOURS.handling);
    expect(s.positions[2]).toBeCloseTo(0.1);
    expect(s.positions[3]).toBeCloseTo(-0.1);
  });
  it('draws finished cases first so open ones stay on top', () => {
    const f = feed();
    (f.columns.status as Uint8Array)[3] = STATUSES.indexOf('voided');
    expect([...selectCases(f, {}, 'state').rows]).toEqual([0, 3, 1, 2, 4]);
  });
  it('filters combine with AND, values within a filter with OR', () => {
    expect([...selectCases(feed(), { src: ["public"] }, "state").rows]).toEqual([1, 2, 4]);
    expect([...selectCases(feed(), { src: ['public'], state: ['handling'] }, 'state').rows]).toEqual([1, 2]);
    expect([...selectCases(feed(), { light: ['red', 'yellow'] }, 'state').rows]).toEqual([1, 4]);
    expect([...selectCases(feed(), { cat: ['E0101'] }, 'state').rows]).toEqual([0, 2]);
  });
  it('a district filter drops cases with no district', () => {
    expect([...selectCases(feed(), { dist: ['350602', '350603'] }, 'state').rows]).toEqual([0, 1, 3, 4]);
  });
  it('colours lights by their names, whatever order the server sends them in', () => {
    const f = feed();
    f.meta.lights = ['red', 'none', 'green', 'yellow', 'onTime', 'late']; // code 0 is now red
    const s = selectCases(f, {}, 'light');
    expect([...s.colours.subarray(0, 4)]).toEqual(LIGHT_COLOURS.onTime); // row 0: code 4
    const row3 = [...s.rows].indexOf(3); // row 3 has code 0
    expect([...s.colours.subarray(4 * row3, 4 * row3 + 4)]).toEqual(LIGHT_COLOURS.red);
  });
  it('colours by traffic light on request', () => {
    const s = selectCases(feed(), { light: ['red'] }, 'light');
    expect([...s.colours]).toEqual(LIGHT_COLOURS.red);
  });
  it('an unknown filter value selects nothing', () => {
    expect(selectCases(feed(), { src: ['carrier-pigeon'] }, 'state').length).toBe(0);
  });
});

describe('case layer factory', () => {
  it('shows hexagons below street level and points from it in auto mode', () => {
    expect(caseModeAt('auto', 9)).toBe('hex');
    expect(caseModeAt('auto', 11)).toBe('points');
    expect(caseModeAt('points', 5)).toBe('points');
    expect(caseModeAt('hex', 18)).toBe('hex');
  });
  it('hexagon radius shrinks as the zoom grows and never goes below 150 m', () => {
    expect(hexRadiusMeters(8)).toBeGreaterThan(hexRadiusMeters(10));
    expect(hexRadiusMeters(20)).toBe(150);
  });
  it('builds stable ids and hands the typed arrays to deck.gl untouched', () => {
    const f = feed();
    const selected = selectCases(f, {}, 'state');
    const [points] = createCasesLayers({ selected, meta: f.meta, visible: true, zoom: 14, mode: 'auto' }).deck;
    expect(points.id).toBe('cases-points');
    const data = points.props.data as { length: number; attributes: { getPosition: { value: Float32Array } } };
    expect(data.length).toBe(5);
    expect(data.attributes.getPosition.value).toBe(selected.positions);
    const [hex] = createCasesLayers({ selected, meta: f.meta, visible: true, zoom: 8, mode: 'auto' }).deck;
    expect(hex.id).toBe('cases-hex');
    const getPosition = prop(hex, 'getPosition') as (o: unknown, i: { index: number }) => [number, number];
    const [lng, lat] = getPosition(null, { index: 1 });
    expect(lng).toBeCloseTo(117.7, 5);
    expect(lat).toBeCloseTo(24.4, 5);
  });
  it('outlines the selected case', () => {
    const f = feed();
    const selected = selectCases(f, { src: ['public'] }, 'state');
    const [points] = createCasesLayers({ selected, meta: f.meta, visible: true, zoom: 16, mode: 'auto', highlight: 2 }).deck;
    const lineWidth = prop(points, 'getLineWidth') as (o: unknown, i: { index: number }) => number;
    expect(lineWidth(null, { index: 1 })).toBe(3); // selected.rows[1] === 2
    expect(lineWidth(null, { index: 0 })).toBe(1);
  });
});
