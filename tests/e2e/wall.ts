// Browser checks of the command centre's wall screen (/command, client/features/wall/;
// `npm run test:e2e -- wall`): opened with a display token at 1920×1080 and 3840×2160 it shows the
// seed's Jan–Aug 2022 figures (the same as indicators.grouped answers), its text is as large as
// the panel and distance ask (computed styles), the district names never overlap (bounding
// boxes), the ticker opens on the newest cases, and a case registered through the API changes
// the open wall without a reload (figures, and the ticker's first line).
// Screenshots: test-results/screenshots/wall-1080p.png, wall-4k.png, wall-after-commit.png.
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import type { WorkflowKit } from './workflow.ts';

const Y2022 = 'period=2022-01-01..2022-08-31';
const PERIOD = { from: '2022-01-01T00:00:00+08:00', to: '2022-09-01T00:00:00+08:00' };

type Counts = Record<string, number>;

async function trpcGet<T>(base: string, headers: Record<string, string>, path: string, input: unknown): Promise<T> {
  const res = await fetch(`${base}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { result: { data: T } }).result.data;
}

const pct = (n: number, d: number) => (d === 0 ? '—' : `${(Math.round((n * 10000) / d) / 100).toFixed(2)}%`);

/** The wall's figures, once loaded. */
async function kpi(p: Page, id: string): Promise<string> {
  return (await p.getByTestId(`wall-kpi-${id}`).locator('.value').innerText()).trim();
}

async function fontPx(p: Page, selector: string): Promise<number[]> {
  return p.$$eval(selector, (els) => els.map((e) => parseFloat(getComputedStyle(e).fontSize)));
}

export async function wallChecks(k: WorkflowKit): Promise<void> {
  const { browser, base, shots, check } = k;
  const assert: (cond: unknown, message: string) => asserts cond = k.assert;
  const admin = await k.apiLogin(base, 'demo-admin');
  const post = (path: string, input: unknown, who = admin) =>
    fetch(`${base}/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: who.cookie, 'x-csrf-token': who.csrf }, body: JSON.stringify(input) });
  const { token } = ((await (await post('admin.createToken', { name: 'e2e wall screen' })).json()) as { result: { data: { token: string } } }).result.data;
  const whole = await trpcGet<{ counts: Counts; groups: { key: string }[] }>(base, { 'x-display-token': token }, 'indicators.grouped', { ...PERIOD, by: 'district' }); // the wall asks groupedSet: the same figures either way

  /** Opens the wall at a size and waits for its figures, its map and the cases on it. */
  const open = async (width: number, height: number, query = Y2022) => {
    const ctx = await browser.newContext({ viewport: { width, height } });
    const p = await ctx.newPage();
    k.watch(p);
    await p.goto(`${base}/command?${query}&display=${token}`);
    await p.waitForFunction(() => document.body.dataset.wall === 'ready' && document.body.dataset.live === 'on', undefined, { timeout: 180_000 });
    await p.getByTestId('wall-label-350602').waitFor({ timeout: 120_000 });
    // the map's case layer drawn by the GPU (client/features/cases/cases.tsx), so the screenshot shows the cases
    await p.waitForFunction(() => Number(document.body.dataset.casesDrawn) > 0, undefined, { timeout: 120_000 });
    // the charts have drawn (SVG paths) and the city is fitted
    await p.waitForFunction(() => document.querySelectorAll('[data-testid="wall-chart-days"] svg path').length > 0, undefined, { timeout: 60_000 });
    await p.waitForTimeout(1500);
    return { ctx, p };
  };

  const sizesAndLabels = async (p: Page, scale: number, name: string) => {
    const c = whole.counts;
    assert(whole.counts.accepted === 141_818, `the API says ${whole.counts.accepted} cases`);
    assert((await kpi(p, 'handlingRate')) === '98.82%', `处置率 reads ${await kpi(p, 'handlingRate')}`);
    assert((await kpi(p, 'closureRate')) === '98.85%', `结案率 reads ${await kpi(p, 'closureRate')}`);
    assert((await kpi(p, 'handlingOnTimeRate')) === pct(c.handledOnTime, c.dueForHandling), `按期处置率 reads ${await kpi(p, 'handlingOnTimeRate')}`);
    assert((await kpi(p, 'accepted')).replace(/,/g, '') === '141818', `受理 reads ${await kpi(p, 'accepted')}`);
    assert((await kpi(p, 'open')).replace(/,/g, '') === String(c.open), `在办 reads ${await kpi(p, 'open')} (API ${c.open})`);
    assert((await p.getByTestId('wall-rank').locator('tbody tr').count()) === 11, 'the ranking has not 11 districts');
    assert((await p.getByTestId('wall-channels').locator('li').count()) >= 3, 'intake by channel is missing');
    assert((await p.getByTestId('wall-asof').innerText()).includes('数据截至'), 'no "data as of" stamp');
    // physical sizes: at the defaults (65″, 1,439 mm wide, read from 3 m) body ≥ 20 px and KPI values ≥ 54 px at 1920 px; twice at 3840
    const body = await fontPx(p, '.wall-tile .label, .wall-table td, .wall-channels li, .wall-label, .wall-foot, .wall h2, .wall-period, .wall-asof');
    const values = await fontPx(p, '.wall-tile .value');
    assert(Math.min(...body) >= 20 * scale, `${name}: the smallest text is ${Math.min(...body)} px (want ≥ ${20 * scale})`);
    assert(Math.min(...values) >= 54 * scale, `${name}: the KPI values are ${Math.min(...values)} px (want ≥ ${54 * scale})`);
    // the charts' own text (SVG) too
    const chartText = await p.$$eval('.wall-chart svg text', (els) => els.map((e) => parseFloat(e.getAttribute('font-size') ?? getComputedStyle(e).fontSize)));
    assert(chartText.length > 0 && Math.min(...chartText) >= 20 * scale - 0.5, `${name}: chart text down to ${Math.min(...chartText)} px`);
    // district names: 11, inside the map's box, none overlapping another
    const boxes = await p.$$eval('[data-testid^="wall-label-"]', (els) => els.map((e) => ({ id: e.getAttribute('data-testid')!, ...e.getBoundingClientRect().toJSON() as DOMRect })));
    assert(boxes.length === 11, `${boxes.length} district names`);
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i], boxes[j]];
        const apart = a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
        assert(apart, `${name}: ${a.id} overlaps ${b.id}`);
      }
    // the city fills its area: the district names spread over most of the map's height
    const map = (await p.getByTestId('wall-map').boundingBox())!;
    const ys = boxes.map((b) => b.top + b.height / 2);
    assert(Math.max(...ys) - Math.min(...ys) > map.height * 0.5, `${name}: the names span ${Math.round(Math.max(...ys) - Math.min(...ys))} of ${map.height} px: the city does not fill the map`);
    // the map reads the same too: laid out at 1/scale, scaled up by CSS, drawn at scale× the pixels (sharp, not stretched)
    const drawn = await p.$eval('[data-testid="wall-map"] .maplibregl-canvas', (c) => {
      const canvas = c as HTMLCanvasElement;
      const wrap = canvas.closest('.wall-map-scaled')!;
      return { ratio: canvas.width / canvas.clientWidth, transform: getComputedStyle(wrap).transform, shown: canvas.getBoundingClientRect().width, laidOut: canvas.clientWidth };
    });
    assert(Math.abs(drawn.ratio - scale) < 0.02, `${name}: the map is drawn at ${drawn.ratio.toFixed(2)} device px per CSS px (want ${scale})`);
    assert(Math.abs(drawn.shown / drawn.laidOut - scale) < 0.02, `${name}: the map is shown ${(drawn.shown / drawn.laidOut).toFixed(2)}× its layout (want ${scale}; ${drawn.transform})`);
    // a full screen: no header, note or side panel
    assert((await p.getByTestId('side').count()) === 0 && (await p.locator('header:not(.wall-head)').count()) === 0, `${name}: the console's header or side panel is shown`);
  };

  await check('wall: at 1920×1080 with a display token it shows the seed’s figures, body ≥ 20 px and KPI ≥ 54 px, district names apart', async () => {
    const { ctx, p } = await open(1920, 1080);
    try {
      await p.screenshot({ path: resolve(shots, 'wall-1080p.png') });
      await sizesAndLabels(p, 1, '1080p');
    } finally {
      await ctx.close();
    }
  });

  await check('wall: at 3840×2160 the same screen reads the same from 3 m (every size doubled)', async () => {
    const { ctx, p } = await open(3840, 2160);
    try {
      await p.screenshot({ path: resolve(shots, 'wall-4k.png') });
      await sizesAndLabels(p, 2, '4K');
    } finally {
      await ctx.close();
    }
  });

  await check('wall: a case registered through the API changes the open wall without a reload (figures and ticker)', async () => {
    // the recent days (the default period), where a new case falls
    const { ctx, p } = await open(1920, 1080, '');
    try {
      const before = Number((await kpi(p, 'accepted')).replace(/,/g, ''));
      const loaded = await p.evaluate(() => performance.timeOrigin);
      // the ticker opens on the newest cases already reported (cases.latest), newest first
      const latest = await trpcGet<{ code: string }[]>(base, { 'x-display-token': token }, 'cases.latest', { limit: 8 });
      await p.locator('[data-testid="wall-ticker-item"]').first().waitFor({ timeout: 30_000 });
      const shown = await p.$$eval('[data-testid="wall-ticker-item"]', (els) => els.map((e) => e.getAttribute('data-code')));
      assert(latest.length === 8 && JSON.stringify(shown) === JSON.stringify(latest.map((c) => c.code)), `the ticker shows ${shown.join(' ')}, the newest are ${latest.map((c) => c.code).join(' ')}`);
      const inspector = await k.apiLogin(base, 'demo-inspector');
      const cats = await trpcGet<{ code: string }[]>(base, { cookie: inspector.cookie }, 'dispatch.categories', undefined);
      const t0 = Date.now();
      const res = await post('dispatch.register', { channel: 'patrol', categoryCode: cats[0].code, lng: 117.6536, lat: 24.5101, crs: 'wgs84', description: `大屏联动测试 ${Date.now()}` }, inspector);
      const text = await res.text();
      assert(res.ok, `register: ${res.status} ${text}`);
      const code = (JSON.parse(text) as { result: { data: { code: string } } }).result.data.code;
      await p.waitForFunction((n) => Number(document.querySelector('[data-testid="wall-kpi-accepted"] .value')?.textContent?.replace(/,/g, '')) === n, before + 1, { timeout: 30_000 });
      console.log(`    the wall's figures followed the commit ${Date.now() - t0} ms after it was sent`);
      await p.locator(`[data-testid="wall-ticker-item"][data-code="${code}"]`).waitFor({ timeout: 30_000 });
      assert((await p.locator('[data-testid="wall-ticker-item"]').first().getAttribute('data-code')) === code, 'the new case is not first in the ticker');
      assert((await p.evaluate(() => performance.timeOrigin)) === loaded, 'the page was reloaded');
      await p.screenshot({ path: resolve(shots, 'wall-after-commit.png') });
    } finally {
      await ctx.close();
    }
  });

  await check('wall: left open, it starts again by itself for a new release (after the server comes back) and after a lost WebGL context, each time with its token and figures', async () => {
    const { ctx, p } = await open(1920, 1080);
    try {
      const reloaded = async (from: number, what: string) => {
        await p.waitForFunction((t) => performance.timeOrigin !== t, from, { timeout: 60_000 }).catch(() => {
          throw new Error(`${what}: the page was not reloaded`);
        });
        await p.waitForFunction(() => document.body.dataset.wall === 'ready' && document.body.dataset.live === 'on', undefined, { timeout: 120_000 });
        return p.evaluate(() => performance.timeOrigin);
      };
      // the same build when the server comes back: no reload (the stream resumes)
      let origin = await p.evaluate(() => performance.timeOrigin);
      await k.restartServer();
      await p.waitForFunction(() => document.body.dataset.wallBuild === 'same', undefined, { timeout: 60_000 });
      assert((await p.evaluate(() => performance.timeOrigin)) === origin, 'the page reloaded although the build is the same');
      // a page of another build (its entry script renamed here): the server's comes back different
      await p.evaluate(() => document.querySelector('script[type="module"][src]')!.setAttribute('src', '/assets/an-older-build.js'));
      await k.restartServer();
      origin = await reloaded(origin, 'a new release');
      // the GPU context goes: the page starts again
      await p.evaluate(() => {
        const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="wall-map"] canvas.maplibregl-canvas')!;
        (canvas.getContext('webgl2') ?? canvas.getContext('webgl'))!.getExtension('WEBGL_lose_context')!.loseContext();
      });
      await reloaded(origin, 'a lost WebGL context');
      assert((await kpi(p, 'handlingRate')) === '98.82%', 'after the reloads the figures are gone');
    } finally {
      await ctx.close();
    }
  });
}
