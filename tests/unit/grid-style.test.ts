// Grid lines and grid-code labels must read on both base maps: line colours keep WCAG's 3:1
// for graphical objects against the land they are drawn on (the light theme's grids were pale
// green on cream, 1.1:1), and grid codes at zoom 17 are bold text of a readable size with a
// halo (they were 10 px specks with a sub-pixel outline).
import { describe, expect, it } from 'vitest';
import { encodeFeed } from '../../server/http/binary-feed.ts';
import { decodeFeed } from '../../client/map/binary-feed.ts';
import { polygonShapes, type FeedMeta } from '../../client/map/polygon-feed.ts';
import { THEME_COLOURS, type MapTheme } from '../../client/map/base-style.ts';
import { haloPixels, haloProps } from '../../client/map/feed-layers.ts';
import { createResponsibilityGridsLayers, createUnitGridsLayers, GRID_LINE, RESPONSIBILITY_LABEL, RESPONSIBILITY_LINE } from '../../client/features/grids/grids-layers.ts';
import { LAYERS } from '../../client/app/layer-list.ts';

type Rgb = [number, number, number];
const hex = (s: string): Rgb => [1, 3, 5].map((i) => parseInt(s.slice(i, i + 2), 16)) as Rgb;
const channel = (c: number) => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
/** WCAG 2 relative luminance of an sRGB colour. */
const luminance = ([r, g, b]: Rgb) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
/** WCAG 2 contrast ratio (1 … 21). */
const contrast = (a: Rgb, b: Rgb) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
};
/** What a translucent colour looks like drawn over `bg`. */
const over = (c: readonly number[], bg: Rgb): Rgb => bg.map((v, i) => c[i] * ((c[3] ?? 255) / 255) + v * (1 - (c[3] ?? 255) / 255)) as Rgb;

const themes: MapTheme[] = ['dark', 'light'];

describe('contrast helper', () => {
  it('knows the WCAG reference values', () => {
    expect(contrast([0, 0, 0], [255, 255, 255])).toBeCloseTo(21, 5);
    expect(contrast([119, 119, 119], [255, 255, 255])).toBeCloseTo(4.48, 2);
    expect(over([0, 0, 0, 0], [10, 20, 30])).toEqual([10, 20, 30]);
  });
});

describe('grid line colours', () => {
  it.each(themes)('unit and responsibility grid lines keep at least 3:1 against the %s land and background', (theme) => {
    for (const bg of [hex(THEME_COLOURS[theme].land), hex(THEME_COLOURS[theme].background)]) {
      expect(contrast(over(GRID_LINE[theme], bg), bg)).toBeGreaterThanOrEqual(3);
      expect(contrast(over(RESPONSIBILITY_LINE[theme], bg), bg)).toBeGreaterThanOrEqual(3);
    }
  });
  it('the light theme is no longer pale green on cream (was 1.1:1)', () => {
    const land = hex(THEME_COLOURS.light.land);
    expect(contrast(over([120, 255, 160, 200], land), land)).toBeLessThan(1.5); // the old colour, for the record
    expect(contrast(over(GRID_LINE.light, land), land)).toBeGreaterThanOrEqual(4);
  });
  it('responsibility grid names keep at least 4.5:1 against the land in both themes', () => {
    for (const theme of themes) {
      const land = hex(THEME_COLOURS[theme].land);
      expect(contrast(over(RESPONSIBILITY_LABEL[theme], land), land)).toBeGreaterThanOrEqual(4.5);
    }
  });
  it('the layers drawn and the legend use the colour of the theme', () => {
    for (const theme of themes) {
      const made = createUnitGridsLayers({ feed, shapes, visible: true, zoom: 17, theme });
      expect(made.lines[0].colour).toEqual(GRID_LINE[theme]);
      expect(createResponsibilityGridsLayers({ feed, shapes, visible: true, zoom: 13, theme }).lines[0].colour).toEqual(RESPONSIBILITY_LINE[theme]);
      expect(LAYERS.find((l) => l.id === 'grids')!.swatch!.colour(theme)).toEqual(GRID_LINE[theme]);
      expect(LAYERS.find((l) => l.id === 'rgrids')!.swatch!.colour(theme)).toEqual(RESPONSIBILITY_LINE[theme]);
    }
  });
});

const square = [0, 0, 0.003, 0, 0.003, 0.003, 0, 0.003, 0, 0];
const bytes = encodeFeed({
  length: 1,
  meta: { origin: [117.6, 24.5], codes: ['350602001001001'], names: ['单元网格'], props: {} },
  columns: {
    id: Uint32Array.from([1]),
    labelX: Float32Array.from([0.0015]),
    labelY: Float32Array.from([0.0015]),
    positions: Float32Array.from(square),
    polygonIndices: Uint32Array.from([0, 5]),
    primitivePolygonIndices: Uint32Array.from([0, 5]),
    partFeature: Uint32Array.from([0]),
  },
});
const feed = decodeFeed<FeedMeta>(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
const shapes = polygonShapes(feed);
const labelAt = (zoom: number, theme: MapTheme = 'dark') => createUnitGridsLayers({ feed, shapes, visible: true, zoom, theme }).deck.find((l) => l.id === 'grids-label');
const prop = (layer: { props: unknown } | undefined, key: string) => (layer!.props as Record<string, unknown>)[key];

describe('grid-code labels', () => {
  it('show the last 6 digits of the code from zoom 16, none below', () => {
    expect(labelAt(15.9)).toBeUndefined();
    expect((prop(labelAt(17), 'getText') as (l: { feature: number }) => string)({ feature: 0 })).toBe('001001');
  });
  it.each(themes)('at zoom 17 (%s) they are bold, at least 16 px, with a halo of at least 1.5 px', (theme) => {
    const label = labelAt(17, theme);
    const size = prop(label, 'getSize') as number;
    expect(size).toBeGreaterThanOrEqual(16);
    expect(Number(prop(label, 'fontWeight'))).toBeGreaterThanOrEqual(600);
    expect(haloPixels(prop(label, 'outlineWidth') as number, size)).toBeGreaterThanOrEqual(1.5);
    // the atlas keeps enough room around each glyph for that halo
    expect((prop(label, 'fontSettings') as { buffer: number }).buffer * (size / 64)).toBeGreaterThanOrEqual(1.5);
    expect(prop(label, 'sizeUnits') ?? 'pixels').toBe('pixels');
  });
  it('grow with the zoom and never shrink below 14 px', () => {
    const sizes = [16, 16.5, 17, 17.5, 18, 19].map((z) => prop(labelAt(z), 'getSize') as number);
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(14);
  });
  it('haloProps and haloPixels agree, and the halo is capped by the distance field', () => {
    for (const [px, size] of [[1, 12], [2, 17], [2, 20]] as const) expect(haloPixels(haloProps(px, size).outlineWidth, size)).toBeCloseTo(px, 5);
    expect(haloPixels(haloProps(10, 12).outlineWidth, 12)).toBeLessThan(2);
  });
});
