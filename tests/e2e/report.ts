// Browser checks of the indicators report (client/features/report/, `npm run test:e2e -- report`):
// the coordinator follows the overview's link to the report of the console's period, reads the
// figures of their district (the same as indicators.grouped answers over the API), downloads the
// CSV (the command line's shape: a header, the whole, a line per group), groups by channel, and
// prints it (print media: light, the tools hidden). Screenshots: report-*.png.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { Y2022 } from './kit.ts';
import type { WorkflowKit } from './workflow.ts';

const PERIOD = { from: '2022-01-01T00:00:00+08:00', to: '2022-09-01T00:00:00+08:00' };

export async function reportChecks(k: WorkflowKit): Promise<void> {
  const { browser, base, shots, check } = k;
  const assert: (cond: unknown, message: string) => asserts cond = k.assert;
  const cell = async (p: Page, table: string, key: string, col = 1) => (await p.locator(`[data-testid="${table}"] tr[data-key="${key}"] > :nth-child(${col + 1})`).innerText()).trim();

  await check('report: the coordinator opens the period\'s report from the overview, downloads it as CSV (the command line\'s shape), groups it by channel and prints it', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    try {
      const p = await ctx.newPage();
      k.watch(p);
      await k.signIn(p, base, 'demo-coordinator', `/?${Y2022}`);
      await p.getByTestId('overview').locator('summary').click();
      const link = p.getByTestId('overview-report');
      await link.waitFor({ timeout: 60_000 });
      const href = (await link.getAttribute('href'))!;
      assert(href === '/report?period=2022-01-01..2022-08-31&by=district', `the overview links to ${href}`);
      assert((await link.getAttribute('target')) === '_blank', 'the report does not open in a tab of its own');
      // the tab the link opens: the same address in this page (the link's target is checked above)
      const r = p;
      await r.goto(`${base}${href}`);
      await r.locator('[data-testid="report"][data-ready="yes"]').waitFor({ timeout: 60_000 });
      // the coordinator's figures: 芗城区 only, as the API answers them
      const me = await k.apiLogin(base, 'demo-coordinator');
      const api = ((await (await fetch(`${base}/trpc/indicators.grouped?input=${encodeURIComponent(JSON.stringify({ ...PERIOD, by: 'district' }))}`, { headers: { cookie: me.cookie } })).json()) as { result: { data: { counts: Record<string, number>; groups: { key: string }[] } } }).result.data;
      assert((await r.getByTestId('report-scope').innerText()).includes('芗城区'), 'the report does not say whose cases');
      assert((await r.getByTestId('report-period').innerText()).includes('2022-01-01 – 2022-08-31'), 'the period is not the console\'s');
      const handled = (Math.round((api.counts.handled * 10000) / api.counts.dueForHandling) / 100).toFixed(2);
      assert((await cell(r, 'report-rates', 'handlingRate')) === `${handled}%`, `处置率 reads ${await cell(r, 'report-rates', 'handlingRate')} (API ${handled}%)`);
      assert((await cell(r, 'report-counts', 'accepted')).replace(/,/g, '') === String(api.counts.accepted), `受理 reads ${await cell(r, 'report-counts', 'accepted')}`);
      assert((await r.locator('[data-testid="report-groups"] tbody tr').count()) === api.groups.length + 1, 'the groups table is not one line per district and a total');
      await r.screenshot({ path: resolve(shots, 'report-district.png'), fullPage: true });
      // the CSV: what `npm run report -- --format csv` prints, for this scope
      const [dl] = await Promise.all([r.waitForEvent('download'), r.getByTestId('report-csv').click()]);
      assert(dl.suggestedFilename() === 'citygrid-indicators-2022-01-01-2022-08-31-district.csv', `the file is named ${dl.suggestedFilename()}`);
      const lines = readFileSync((await dl.path())!, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
      const head = lines[0].split(',');
      assert(head.slice(0, 5).join(',') === 'group,key,name,nameEn,accepted' && head.includes('handlingRatePct'), `the CSV header is ${lines[0]}`);
      const whole = lines[1].split(',');
      assert(whole[0] === 'scope' && whole[1] === '*' && whole[head.indexOf('accepted')] === String(api.counts.accepted) && whole[head.indexOf('handlingRatePct')] === String(Number(handled)), `the CSV's whole line is ${lines[1]}`);
      assert(lines.length === 2 + api.groups.length && lines[2].startsWith('district,350602,芗城区'), `the CSV's groups: ${lines.slice(2).join(' | ')}`);
      // another grouping, kept in the address
      await r.getByTestId('report-by').selectOption('channel');
      await r.waitForURL(/by=channel/);
      await r.locator('[data-testid="report-groups"] tr[data-key="patrol"]').waitFor({ timeout: 60_000 });
      // printed: light, A4, no tools
      await r.emulateMedia({ media: 'print' });
      assert(!(await r.locator('.report-tools').isVisible()), 'the tools show in print');
      const bg = await r.evaluate(() => getComputedStyle(document.querySelector('.app-page')!).backgroundColor);
      assert(bg === 'rgb(255, 255, 255)', `the printed page's background is ${bg}`);
      await r.screenshot({ path: resolve(shots, 'report-print-channel.png'), fullPage: true });
    } finally {
      await ctx.close();
    }
  });
}
