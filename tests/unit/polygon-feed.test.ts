// Polygon feeds through the real encoder and decoder into deck.gl shapes: parts, holes, rings
// and labels; and the generic layer factories built on them.
import { describe, expect, it } from 'vitest';
import { encodeFeed } from '../../server/http/binary-feed.ts';
import { decodeFeed } from '../../client/map/binary-feed.ts';
import { featureAt, polygonShapes, type FeedMeta } from '../../client/map/polygon-feed.ts';
import { pointFeedLayers, polygonFeedLayers } from '../../client/map/feed-layers.ts';
import { villageRadius } from '../../client/features/places/places-layers.ts';
import { createUnitGridsLayers, GRIDS_MIN_ZOOM } from '../../client/features/grids/grids-layers.ts';

const prop = (layer: { props: unknown }, key: string) => (layer.props as Record<string, unknown>)[key];

// feature 0: a square with a square hole; feature 1: two triangles (a multipolygon)
const square = [0, 0, 1, 0, 1, 1, 0, 1, 0, 0];
const hole = [0.25, 0.25, 0.25, 0.75, 0.75, 0.75, 0.75, 0.25, 0.25, 0.25];
const tri1 = [2, 0, 3, 0, 2, 1, 2, 0];
const tri2 = [4, 0, 5, 0, 4, 1, 4, 0];
const positions = Float32Array.from([...square, ...hole, ...tri1, ...tri2]);
const v = (a: number[]) => a.length / 2;

function feed() {
  const bytes = encodeFeed({
    length: 2,
    meta: { origin: [117.6, 24.5], codes: ['A', 'B'], names: ['甲', '乙'], namesEn: ['Jia', 'Yi'] },
    columns: {
      id: Uint32Array.from([7, 9]),
      labelX: Float32Array.from([0.5, 2.3]),
      labelY: Float32Array.from([0.1, 0.3]),
      positions,
      polygonIndices: Uint32Array.from([0, v(square) + v(hole), v(square) + v(hole) + v(tri1), positions.length / 2]),
      primitivePolygonIndices: Uint32Array.from([0, v(square), v(square) + v(hole), v(square) + v(hole) + v(tri1), positions.length / 2]),
      partFeature: Uint32Array.from([0, 1, 1]),
    },
  });
  return decodeFeed<FeedMeta>(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

describe('polygon shapes from a binary feed', () => {
  it('splits parts, keeps holes as deck.gl hole indices, and lists every ring', () => {
    const s = polygonShapes(feed());
    expect(s.parts.map((p) => p.feature)).toEqual([0, 1, 1]);
    expect(s.parts[0].holeIndices).toEqual([square.length]);
    expect([...s.parts[0].positions]).toEqual([...square, ...hole]);
    expect(s.parts[1].holeIndices).toEqual([]);
    expect([...s.parts[2].positions]).toEqual(tri2);
    expect(s.rings.map((r) => r.feature)).toEqual([0, 0, 1, 1]);
    expect([...s.rings[1].path]).toEqual(hole);
  });
  it('gives one label anchor per feature', () => {
    const s = polygonShapes(feed());
    expect(s.labels).toHaveLength(2);
    expect(s.labels[1].position[0]).toBeCloseTo(2.3, 5);
  });
  it('an empty feed gives empty shapes', () => {
    const bytes = encodeFeed({ length: 0, meta: { origin: [0, 0], codes: [], names: [] }, columns: { id: new Uint32Array(0), labelX: new Float32Array(0), labelY: new Float32Array(0), positions: new Float32Array(0), polygonIndices: Uint32Array.from([0]), primitivePolygonIndices: Uint32Array.from([0]), partFeature: new Uint32Array(0) } });
    const s = polygonShapes(decodeFeed<FeedMeta>(bytes.buffer as ArrayBuffer));
    expect(s).toEqual({ parts: [], partBoxes: new Float32Array(0), rings: [], labels: [], outline: { type: 'FeatureCollection', features: [] } });
  });
});

describe('generic feed layers', () => {
  it('polygon layers: deck.gl fill, label and highlight, MapLibre outline; ids from the prefix, offsets from the origin', () => {
    const f = feed();
    const shapes = polygonShapes(f);
    const { deck, lines } = polygonFeedLayers({ id: 'x', shapes, meta: f.meta, visible: true, fill: [1, 2, 3, 4], line: [9, 9, 9, 255], lineWidthPixels: 1, label: (i) => f.meta.names[i], pickable: true, highlight: 1, minZoom: 12 });
    expect(deck.map((l) => l.id)).toEqual(['x-fill', 'x-highlight', 'x-label']);
    expect(deck[0].props.coordinateOrigin).toEqual([117.6, 24.5, 0]);
    // the highlight outlines only the selected feature's rings
    expect((deck[1].props.data as { feature: number }[]).map((r) => r.feature)).toEqual([1, 1]);
    const getText = prop(deck[2], 'getText') as (l: { feature: number }) => string;
    expect(getText({ feature: 1 })).toBe('乙');
    expect(lines).toEqual([{ id: 'x-line', data: shapes.outline, colour: [9, 9, 9, 255], widthPixels: 1, minZoom: 12, visible: true }]);
  });
  it('the outline is every ring in WGS-84 with its feature index', () => {
    const { outline } = polygonShapes(feed());
    expect(outline.features).toHaveLength(4);
    const hole = outline.features[1];
    expect(hole.properties).toEqual({ f: 0 });
    expect((hole.geometry as GeoJSON.LineString).coordinates[0][0]).toBeCloseTo(117.85, 5);
    expect((hole.geometry as GeoJSON.LineString).coordinates[0][1]).toBeCloseTo(24.75, 5);
  });
  it('no fill, label or selection gives just the outline', () => {
    const f = feed();
    const { deck, lines } = polygonFeedLayers({ id: 'y', shapes: polygonShapes(f), meta: f.meta, visible: true, line: [0, 0, 0, 255], lineWidthPixels: 1 });
    expect(deck).toEqual([]);
    expect(lines.map((l) => l.id)).toEqual(['y-line']);
  });
  it('point layers read positions by row index', () => {
    const bytes = encodeFeed({ length: 2, meta: { origin: [117.6, 24.5], codes: ['a', 'b'], names: ['a', 'b'] }, columns: { id: Uint32Array.from([1, 2]), x: Float32Array.from([0.5, -0.5]), y: Float32Array.from([0.25, -0.25]) } });
    const f = decodeFeed<FeedMeta>(bytes.buffer as ArrayBuffer);
    const [points] = pointFeedLayers({ id: 'p', feed: f, visible: true, colour: [1, 1, 1, 255], radiusPixels: (i) => i + 2, zoom: 10 }).deck;
    expect(points.id).toBe('p-points');
    expect((prop(points, 'getPosition') as (o: unknown, i: { index: number }) => number[])(null, { index: 1 })).toEqual([-0.5, -0.25]);
    expect((prop(points, 'getRadius') as (o: unknown, i: { index: number }) => number)(null, { index: 1 })).toBe(3);
  });
  it('unit grids are hidden below their zoom even when switched on', () => {
    const f = feed();
    const below = createUnitGridsLayers({ feed: f, shapes: polygonShapes(f), visible: true, zoom: GRIDS_MIN_ZOOM - 0.5 });
    expect(below.lines[0]).toMatchObject({ visible: false, minZoom: GRIDS_MIN_ZOOM });
    const at = createUnitGridsLayers({ feed: f, shapes: polygonShapes(f), visible: true, zoom: GRIDS_MIN_ZOOM });
    expect(at.lines[0].visible).toBe(true);
  });
  it('village points grow with population and stay within 2–12 px', () => {
    expect(villageRadius(0)).toBe(2);
    expect(villageRadius(5000)).toBeGreaterThan(villageRadius(1000));
    expect(villageRadius(10_000_000)).toBe(12);
  });
});

describe('picking a polygon by point', () => {
  it.each([
    ['inside the square, outside its hole', 0.1, 0.1, 0],
    ['in the hole', 0.5, 0.5, null],
    ['in the second part of a multipolygon', 4.2, 0.2, 1],
    ['in the first part of a multipolygon', 2.2, 0.2, 1],
    ['between the parts', 3.5, 0.2, null],
    ['outside every box', -1, -1, null],
  ] as const)('%s', (_, x, y, expected) => {
    expect(featureAt(polygonShapes(feed()), x, y)).toBe(expected);
  });
});
