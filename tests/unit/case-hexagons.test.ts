// Hexagons follow the colouring control: by state they show density, by time limit the share
// of their cases that are over the limit (red, or closed late) on a fixed green → red scale,
// with a legend that says so. (The 时限 control used to do nothing to hexagons.)
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { LIGHTS } from '../../domain/case-light.ts';
import { STATUSES } from '../../domain/workflow.ts';
import { DENSITY_RAMP, OVERDUE_RAMP, OVERDUE_STEP } from '../../client/features/cases/case-colours.ts';
import { selectCases, type CasesFeed } from '../../client/features/cases/cases-data.ts';
import { createCasesLayers, OVERDUE_DOMAIN, overdueShare } from '../../client/features/cases/cases-layer.ts';
import { CaseLegend, overdueClasses } from '../../client/features/cases/CaseControls.tsx';

const prop = (layer: { props: unknown }, key: string) => (layer.props as Record<string, unknown>)[key];
const code = (l: (typeof LIGHTS)[number]) => LIGHTS.indexOf(l);

/** Cases with the given lights (the feed's own light column; no clock marks), all at one spot. */
function feedOf(lights: (typeof LIGHTS)[number][]): CasesFeed {
  const n = lights.length;
  return {
    length: n,
    meta: {
      origin: [117.6, 24.5],
      period: { from: null, to: null },
      statuses: [...STATUSES],
      sources: ['inspector'],
      categories: [{ code: 'E0101', name: '暴露垃圾', nameEn: 'Exposed rubbish', major: '01' }],
      districts: [{ code: '350602', name: '芗城区', nameEn: 'Xiangcheng' }],
      lights: [...LIGHTS],
      warnRatio: 0.8,
    },
    columns: {
      id: Uint32Array.from(lights.map((_, i) => i + 1)),
      x: new Float32Array(n),
      y: new Float32Array(n),
      t: new Uint32Array(n),
      status: new Uint8Array(n),
      light: Uint8Array.from(lights.map(code)),
      source: new Uint8Array(n),
      category: new Uint16Array(n),
      district: new Uint8Array(n),
    },
  };
}

describe('overdue share of a hexagon', () => {
  const lights = Uint8Array.from((['red', 'late', 'onTime', 'green', 'yellow', 'none', 'none'] as const).map(code));
  it('is red + closed late over every case with a time limit (cases with no clock left out)', () => {
    expect(overdueShare(LIGHTS, lights, [0, 1, 2, 3, 4, 5, 6])).toBeCloseTo(2 / 5, 10);
    expect(overdueShare(LIGHTS, lights, [2, 3, 4])).toBe(0); // on time, on track, near the limit
    expect(overdueShare(LIGHTS, lights, [0, 5])).toBe(1);
  });
  it('is NaN (no hexagon drawn) where no case has a time limit', () => {
    expect(overdueShare(LIGHTS, lights, [5, 6])).toBeNaN();
    expect(overdueShare(LIGHTS, lights, [])).toBeNaN();
  });
  it('reads lights by name, whatever order the server sends them in', () => {
    const names = ['late', 'red', 'none', 'green', 'yellow', 'onTime'];
    expect(overdueShare(names, Uint8Array.from([0, 5, 2, 5]), [0, 1, 2, 3])).toBeCloseTo(1 / 3, 10);
  });
});

describe('the hexagon layer follows the colouring', () => {
  const feed = feedOf(['red', 'onTime', 'onTime', 'late', 'none']);
  it('by state: density (count, quantiles), as before', () => {
    const selected = selectCases(feed, {}, 'state');
    const [hex] = createCasesLayers({ selected, meta: feed.meta, visible: true, zoom: 8, mode: 'auto', colour: 'state' }).deck;
    expect(hex.id).toBe('cases-hex');
    expect(prop(hex, 'getColorValue')).toBeFalsy();
    expect(prop(hex, 'colorRange')).toBe(DENSITY_RAMP);
  });
  it('by time limit: the overdue share of the cases drawn, on a fixed scale', () => {
    const selected = selectCases(feed, {}, 'light');
    const [hex] = createCasesLayers({ selected, meta: feed.meta, visible: true, zoom: 8, mode: 'hex', colour: 'light' }).deck;
    const value = prop(hex, 'getColorValue') as (points: unknown[], o: { indices: number[] }) => number;
    expect(value([], { indices: [0, 1, 2, 3, 4] })).toBeCloseTo(2 / 4, 10);
    expect(prop(hex, 'colorRange')).toBe(OVERDUE_RAMP);
    expect(prop(hex, 'colorScaleType')).toBe('quantize');
    expect(prop(hex, 'colorDomain')).toEqual(OVERDUE_DOMAIN);
    expect(OVERDUE_DOMAIN[1]).toBeCloseTo(OVERDUE_STEP * OVERDUE_RAMP.length, 10);
    // the same accessor while the selection is the same (deck.gl re-aggregates on a new one)
    const [again] = createCasesLayers({ selected, meta: feed.meta, visible: true, zoom: 8.2, mode: 'hex', colour: 'light' }).deck;
    expect(prop(again, 'getColorValue')).toBe(value);
  });
  it('a light filter narrows what is counted: the share is of the cases drawn', () => {
    const selected = selectCases(feed, { light: ['onTime', 'late'] }, 'light');
    const [hex] = createCasesLayers({ selected, meta: feed.meta, visible: true, zoom: 8, mode: 'hex', colour: 'light' }).deck;
    const value = prop(hex, 'getColorValue') as (points: unknown[], o: { indices: number[] }) => number;
    expect(selected.length).toBe(3);
    expect(value([], { indices: [0, 1, 2] })).toBeCloseTo(1 / 3, 10);
  });
  it('points are unchanged: coloured per case by light', () => {
    const selected = selectCases(feed, {}, 'light');
    const [points] = createCasesLayers({ selected, meta: feed.meta, visible: true, zoom: 14, mode: 'auto', colour: 'light' }).deck;
    expect(points.id).toBe('cases-points');
  });
});

describe('the legend matches the hexagons', () => {
  const html = (lang: 'zh' | 'en', colour: 'state' | 'light', hex: boolean) => renderToStaticMarkup(createElement(CaseLegend, { lang, colour, hex }));
  it('by time limit: the overdue share and its classes, in both languages', () => {
    expect(html('zh', 'light', true)).toContain('超期占比');
    expect(html('en', 'light', true)).toContain('Share overdue');
    expect(html('en', 'light', true)).not.toContain('density');
    for (const label of overdueClasses()) expect(html('zh', 'light', true)).toContain(label);
    expect(overdueClasses()).toEqual(['0–5%', '5–10%', '10–15%', '15–20%', '≥ 20%']);
  });
  it('by state: density, as before; points keep the light legend', () => {
    expect(html('zh', 'state', true)).toContain('案件密度');
    expect(html('en', 'light', false)).toContain('Red (overdue)');
  });
});
