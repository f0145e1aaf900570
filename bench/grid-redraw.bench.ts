// The grid editor's redraw in a real browser (issue [12], docs/decisions/0027-grid-editor.md):
// dragging a shared vertex of a cell with its neighbours, with the mouse, the time from each move
// to the frame that shows it, against a bare terra-draw page (client/bench/bare-draw.html) holding
// the same cells from the same feed (grids.editArea) and dragging the same vertex of the same cell
// along the same path in select mode, in the same run. SwiftShader on 2 cores: the figure is the
// ratio, never the milliseconds themselves.
//
// One definition on both pages, installed by this file into each (installProbe):
//   a move's redraw = from the start of the page's handling of the pointer event (performance.now()
//   in the first capture listener on window, before the map's or terra-draw's own) until the map
//   has drawn every change the move made, waited out on the GPU: checked two animation frames later
//   (terra-draw's MapLibre adapter sets its sources' data in the frame after the event; the editor
//   does it in the event), "drawn" is MapLibre's idle state (every source loaded, no frame pending,
//   not moving), reached at once or at the next 'idle' event, then one pixel read back
//   (client/map/finish-gl.ts's reason). The moves are sent one at a time, each after the last one
//   was drawn, so each figure is one move's own.
// Also the editor's own JS per move in Chromium (editor-map.ts's lastDrag: topology, instant check
// and the sources' new data; target ≤ 16 ms mean, the worst reported).
// Needs the built client (npm run bench builds it) and Debian's Chromium.
import { resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { freePort, launchChromium, root, startServer, stopServer } from '../tests/e2e/browser.ts';
import { signIn } from '../tests/e2e/kit.ts';
import type { Position } from '../domain/grid-rules.ts';
import { entry, median, type BenchEntry } from './harness.ts';
import { SMOKE, sized, smokeCity } from './smoke.ts';

const DISTRICT = '350602';
/** Drags per page, and measured moves per drag (after one unmeasured move that starts the drag). */
const DRAGS = sized(2, 1);
const MOVES = sized(30, 4);
/** Plain repaints (nothing changed) per page: what drawing the map costs at all, for the note. */
const REPAINTS = sized(3, 1);
/** The uncounted first drag on each page (JIT, the map's worker): none in the smoke pass, which only proves the suite runs. */
const FIRST = SMOKE ? 0 : -1;
/** The pointer goes once round a circle of this radius (CSS pixels) that passes through the vertex, and so ends where it began. */
const RADIUS_PX = 7;
const VIEWPORT = { width: 1280, height: 800 };

declare global {
  interface Window {
    __redrawProbe?: { arm(on: boolean): void; last(): Promise<number>; count(): number; repaint(): Promise<number> };
  }
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The probe (see the banner): the same code on both pages, handed the map's hook by name. */
function installProbe(hook: '__citygridMap' | '__bareDraw'): void {
  const map = (hook === '__citygridMap' ? window.__citygridMap!.map : window.__bareDraw!.map) as unknown as {
    loaded(): boolean;
    isMoving(): boolean;
    once(type: 'idle' | 'render', f: () => void): void;
    triggerRepaint(): void;
    getCanvas(): HTMLCanvasElement;
    _frameRequest?: unknown;
  };
  const finishGl = () => {
    const gl = map.getCanvas().getContext('webgl2');
    gl?.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
  };
  let armed = false;
  let last: Promise<number> = Promise.resolve(NaN);
  let count = 0;
  window.addEventListener(
    'pointermove',
    () => {
      if (!armed) return;
      const t0 = performance.now();
      count++;
      last = new Promise((done) => {
        const drawn = () => {
          finishGl();
          done(performance.now() - t0);
        };
        requestAnimationFrame(() =>
          requestAnimationFrame(() => {
            if (map.loaded() && !map._frameRequest && !map.isMoving()) drawn();
            else map.once('idle', drawn);
          }),
        );
      });
    },
    { capture: true },
  );
  const repaint = () =>
    new Promise<number>((done) => {
      const t0 = performance.now();
      map.once('render', () => {
        finishGl();
        done(performance.now() - t0);
      });
      map.triggerRepaint();
    });
  window.__redrawProbe = { arm: (on) => void (armed = on), last: () => last, count: () => count, repaint };
}

/** The circle's points after the vertex's pixel, in page pixels: MOVES of them, the last one the vertex again. */
function path(from: { x: number; y: number }): { x: number; y: number }[] {
  const out: { x: number; y: number }[] = [];
  for (let i = 1; i <= MOVES; i++) {
    const a = Math.PI + (2 * Math.PI * i) / MOVES;
    out.push({ x: from.x + RADIUS_PX + RADIUS_PX * Math.cos(a), y: from.y + RADIUS_PX * Math.sin(a) });
  }
  return out;
}

/** Presses on the vertex, starts the drag with a 2-pixel move (not measured), then the measured moves one by one; returns each move's redraw (ms). */
async function dragMeasured(p: Page, from: { x: number; y: number }): Promise<number[]> {
  await p.mouse.move(from.x, from.y);
  await p.mouse.down();
  await p.mouse.move(from.x + 2, from.y);
  await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const times: number[] = [];
  await p.evaluate(() => window.__redrawProbe!.arm(true));
  for (const q of path(from)) {
    await p.mouse.move(q.x, q.y);
    times.push(await p.evaluate(() => window.__redrawProbe!.last()));
  }
  await p.evaluate(() => window.__redrawProbe!.arm(false));
  await p.mouse.up();
  return times;
}

/** The page pixel of a WGS-84 position on a page's map. */
function pixel(p: Page, hook: '__citygridMap' | '__bareDraw', at: Position): Promise<{ x: number; y: number }> {
  return p.evaluate(
    ([h, lng, lat]) => {
      const m = h === '__citygridMap' ? window.__citygridMap!.map : window.__bareDraw!.map;
      const r = m.getContainer().getBoundingClientRect();
      const q = m.project([lng as number, lat as number]);
      return { x: r.left + q.x, y: r.top + q.y };
    },
    [hook, at[0], at[1]] as const,
  );
}

async function settled(p: Page, hook: '__citygridMap' | '__bareDraw') {
  await p.waitForFunction(
    (h) => {
      const m = h === '__citygridMap' ? window.__citygridMap?.map : window.__bareDraw?.map;
      return !!m && m.loaded() && !m.isMoving();
    },
    hook,
    { timeout: 120_000 },
  );
  await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

interface Target {
  ref: string;
  at: Position;
  sharing: number;
  neighbours: number;
  view: { center: [number, number]; zoom: number };
  cells: number;
}

/** The editor, signed in as the district's coordinator, with no draft left. */
async function openEditor(ctx: BrowserContext, base: string): Promise<Page> {
  const p = await ctx.newPage();
  p.on('pageerror', (e) => console.log(`    [page error] ${e.message}`));
  const editor = `/grids?layers=districts&edit=1&district=${DISTRICT}`;
  await signIn(p, base, 'demo-coordinator', editor);
  await p.evaluate((d) => window.localStorage.removeItem(`citygrid.gridDraft.${d}`), DISTRICT);
  await p.goto(`${base}${editor}`);
  await p.locator('[data-testid="grid-editor"][data-ready="1"]').waitFor({ timeout: 180_000 });
  await p.waitForFunction(() => !!window.__citygridGridEditor?.model, undefined, { timeout: 60_000 });
  await settled(p, '__citygridMap');
  return p;
}

/**
 * The vertex to drag: free, shared by three or more editable published cells, of the cell with the
 * most neighbours among those having such a vertex; the view fitted to that cell and its neighbours.
 */
async function chooseTarget(p: Page): Promise<Target> {
  const t = await p.evaluate(() => {
    const m = window.__citygridGridEditor!.model;
    let best: { ref: string; at: Position; sharing: number; neighbours: number } | null = null;
    for (const c of m.cells) {
      if (!c.editable || c.state !== 'published') continue;
      const g = m.topo.geometry(c.ref);
      if (g.type !== 'Polygon') continue;
      const neighbours = m.topo.neighbours(c.ref).length;
      if (best && neighbours <= best.neighbours) continue;
      for (const q of g.coordinates[0]) {
        const key = `${q[0]},${q[1]}`;
        const sharing = m.topo.cellsAt(key);
        if (m.topo.freedom(key) === 'free' && sharing.length >= 3 && sharing.every((r) => m.byRef.get(r)?.editable && m.byRef.get(r)?.state === 'published')) {
          best = { ref: c.ref, at: q as Position, sharing: sharing.length, neighbours };
          break;
        }
      }
    }
    if (!best) return null;
    const refs = [best.ref, ...m.topo.neighbours(best.ref)];
    const xs: number[] = [];
    const ys: number[] = [];
    for (const r of refs) {
      const g = m.topo.geometry(r);
      for (const rings of g.type === 'Polygon' ? [g.coordinates] : g.coordinates) for (const q of rings[0]) {
          xs.push(q[0]);
          ys.push(q[1]);
        }
    }
    const map = window.__citygridMap!.map;
    map.fitBounds([[Math.min(...xs), Math.min(...ys)], [Math.max(...xs), Math.max(...ys)]], { padding: 60, animate: false });
    const c = map.getCenter();
    return { ...best, view: { center: [c.lng, c.lat] as [number, number], zoom: map.getZoom() }, cells: m.cells.length };
  });
  if (!t) throw new Error(`no free vertex shared by three editable cells in ${DISTRICT}`);
  return t;
}

/** The map's canvas must be what is under the vertex (not the editor's panel). */
async function onCanvas(p: Page, at: { x: number; y: number }): Promise<void> {
  const tag = await p.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.tagName ?? null, at);
  if (tag !== 'CANVAS') throw new Error(`the vertex's pixel (${Math.round(at.x)}, ${Math.round(at.y)}) shows a ${tag}, not the map`);
}

export async function gridRedrawBench(): Promise<BenchEntry[]> {
  const port = await freePort();
  // the editor only drafts (nothing is published), so a data folder can be used again
  const dataDir = SMOKE ? await smokeCity() : (process.env.CITYGRID_BENCH_DATA_DIR ?? resolve(root, '.data', 'bench-grid-redraw'));
  const server = await startServer(port, dataDir, () => {});
  const base = `http://127.0.0.1:${port}`;
  const browser = await launchChromium();
  try {
    const ctx = await browser.newContext({ viewport: VIEWPORT });
    // tsx keeps the names of functions handed to page.evaluate (esbuild's __name): give the page one
    await ctx.addInitScript('globalThis.__name = (f) => f');

    // the editor: choose the vertex and the view, then drag
    const app = await openEditor(ctx, base);
    const target = await chooseTarget(app);
    await app.evaluate((ref) => window.__citygridGridEditor!.map.select([ref]), target.ref);
    await settled(app, '__citygridMap');
    await app.evaluate(installProbe, '__citygridMap' as const);
    const appTimes: number[] = [];
    const js: { moves: number; meanMs: number; worstMs: number }[] = [];
    let cold: { moves: number; meanMs: number; worstMs: number } | null = null;
    // one drag first on each page, not counted: the page's first drag compiles its code (JIT) and warms the map's worker
    for (let i = FIRST; i < DRAGS; i++) {
      const from = await pixel(app, '__citygridMap', target.at);
      await onCanvas(app, from);
      const times = await dragMeasured(app, from);
      if (i >= 0) appTimes.push(...times);
      const d = await app.evaluate(() => window.__citygridGridEditor!.hooks.lastDrag);
      if (!d || d.moves < MOVES) throw new Error(`the editor took ${d?.moves ?? 0} of ${MOVES + 1} moves as a drag`);
      if (i >= 0) js.push(d);
      else cold = d;
      // back to the published cells for the next drag
      await app.getByTestId('grid-undo').click();
      await app.waitForFunction(() => document.querySelector('[data-testid="grid-editor"]')?.getAttribute('data-changes') === '0', undefined, { timeout: 30_000 });
      await settled(app, '__citygridMap');
    }
    const repaintApp: number[] = [];
    for (let i = 0; i < REPAINTS; i++) repaintApp.push(await app.evaluate(() => window.__redrawProbe!.repaint()));
    const size = await app.evaluate(() => {
      const c = window.__citygridMap!.map.getContainer();
      return { width: c.clientWidth, height: c.clientHeight };
    });
    await app.close();

    // the bare page: the same cells, the same view, the same vertex of the same cell, the same path
    const bare = await ctx.newPage();
    bare.on('pageerror', (e) => console.log(`    [page error] ${e.message}`));
    await bare.goto(`${base}/bench/bare-draw.html?district=${DISTRICT}`);
    await bare.waitForFunction(() => !!window.__bareDraw, undefined, { timeout: 120_000 });
    const loaded = await bare.evaluate(({ ref, view, at, size }) => {
      const b = window.__bareDraw!;
      // the editor's map is the window less the header: the bare map gets the same size
      const c = b.map.getContainer();
      c.style.width = `${size.width}px`;
      c.style.height = `${size.height}px`;
      b.map.resize();
      b.map.jumpTo({ center: view.center, zoom: view.zoom });
      // the part of the cell that has the vertex (terra-draw holds it rounded to 9 decimals)
      const r9 = (x: number) => Math.round(x * 1e9) / 1e9;
      const id = b.featuresOf(ref).find((f) => (b.draw.getSnapshotFeature(f)?.geometry.coordinates as number[][][])[0].some((q) => q[0] === r9(at[0]) && q[1] === r9(at[1])));
      if (id) b.draw.selectFeature(id);
      return { selected: !!id, cells: b.cells, features: b.features, refused: b.refused };
    }, { ...target, size });
    if (!loaded.selected) throw new Error(`the bare page has no feature of ${target.ref} with its vertex`);
    if (loaded.refused.length) console.log(`    terra-draw refused ${loaded.refused.length} features, e.g. ${loaded.refused[0]}`);
    await settled(bare, '__bareDraw');
    await bare.evaluate(installProbe, '__bareDraw' as const);
    const bareTimes: number[] = [];
    for (let i = FIRST; i < DRAGS; i++) {
      const from = await pixel(bare, '__bareDraw', target.at);
      await onCanvas(bare, from);
      const times = await dragMeasured(bare, from);
      if (i >= 0) bareTimes.push(...times);
      await settled(bare, '__bareDraw');
    }
    const repaintBare: number[] = [];
    for (let i = 0; i < REPAINTS; i++) repaintBare.push(await bare.evaluate(() => window.__redrawProbe!.repaint()));
    await bare.close();
    await ctx.close();

    const a = median(appTimes);
    const b = median(bareTimes);
    const jsMean = js.reduce((s, d) => s + d.meanMs * d.moves, 0) / js.reduce((s, d) => s + d.moves, 0);
    const jsWorst = Math.max(...js.map((d) => d.worstMs));
    const what = `a vertex shared by ${target.sharing} cells, of a cell with ${target.neighbours} neighbours, ${target.cells.toLocaleString('en')} cells loaded (bare: ${loaded.features.toLocaleString('en')} terra-draw features)`;
    return [
      entry({
        name: 'grid editor: one vertex drag move to its drawn frame (editor vs bare terra-draw)',
        value: round1(a),
        unit: 'ms',
        baseline: round1(b),
        target: 'ratio ≤ 1.5',
        met: a / b <= 1.5,
        note: `median of ${appTimes.length} moves each (${DRAGS} drags by the mouse after one not counted, ${RADIUS_PX}-px circle, zoom ${target.view.zoom.toFixed(1)}); mean ${round1(mean(appTimes))} vs ${round1(mean(bareTimes))} ms, slowest ${round1(Math.max(...appTimes))} vs ${round1(Math.max(...bareTimes))} ms; ${what}; a repaint with nothing changed ${round1(median(repaintApp))} vs ${round1(median(repaintBare))} ms; map ${size.width}×${size.height} px on both; SwiftShader`,
      }),
      entry({
        name: 'grid editor: JS per drag move in Chromium (topology + instant check + source data), mean',
        value: round1(jsMean),
        unit: 'ms',
        baseline: 16,
        target: '≤ 16 ms (one frame)',
        met: jsMean <= 16,
        note: `editor-map.ts's lastDrag over ${js.reduce((s, d) => s + d.moves, 0)} moves; worst ${round1(jsWorst)} ms (per drag: ${js.map((d) => `${round1(d.meanMs)}/${round1(d.worstMs)}`).join(', ')} mean/worst ms; ${cold ? `the page's first drag, not counted: ${round1(cold.meanMs)}/${round1(cold.worstMs)}` : 'no uncounted first drag (smoke)'}); baseline = the one-frame budget`,
      }),
    ];
  } finally {
    await browser.close();
    await stopServer(server);
  }
}
