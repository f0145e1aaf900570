// What every browser-check file gets from the runner (tests/e2e/run.ts): the browser, the
// server's address, the check runner, and sign-in over the API or through the sign-in screen.
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../server/auth/demo-accounts.ts';

export { DEMO_PASSWORD };
/** The demo city's 2022 evaluation period in an address (screens open on the recent days by default). */
export const Y2022 = 'period=2022-01-01..2022-08-31';
/** The same period as a feed's from/to. */
export const PERIOD = `from=${encodeURIComponent('2022-01-01T00:00:00+08:00')}&to=${encodeURIComponent('2022-09-01T00:00:00+08:00')}`;

export interface Kit {
  browser: Browser;
  base: string;
  shots: string;
  check(name: string, fn: () => Promise<void>): Promise<void>;
  assert(cond: unknown, message: string): asserts cond;
  signIn(page: Page, base: string, username: string, path?: string): Promise<void>;
  apiLogin(base: string, username: string): Promise<{ cookie: string; csrf: string }>;
  watch(page: Page): void;
  /** Stops the server and starts it again on the same port and data (a stream that drops). */
  restartServer(whileDown?: () => Promise<void>): Promise<void>;
}

/** The kit with the runner's main page (traced; its script errors fail the run). */
export interface PageKit extends Kit {
  page: Page;
}

/** Signs in over the API as `username` (as any client would): the cookie and CSRF token. */
export async function apiLogin(base: string, username: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${base}/trpc/auth.login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
  if (!res.ok) throw new Error(`sign-in of ${username} failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { result: { data: { csrfToken: string } } };
  return { cookie: res.headers.get('set-cookie')!.split(';')[0], csrf: body.result.data.csrfToken };
}

/** Signs in through the sign-in screen, as a person does. */
export async function signIn(page: Page, base: string, username: string, path = '/') {
  await page.goto(/[?&]period=/.test(path) ? `${base}${path}` : `${base}${path}${path.includes('?') ? '&' : '?'}${Y2022}`);
  const form = page.getByTestId('login');
  await form.waitFor({ timeout: 60_000 });
  await form.locator('input[name="username"]').fill(username);
  await form.locator('input[name="password"]').fill(DEMO_PASSWORD);
  await form.locator('button[type="submit"]').click();
  await page.locator(`[data-testid="user-menu"][data-user="${username}"]`).waitFor({ timeout: 60_000 });
}

/** Runs `fn` in a fresh browser context (its own cookies) signed in as `username` through the sign-in screen. */
export async function inBrowserAs(k: Kit, username: string, fn: (p: Page) => Promise<void>): Promise<void> {
  const ctx = await k.browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const p = await ctx.newPage();
    k.watch(p);
    await k.signIn(p, k.base, username);
    await fn(p);
  } finally {
    await ctx.close();
  }
}
