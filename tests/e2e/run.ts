// Browser test: start CityGrid as a newcomer would (`npm start` on the embedded engine, an
// empty data folder the first time), drive Debian's Chromium through playwright-core, read
// what is on screen, and keep screenshots under test-results/screenshots.
// Prints a closing "N passed, N failed" line; exits non-zero on any failure.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const root = resolve(import.meta.dirname, '../..');
const shots = resolve(root, 'test-results', 'screenshots');
const dataDir = process.env.CITYGRID_E2E_DATA_DIR ?? resolve(root, '.data', 'e2e');
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

function freePort(): Promise<number> {
  return new Promise((r) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => r(port));
    });
  });
}

async function startServer(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: '', PORT: String(port), HOST: '127.0.0.1', CITYGRID_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      fail(new Error('server not ready within 10 minutes'));
    }, 600_000);
    const onData = (d: Buffer) => {
      process.stdout.write(`[server] ${d}`);
      if (d.toString().includes('CityGrid ready')) {
        clearTimeout(timer);
        ok();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => process.stdout.write(`[server] ${d}`));
    child.on('exit', (code) => fail(new Error(`server exited with ${code}`)));
  });
  return child;
}

const results: { name: string; ok: boolean; error?: string }[] = [];
async function check(name: string, fn: () => Promise<void>) {
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`  ✓ ${name}`);
  } catch (err) {
    results.push({ name, ok: false, error: (err as Error).message });
    console.log(`  ✗ ${name}\n    ${(err as Error).message}`);
  }
}

function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}

async function tileText(page: Page, key: string): Promise<string> {
  return (await page.locator(`[data-testid="tile-${key}"] .value`).innerText()).trim();
}

async function main() {
  mkdirSync(shots, { recursive: true });
  const port = await freePort();
  const server = await startServer(port);
  const base = `http://127.0.0.1:${port}`;
  let browser: Browser | undefined;
  try {
    await check('healthz reports the embedded engine with PostGIS', async () => {
      const h = (await (await fetch(`${base}/healthz`)).json()) as { ok: boolean; engine: string; postgis: string; migrations: number };
      assert(h.ok && h.engine === 'embedded' && /^3\./.test(h.postgis) && h.migrations > 0, `unexpected healthz ${JSON.stringify(h)}`);
    });
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await check('the console opens in Chinese with the demo city counts', async () => {
      await page.goto(base);
      await page.locator('[data-testid="tile-cases2022"] .value').waitFor({ timeout: 60_000 });
      assert((await page.locator('h1').innerText()).includes('城市网格'), 'Chinese title missing');
      assert((await tileText(page, 'cases2022')) === '141,818', `cases tile shows ${await tileText(page, 'cases2022')}`);
      assert((await tileText(page, 'unitGrids')) === '4,226', `grid tile shows ${await tileText(page, 'unitGrids')}`);
      assert((await tileText(page, 'clinics')) === '1,656', 'clinic count');
      assert((await tileText(page, 'handlingRate')).startsWith('98.82'), `处置率 shows ${await tileText(page, 'handlingRate')}`);
      assert((await tileText(page, 'closureRate')).startsWith('98.85'), `结案率 shows ${await tileText(page, 'closureRate')}`);
      assert((await page.locator('.note').innerText()).includes('示意'), 'synthetic geography is not labelled illustrative');
      await page.screenshot({ path: resolve(shots, 'overview-zh-dark.png'), fullPage: true });
    });
    await check('the language switch changes labels and is kept in the URL', async () => {
      await page.getByRole('button', { name: 'English' }).click();
      assert((await page.locator('h1').innerText()) === 'CityGrid city operations', 'title not in English');
      assert(page.url().includes('lang=en'), `URL ${page.url()} lacks lang=en`);
      await page.screenshot({ path: resolve(shots, 'overview-en-dark.png'), fullPage: true });
      await page.reload();
      await page.locator('[data-testid="tile-cases2022"] .value').waitFor();
      assert((await page.locator('h1').innerText()) === 'CityGrid city operations', 'reloaded URL does not reproduce English');
    });
    await check('the page raised no script errors', async () => {
      assert(errors.length === 0, errors.join('; '));
    });
  } finally {
    await browser?.close();
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  console.log(`\nscreenshots: ${shots}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(`e2e failed: ${(err as Error).message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
