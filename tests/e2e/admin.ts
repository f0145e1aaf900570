// Browser checks of the admin screens (/admin), as the administrator uses them: a new user and
// its one-time password, a locked user name lifted, the map's feeds paused while the screens are
// open, the audit table in words, the header at 1280 px. Each in a browser of its own, signed in
// through the sign-in screen. Screenshots under test-results/screenshots.
// Run alone: `npm run test:e2e -- admin`.
import { resolve } from 'node:path';
import { DEMO_PASSWORD, Y2022, inBrowserAs, type PageKit } from './kit.ts';

export async function adminChecks(k: PageKit): Promise<void> {
  const { base, shots, check } = k;
  const assert: (cond: unknown, message: string) => asserts cond = k.assert;
  const asUser = (username: string, fn: Parameters<typeof inBrowserAs>[2]) => inBrowserAs(k, username, fn);

  await check('admin screens: create a user (one-time password shown once), and the audit log lists it', async () => {
    await asUser('demo-admin', async (p) => {
      await p.getByRole('link', { name: '系统管理' }).click();
      const users = p.getByTestId('admin-users');
      await users.waitFor({ timeout: 60_000 });
      const username = `e2e-user-${Date.now() % 100000}`;
      await users.locator('input[name="username"]').fill(username);
      await users.locator('input[name="displayName"]').fill('端到端测试');
      await users.locator('select[name="roleCode"]').selectOption('inspector');
      await users.locator('.district-picker input[value="350602"]').check();
      await users.locator('form button[type="submit"]').click();
      await p.getByTestId('one-time-password').waitFor();
      assert(/[\w-]{16}/.test(await p.getByTestId('one-time-password').innerText()), 'no one-time password shown');
      await p.locator(`tr[data-user="${username}"]`).waitFor();
      await p.locator('[data-tab="audit"]').click();
      await p.getByTestId('admin-audit').locator('td', { hasText: 'admin.createUser' }).first().waitFor({ timeout: 30_000 });
      await p.screenshot({ path: resolve(shots, 'admin-audit.png') });
    });
  });

  await check('a user name locked by failed sign-ins shows as locked on the admin screen, and the administrator lifts it', async () => {
    const guess = (password: string) =>
      fetch(`${base}/trpc/auth.login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'demo-intake', password }) });
    for (let i = 0; i < 5; i++) await guess(`wrong-guess-${i}`);
    const locked = await guess(DEMO_PASSWORD);
    assert(locked.status === 429, `the sixth attempt was not refused: ${locked.status}`);
    await asUser('demo-admin', async (p) => {
      await p.getByRole('link', { name: '系统管理' }).click();
      const row = p.locator('tr[data-user="demo-intake"]');
      await row.getByTestId('login-locked').waitFor({ timeout: 60_000 });
      assert((await row.getByTestId('login-locked').innerText()).includes('登录已锁定'), 'the lock is not shown in Chinese');
      await p.screenshot({ path: resolve(shots, 'admin-locked.png') });
      await row.getByTestId('lift-lock').click();
      await row.getByTestId('login-locked').waitFor({ state: 'detached', timeout: 30_000 });
    });
    const after = await guess(DEMO_PASSWORD);
    assert(after.status === 200, `after the lift the right password got ${after.status}`);
  });

  await check('the admin screens pause the map\'s feeds: nothing is downloaded while they are open, the map catches up after', async () => {
    await asUser('demo-admin', async (p) => {
      const feeds: string[] = [];
      p.on('request', (r) => void (r.url().includes('/api/layers/') && feeds.push(new URL(r.url()).pathname)));
      // opened directly: no prefetch, no downloads
      await p.goto(`${base}/admin?${Y2022}&layers=districts,cases,clinics`);
      await p.getByTestId('admin-users').locator('tr[data-user="demo-admin"]').waitFor({ timeout: 60_000 });
      assert(feeds.length === 0, `opening /admin downloaded ${feeds.join(', ')}`);
      // a layer switched on beneath the panel waits; an answer from the server after it shows nothing was sent meanwhile
      await p.locator('[data-layer="grids"] input').check();
      await p.locator('[data-tab="audit"]').click();
      await p.getByTestId('admin-audit').locator('tbody tr').first().waitFor({ timeout: 60_000 });
      assert(feeds.length === 0, `while the admin screens were open the map downloaded ${feeds.join(', ')}`);
      await p.getByRole('link', { name: '城市总览' }).click();
      await p.locator('[data-layer="grids"][data-status="ready"]').waitFor({ timeout: 120_000 });
      assert(feeds.includes('/api/layers/grids.bin') && feeds.includes('/api/layers/districts.bin'), `after closing, the map loaded ${feeds.join(', ')}`);
      assert((await p.getByTestId('system-info').count()) === 0, 'the engine line left the admin screens with them');
    });
  });

  await check('the audit table shows each action in words and its note as key/value text (zh and en)', async () => {
    await asUser('demo-admin', async (p) => {
      await p.goto(`${base}/admin?${Y2022}`);
      await p.locator('[data-tab="audit"]').click();
      const row = p.getByTestId('admin-audit').locator('tr', { has: p.locator('[data-action="admin.createUser"]') }).first();
      await row.waitFor({ timeout: 60_000 });
      const action = await row.getByTestId('audit-action').innerText();
      assert(action.includes('新建用户'), `the action reads “${action}”`);
      const note = await row.getByTestId('audit-detail').innerText();
      assert(note.includes('用户名：') && note.includes('角色：监督员') && !/[{}"]/.test(note), `the note reads “${note}”`);
      assert((await p.getByTestId('system-info').innerText()).includes('PostGIS'), 'the admin screens lost the engine line');
      await p.screenshot({ path: resolve(shots, 'admin-audit-words-zh.png') });
      await p.goto(`${base}/admin?${Y2022}&lang=en`);
      await p.locator('[data-tab="audit"]').click();
      const en = p.getByTestId('admin-audit').locator('tr', { has: p.locator('[data-action="admin.createUser"]') }).first();
      await en.waitFor({ timeout: 60_000 });
      assert((await en.getByTestId('audit-action').innerText()).includes('Create a user'), 'the English action');
      assert((await en.getByTestId('audit-detail').innerText()).includes('Role: Inspector'), `the English note reads “${await en.getByTestId('audit-detail').innerText()}”`);
    });
  });

  await check('the header fits a 1280 px screen in English and Chinese, for the user with the most routes (the administrator)', async () => {
    await asUser('demo-admin', async (p) => {
      for (const lang of ['en', 'zh']) {
        await p.goto(`${base}/?${Y2022}&layers=districts${lang === 'en' ? '&lang=en' : ''}`);
        await p.getByTestId('user-menu').waitFor({ timeout: 60_000 });
        const over = await p.evaluate(() => {
          const header = document.querySelector('header')!;
          const out = [...header.querySelectorAll('a, button, .user-menu')].map((e) => ({ text: (e as HTMLElement).innerText.trim(), r: e.getBoundingClientRect() })).filter(({ r }) => r.right > window.innerWidth + 0.5 || r.left < -0.5 || r.width === 0);
          return { scroll: header.scrollWidth - header.clientWidth, out: out.map((o) => `${o.text} (${Math.round(o.r.left)}–${Math.round(o.r.right)})`) };
        });
        assert(over.scroll <= 1 && over.out.length === 0, `${lang}: the header overflows by ${over.scroll} px; outside the screen: ${over.out.join(', ')}`);
        assert((await p.getByRole('link', { name: lang === 'en' ? 'Administration' : '系统管理' }).count()) === 1, `${lang}: no admin link`);
      }
      await p.screenshot({ path: resolve(shots, 'header-admin-zh.png'), clip: { x: 0, y: 0, width: 1280, height: 120 } });
    });
  });
}
