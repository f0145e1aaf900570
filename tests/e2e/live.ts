// Browser checks of the page's one live stream (server/live/, client/app/live-cases.ts;
// CITYGRID_E2E_ONLY=live): a wall screen opened with its display token covers itself with the
// reason, full screen, when the token is revoked (nothing stale left on it); a page whose stream
// drops shows "reconnecting" and comes back on its own. Screenshots under
// test-results/screenshots/live-*.
import { resolve } from 'node:path';
import type { WorkflowKit } from './workflow.ts';

export interface LiveKit extends WorkflowKit {
  /** Stops the server, runs `whileDown`, starts it again on the same port and data. */
  restartServer(whileDown?: () => Promise<void>): Promise<void>;
}

const Y2022 = 'period=2022-01-01..2022-08-31';

export async function liveChecks(k: LiveKit): Promise<void> {
  const { browser, base, shots, check, watch } = k;
  const assert: (cond: unknown, message: string) => asserts cond = k.assert;
  const admin = await k.apiLogin(base, 'demo-admin');
  const post = (path: string, input: unknown) => fetch(`${base}/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: admin.cookie, 'x-csrf-token': admin.csrf }, body: JSON.stringify(input) });

  await check('live: when the server goes away the page shows “reconnecting”, and goes on by itself when it is back', async () => {
    const { token } = ((await (await post('admin.createToken', { name: 'e2e live drop' })).json()) as { result: { data: { token: string } } }).result.data;
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      // (not watched for script errors: with the server gone, whatever the page loads then fails, as it should)
      const p = await ctx.newPage();
      await p.goto(`${base}/command?${Y2022}&display=${token}&layers=districts`);
      await p.waitForFunction(() => document.body.dataset.live === 'on', undefined, { timeout: 120_000 });
      let shownAfter = -1;
      await k.restartServer(async () => {
        const t0 = Date.now();
        await p.getByTestId('live-reconnecting').waitFor({ timeout: 15_000 });
        shownAfter = Date.now() - t0;
        assert((await p.getByTestId('live-reconnecting').innerText()).includes('正在重新连接'), 'the reconnecting banner is not in Chinese');
        await p.screenshot({ path: resolve(shots, 'live-reconnecting.png') });
      });
      console.log(`    reconnecting shown ${shownAfter} ms after the server went away`);
      await p.waitForFunction(() => document.body.dataset.live === 'on', undefined, { timeout: 90_000 });
      assert((await p.getByTestId('live-reconnecting').count()) === 0, 'the banner stays after the stream came back');
    } finally {
      await ctx.close();
    }
  });

  // at a desk's size and at 4K, where the wall's map is scaled by CSS (the message must still cover the whole screen)
  for (const [width, height] of [[1280, 800], [3840, 2160]] as const)
  await check(`live: a wall screen whose display token is revoked says so full screen, with nothing stale behind (${width}×${height})`, async () => {
    const { id, token } = ((await (await post('admin.createToken', { name: `e2e live revoked ${width}` })).json()) as { result: { data: { id: number; token: string } } }).result.data;
    const ctx = await browser.newContext({ viewport: { width, height } });
    try {
      const p = await ctx.newPage();
      watch(p);
      await p.goto(`${base}/command?${Y2022}&display=${token}&layers=districts`);
      await p.waitForFunction(() => document.body.dataset.live === 'on', undefined, { timeout: 120_000 });
      assert((await post('admin.revokeToken', { id })).ok, 'the token was not revoked');
      const ended = p.getByTestId('live-ended');
      await ended.waitFor({ timeout: 30_000 });
      assert((await ended.getAttribute('data-reason')) === 'live.tokenRevoked', `the reason is ${await ended.getAttribute('data-reason')}`);
      const text = await ended.innerText();
      assert(text.includes('显示令牌已撤销'), `the message reads “${text}”`);
      const box = (await ended.boundingBox())!;
      assert(box.width >= width - 10 && box.height >= height - 10, `the message does not cover the screen (${box.width}×${box.height} of ${width}×${height})`);
      assert((await p.evaluate(() => document.body.dataset.live)) === 'ended', 'body[data-live] is not ended');
      await p.screenshot({ path: resolve(shots, width === 1280 ? 'live-ended-token-revoked.png' : 'live-ended-token-revoked-4k.png') });
      // it stays ended: no reconnecting behind the message
      await p.waitForTimeout(3000);
      assert((await p.evaluate(() => document.body.dataset.live)) === 'ended', 'the stream was opened again');
    } finally {
      await ctx.close();
    }
  });
}
