// Browser test of the unit grid editor (docs/decisions/0027-grid-editor.md), at 1920 × 1080: the
// demo coordinator (芗城区) opens /grids, switches to Edit, retires a cell and draws it again with
// one corner pushed into a neighbour, sees the overlap (listed, and red on the map), drags the
// corner back so it snaps onto the neighbour's vertex, validates and publishes; moves a vertex
// that several cells share (all of them change, in one step); splits a cell by a line; and is
// refused, on the screen and over the API, in a district that is not theirs. Screenshots under
// test-results/screenshots/grids-*. Run alone: npm run test:e2e -- grids.
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import type { PageKit } from './kit.ts';
import type { Position } from '../../domain/grid-rules.ts';

const OWN = '350602';
const OTHER = '350603';

/** The page pixel of a WGS-84 position. */
async function pixel(p: Page, at: Position): Promise<{ x: number; y: number }> {
  return p.evaluate(([lng, lat]) => {
    const m = window.__citygridMap!.map;
    const r = m.getContainer().getBoundingClientRect();
    const q = m.project([lng, lat]);
    return { x: r.left + q.x, y: r.top + q.y };
  }, at);
}

async function mapIdle(p: Page) {
  await p.waitForFunction(() => {
    const m = window.__citygridMap?.map;
    return !!m && m.loaded() && !m.isMoving() && !m.isZooming();
  }, undefined, { timeout: 120_000 });
  await p.evaluate(() => window.__citygridMap!.redraw());
}

/** Fits the map to a box (lng/lat) at once, with room for the panel. */
async function fit(p: Page, bbox: [number, number, number, number], padding = 200) {
  await p.evaluate(([b, pad]) => window.__citygridMap!.map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: pad as number, animate: false }), [bbox, padding] as const);
  await mapIdle(p);
}

const editorReady = (p: Page) => p.locator('[data-testid="grid-editor"][data-ready="1"]').waitFor({ timeout: 180_000 });

/** The editor afresh on the coordinator's district, with no draft left by an earlier check. */
async function freshEditor(p: Page, base: string, lang = 'zh') {
  await p.evaluate((d) => window.localStorage.removeItem(`citygrid.gridDraft.${d}`), OWN);
  await p.goto(`${base}/grids?layers=districts&edit=1&district=${OWN}${lang === 'en' ? '&lang=en' : ''}`);
  await editorReady(p);
  await p.waitForFunction(() => !!window.__citygridGridEditor?.model, undefined, { timeout: 60_000 });
  await mapIdle(p);
}

/** Drags with the mouse in steps, as a person does. */
async function drag(p: Page, from: { x: number; y: number }, to: { x: number; y: number }, steps = 12) {
  await p.mouse.move(from.x, from.y, { steps: 2 });
  await p.mouse.down();
  for (let i = 1; i <= steps; i++) await p.mouse.move(from.x + ((to.x - from.x) * i) / steps, from.y + ((to.y - from.y) * i) / steps);
  await p.mouse.up();
}

export async function gridsChecks(k: PageKit): Promise<void> {
  const { browser, base, shots, check } = k;
  const assert: (cond: unknown, message: string) => asserts cond = k.assert;
  const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  // tsx keeps the names of functions handed to page.evaluate (esbuild's __name): give the page one
  await ctx.addInitScript('globalThis.__name = (f) => f');
  const p = await ctx.newPage();
  k.watch(p);
  p.on('pageerror', (e) => console.log(`    [page error] ${e.stack ?? e.message}`));
  const shot = (name: string) => p.screenshot({ path: resolve(shots, `grids-${name}.png`) });
  /** The reasons listed in the panel (instant or the server's). */
  const reasons = () => p.locator('.grid-problems li').evaluateAll((li) => li.map((x) => x.getAttribute('data-reason')));
  const changes = async () => Number(await p.getByTestId('grid-editor').getAttribute('data-changes'));

  try {
    await check('grids: the coordinator opens the editor on 芗城区 from /grids (Chinese first); another district\'s cells are there, dimmed and pinned', async () => {
      await k.signIn(p, base, 'demo-coordinator', '/grids?layers=districts');
      await p.getByTestId('grid-editor-open').click();
      await editorReady(p);
      await p.waitForFunction(() => !!window.__citygridGridEditor?.model, undefined, { timeout: 60_000 });
      const info = await p.evaluate(() => {
        const m = window.__citygridGridEditor!.model;
        return { district: m.area.districtCode, own: m.cells.filter((c) => c.editable).length, foreign: m.cells.filter((c) => !c.editable).length };
      });
      assert(info.district === OWN && info.own > 100, `the editor opened on ${info.district} with ${info.own} editable cells`);
      assert(info.foreign > 0, 'no cell of a neighbouring district is shown');
      const text = await p.getByTestId('grid-editor').innerText();
      assert(text.includes('单元网格编辑') && text.includes('发布'), `the panel is not in Chinese: ${text.slice(0, 80)}`);
      await mapIdle(p);
      // the map moved to the district: the console rewrote the address and kept the editor's keys (a reload reopens it)
      const q = new URLSearchParams(await p.evaluate(() => window.location.search));
      assert(q.get('edit') === '1' && q.get('district') === OWN && q.has('view'), `the address lost the editor: ${q}`);
      await shot('district');
    });

    // the cell to redraw: its vertices all shared with editable cells (none pinned), a handful of them, neighbours all round
    const target = await p.evaluate(() => {
      const m = window.__citygridGridEditor!.model;
      const keyOf = (q: number[]) => `${q[0]},${q[1]}`;
      let best: { ref: string; code: string; ring: Position[]; bbox: [number, number, number, number] } | null = null;
      for (const c of m.cells) {
        const g = m.topo.geometry(c.ref);
        if (!c.editable || c.state !== 'published' || g.type !== 'Polygon' || g.coordinates.length !== 1) continue;
        const ring = g.coordinates[0].slice(0, -1) as Position[];
        if (ring.length < 4 || ring.length > 9) continue;
        if (ring.some((q) => m.topo.freedom(keyOf(q)) !== 'free' || m.topo.cellsAt(keyOf(q)).length < 2)) continue;
        const xs = ring.map((q) => q[0]), ys = ring.map((q) => q[1]);
        best = { ref: c.ref, code: c.code!, ring, bbox: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] };
        break;
      }
      return best;
    });

    await check('grids: a cell redrawn with one corner in its neighbour shows the overlap; the corner dragged back snaps onto the neighbour\'s vertex; it validates and publishes', async () => {
      assert(target, 'no cell of 芗城区 with only free, shared vertices');
      await fit(p, target.bbox, 260);
      const centre = await p.evaluate((ref) => {
        const m = window.__citygridGridEditor!.model;
        const g = m.topo.geometry(ref);
        // the middle of the widest inside stretch of the middle row (innerPoint)
        const ring = (g.coordinates as number[][][])[0];
        const ys = ring.map((q) => q[1]);
        const y = (Math.min(...ys) + Math.max(...ys)) / 2;
        const xs: number[] = [];
        for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) if (ring[j][1] > y !== ring[i][1] > y) xs.push(ring[j][0] + ((y - ring[j][1]) * (ring[i][0] - ring[j][0])) / (ring[i][1] - ring[j][1]));
        xs.sort((a, b) => a - b);
        return [(xs[0] + xs[1]) / 2, y] as Position;
      }, target.ref);
      const c = await pixel(p, centre);
      await p.mouse.click(c.x, c.y);
      await p.locator(`[data-testid="grid-selected"][data-ref="${target.ref}"]`).waitFor({ timeout: 30_000 });
      await p.getByTestId('grid-redraw').click();
      await p.locator('[data-testid="grid-editor"][data-mode="polygon"]').waitFor();
      assert((await changes()) === 1, 'retiring the cell did not make one change');

      // the corner to push out: away from the cell's middle, far enough (in pixels) that nothing snaps it, inside a neighbour
      const pts = await Promise.all(target.ring.map((q) => pixel(p, q)));
      const j = 0;
      const pushed = await p.evaluate(
        ([q, self]) => {
          const m = window.__citygridGridEditor!.model;
          const map = window.__citygridMap!.map;
          const r = map.getContainer().getBoundingClientRect();
          const key = `${q[0]},${q[1]}`;
          // the neighbours that shared the corner: a point part way from the corner towards one's middle
          for (const n of m.topo.cellsAt(key).filter((x) => x !== self)) {
            const ring = (m.topo.geometry(n).coordinates as number[][][])[0];
            const cx = ring.slice(0, -1).reduce((a, v) => a + v[0], 0) / (ring.length - 1), cy = ring.slice(0, -1).reduce((a, v) => a + v[1], 0) / (ring.length - 1);
            for (const f of [0.35, 0.3, 0.4, 0.25, 0.45, 0.5]) {
              const at: Position = [q[0] + (cx - q[0]) * f, q[1] + (cy - q[1]) * f];
              const tol = (16 * (40_075_016.686 * Math.cos((at[1] * Math.PI) / 180))) / (512 * 2 ** map.getZoom());
              const px = map.project(at as [number, number]);
              if (m.topo.snap(at, tol).kind === 'none' && m.cellAt(at)?.ref === n) return { x: r.left + px.x, y: r.top + px.y };
            }
          }
          return null;
        },
        [target.ring[j], target.ref] as const,
      );
      assert(pushed, 'no spot beyond the corner that lies inside a neighbour, away from every vertex and edge');
      const clicks = pts.map((q, i) => (i === j ? { x: pushed.x, y: pushed.y } : q));
      for (const q of [...clicks, clicks[0]]) {
        await p.mouse.move(q.x, q.y, { steps: 3 });
        await p.mouse.click(q.x, q.y);
      }
      await p.locator('[data-testid="grid-editor"][data-mode="select"]').waitFor({ timeout: 30_000 });
      await p.getByTestId('grid-instant-problems').waitFor({ timeout: 30_000 });
      assert((await reasons()).includes('grid.overlap'), `the overlap is not listed: ${(await reasons()).join(', ')}`);
      const listed = await p.getByTestId('grid-instant-problems').innerText();
      assert(/重叠 [\d.]+ 平方米/.test(listed), `the overlap is not worded in Chinese: ${listed}`);
      // red on the map where it overlaps
      // (a GeoJSON source takes its data in its worker: wait for the map to have it)
      await p.waitForFunction(() => window.__citygridMap!.map.querySourceFeatures('gedit-problems').length > 0, undefined, { timeout: 30_000 }).catch(() => {
        throw new Error('the overlap is not drawn on the map');
      });
      await mapIdle(p);
      await shot('overlap');
      // the server agrees
      await p.getByTestId('grid-validate').click();
      await p.getByTestId('grid-server-problems').waitFor({ timeout: 60_000 });
      assert((await reasons()).includes('grid.overlap'), `the server does not report the overlap: ${(await reasons()).join(', ')}`);
      await mapIdle(p);
      await shot('overlap-server');

      // drag the pushed corner back, letting go 5 px short of the neighbour's vertex: it snaps onto it
      const back = { x: pts[j].x + 4, y: pts[j].y - 3 };
      await drag(p, pushed, back);
      await p.waitForFunction(() => !document.querySelector('[data-testid="grid-instant-problems"]'), undefined, { timeout: 30_000 });
      const snapped = await p.evaluate((ring) => {
        const m = window.__citygridGridEditor!.model;
        const added = m.cells.find((c) => c.state === 'added')!;
        const keys = new Set((m.topo.geometry(added.ref).coordinates as number[][][])[0].map((q) => `${q[0]},${q[1]}`));
        return { exact: ring.every((q) => keys.has(`${q[0]},${q[1]}`)), n: keys.size, drag: window.__citygridGridEditor!.hooks.lastDrag };
      }, target.ring);
      assert(snapped.exact, 'the redrawn cell does not have exactly the old vertices (shared with its neighbours)');
      await p.getByTestId('grid-validate').click();
      await p.getByTestId('grid-valid').waitFor({ timeout: 60_000 });
      await mapIdle(p);
      await shot('fixed');
      await p.getByTestId('grid-note').fill('e2e：重绘网格');
      await p.getByTestId('grid-publish').click();
      await p.locator('[data-testid="grid-editor-notice"]', { hasText: '已发布' }).waitFor({ timeout: 60_000 });
      const notice = await p.getByTestId('grid-editor-notice').innerText();
      assert(notice.includes('新增 1') && notice.includes('注销 1'), `publish says: ${notice}`);
      await editorReady(p);
      assert((await changes()) === 0, 'the draft is not empty after publishing');
      console.log(`    drag of the corner: ${snapped.drag?.moves} moves, mean ${snapped.drag?.meanMs.toFixed(1)} ms, worst ${snapped.drag?.worstMs.toFixed(1)} ms (topology + check + redraw data)`);
    });

    await check('grids: moving a vertex shared by several cells changes all of them, in one undo step', async () => {
      await freshEditor(p, base);
      const v = await p.evaluate(() => {
        const m = window.__citygridGridEditor!.model;
        for (const c of m.cells) {
          if (!c.editable || c.state !== 'published') continue;
          for (const q of (m.topo.geometry(c.ref).coordinates as number[][][])[0]) {
            const key = `${q[0]},${q[1]}`;
            const sharing = m.topo.cellsAt(key);
            if (m.topo.freedom(key) === 'free' && sharing.length >= 3 && sharing.every((r) => m.byRef.get(r)?.editable && m.byRef.get(r)?.state === 'published')) return { at: q as Position, ref: c.ref, sharing };
          }
        }
        return null;
      });
      assert(v, 'no free vertex shared by three cells');
      await fit(p, [v.at[0] - 0.0015, v.at[1] - 0.001, v.at[0] + 0.0015, v.at[1] + 0.001], 100);
      // select a cell having it (click just inside, towards the cell's middle), then drag the vertex 18 px
      const inner = await p.evaluate(([ref, at]) => {
        const m = window.__citygridGridEditor!.model;
        const ring = (m.topo.geometry(ref).coordinates as number[][][])[0];
        const cx = ring.reduce((a, q) => a + q[0], 0) / ring.length, cy = ring.reduce((a, q) => a + q[1], 0) / ring.length;
        return [at[0] + (cx - at[0]) * 0.3, at[1] + (cy - at[1]) * 0.3] as Position;
      }, [v.ref, v.at] as const);
      const ip = await pixel(p, inner);
      await p.mouse.click(ip.x, ip.y);
      await p.locator('[data-testid="grid-selected"]').waitFor({ timeout: 30_000 });
      const from = await pixel(p, v.at);
      await drag(p, from, { x: from.x + 14, y: from.y + 10 }, 16);
      await p.waitForFunction((n) => Number(document.querySelector('[data-testid="grid-editor"]')?.getAttribute('data-changes')) === n, v.sharing.length, { timeout: 30_000 });
      const after = await p.evaluate((sharing) => {
        const m = window.__citygridGridEditor!.model;
        const key = window.__citygridGridEditor!.map.selectedVertex!;
        return { cells: m.topo.cellsAt(key).sort(), states: sharing.map((r) => m.byRef.get(r)?.state), drag: window.__citygridGridEditor!.hooks.lastDrag };
      }, v.sharing);
      assert(JSON.stringify(after.cells) === JSON.stringify([...v.sharing].sort()), `the moved vertex is in ${after.cells.join(', ')}, not in all of ${v.sharing.join(', ')}`);
      assert(after.states.every((s) => s === 'changed'), `not every sharing cell is changed: ${after.states.join(', ')}`);
      assert((after.drag?.moves ?? 0) >= 8, `the drag made only ${after.drag?.moves} live moves`);
      const counts = await p.getByTestId('grid-draft-counts').innerText();
      assert(counts.includes(`修改 ${v.sharing.length}`), `the draft reads ${counts}`);
      await mapIdle(p);
      await shot('shared-vertex');
      console.log(`    shared-vertex drag: ${after.drag?.moves} moves, mean ${after.drag?.meanMs.toFixed(1)} ms, worst ${after.drag?.worstMs.toFixed(1)} ms per move in the browser (${v.sharing.length} cells)`);
      // one step back undoes all of them; again forward by dragging, then publish
      await p.getByTestId('grid-undo').click();
      await p.waitForFunction(() => document.querySelector('[data-testid="grid-editor"]')?.getAttribute('data-changes') === '0', undefined, { timeout: 30_000 });
      const from2 = await pixel(p, v.at);
      await drag(p, from2, { x: from2.x + 14, y: from2.y + 10 }, 8);
      await p.waitForFunction((n) => Number(document.querySelector('[data-testid="grid-editor"]')?.getAttribute('data-changes')) === n, v.sharing.length, { timeout: 30_000 });
      await p.getByTestId('grid-publish').click();
      await p.locator('[data-testid="grid-editor-notice"]', { hasText: '已发布' }).waitFor({ timeout: 60_000 });
      await editorReady(p);
    });

    await check('grids: a cell split by a line becomes two new cells (the old one retired), which publish', async () => {
      await freshEditor(p, base);
      const cell = await p.evaluate(() => {
        const m = window.__citygridGridEditor!.model;
        const c = m.cells.find((x) => x.editable && x.state === 'published' && m.topo.geometry(x.ref).type === 'Polygon' && m.topo.neighbours(x.ref).length > 3 && (m.topo.geometry(x.ref).coordinates as number[][][])[0].length >= 6)!;
        const ring = (m.topo.geometry(c.ref).coordinates as number[][][])[0];
        const xs = ring.map((q) => q[0]), ys = ring.map((q) => q[1]);
        return { ref: c.ref, code: c.code, bbox: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] as [number, number, number, number] };
      });
      await fit(p, cell.bbox, 300);
      const y = (cell.bbox[1] + cell.bbox[3]) / 2;
      // select it: the middle of its row
      const mid = await p.evaluate(([ref, yy]) => {
        const m = window.__citygridGridEditor!.model;
        const ring = (m.topo.geometry(ref).coordinates as number[][][])[0];
        const xs: number[] = [];
        for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) if (ring[j][1] > yy !== ring[i][1] > yy) xs.push(ring[j][0] + ((yy - ring[j][1]) * (ring[i][0] - ring[j][0])) / (ring[i][1] - ring[j][1]));
        xs.sort((a, b) => a - b);
        return [(xs[0] + xs[1]) / 2, yy] as Position;
      }, [cell.ref, y] as const);
      const mp = await pixel(p, mid);
      await p.mouse.click(mp.x, mp.y);
      await p.locator(`[data-testid="grid-selected"][data-ref="${cell.ref}"]`).waitFor({ timeout: 30_000 });
      await p.getByTestId('grid-mode-split').click();
      const a = await pixel(p, [cell.bbox[0] - (cell.bbox[2] - cell.bbox[0]) * 0.15, y]);
      const b = await pixel(p, [cell.bbox[2] + (cell.bbox[2] - cell.bbox[0]) * 0.15, y + (cell.bbox[3] - cell.bbox[1]) * 0.1]);
      await p.mouse.move(a.x, a.y, { steps: 2 });
      await p.mouse.click(a.x, a.y);
      await p.mouse.move(b.x, b.y, { steps: 4 });
      await p.mouse.click(b.x, b.y);
      await p.mouse.click(b.x, b.y); // the last point again finishes the line
      // retire + two adds; the neighbours whose edges the cut ends on take the new vertices too (no T-junctions)
      await p.waitForFunction(() => /新增 2/.test(document.querySelector('[data-testid="grid-draft-counts"]')?.textContent ?? ''), undefined, { timeout: 60_000 }).catch(async (err) => {
        await shot('split-failed');
        throw new Error(`the split did not reach the draft (${(await p.getByTestId('grid-editor-notice').allInnerTexts()).join(' ')}): ${(err as Error).message}`);
      });
      const counts = await p.getByTestId('grid-draft-counts').innerText();
      assert(counts.includes('新增 2') && counts.includes('注销 1'), `the split reads ${counts}`);
      const tied = await p.evaluate(() => {
        const m = window.__citygridGridEditor!.model;
        const added = m.cells.filter((c) => c.state === 'added').map((c) => c.ref);
        // every vertex of the pieces lies on a vertex of the cells around (shared), none in the middle of their edges
        return added.every((ref) => (m.topo.geometry(ref).coordinates as number[][][])[0].every((q) => m.topo.cellsAt(`${q[0]},${q[1]}`).length >= 2 || m.topo.freedom(`${q[0]},${q[1]}`) === 'boundary'));
      });
      assert(tied, 'a vertex of the pieces is not shared with the cells around them');
      await mapIdle(p);
      await shot('split');
      await p.getByTestId('grid-validate').click();
      await p.getByTestId('grid-valid').waitFor({ timeout: 60_000 });
      await p.getByTestId('grid-publish').click();
      await p.locator('[data-testid="grid-editor-notice"]', { hasText: '已发布' }).waitFor({ timeout: 60_000 });
      const notice = await p.getByTestId('grid-editor-notice').innerText();
      assert(notice.includes('新增 2') && notice.includes('注销 1'), `publish says: ${notice}`);
      // the split cell's history: its one version, now retired
      await editorReady(p);
    });

    await check('grids: a cell\'s history shows its versions; the export downloads the district as GeoJSON', async () => {
      await freshEditor(p, base);
      assert(target, 'no redrawn cell');
      const code = target.code;
      // the redrawn cell's old code: retired, its history still there (asked for through a cell still current next to it)
      const current = await p.evaluate(() => {
        const m = window.__citygridGridEditor!.model;
        const c = m.cells.find((x) => x.editable && x.state === 'published' && x.version !== null && x.version > 1);
        if (!c) return null;
        const [w, s, e, n] = m.topo.bbox(c.ref);
        return { ref: c.ref, bbox: [w, s, e, n] as [number, number, number, number] };
      });
      assert(current, 'no cell with a second version after the publishes');
      await fit(p, current.bbox, 300);
      await p.evaluate((ref) => window.__citygridGridEditor!.map.select([ref]), current.ref);
      await p.getByTestId('grid-history').click();
      const list = p.getByTestId('grid-history-list');
      await list.waitFor({ timeout: 30_000 });
      assert((await list.locator('tbody tr').count()) >= 2, `the history lists ${await list.locator('tbody tr').count()} versions`);
      await mapIdle(p);
      await shot('history');
      const [download] = await Promise.all([p.waitForEvent('download', { timeout: 60_000 }), p.getByTestId('grid-export').click()]);
      const { readFileSync } = await import('node:fs');
      const fc = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { type: string; features: { properties: { code: string } }[] };
      assert(fc.type === 'FeatureCollection' && fc.features.length > 100 && fc.features.every((f) => f.properties.code.startsWith(OWN)), `the export: ${fc.type}, ${fc.features.length} features`);
      assert(!fc.features.some((f) => f.properties.code === code), `the retired code ${code} is still exported`);
      // the redrawn cell's old code: one version, retired (the history stays)
      const { cookie } = await k.apiLogin(base, 'demo-coordinator');
      const h = (await (await fetch(`${base}/trpc/grids.history?input=${encodeURIComponent(JSON.stringify({ code }))}`, { headers: { cookie } })).json()) as { result: { data: { versions: { status: string; validTo: string | null }[] } } };
      const vs = h.result.data.versions;
      assert(vs.length >= 1 && vs.every((v) => v.validTo !== null), `the retired code's history: ${JSON.stringify(vs)}`);
    });

    await check('grids: two adjacent cells shift-selected merge into one (both retired, one added) that validates; the merged cell, not yet published, splits again', async () => {
      await freshEditor(p, base);
      const pair = await p.evaluate(() => {
        const m = window.__citygridGridEditor!.model;
        const mid = (ref: string) => {
          const ring = (m.topo.geometry(ref).coordinates as number[][][])[0].slice(0, -1);
          return [ring.reduce((a, q) => a + q[0], 0) / ring.length, ring.reduce((a, q) => a + q[1], 0) / ring.length] as Position;
        };
        for (const c of m.cells) {
          if (!c.editable || c.state !== 'published') continue;
          const keys = (m.topo.geometry(c.ref).coordinates as number[][][])[0].map((q) => `${q[0]},${q[1]}`);
          for (const n of m.topo.neighbours(c.ref)) {
            const o = m.byRef.get(n)!;
            if (!o.editable || o.state !== 'published' || o.villageCode !== c.villageCode) continue;
            const shared = new Set(keys.filter((k) => m.topo.cellsAt(k).includes(n)));
            if (shared.size < 2) continue;
            const [w1, s1, e1, n1] = m.topo.bbox(c.ref), [w2, s2, e2, n2] = m.topo.bbox(n);
            if (m.cellAt(mid(c.ref))?.ref !== c.ref || m.cellAt(mid(n))?.ref !== n) continue;
            return { a: c.ref, b: n, ma: mid(c.ref), mb: mid(n), bbox: [Math.min(w1, w2), Math.min(s1, s2), Math.max(e1, e2), Math.max(n1, n2)] as [number, number, number, number] };
          }
        }
        return null;
      });
      assert(pair, 'no two adjacent published cells of one community');
      await fit(p, pair.bbox, 250);
      const a = await pixel(p, pair.ma), b = await pixel(p, pair.mb);
      await p.mouse.click(a.x, a.y);
      await p.locator(`[data-testid="grid-selected"][data-ref="${pair.a}"]`).waitFor({ timeout: 30_000 });
      await p.keyboard.down('Shift');
      await p.mouse.click(b.x, b.y);
      await p.keyboard.up('Shift');
      await p.getByTestId('grid-selection').waitFor({ timeout: 30_000 });
      await p.getByTestId('grid-merge').click();
      await p.waitForFunction(() => /新增 1/.test(document.querySelector('[data-testid="grid-draft-counts"]')?.textContent ?? ''), undefined, { timeout: 60_000 });
      const counts = await p.getByTestId('grid-draft-counts').innerText();
      assert(counts.includes('注销 2') && counts.includes('新增 1'), `the merge reads ${counts}`);
      await p.getByTestId('grid-validate').click();
      await p.getByTestId('grid-valid').waitFor({ timeout: 60_000 });
      await mapIdle(p);
      await shot('merge');
      // the merged cell is the draft's, not published: it is cut by its shape, through both old middles
      await p.getByTestId('grid-mode-split').click();
      const along = (t: number) => [pair.ma[0] + t * (pair.mb[0] - pair.ma[0]), pair.ma[1] + t * (pair.mb[1] - pair.ma[1])] as Position;
      const c0 = await pixel(p, along(-1.2)), c1 = await pixel(p, along(2.2));
      await p.mouse.move(c0.x, c0.y, { steps: 2 });
      await p.mouse.click(c0.x, c0.y);
      await p.mouse.move(c1.x, c1.y, { steps: 4 });
      await p.mouse.click(c1.x, c1.y);
      await p.mouse.click(c1.x, c1.y);
      await p.waitForFunction(() => /新增 2/.test(document.querySelector('[data-testid="grid-draft-counts"]')?.textContent ?? ''), undefined, { timeout: 60_000 }).catch(async (err) => {
        await shot('split-draft-failed');
        throw new Error(`the drafted cell was not split (${(await p.getByTestId('grid-editor-notice').allInnerTexts()).join(' ')}): ${(err as Error).message}`);
      });
      const after = await p.getByTestId('grid-draft-counts').innerText();
      assert(after.includes('注销 2') && after.includes('新增 2'), `the split of the merged cell reads ${after}`);
    });

    await check('grids: a rectangle drawn over published cells is added to the draft with its overlaps listed; undo takes it out', async () => {
      await freshEditor(p, base);
      const spot = await p.evaluate(() => {
        const m = window.__citygridGridEditor!.model;
        const c = m.cells.find((x) => x.editable && x.state === 'published' && m.topo.freedom(m.topo.geometry(x.ref).coordinates[0][0].join(',')) === 'free')!;
        return m.topo.bbox(c.ref);
      });
      await fit(p, spot, 250);
      await p.getByTestId('grid-mode-rectangle').click();
      const a = await pixel(p, [spot[0] + (spot[2] - spot[0]) * 0.3, spot[1] + (spot[3] - spot[1]) * 0.3]);
      const b = await pixel(p, [spot[2] + (spot[2] - spot[0]) * 0.2, spot[3] + (spot[3] - spot[1]) * 0.2]);
      await p.mouse.move(a.x, a.y, { steps: 2 });
      await p.mouse.click(a.x, a.y);
      await p.mouse.move(b.x, b.y, { steps: 6 });
      await p.mouse.click(b.x, b.y);
      await p.locator('[data-testid="grid-editor"][data-mode="select"]').waitFor({ timeout: 30_000 });
      await p.getByTestId('grid-instant-problems').waitFor({ timeout: 30_000 });
      const found = await reasons();
      assert(found.filter((r) => r === 'grid.overlap').length >= 2, `a rectangle over several cells lists ${found.join(', ')}`);
      assert(/新增 1/.test(await p.getByTestId('grid-draft-counts').innerText()), 'the rectangle is not in the draft');
      await mapIdle(p);
      await shot('rectangle');
      await p.getByTestId('grid-undo').click();
      await p.waitForFunction(() => document.querySelector('[data-testid="grid-editor"]')?.getAttribute('data-changes') === '0', undefined, { timeout: 30_000 });
    });

    await check('grids: a GeoJSON file imported is snapped on the server, shows what was snapped, and goes into the draft', async () => {
      await freshEditor(p, base);
      // one cell of the district, with a vertex on its community's boundary pushed 0.3 m off it (as a desktop GIS leaves it)
      const file = await p.evaluate(() => {
        const m = window.__citygridGridEditor!.model;
        for (const c of m.cells) {
          if (!c.editable || c.state !== 'published' || !c.code) continue;
          const ring = (m.topo.geometry(c.ref).coordinates as number[][][])[0];
          const i = ring.slice(0, -1).findIndex((q) => m.topo.freedom(`${q[0]},${q[1]}`) === 'boundary');
          if (i < 0) continue;
          const moved = ring.map((q) => [q[0], q[1]]);
          moved[i] = [moved[i][0] + 0.3 / 101_000, moved[i][1] + 0.3 / 111_000];
          if (i === 0) moved[moved.length - 1] = moved[0];
          return { code: c.code, fc: { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { code: c.code, landUse: 'residential' }, geometry: { type: 'Polygon', coordinates: [moved] } }] } };
        }
        return null;
      });
      assert(file, 'no cell with a vertex on a community boundary');
      await p.getByTestId('grid-import').setInputFiles({ name: 'grids.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(file.fc)) });
      const preview = p.getByTestId('grid-import-preview');
      await preview.waitFor({ timeout: 60_000 });
      const text = await preview.innerText();
      assert(/1 个要素的顶点被吸附/.test(text), `the preview reads: ${text}`);
      await mapIdle(p);
      await shot('import');
      await preview.getByRole('button').click();
      await p.waitForFunction(() => document.querySelector('[data-testid="grid-editor"]')?.getAttribute('data-changes') === '1', undefined, { timeout: 30_000 });
      const change = await p.evaluate(() => window.__citygridGridEditor!.model.draft.changes[0]);
      assert(change.op === 'update' && change.attributes?.landUse === 'residential', `the imported change: ${JSON.stringify(change).slice(0, 200)}`);
    });

    await check('grids: a publish over a community someone changed meanwhile shows the conflict, what changed, and keeps the draft', async () => {
      await freshEditor(p, base);
      // a draft: the attributes of one cell
      const mine = await p.evaluate(() => {
        const m = window.__citygridGridEditor!.model;
        const c = m.cells.find((x) => x.editable && x.state === 'published' && m.cells.filter((y) => y.villageCode === x.villageCode && y.editable).length > 3)!;
        const other = m.cells.find((y) => y.villageCode === c.villageCode && y.ref !== c.ref && y.editable && y.state === 'published')!;
        window.__citygridGridEditor!.map.select([c.ref]);
        return { ref: c.ref, village: c.villageCode, other: { id: other.id!, version: other.version! }, base: m.area.revisions };
      });
      await p.getByTestId('grid-landuse').selectOption('commercial');
      await p.getByTestId('grid-attributes').getByRole('button').click();
      await p.waitForFunction(() => document.querySelector('[data-testid="grid-editor"]')?.getAttribute('data-changes') === '1', undefined, { timeout: 30_000 });
      // meanwhile, another session publishes a change to another cell of the same community
      const { cookie, csrf } = await k.apiLogin(base, 'demo-coordinator');
      const res = await fetch(`${base}/trpc/grids.publish`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf },
        body: JSON.stringify({ districtCode: OWN, base: mine.base, changes: [{ op: 'update', id: mine.other.id, version: mine.other.version, attributes: { landUse: 'green' } }], note: 'e2e: meanwhile' }),
      });
      assert(res.ok, `the other session's publish: ${res.status} ${(await res.text()).slice(0, 200)}`);
      await p.getByTestId('grid-publish').click();
      const box = p.getByTestId('grid-conflict');
      await box.waitFor({ timeout: 60_000 });
      const text = await box.innerText();
      assert(text.includes('发布冲突') && text.includes(mine.village), `the conflict screen reads: ${text}`);
      assert((await p.getByTestId('grid-conflict-changes').locator('li').count()) >= 1, 'the conflict does not list what changed');
      assert((await changes()) === 1, 'the draft was lost in the conflict');
      await shot('conflict');
      await box.getByRole('button').last().click();
      await editorReady(p);
      assert((await changes()) === 0, 'discarding after the conflict left a draft');
    });

    await check('grids: a coordinator cannot edit or publish another district: the editor says so, and the server refuses a publish', async () => {
      await p.goto(`${base}/grids?layers=districts&edit=1&district=${OTHER}`);
      const alert = p.locator('[data-testid="grid-editor"] [role="alert"]');
      await alert.waitFor({ timeout: 60_000 });
      const said = await alert.innerText();
      assert(/无权|不在|范围/.test(said), `the refusal reads: ${said}`);
      await shot('other-district');
      const { cookie, csrf } = await k.apiLogin(base, 'demo-coordinator');
      // a cell of 龙文区 next to 芗城区 (editArea shows it, not editable)
      const area = (await (await fetch(`${base}/trpc/grids.editArea?input=${encodeURIComponent(JSON.stringify({ districtCode: OWN }))}`, { headers: { cookie } })).json()) as { result: { data: { cells: { id: number; version: number; districtCode: string; editable: boolean }[] } } };
      const foreign = area.result.data.cells.find((c) => !c.editable)!;
      assert(foreign && foreign.districtCode !== OWN, 'no foreign cell in the edit area');
      const publish = (districtCode: string) =>
        fetch(`${base}/trpc/grids.publish`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf },
          body: JSON.stringify({ districtCode, base: {}, changes: [{ op: 'update', id: foreign.id, version: foreign.version, attributes: { landUse: 'green' } }], note: 'e2e' }),
        });
      for (const d of [foreign.districtCode, OWN]) {
        const res = await publish(d);
        const body = (await res.json()) as { error?: { data?: { code?: string; reason?: string } } };
        assert(!res.ok && ['FORBIDDEN', 'BAD_REQUEST', 'CONFLICT'].includes(body.error?.data?.code ?? ''), `publishing a change to ${foreign.districtCode}'s cell as ${d} answered ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
      }
    });

    await check('grids: the editor speaks English on the switch', async () => {
      await freshEditor(p, base, 'en');
      const text = await p.getByTestId('grid-editor').innerText();
      assert(text.includes('Unit grid editor') && text.includes('Publish') && text.includes('Validate on the server'), `the English panel reads: ${text.slice(0, 200)}`);
      await mapIdle(p);
      await shot('english');
    });
  } finally {
    await ctx.close();
  }
}
