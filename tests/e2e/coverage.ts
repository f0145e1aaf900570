// Browser test of the clinic coverage planner (docs/decisions/0026-coverage.md): the demo health
// planner opens /coverage, reads the residents beyond a 15-minute walk (more than none), proposes
// a clinic where many are uncovered and drags it, and sees the figure follow the drag; then asks
// for suggestions and reads greedy, exact and the gap. Screenshots under
// test-results/screenshots/coverage-*. Run alone: CITYGRID_E2E_ONLY=coverage npm run test:e2e.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import type { WorkflowKit } from './workflow.ts';

const uncovered = async (p: Page) => Number(await p.getByTestId('coverage-uncovered').getAttribute('data-value'));

export async function coverageChecks(k: WorkflowKit): Promise<void> {
  const { browser, base, shots, check } = k;
  const assert: (cond: unknown, message: string) => asserts cond = k.assert;

  await check('coverage: the planner sees residents beyond a 15-minute walk, drags a proposed clinic and sees the figure change, and gets greedy and exact suggestions', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const p = await ctx.newPage();
      k.watch(p);
      await k.signIn(p, base, 'demo-planner', '/coverage?mode=walking&minutes=15&layers=districts,clinics');
      const tile = p.getByTestId('coverage-uncovered');
      await tile.waitFor({ timeout: 180_000 });
      await p.waitForFunction(() => Number(document.querySelector('[data-testid="coverage-uncovered"]')?.getAttribute('data-value')) > 0, undefined, { timeout: 180_000 });
      const before = await uncovered(p);
      assert(before > 0, `no uncovered residents shown: ${before}`);
      const text = await p.getByTestId('coverage-panel').innerText();
      assert(text.includes('分钟以内（含）') && text.includes('有卫生所的行政村'), 'the panel does not say the threshold is inclusive, or lacks the village check');
      assert((await p.getByTestId('coverage-table').locator('tbody tr').count()) > 100, 'the township table is not filled');
      // the table as CSV: one row per township, the Chinese names readable
      const [download] = await Promise.all([p.waitForEvent('download', { timeout: 30_000 }), p.getByTestId('coverage-export').click()]);
      const csv = readFileSync((await download.path())!, 'utf8');
      const lines = csv.replace(/^\uFEFF/, '').trim().split(/\r\n/);
      assert(lines[0].startsWith('code,name,district_code,residents') && lines.length > 100 && /\p{Script=Han}/u.test(lines[1]), `the CSV export: ${lines.slice(0, 2).join(' | ')} (${lines.length} lines)`);
      // the browser has the cells (the what-if) once the map holds them
      await p.waitForFunction(() => !!window.__citygridCoverage?.whatIf && !!window.__citygridMap?.map.getSource('coverage-uncovered'), undefined, { timeout: 120_000 });

      // go where most residents are beyond reach: the uncovered cell with most residents
      const spot = await p.evaluate(() => {
        const w = window.__citygridCoverage!.whatIf!;
        const a = w.evaluate('walking', 15, new Set(), []);
        let best = -1;
        for (let i = 0; i < a.flags.length; i++) if (!a.flags[i] && (best < 0 || w.data.population[i] > w.data.population[best])) best = i;
        return { lng: w.data.lng[best], lat: w.data.lat[best] };
      });
      await p.evaluate(({ lng, lat }) => window.__citygridMap!.map.jumpTo({ center: [lng, lat], zoom: 12.5 }), spot);
      await p.waitForFunction(() => !window.__citygridMap!.map.isMoving(), undefined, { timeout: 30_000 });
      await p.screenshot({ path: resolve(shots, 'coverage-before.png') });

      await p.getByTestId('coverage-add-site').click();
      const marker = p.getByTestId('coverage-site-1');
      await marker.waitFor({ timeout: 30_000 });
      await p.waitForFunction((b) => Number(document.querySelector('[data-testid="coverage-uncovered"]')?.getAttribute('data-value')) < b, before, { timeout: 30_000 });
      const added = await uncovered(p);
      assert(added < before, `proposing a clinic among uncovered residents changed nothing (${before} → ${added})`);

      // drag it 180 px east, in steps: the figure follows the drag (recomputed in the browser) and the server confirms on release
      const box = (await marker.boundingBox())!;
      const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
      const moves0 = await p.evaluate(() => window.__citygridCoverage!.moves);
      await p.mouse.move(x, y);
      await p.mouse.down();
      const seen = new Set<number>();
      for (let i = 1; i <= 12; i++) {
        await p.mouse.move(x + i * 15, y + i * 4);
        seen.add(await uncovered(p));
      }
      await p.mouse.up();
      const moves = (await p.evaluate(() => window.__citygridCoverage!.moves)) - moves0;
      assert(moves >= 6, `the figure was recomputed only ${moves} times while dragging`);
      const dragged = await uncovered(p);
      assert(seen.size >= 2 && dragged !== added, `the figure did not change while dragging (${[...seen].join(', ')}; after ${dragged})`);
      await p.waitForFunction(() => !document.querySelector('[data-testid="coverage-panel"] .note'), undefined, { timeout: 60_000 });
      await p.screenshot({ path: resolve(shots, 'coverage-dragged.png') });

      // suggestions: 5 sites, greedy and exact and the gap
      await p.getByTestId('coverage-k').selectOption('5');
      await p.getByTestId('coverage-suggest-run').click();
      await p.getByTestId('coverage-gap').waitFor({ timeout: 120_000 });
      const greedy = Number((await p.getByTestId('coverage-greedy').innerText()).replace(/\D/g, ''));
      const exact = Number((await p.getByTestId('coverage-exact').innerText()).replace(/\D/g, ''));
      const gap = await p.getByTestId('coverage-gap').innerText();
      assert(greedy > 0 && exact >= greedy && /%/.test(gap), `suggestions: greedy ${greedy}, exact ${exact}, gap ${gap}`);
      await p.getByTestId('coverage-suggest').scrollIntoViewIfNeeded();
      await p.screenshot({ path: resolve(shots, 'coverage-suggest.png') });
    } finally {
      await ctx.close();
    }
  });
}
