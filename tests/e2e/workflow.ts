// Browser test of the case workflow across windows, as the people who run it do (issue [8]):
// an intake operator registers a hotline case by clicking the map; the shift lead files it; it
// appears in the dispatcher's already open queue, who dispatches it; the department's handler
// signs for it and reports it handled with a photo; the inspector, on a phone-sized page with
// GPS, checks it on site; the shift lead closes it. A third window, the city map, shows each
// step without a reload (its case layer patched by the live events, its open case panel
// following). On the small "today" period (SwiftShader is slow). Latencies are printed, not
// asserted: the bench measures them. Screenshots under test-results/screenshots/workflow-*.
import { resolve } from 'node:path';
import sharp from 'sharp';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { decodeFeed } from '../../client/map/binary-feed.ts';
import { RECENT_DAYS, recentPeriod } from '../../client/lib/url-state.ts';
import type { FeedMeta } from '../../client/map/polygon-feed.ts';
import type { Kit } from './kit.ts';

/** What a screen's checks get from the runner (tests/e2e/kit.ts); the name the screens' files import. */
export type WorkflowKit = Kit;

/** A tRPC query over HTTP as a signed-in user (what the screens are compared against). */
async function query<T>(base: string, cookie: string, path: string, input?: unknown): Promise<T> {
  const q = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const res = await fetch(`${base}/trpc/${path}${q}`, { headers: { cookie } });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { result: { data: T } }).result.data;
}

/** demo-handler's department (server/auth/demo-accounts.ts: 'sanitation'). */
const HANDLER_UNIT = '市环境卫生服务中心';

const waitLive = (p: Page) => p.waitForFunction(() => document.body.dataset.live === 'on', undefined, { timeout: 120_000 });

/** Opens the queue row of a case (waiting for it to arrive live) and its action `action`. */
async function openFromQueue(p: Page, code: string, action: string, timeout = 30_000): Promise<number> {
  const t0 = Date.now();
  const row = p.locator(`.queue-row[data-code="${code}"]`);
  await row.waitFor({ timeout });
  const ms = Date.now() - t0;
  await row.locator('.row-open').click();
  await p.locator(`[data-testid="case-actions"] button[data-action="${action}"]`).click({ timeout: 30_000 });
  return ms;
}

async function submitAction(p: Page, action: string) {
  const form = p.locator(`[data-testid="action-form"][data-form-action="${action}"]`);
  await form.locator('button[type="submit"]').click();
  await p.getByTestId('action-done').waitFor({ timeout: 30_000 });
}

export async function workflowChecks(k: WorkflowKit): Promise<void> {
  const { browser, base, shots, check } = k;
  const assert: (cond: unknown, message: string) => asserts cond = k.assert;
  const shot = (p: Page, name: string) => p.screenshot({ path: resolve(shots, `workflow-${name}.png`) });
  const contexts: BrowserContext[] = [];
  const windowAs = async (username: string, path: string, opts: Parameters<Browser['newContext']>[0] = {}) => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...opts });
    contexts.push(ctx);
    const p = await ctx.newPage();
    k.watch(p);
    // the screens' own default period (the recent days), named so that sign-in keeps it
    const { from, to } = recentPeriod(RECENT_DAYS);
    await k.signIn(p, base, username, `${path}${path.includes('?') ? '&' : '?'}period=${from}..${to}`);
    return p;
  };
  try {
    // where: inside a responsibility grid demo-inspector patrols (the check below is then theirs to make)
    const inspector = await k.apiLogin(base, 'demo-inspector');
    const coordinator = await k.apiLogin(base, 'demo-coordinator');
    const rgrids = decodeFeed<FeedMeta>(await (await fetch(`${base}/api/layers/responsibility-grids.bin`, { headers: { cookie: coordinator.cookie } })).arrayBuffer());
    const tasks: { lng: number; lat: number }[] = [];
    for (let i = 0; i < rgrids.length && !tasks.length; i++) {
      const g = await query<{ staff: { displayName: string }[] }>(base, coordinator.cookie, 'grids.responsibilityById', { id: (rgrids.columns.id as Uint32Array)[i] });
      if (g.staff.some((p) => p.displayName.startsWith('演示·监督员'))) {
        tasks.push({ lng: rgrids.meta.origin[0] + (rgrids.columns.labelX as Float32Array)[i], lat: rgrids.meta.origin[1] + (rgrids.columns.labelY as Float32Array)[i] });
      }
    }
    const handler = await k.apiLogin(base, 'demo-handler');
    const categories = await query<{ code: string; name: string }[]>(base, handler.cookie, 'dispatch.categories');
    const rubbish = categories.find((c) => c.name.includes('暴露垃圾')) ?? categories[0];
    let code = '';
    let caseId = 0;
    let map: Page;
    let dispatcher: Page;
    let lead: Page;

    await check('workflow: the operator registers a hotline case by clicking the map; routing and duplicates are previewed; the city map draws it without a reload', async () => {
      assert(tasks.length > 0, 'demo-inspector patrols no responsibility grid to place the case in');
      const at = { lng: tasks[0].lng + 0.00002, lat: tasks[0].lat + 0.00002 };
      const view = `view=${at.lng.toFixed(5)},${at.lat.toFixed(5)},16`;
      map = await windowAs('demo-viewer', `/?layers=districts,cases&${view}`);
      await map.evaluate(() => ((window as unknown as { __kept: boolean }).__kept = true));
      await map.waitForFunction(() => document.body.dataset.casesDrawn !== undefined, undefined, { timeout: 180_000 });
      const before = Number(await map.evaluate(() => document.body.dataset.casesDrawn));
      await waitLive(map);
      dispatcher = await windowAs('demo-dispatcher', `/dispatch?layers=districts&${view}`);
      lead = await windowAs('demo-shiftlead', `/dispatch?layers=districts&${view}`);
      await Promise.all([dispatcher.getByTestId('work-queue').waitFor(), lead.getByTestId('work-queue').waitFor(), waitLive(dispatcher), waitLive(lead)]);

      const op = await windowAs('demo-intake', `/dispatch?tab=intake&layers=districts&${view}`);
      const form = op.getByTestId('intake-form');
      await form.waitFor();
      // bad input first: nothing filled in is refused in Chinese, and a script disguised as a photo too
      await form.locator('textarea[name="description"]').fill('占道堆放生活垃圾，散发异味');
      await op.getByTestId('register').click();
      const missing = await op.getByTestId('form-missing').innerText();
      assert(missing.includes('类别') && missing.includes('位置'), `the missing fields are not named: ${missing}`);
      assert((await form.locator('textarea[name="description"]').inputValue()).includes('生活垃圾'), 'the typed description was lost');
      await form.locator('input[name="photo"]').setInputFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('\xff\xd8\xff<script>alert(1)</script>', 'latin1') });
      const photoError = await op.getByTestId('photo-error').innerText({ timeout: 30_000 });
      assert(/照片|图片/.test(photoError), `a disguised script is not refused in Chinese: ${photoError}`);

      await form.locator('select[name="categoryCode"]').selectOption(rubbish.code);
      await op.waitForFunction(() => !!(window as unknown as { __citygridMap?: { map: { loaded(): boolean } } }).__citygridMap?.map.loaded(), undefined, { timeout: 120_000 });
      const box = (await op.getByTestId('map').boundingBox())!;
      const px = await op.evaluate(([a, b]) => (window as unknown as { __citygridMap: { map: { project(p: [number, number]): { x: number; y: number } } } }).__citygridMap.map.project([a, b]), [at.lng, at.lat] as [number, number]);
      await op.mouse.click(box.x + px.x, box.y + px.y);
      await op.getByTestId('route-preview').waitFor({ timeout: 30_000 });
      const preview = await op.getByTestId('route-preview').innerText();
      assert(preview.includes('芗城区') && /承办单位|没有适用/.test(preview), `the routing preview says: ${preview}`);
      assert(Math.abs(Number(await form.locator('input[name="lng"]').inputValue()) - at.lng) < 0.0005, 'the map click did not set the place');
      await form.locator('select[name="channel"]').selectOption('12345');
      await form.locator('input[name="callerPhone"]').fill('13800138000');
      await form.locator('input[name="address"]').fill('演示路 1 号');
      await shot(op, '1-intake');
      await op.getByTestId('register').click();
      const done = op.getByTestId('registered').locator('button');
      await done.waitFor({ timeout: 30_000 });
      code = (await done.getAttribute('data-code'))!;
      assert(/^\d{13}$/.test(code), `no case code after registering: ${code}`);
      // the city map: one more case, drawn from the live event (no reload: the page's own flag survives)
      const t0 = Date.now();
      await map.waitForFunction((n) => Number(document.body.dataset.casesDrawn) === n, before + 1, { timeout: 60_000 });
      console.log(`    the city map drew the new case ${Date.now() - t0} ms after the answer`);
      const found = await query<{ id: number; code: string }[]>(base, inspector.cookie, 'search.query', { q: code }).catch(() => []);
      caseId = found.find((h) => h.code === code)?.id ?? 0;
      await op.close();
    });

    await check('workflow: the shift lead files it; it arrives in the dispatcher\'s open queue, who dispatches it; the city map\'s open panel follows', async () => {
      assert(code, 'no case registered');
      const ms = await openFromQueue(lead, code, 'file');
      console.log(`    the shift lead's queue showed it after ${ms} ms`);
      const id = Number(new URL(lead.url()).searchParams.get('sel')?.split(':')[1]);
      caseId ||= id;
      // the city map opens the case (as a click on it would: the address's selection, no reload)
      await map.evaluate((x) => {
        const q = new URLSearchParams(window.location.search);
        q.set('sel', `case:${x}`);
        window.history.replaceState(null, '', `${window.location.pathname}?${q}`);
        window.dispatchEvent(new Event('citygrid:url'));
      }, caseId);
      await map.getByTestId('timeline').waitFor({ timeout: 60_000 });
      await submitAction(lead, 'file');
      await map.locator('[data-testid="timeline"] li[data-event="file"]').waitFor({ timeout: 30_000 });
      const t0 = Date.now();
      await dispatcher.locator(`.queue-row[data-code="${code}"]`).waitFor({ timeout: 30_000 });
      console.log(`    the dispatcher's open queue showed it ${Date.now() - t0} ms after filing`);
      await shot(dispatcher, '2-dispatcher-queue');
      // to the handler's unit: the suggestion when it is theirs (bulk dispatch), else an override with its reason
      const row = dispatcher.locator(`.queue-row[data-code="${code}"]`);
      if ((await row.innerText()).includes(HANDLER_UNIT)) {
        await row.locator('input[type="checkbox"]').check();
        await dispatcher.getByTestId('bulk-dispatch').click();
        const result = dispatcher.locator(`[data-testid="bulk-results"] li[data-case="${caseId}"]`);
        await result.waitFor({ timeout: 30_000 });
        assert((await result.getAttribute('class')) === 'ok', `bulk dispatch refused it: ${await result.innerText()}`);
      } else {
        await row.locator('.row-open').click();
        await dispatcher.locator('[data-testid="case-actions"] button[data-action="dispatch"]').click();
        const form = dispatcher.locator('[data-testid="action-form"][data-form-action="dispatch"]');
        await dispatcher.waitForFunction(() => document.querySelectorAll('[data-form-action="dispatch"] select[name="departmentId"] option').length > 1, undefined, { timeout: 30_000 });
        const options = await form.locator('select[name="departmentId"] option').allInnerTexts();
        const sanitation = options.find((o) => o.includes(HANDLER_UNIT));
        assert(sanitation, `no sanitation department to choose among ${options.length}`);
        await form.locator('select[name="departmentId"]').selectOption({ label: sanitation });
        await form.locator('textarea[name="overrideReason"]').fill('属环卫作业范围');
        await submitAction(dispatcher, 'dispatch');
      }
      await map.locator('[data-testid="timeline"] li[data-event="dispatch"]').waitFor({ timeout: 30_000 });
      await shot(map, '3-map-dispatched');
    });

    let handlerPage: Page;
    await check('workflow: the handler signs for it and reports it handled with a photo', async () => {
      assert(caseId, 'no case id');
      handlerPage = await windowAs('demo-handler', `/dispatch?layers=districts`);
      await openFromQueue(handlerPage, code, 'signFor');
      await submitAction(handlerPage, 'signFor');
      await map.locator('[data-testid="timeline"] li[data-event="signFor"]').waitFor({ timeout: 30_000 });
      await handlerPage.locator('[data-testid="case-actions"] button[data-action="handle"]').click({ timeout: 30_000 });
      const form = handlerPage.locator('[data-testid="action-form"][data-form-action="handle"]');
      await form.locator('textarea[name="result"]').fill('已清运，路面冲洗干净');
      const jpeg = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#3a7d44' } }).jpeg().toBuffer();
      await form.locator('input[name="afterPhoto"]').setInputFiles({ name: 'after.jpg', mimeType: 'image/jpeg', buffer: jpeg });
      await form.getByTestId('photo-ready').waitFor({ timeout: 60_000 });
      await shot(handlerPage, '4-handler');
      await submitAction(handlerPage, 'handle');
      await map.locator('[data-testid="timeline"] li[data-event="handle"]').waitFor({ timeout: 30_000 });
      await map.getByTestId('case-photos').waitFor({ timeout: 30_000 });
    });

    await check('workflow: the inspector, on a phone with GPS, checks it on site; where they stood is recorded with its distance', async () => {
      const at = { latitude: tasks[0].lat, longitude: tasks[0].lng };
      const phone = await windowAs('demo-inspector', `/field?layers=districts`, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, geolocation: at, permissions: ['geolocation'] });
      const task = phone.locator(`[data-testid="task-list"] li[data-code="${code}"] button`);
      await task.waitFor({ timeout: 30_000 });
      await task.click();
      await phone.locator('[data-testid="case-actions"] button[data-action="check"]').click({ timeout: 30_000 });
      const form = phone.locator('[data-testid="action-form"][data-form-action="check"]');
      await form.locator('input[type="radio"]').first().check();
      await form.locator('button[name="locate"]').click();
      await form.getByTestId('stood').waitFor({ timeout: 30_000 });
      await shot(phone, '5-inspector-phone');
      await submitAction(phone, 'check');
      const visit = map.locator('[data-testid="timeline"] li[data-event="check"] [data-testid="visit-distance"]');
      await visit.waitFor({ timeout: 30_000 });
      const text = await visit.innerText();
      const meters = Number(/(\d+) m/.exec(text)?.[1]);
      assert(meters >= 0 && meters < 20, `the check's distance reads ${text}`);
    });

    await check('workflow: the shift lead closes it; the city map shows it closed, never having reloaded', async () => {
      await lead.locator(`.queue-row[data-code="${code}"]`).waitFor({ timeout: 30_000 });
      await openFromQueue(lead, code, 'close');
      await submitAction(lead, 'close');
      await map.locator('[data-testid="timeline"] li[data-event="close"]').waitFor({ timeout: 30_000 });
      assert(await map.evaluate(() => (window as unknown as { __kept?: boolean }).__kept === true), 'the city map reloaded');
      const events = await map.locator('[data-testid="timeline"] li').evaluateAll((li) => li.map((x) => x.getAttribute('data-event')));
      assert(['report', 'file', 'dispatch', 'signFor', 'handle', 'check', 'close'].every((e) => events.includes(e)), `the timeline lacks steps: ${events.join(',')}`);
      await shot(map, '6-map-closed');
      await shot(lead, '6-lead-closed');
    });
  } finally {
    for (const c of contexts) await c.close().catch(() => undefined);
  }
}
