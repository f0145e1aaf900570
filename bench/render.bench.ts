// Rendering in a real browser. SwiftShader on 2 cores draws ~0.5 frames/s with
// 140k points, so nothing here is a frame rate: each figure is a ratio against a bare deck.gl
// page (client/bench/bare.html) drawing the same points from the same feed in the same run.
// - navigation → all cases of Jan–Aug 2022 drawn, whole city in points mode (target ≤ 1.5×);
// - one full redraw with every layer on at street level (base map + all deck layers), against
//   the bare page redrawing the same points at the same view (target ≤ 1.5×).
// Needs the built client (npm run bench builds it) and Debian's Chromium.
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { freePort, launchChromium, root, startServer, stopServer } from '../tests/e2e/browser.ts';
import { entry, median, type BenchEntry } from './harness.ts';
import { SMOKE, sized, smokeCity } from './smoke.ts';
import { DEMO_PASSWORD } from '../server/auth/demo-accounts.ts';

const RUNS = sized(3, 1);
const REDRAWS = sized(5, 2);
const CITY = '117.12,24.4,8.05';
const STREET = '117.66,24.51,13.5';
const ALL_LAYERS = 'districts,townships,communities,grids,rgrids,villages,clinics,cases';

const round = (ms: number) => Math.round(ms);

async function fresh(browser: Browser, fn: (page: Page) => Promise<number>): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    return await fn(await context.newPage());
  } finally {
    await context.close();
  }
}

/** Both pages read the feeds as a city-wide wall screen (a display token in the address). */
let display = '';

async function displayToken(base: string): Promise<string> {
  const login = await fetch(`${base}/trpc/auth.login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'demo-admin', password: DEMO_PASSWORD }) });
  const csrf = ((await login.json()) as { result: { data: { csrfToken: string } } }).result.data.csrfToken;
  const res = await fetch(`${base}/trpc/admin.createToken`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: login.headers.get('set-cookie')!.split(';')[0], 'x-csrf-token': csrf },
    body: JSON.stringify({ name: 'render bench' }),
  });
  return ((await res.json()) as { result: { data: { token: string } } }).result.data.token;
}

/** The smoke pass draws one week of March 2022 (~4,000 cases), not the whole 2022 period. */
const WEEK = { from: '2022-03-01', to: '2022-03-07' };
const BARE_PERIOD = SMOKE ? `&from=${encodeURIComponent(`${WEEK.from}T00:00:00+08:00`)}&to=${encodeURIComponent('2022-03-08T00:00:00+08:00')}` : '';
const DRAWN_AT_LEAST = sized(100_000, 1_000);

async function bareDrawn(page: Page, base: string, view: string): Promise<number> {
  await page.goto(`${base}/bench/bare.html?view=${view}&display=${display}${BARE_PERIOD}`);
  await page.waitForFunction(() => window.__bare?.drawnAt != null, undefined, { timeout: 300_000 });
  return page.evaluate(() => window.__bare!.drawnAt!);
}

/** The period both pages draw, named in the address: the console opens on the recent 30 days by default, the bare page on 2022's. */
const PERIOD_2022 = SMOKE ? `period=${WEEK.from}..${WEEK.to}` : 'period=2022-01-01..2022-08-31';

async function appDrawn(page: Page, base: string, view: string, layers?: string): Promise<{ at: number; count: number }> {
  await page.goto(`${base}/?view=${view}&mode=points&${PERIOD_2022}&display=${display}${layers ? `&layers=${layers}` : ''}`);
  await page.waitForFunction((n) => (window.__citygrid?.casesDrawn?.count ?? 0) > n, DRAWN_AT_LEAST, { timeout: 300_000 });
  return page.evaluate(() => window.__citygrid!.casesDrawn!);
}

export async function renderBench(): Promise<BenchEntry[]> {
  const port = await freePort();
  // the smoke pass draws the test city
  const dataDir = SMOKE ? await smokeCity() : process.env.CITYGRID_BENCH_DATA_DIR ?? resolve(root, '.data', 'bench-render');
  const server = await startServer(port, dataDir, () => {});
  const base = `http://127.0.0.1:${port}`;
  const browser = await launchChromium();
  try {
    display = await displayToken(base);
    // warm the server's feed caches once so both pages get the same (cached) responses
    await fresh(browser, (p) => bareDrawn(p, base, CITY));

    const bare: number[] = [];
    const app: number[] = [];
    let count = 0;
    for (let i = 0; i < RUNS; i++) {
      bare.push(await fresh(browser, (p) => bareDrawn(p, base, CITY)));
      app.push(
        await fresh(browser, async (p) => {
          const d = await appDrawn(p, base, CITY);
          count = d.count;
          return d.at;
        }),
      );
    }

    const redraw = async (page: Page, hook: '__bare' | '__citygridMap') => {
      const times: number[] = [];
      for (let i = 0; i < REDRAWS; i++) times.push(await page.evaluate((h) => (h === '__bare' ? window.__bare!.redraw() : window.__citygridMap!.redraw()), hook));
      return median(times);
    };
    const bareRedraw = await fresh(browser, async (p) => {
      await bareDrawn(p, base, STREET);
      return redraw(p, '__bare');
    });
    const appRedraw = await fresh(browser, async (p) => {
      await appDrawn(p, base, STREET, ALL_LAYERS);
      await p.waitForFunction(() => window.__citygridMap!.map.loaded(), undefined, { timeout: 120_000 });
      await p.waitForTimeout(3000); // let every feed arrive and draw
      return redraw(p, '__citygridMap');
    });

    const drawn = median(app);
    const drawnBare = median(bare);
    return [
      entry({
        name: `navigation → ${count.toLocaleString('en')} cases drawn (console vs bare deck.gl)`,
        value: round(drawn),
        unit: 'ms',
        baseline: round(drawnBare),
        target: 'ratio ≤ 1.5',
        met: drawn / drawnBare <= 1.5,
        note: `median of ${RUNS}; console ${app.map(round).join('/')} ms, bare ${bare.map(round).join('/')} ms; SwiftShader, 1280×800`,
      }),
      entry({
        name: 'one full redraw, every layer on, street level (console vs bare deck.gl points)',
        value: round(appRedraw),
        unit: 'ms',
        baseline: round(bareRedraw),
        target: 'ratio ≤ 1.5',
        met: appRedraw / bareRedraw <= 1.5,
        note: `median of ${REDRAWS} redraws at ${STREET}; base map + ${ALL_LAYERS.split(',').length} layers vs the same points alone`,
      }),
    ];
  } finally {
    await browser.close();
    await stopServer(server);
  }
}
