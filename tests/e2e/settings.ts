// Browser test of the settings tab (docs/decisions/0021-settings-once.md): the administrator opens
// 系统设置, sees every setting with its label, edits one to a value out of bounds and reads the
// refusal in the UI's language (Chinese, then English), saves a good value, sees it listed and
// in the audit log, and puts the old value back. Screenshots under test-results/screenshots/settings-*.
// Run alone: CITYGRID_E2E_ONLY=settings npm run test:e2e.
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import type { WorkflowKit } from './workflow.ts';

const KEY = 'workflow.reopen_days';

/** Edits KEY on the open settings tab to `value`; waits for a refusal or the saved value. */
async function edit(p: Page, value: string): Promise<{ error: string | null }> {
  const tab = p.getByTestId('admin-settings');
  await tab.locator(`[data-edit-setting="${KEY}"]`).click();
  const form = tab.locator(`form[data-setting="${KEY}"]`);
  await form.locator('input[name="settingValue"]').fill(value);
  await form.locator('button[type="submit"]').click();
  const alert = tab.locator('[role="alert"]');
  const shown = tab.locator(`[data-setting-value="${KEY}"]`);
  await Promise.race([alert.waitFor({ timeout: 30_000 }), shown.filter({ hasText: value }).waitFor({ timeout: 30_000 })]);
  return { error: (await alert.count()) ? await alert.innerText() : null };
}

export async function settingsChecks(k: WorkflowKit): Promise<void> {
  const { browser, base, shots, check } = k;
  const assert: (cond: unknown, message: string) => asserts cond = k.assert;
  const open = async (p: Page, lang: 'zh' | 'en') => {
    await p.goto(`${base}/admin${lang === 'en' ? '?lang=en' : ''}`);
    await p.locator('[data-tab="settings"]').click();
    await p.getByTestId('admin-settings').waitFor({ timeout: 60_000 });
  };

  await check('settings: the administrator edits a setting; an out-of-bounds value is refused in Chinese and English; a good one is saved and audited', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const p = await ctx.newPage();
      k.watch(p);
      await k.signIn(p, base, 'demo-admin');
      await open(p, 'zh');
      const text = await p.getByTestId('admin-settings').innerText();
      assert(text.includes('临期预警比例') && text.includes('clock.warn_ratio') && text.includes('可重新激活天数'), 'the settings are not listed with their Chinese labels');
      const old = (await p.locator(`[data-setting-value="${KEY}"]`).innerText()).replace(/\D+/g, ' ').trim().split(' ')[0];
      assert(/^\d+$/.test(old), `no value shown for ${KEY}: '${old}'`);

      const zh = await edit(p, '0');
      assert(zh.error && zh.error.includes('可重新激活天数') && zh.error.includes('1 到 365'), `the refusal is not in Chinese naming the setting and its bounds: ${zh.error}`);
      await p.screenshot({ path: resolve(shots, 'settings-refused-zh.png') });

      await open(p, 'en');
      const en = await edit(p, 'a week');
      assert(en.error && en.error.includes(`'${KEY}' must be a number`) && !/\p{Script=Han}/u.test(en.error), `the refusal is not in English: ${en.error}`);
      await p.screenshot({ path: resolve(shots, 'settings-refused-en.png') });

      await open(p, 'zh');
      const next = old === '8' ? '9' : '8';
      const ok = await edit(p, next);
      assert(ok.error === null, `a good value was refused: ${ok.error}`);
      assert((await p.locator(`[data-setting-value="${KEY}"]`).innerText()).startsWith(next), 'the saved value is not listed');
      await p.screenshot({ path: resolve(shots, 'settings-saved.png') });
      await p.locator('[data-tab="audit"]').click();
      await p.getByTestId('admin-audit').locator('td', { hasText: 'admin.saveSetting' }).first().waitFor({ timeout: 30_000 });
      await open(p, 'zh');
      assert((await edit(p, old)).error === null, 'the old value could not be put back');
    } finally {
      await ctx.close();
    }
  });
}
