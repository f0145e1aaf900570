// The render bench's baseline: a bare deck.gl canvas drawing the same case points from the same
// binary feed, with nothing else (no map, no app, no other layers). bench/render.bench.ts
// opens it with the console's view in the URL and reads window.__bare.
import { Deck, COORDINATE_SYSTEM } from '@deck.gl/core';
import { ScatterplotLayer } from '@deck.gl/layers';
import { decodeFeed } from '../map/binary-feed.ts';
import { finishGl } from '../map/finish-gl.ts';

declare global {
  interface Window {
    __bare?: { drawnAt: number | null; count: number; redraw(): Promise<number> };
  }
}

const q = new URLSearchParams(window.location.search);
const [lng, lat, zoom] = (q.get('view') ?? '117.12,24.4,8.05').split(',').map(Number);
// the same feed URL as the console's (a wall screen's display token rides along)
const feedUrl = `/api/layers/cases.bin?from=${encodeURIComponent(q.get('from') ?? '2022-01-01T00:00:00+08:00')}&to=${encodeURIComponent(q.get('to') ?? '2022-09-01T00:00:00+08:00')}${q.get('display') ? `&display=${encodeURIComponent(q.get('display')!)}` : ''}`;

// the download starts first, as the console's prefetch does
const response = fetch(feedUrl).then((r) => r.arrayBuffer());

const hooks: NonNullable<Window['__bare']> = { drawnAt: null, count: 0, redraw: async () => 0 };
window.__bare = hooks;
let onRender: (() => void) | null = null;
const deck = new Deck({
  initialViewState: { longitude: lng, latitude: lat, zoom },
  controller: true,
  layers: [],
  onAfterRender: () => onRender?.(),
});

const feed = decodeFeed<{ origin: [number, number] }>(await response);
const x = feed.columns.x as Float32Array;
const y = feed.columns.y as Float32Array;
const positions = new Float32Array(feed.length * 2);
for (let i = 0; i < feed.length; i++) {
  positions[2 * i] = x[i];
  positions[2 * i + 1] = y[i];
}
const colours = new Uint8Array(feed.length * 4).fill(255);
onRender = () => {
  if (hooks.drawnAt === null) {
    finishGl(deck.getCanvas()); // drawn by the GPU, as the console measures it
    hooks.drawnAt = performance.now();
    hooks.count = feed.length;
  }
};
deck.setProps({
  layers: [
    new ScatterplotLayer({
      id: 'bare-points',
      coordinateSystem: COORDINATE_SYSTEM.LNGLAT_OFFSETS,
      coordinateOrigin: [feed.meta.origin[0], feed.meta.origin[1], 0],
      data: { length: feed.length, attributes: { getPosition: { value: positions, size: 2 }, getFillColor: { value: colours, size: 4, normalized: true } } },
      getRadius: 2,
      radiusUnits: 'pixels',
      radiusMinPixels: 1.5,
    }),
  ],
});
hooks.redraw = () =>
  new Promise((done) => {
    const t0 = performance.now();
    onRender = () => {
      finishGl(deck.getCanvas());
      done(performance.now() - t0);
    };
    deck.redraw('bench');
  });
