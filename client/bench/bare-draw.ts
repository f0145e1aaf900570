// The grid-redraw bench's baseline (bench/grid-redraw.bench.ts): a bare MapLibre map on the
// console's offline style holding the same cells as the grid editor, fetched from the same feed
// (grids.editArea, with the signed-in coordinator's cookie), in terra-draw's select mode with
// vertex dragging on, and nothing else (no app, no deck.gl, no topology, no check). The bench
// opens it with `?district=`, reads window.__bareDraw, selects the cell and drags its vertex with
// the mouse, timing each move to the painted frame exactly as on the editor.
// terra-draw takes Polygons without holes only: a MultiPolygon cell becomes one feature per part,
// holes are left out (the editor draws them; the few enclaves of the demo city change nothing
// here). Coordinates are lng/lat (WGS-84), rounded to 9 decimals (0.1 mm), terra-draw's
// precision and the one the editor gives its adapter.
import { Map as MlMap, setWorkerUrl } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { TerraDraw, TerraDrawPolygonMode, TerraDrawSelectMode } from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';
import { createBaseStyle } from '../map/base-style.ts';

setWorkerUrl(workerUrl);

declare global {
  interface Window {
    __bareDraw?: {
      map: MlMap;
      draw: TerraDraw;
      /** The terra-draw feature ids of a cell (by the editor's ref, `id:<id>`): one per polygon part. */
      featuresOf(ref: string): string[];
      cells: number;
      features: number;
      /** Features terra-draw refused, with why (none expected). */
      refused: string[];
    };
  }
}

type Geometry = { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] };
interface EditAreaAnswer {
  cells: { id: number; editable: boolean; geometry: Geometry }[];
}

const q = new URLSearchParams(window.location.search);
const districtCode = q.get('district') ?? '350602';
const round9 = (x: number) => Math.round(x * 1e9) / 1e9;

// the same query the editor sends (a plain tRPC GET: the session cookie goes by itself)
const res = await fetch(`/trpc/grids.editArea?input=${encodeURIComponent(JSON.stringify({ districtCode }))}`);
if (!res.ok) throw new Error(`grids.editArea answered ${res.status}: ${await res.text()}`);
const area = ((await res.json()) as { result: { data: EditAreaAnswer } }).result.data;

const map = new MlMap({ container: 'map', style: createBaseStyle('dark'), center: [117.65, 24.51], zoom: 14, attributionControl: false });
await map.once('load');

const draw = new TerraDraw({
  adapter: new TerraDrawMapLibreGLAdapter({ map, coordinatePrecision: 9 }),
  modes: [
    // the cells' own mode, styled as the editor draws a published cell
    new TerraDrawPolygonMode({ styles: { fillColor: '#10b981', fillOpacity: 0.06, outlineColor: '#34d399', outlineWidth: 1.2 } }),
    new TerraDrawSelectMode({
      // 0: every drag event moves the vertex (the default 5 skips every fifth), as the editor does
      dragEventThrottle: 0,
      flags: { polygon: { feature: { draggable: false, coordinates: { draggable: true, midpoints: true } } } },
      styles: { selectedPolygonColor: '#10b981', selectedPolygonFillOpacity: 0.35, selectedPolygonOutlineColor: '#ffffff', selectedPolygonOutlineWidth: 3, selectionPointColor: '#ffffff', selectionPointWidth: 5.5, selectionPointOutlineColor: '#111827', selectionPointOutlineWidth: 1.5, midPointColor: '#ffffff', midPointWidth: 4 },
    }),
  ],
});
draw.start();

const byRef = new Map<string, string[]>();
const features = area.cells.flatMap((c) => {
  const parts = c.geometry.type === 'Polygon' ? [c.geometry.coordinates] : c.geometry.coordinates;
  const ids = parts.map(() => crypto.randomUUID());
  byRef.set(`id:${c.id}`, ids);
  return parts.map((rings, i) => ({
    id: ids[i],
    type: 'Feature' as const,
    properties: { mode: 'polygon', ref: `id:${c.id}` },
    geometry: { type: 'Polygon' as const, coordinates: [rings[0].map((p) => [round9(p[0]), round9(p[1])])] },
  }));
});
const refused = draw
  .addFeatures(features)
  .filter((r) => !r.valid)
  .map((r) => `${String(r.id)}: ${r.reason}`);
draw.setMode('select');

window.__bareDraw = { map, draw, featuresOf: (ref) => byRef.get(ref) ?? [], cells: area.cells.length, features: features.length - refused.length, refused };
