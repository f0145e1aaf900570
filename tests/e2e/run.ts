// Browser tests: start CityGrid as a newcomer would (the server on the embedded engine, the
// test city's snapshot restored into its data folder), drive Debian's Chromium through
// playwright-core, read what is on screen (text and pixels), and keep screenshots under
// test-results/screenshots. One file per screen (SCREENS below); each sets up what it needs
// through the API. A failing check leaves a Playwright trace of the main page's actions under
// test-results/traces (`npx playwright-core show-trace <file>`); docs/decisions/0014 says why
// this runner rather than @playwright/test. Prints a closing "N passed, N failed" line; exits
// non-zero on any failure.
//
//   npm run test:e2e                       every screen
//   npm run test:e2e -- workflow live      the screens named
//   npm run test:e2e -- --grep 六边形       the checks whose name holds the text (any screen)
// (CITYGRID_E2E_ONLY=workflow,live still works as the screens' list.) CITYGRID_E2E_FRESH=1 starts
// on an empty data folder instead, as a newcomer's first start does.
import { mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page, Tracing } from 'playwright-core';
import { freePort, launchChromium, root, startServer, stopServer } from './browser.ts';
import { apiLogin, signIn, type PageKit } from './kit.ts';
import { restoreCityTo } from '../support/city-snapshot.ts';
import { consoleChecks } from './console.ts';
import { adminChecks } from './admin.ts';
import { workflowChecks } from './workflow.ts';
import { settingsChecks } from './settings.ts';
import { clientChecks } from './client.ts';
import { liveChecks } from './live.ts';
import { wallChecks } from './wall.ts';
import { coverageChecks } from './coverage.ts';
import { gridsChecks } from './grids.ts';
import { reportChecks } from './report.ts';

/** Every screen's checks, in the order a full run takes them. */
const SCREENS: Record<string, (k: PageKit) => Promise<void>> = {
  console: consoleChecks,
  admin: adminChecks,
  workflow: workflowChecks,
  settings: settingsChecks,
  client: clientChecks,
  live: liveChecks,
  wall: wallChecks,
  coverage: coverageChecks,
  report: reportChecks,
  // last: it publishes grid changes into the shared data folder (the console's checks count the seeded cells)
  grids: gridsChecks,
};

const shots = resolve(root, 'test-results', 'screenshots');
const dataDir = process.env.CITYGRID_E2E_DATA_DIR ?? resolve(root, '.data', 'e2e');
const traces = resolve(root, 'test-results', 'traces');

function parseArgs(argv: string[]): { screens: string[]; grep: string | null } {
  const screens: string[] = (process.env.CITYGRID_E2E_ONLY ?? '').split(',').filter(Boolean);
  let grep: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--grep') grep = argv[++i] ?? '';
    else screens.push(argv[i]);
  }
  const unknown = screens.filter((s) => !(s in SCREENS));
  if (unknown.length) throw new Error(`no such screen: ${unknown.join(', ')} (the screens: ${Object.keys(SCREENS).join(', ')})`);
  if (grep === '') throw new Error('--grep needs a part of a check\'s name');
  // in the registry's order whatever the order asked: 'grids' publishes (the city's grid counts change), so it runs last
  return { screens: screens.length ? Object.keys(SCREENS).filter((k) => screens.includes(k)) : Object.keys(SCREENS), grep };
}

const results: { name: string; ok: boolean; error?: string }[] = [];
/** The main page's tracing, once the browser runs: one chunk per check, kept only when it fails. */
let tracing: Tracing | null = null;
let grep: string | null = null;
async function check(name: string, fn: () => Promise<void>) {
  if (grep && !name.includes(grep)) return;
  const t0 = Date.now();
  await tracing?.startChunk({ title: name });
  try {
    await fn();
    results.push({ name, ok: true });
    await tracing?.stopChunk();
    console.log(`  ✓ ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (err) {
    results.push({ name, ok: false, error: (err as Error).message });
    const path = resolve(traces, `${String(results.length).padStart(2, '0')}-${name.replace(/[^\w\u4e00-\u9fff]+/g, '-').slice(0, 60)}.zip`);
    const kept = await tracing?.stopChunk({ path }).then(() => `\n    trace: ${path}`, () => '');
    console.log(`  ✗ ${name}\n    ${(err as Error).message}${kept ?? ''}`);
  }
}

function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  grep = args.grep;
  mkdirSync(shots, { recursive: true });
  // the test city (tests/support/city-snapshot.ts: made by the vitest run, or seeded here once),
  // restored afresh: every run starts from the same data, whatever the last one wrote;
  // CITYGRID_E2E_FRESH=1: an empty folder instead, which the server seeds as on a newcomer's first start
  if (process.env.CITYGRID_E2E_FRESH === '1') rmSync(dataDir, { recursive: true, force: true });
  else await restoreCityTo(dataDir, (l) => console.log(`[e2e] ${l}`));
  const port = await freePort();
  let server = await startServer(port, dataDir);
  const base = `http://127.0.0.1:${port}`;
  let browser: Browser | undefined;
  try {
    await check('healthz reports the embedded engine with PostGIS', async () => {
      const h = (await (await fetch(`${base}/healthz`)).json()) as { ok: boolean; engine: string; postgis: string; migrations: number };
      assert(h.ok && h.engine === 'embedded' && /^3\./.test(h.postgis) && h.migrations > 0, `unexpected healthz ${JSON.stringify(h)}`);
    });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    mkdirSync(traces, { recursive: true });
    await context.tracing.start({ snapshots: true, screenshots: true });
    tracing = context.tracing;
    const page = await context.newPage();
    const errors: string[] = [];
    const watch = (p: Page) => {
      p.on('pageerror', (e) => errors.push(e.message));
      p.on('console', (m) => m.type() === 'error' && !/Failed to load resource/.test(m.text()) && errors.push(m.text()));
    };
    watch(page);
    /** Stops the server and starts it again on the same port and data (the live checks: a stream that drops). */
    const restartServer = async (whileDown: () => Promise<void> = async () => {}) => {
      await stopServer(server);
      try {
        await whileDown();
      } finally {
        server = await startServer(port, dataDir);
      }
    };
    const kit: PageKit = { browser, base, shots, check, assert, signIn, apiLogin, watch, restartServer, page };
    for (const screen of args.screens) await SCREENS[screen](kit);
    await check('the page raised no script errors', async () => {
      assert(errors.length === 0, errors.join('; '));
    });
  } finally {
    await browser?.close();
    await stopServer(server);
  }
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  console.log(`\nscreenshots: ${shots}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed || !results.length ? 1 : 0);
}

main().catch((err) => {
  console.error(`e2e failed: ${(err as Error).message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
