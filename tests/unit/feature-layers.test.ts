// Every feature's layer factory on a small hand-made feed: stable ids, the zoom each shows
// from, labels in the chosen language; the layer registry; and the legends as rendered markup.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { encodeFeed } from '../../server/http/binary-feed.ts';
import { decodeFeed } from '../../client/map/binary-feed.ts';
import { polygonShapes, type FeedMeta } from '../../client/map/polygon-feed.ts';
import { createDistrictsLayers, createTownshipsLayers, createVillagesLayers, TOWNSHIPS_MIN_ZOOM, VILLAGES_MIN_ZOOM } from '../../client/features/places/places-layers.ts';
import { createClinicsLayers, CLINICS_MIN_ZOOM } from '../../client/features/clinics/clinics-layer.ts';
import { createCommunitiesLayers, COMMUNITIES_MIN_ZOOM } from '../../client/features/communities/communities-layer.ts';
import { createResponsibilityGridsLayers, RESPONSIBILITY_MIN_ZOOM } from '../../client/features/grids/grids-layers.ts';
import { CaseLegend } from '../../client/features/cases/CaseControls.tsx';
import { LAYERS } from '../../client/app/layer-list.ts';

const prop = (layer: { props: unknown }, key: string) => (layer.props as Record<string, unknown>)[key];
const decode = (bytes: Uint8Array) => decodeFeed<FeedMeta>(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);

const square = [0, 0, 0.01, 0, 0.01, 0.01, 0, 0.01, 0, 0];
const polygons = decode(
  encodeFeed({
    length: 1,
    meta: { origin: [117.6, 24.5], codes: ['350602'], names: ['芗城区'], namesEn: ['Xiangcheng'], props: { population: [1000] } },
    columns: {
      id: Uint32Array.from([1]),
      labelX: Float32Array.from([0.005]),
      labelY: Float32Array.from([0.005]),
      positions: Float32Array.from(square),
      polygonIndices: Uint32Array.from([0, 5]),
      primitivePolygonIndices: Uint32Array.from([0, 5]),
      partFeature: Uint32Array.from([0]),
    },
  }),
);
const points = decode(
  encodeFeed({
    length: 2,
    meta: { origin: [117.6, 24.5], codes: ['a', 'b'], names: ['东村', '西村'], props: { population: [100, 9000] } },
    columns: { id: Uint32Array.from([5, 6]), x: Float32Array.from([0, 0.01]), y: Float32Array.from([0, 0.01]) },
  }),
);
const shapes = polygonShapes(polygons);
const text = (layers: { id: string; props: unknown }[], id: string) => (prop(layers.find((l) => l.id === id)!, 'getText') as (l: { feature: number }) => string)({ feature: 0 });

describe('feature layer factories', () => {
  it('districts: outline always, labels in the chosen language at city zoom, none at street zoom', () => {
    const zh = createDistrictsLayers({ feed: polygons, shapes, lang: 'zh', visible: true, zoom: 8, theme: 'dark' });
    expect(zh.lines.map((l) => l.id)).toEqual(['districts-line']);
    expect(text(zh.deck, 'districts-label')).toBe('芗城区');
    expect(text(createDistrictsLayers({ feed: polygons, shapes, lang: 'en', visible: true, zoom: 8, theme: 'dark' }).deck, 'districts-label')).toBe('Xiangcheng');
    expect(createDistrictsLayers({ feed: polygons, shapes, lang: 'zh', visible: true, zoom: 14, theme: 'dark' }).deck).toEqual([]);
  });
  it('districts: the light theme draws darker outlines than the dark theme', () => {
    const dark = createDistrictsLayers({ feed: polygons, shapes, lang: 'zh', visible: true, zoom: 8, theme: 'dark' }).lines[0].colour;
    const light = createDistrictsLayers({ feed: polygons, shapes, lang: 'zh', visible: true, zoom: 8, theme: 'light' }).lines[0].colour;
    expect(light[0] + light[1] + light[2]).toBeLessThan(dark[0] + dark[1] + dark[2]);
  });
  it.each([
    ['townships', (z: number) => createTownshipsLayers({ feed: polygons, shapes, lang: 'zh', visible: true, zoom: z, theme: 'dark' }), TOWNSHIPS_MIN_ZOOM],
    ['communities', (z: number) => createCommunitiesLayers({ feed: polygons, shapes, visible: true, zoom: z }), COMMUNITIES_MIN_ZOOM],
    ['rgrids', (z: number) => createResponsibilityGridsLayers({ feed: polygons, shapes, visible: true, zoom: z }), RESPONSIBILITY_MIN_ZOOM],
  ] as const)('%s show from their zoom on (outline hidden below it)', (id, make, minZoom) => {
    expect(make(minZoom - 0.1).lines[0]).toMatchObject({ id: `${id}-line`, visible: false, minZoom });
    expect(make(minZoom).lines[0].visible).toBe(true);
  });
  it('a layer switched off is not visible at any zoom', () => {
    expect(createCommunitiesLayers({ feed: polygons, shapes, visible: false, zoom: 18 }).lines[0].visible).toBe(false);
  });
  it('villages: bigger points for more residents, names from street level', () => {
    const [dots, labels] = createVillagesLayers({ feed: points, lang: 'zh', visible: true, zoom: 14 }).deck;
    const radius = prop(dots, 'getRadius') as (o: unknown, i: { index: number }) => number;
    expect(radius(null, { index: 1 })).toBeGreaterThan(radius(null, { index: 0 }));
    expect((prop(labels, 'getText') as (o: unknown, i: { index: number }) => string)(null, { index: 1 })).toBe('西村');
    expect(createVillagesLayers({ feed: points, lang: 'zh', visible: true, zoom: VILLAGES_MIN_ZOOM - 1 }).deck[0].props.visible).toBe(false);
  });
  it('clinics: points from their zoom, pickable, the selected one outlined', () => {
    const [dots] = createClinicsLayers({ feed: points, visible: true, zoom: CLINICS_MIN_ZOOM, highlight: 1 }).deck;
    expect(dots.id).toBe('clinics-points');
    expect(dots.props.pickable).toBe(true);
    expect((prop(dots, 'getLineWidth') as (o: unknown, i: { index: number }) => number)(null, { index: 1 })).toBe(3);
    expect(createClinicsLayers({ feed: points, visible: true, zoom: CLINICS_MIN_ZOOM - 1 }).deck[0].props.visible).toBe(false);
  });
});

describe('layer registry', () => {
  it('ids are unique, each has a feed and a name in both languages', () => {
    expect(new Set(LAYERS.map((l) => l.id)).size).toBe(LAYERS.length);
    for (const l of LAYERS) {
      expect(l.feed.file).toMatch(/^[a-z-]+\.bin$/);
      expect(l.label.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(l.label.en).toMatch(/^[A-Z]/);
    }
  });
  it('every layer but cases has a legend swatch with a visible colour in both themes', () => {
    for (const l of LAYERS.filter((x) => x.id !== 'cases')) for (const theme of ['dark', 'light'] as const) expect(l.swatch!.colour(theme)[3]).toBeGreaterThan(0);
  });
});

describe('case legend', () => {
  it('explains state colours, lights, or density, in the chosen language', () => {
    const html = (lang: 'zh' | 'en', colour: 'state' | 'light', hex: boolean) => renderToStaticMarkup(createElement(CaseLegend, { lang, colour, hex }));
    expect(html('zh', 'state', false)).toContain('处置中');
    expect(html('en', 'light', false)).toContain('Red (overdue)');
    expect(html('en', 'light', false)).not.toContain('Being handled');
    expect(html('zh', 'state', true)).toContain('案件密度');
    // hexagons coloured by time limit show the overdue share, not density (tests/unit/case-hexagons.test.ts)
    expect(html('zh', 'light', true)).toContain('超期占比');
    expect(html('zh', 'light', true)).not.toContain('案件密度');
  });
});
