// Browser checks of the map console (/) and its role views, as each role uses them: sign-in,
// the map and its layers, search, the URL, themes, the interaction seam, masking, scope per
// role, wall-screen tokens, refusals in the UI's language (the admin screens: admin.ts). One page signed in as the viewer (its first check signs it in; run alone, the file
// signs it in first) and a fresh browser per other role. Screenshots under test-results/screenshots.
// Run alone: `npm run test:e2e -- console` (or a part of a check's name: `-- --grep 六边形`).
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { decodeFeed } from '../../client/map/binary-feed.ts';
import { featureAt, polygonShapes, type FeedMeta } from '../../client/map/polygon-feed.ts';
import { THEME_COLOURS } from '../../client/map/base-style.ts';
import { LABEL_FONT } from '../../client/map/fonts.ts';
import { OVERDUE_RAMP, OVERDUE_STEP } from '../../client/features/cases/case-colours.ts';
import turfArea from '@turf/area';
import { colourDistance, hex, pixelsAround } from './browser.ts';
import { DEMO_PASSWORD, PERIOD, Y2022, inBrowserAs, type PageKit } from './kit.ts';

async function tileText(page: Page, key: string): Promise<string> {
  return (await page.locator(`[data-testid="tile-${key}"] .value`).innerText()).trim();
}

/** Waits until the console has drawn its case layer with `count` cases. */
async function casesDrawn(page: Page, count?: number) {
  await page.waitForFunction((n) => document.body.dataset.casesDrawn !== undefined && (n === undefined || document.body.dataset.casesDrawn === String(n)), count, { timeout: 180_000 });
}

/** Waits for the map to stop moving and to have rendered since. */
async function mapIdle(page: Page) {
  await page.waitForFunction(() => {
    const m = window.__citygridMap?.map;
    return !!m && m.loaded() && !m.isMoving() && !m.isZooming();
  }, undefined, { timeout: 120_000 });
  await page.evaluate(() => window.__citygridMap!.redraw());
}

/** Whether the map is drawn (not background) around a point; the 11×11 area is judged, since a label (text and halo) may sit on it. */
async function drawnAround(page: Page, x: number, y: number, bg: [number, number, number]): Promise<boolean> {
  const px = await pixelsAround(page, x, y, 5);
  return px.filter((c) => colourDistance(c, bg) > 4).length >= px.length * 0.6;
}

/** Page coordinates of a WGS-84 point on the map. */
async function project(page: Page, lng: number, lat: number): Promise<{ x: number; y: number }> {
  const box = (await page.getByTestId('map').boundingBox())!;
  const p = await page.evaluate(([a, b]) => window.__citygridMap!.map.project([a, b]), [lng, lat] as const);
  return { x: box.x + p.x, y: box.y + p.y };
}

export async function consoleChecks(k: PageKit): Promise<void> {
  const { browser, base, shots, check, signIn, apiLogin, watch, page } = k;
  const assert: (cond: unknown, message: string) => asserts cond = k.assert;
  // what the server says, fetched as any client would (signed in as the command-centre viewer), to compare the screen against
  const viewer = await apiLogin(base, 'demo-viewer');
  const feedAs = async <M,>(path: string, cookie = viewer.cookie) => {
    const res = await fetch(`${base}/api/layers/${path}`, { headers: { cookie } });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return decodeFeed<M>(await res.arrayBuffer());
  };
  const cases = await feedAs<{ origin: [number, number]; sources: string[] }>(`cases.bin?${PERIOD}`);
  const districts = await feedAs<FeedMeta>('districts.bin');
  const grids = await feedAs<FeedMeta>('grids.bin');
  const [ox, oy] = cases.meta.origin;
  await check('sign-in: the demo accounts are listed as demo, a wrong password is refused, the viewer gets in', async () => {
    await page.goto(`${base}/?${Y2022}`);
    const form = page.getByTestId('login');
    await form.waitFor({ timeout: 60_000 });
    const demo = await page.getByTestId('demo-accounts').innerText();
    assert(demo.includes('演示') && demo.includes('demo-coordinator') && demo.includes(DEMO_PASSWORD), 'the demo accounts are not listed with their password');
    await form.locator('input[name="username"]').fill('demo-viewer');
    await form.locator('input[name="password"]').fill('not-the-password');
    await form.locator('button[type="submit"]').click();
    await form.getByRole('alert').waitFor();
    assert((await form.getByRole('alert').innerText()).includes('用户名或密码错误'), `message for a wrong password: ${await form.getByRole('alert').innerText()}`);
    await page.screenshot({ path: resolve(shots, 'sign-in.png') });
    await signIn(page, base, 'demo-viewer');
    const cookie = (await page.context().cookies()).find((c) => c.name === 'cg_session');
    assert(cookie?.httpOnly && cookie.sameSite === 'Strict', `session cookie flags: ${JSON.stringify(cookie)}`);
  });
  // run without the check above (a --grep), the page still needs its viewer
  if (!(await page.context().cookies()).some((c) => c.name === 'cg_session')) await signIn(page, base, 'demo-viewer');

  await check('the console opens in Chinese with the map, layer panel, legend and the demo city counts', async () => {
    await page.goto(`${base}/?${Y2022}`);
    await page.getByTestId('overview').locator('summary').click();
    await page.locator('[data-testid="tile-cases2022"] .value').waitFor({ timeout: 60_000 });
    assert((await page.locator('h1').innerText()).includes('城市网格'), 'Chinese title missing');
    assert((await tileText(page, 'cases2022')) === '141,818', `cases tile shows ${await tileText(page, 'cases2022')}`);
    assert((await tileText(page, 'unitGrids')) === '4,226', `grid tile shows ${await tileText(page, 'unitGrids')}`);
    assert((await tileText(page, 'clinics')) === '1,656', 'clinic count');
    assert((await tileText(page, 'handlingRate')).startsWith('98.82'), `处置率 shows ${await tileText(page, 'handlingRate')}`);
    assert((await tileText(page, 'closureRate')).startsWith('98.85'), `结案率 shows ${await tileText(page, 'closureRate')}`);
    assert((await page.locator('.note').innerText()).includes('示意'), 'synthetic geography is not labelled illustrative');
    assert((await page.getByTestId('layer-panel').innerText()).includes('单元网格'), 'layer panel lacks 单元网格');
    await casesDrawn(page, cases.length);
    assert((await page.getByTestId('cases-shown').innerText()).replace(/\D/g, '') === String(cases.length), 'case count on screen differs from the feed');
    assert(cases.length === 141_818, `the 2022 feed has ${cases.length} cases`);
    assert((await page.getByTestId('legend').innerText()).includes('案件密度'), 'legend does not explain the hexagons');
    await mapIdle(page);
    await page.screenshot({ path: resolve(shots, 'map-dark-zh.png') });
  });

  await check('the map draws districts over the background (pixels at known positions)', async () => {
    if (page.url() !== `${base}/?${Y2022}`) {
      await page.goto(`${base}/?${Y2022}`); // run alone: the console as the check before leaves it
      await mapIdle(page);
    }
    const bg = hex(THEME_COLOURS.dark.background);
    // inside: each district's label anchor; outside: the sea south-east of the city
    const lx = districts.columns.labelX as Float32Array;
    const ly = districts.columns.labelY as Float32Array;
    const map = (await page.getByTestId('map').boundingBox())!;
    const side = (await page.getByTestId('side').boundingBox())!;
    const blank: string[] = [];
    let seen = 0;
    for (let i = 0; i < districts.length; i++) {
      const p = await project(page, districts.meta.origin[0] + lx[i], districts.meta.origin[1] + ly[i]);
      const visible = p.x > side.x + side.width && p.x < map.x + map.width && p.y > map.y && p.y < map.y + map.height;
      if (!visible) continue;
      seen++;
      if (!(await drawnAround(page, p.x, p.y, bg))) blank.push(districts.meta.names[i]);
    }
    assert(seen >= 8, `only ${seen} of ${districts.length} districts are in view right of the side panel`);
    assert(blank.length === 0, `district interiors drawn as background: ${blank.join(', ')}`);
    // outside: a point of the screen that lies in no district (the sea south-east of the city)
    const probe = { x: map.x + map.width - 160, y: map.y + map.height - 40 };
    const [seaLng, seaLat] = await page.evaluate(([x, y]) => window.__citygridMap!.map.unproject([x, y]).toArray(), [probe.x - map.x, probe.y - map.y] as const);
    const districtShapes = polygonShapes(districts);
    assert(featureAt(districtShapes, seaLng - districts.meta.origin[0], seaLat - districts.meta.origin[1]) === null, `the probe ${seaLng},${seaLat} is inside a district; pick another`);
    const px = await pixelsAround(page, probe.x, probe.y, 0);
    assert(colourDistance(px[0], bg) <= 4, `outside the city (${seaLng.toFixed(3)}, ${seaLat.toFixed(3)}) the map is ${px[0]}, not the background ${bg}`);
  });

  // an isolated case: no other case within ~30 m, so a click can only hit this one
  const x = cases.columns.x as Float32Array;
  const y = cases.columns.y as Float32Array;
  let pick = -1;
  for (let i = 1000; i < cases.length && pick < 0; i += 997) {
    let near = false;
    for (let j = 0; j < cases.length && !near; j++) if (j !== i && Math.abs(x[j] - x[i]) < 3e-4 && Math.abs(y[j] - y[i]) < 3e-4) near = true;
    if (!near) pick = i;
  }
  const caseId = (cases.columns.id as Uint32Array)[pick];
  const caseLng = ox + x[pick];
  const caseLat = oy + y[pick];

  await check('a case is drawn where it is, hovering shows what it is, and a click opens its panel with its code', async () => {
    assert(pick >= 0, 'no isolated case found');
    const expected = (await (await fetch(`${base}/trpc/cases.byId?input=${encodeURIComponent(JSON.stringify({ id: caseId }))}`, { headers: { cookie: viewer.cookie } })).json()) as { result: { data: { code: string } } };
    const view = `${caseLng.toFixed(6)},${caseLat.toFixed(6)},17`;
    await page.goto(`${base}/?${Y2022}&view=${view}&layers=none`);
    await mapIdle(page);
    const at = await project(page, caseLng, caseLat);
    const without = (await pixelsAround(page, at.x, at.y, 0))[0];
    await page.goto(`${base}/?${Y2022}&view=${view}&layers=cases`);
    await casesDrawn(page, cases.length);
    await mapIdle(page);
    const withCase = (await pixelsAround(page, at.x, at.y, 0))[0];
    assert(colourDistance(withCase, without) > 40, `the pixel of case ${caseId} is ${withCase} with the case layer and ${without} without`);
    await page.mouse.move(at.x, at.y);
    await page.getByRole('tooltip').waitFor({ timeout: 60_000 });
    assert((await page.getByRole('tooltip').innerText()).includes(' · '), `hover shows "${await page.getByRole('tooltip').innerText()}", not category · state`);
    await page.mouse.click(at.x, at.y);
    await page.getByTestId('case-code').waitFor({ timeout: 60_000 });
    const code = await page.getByTestId('case-code').innerText();
    assert(code === expected.result.data.code, `panel shows ${code}, the case is ${expected.result.data.code}`);
    assert(page.url().includes(`sel=case:${caseId}`), `URL ${page.url()} lacks the selection`);
    await page.screenshot({ path: resolve(shots, 'case-details-dark-zh.png') });
  });

  await check('search by grid code flies the map to that grid and opens it', async () => {
    const gi = 1234 % grids.length;
    const code = grids.meta.codes[gi];
    // the grid's bbox from its vertices
    const pos = grids.columns.positions as Float32Array;
    const parts = grids.columns.polygonIndices as Uint32Array;
    const partFeature = grids.columns.partFeature as Uint32Array;
    const bbox = [Infinity, Infinity, -Infinity, -Infinity];
    for (let p = 0; p < partFeature.length; p++)
      if (partFeature[p] === gi)
        for (let v = parts[p]; v < parts[p + 1]; v++) {
          const gx = grids.meta.origin[0] + pos[2 * v];
          const gy = grids.meta.origin[1] + pos[2 * v + 1];
          bbox[0] = Math.min(bbox[0], gx);
          bbox[1] = Math.min(bbox[1], gy);
          bbox[2] = Math.max(bbox[2], gx);
          bbox[3] = Math.max(bbox[3], gy);
        }
    await page.goto(`${base}/?${Y2022}`);
    await mapIdle(page);
    await page.getByTestId('search').locator('input').fill(code);
    await page.getByTestId('search-results').locator('button').first().waitFor({ timeout: 30_000 });
    await page.getByTestId('search').locator('input').press('Enter');
    await page.getByTestId('details-title').filter({ hasText: code }).waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => window.__citygridMap!.map.getZoom() > 14, undefined, { timeout: 60_000 });
    await mapIdle(page);
    const c = await page.evaluate(() => window.__citygridMap!.map.getCenter().toArray());
    assert(c[0] >= bbox[0] && c[0] <= bbox[2] && c[1] >= bbox[1] && c[1] <= bbox[3], `map centre ${c} is outside grid ${code} ${bbox}`);
    assert((await page.locator('[data-layer="grids"] input').isChecked()), 'the unit grid layer was not switched on');
    assert(new URL(page.url()).searchParams.get('sel')?.startsWith('grid:'), `URL ${page.url()} lacks the grid selection`);
    await page.screenshot({ path: resolve(shots, 'grid-search-dark-zh.png') });
  });

  await check('search by place name selects the village by its code, and the link reopens it', async () => {
    const villages = await feedAs<FeedMeta>('villages.bin');
    // a name no other village has, so the hit is unambiguous
    const counts = new Map<string, number>();
    for (const n of villages.meta.names) counts.set(n, (counts.get(n) ?? 0) + 1);
    const i = villages.meta.names.findIndex((n, k) => k >= 777 && counts.get(n) === 1);
    const [name, code] = [villages.meta.names[i], villages.meta.codes[i]];
    await page.goto(`${base}/?${Y2022}`);
    await page.getByTestId('search').locator('input').fill(name);
    await page.getByTestId('search-results').locator('button').first().waitFor({ timeout: 30_000 });
    await page.getByTestId('search-results').locator('button', { hasText: name }).first().click();
    await page.getByTestId('details-title').filter({ hasText: name }).waitFor({ timeout: 60_000 });
    assert(new URL(page.url()).searchParams.get('sel') === `village:${code}`, `URL ${page.url()} does not select village ${code}`);
    await page.goto(page.url());
    await page.getByTestId('details-title').filter({ hasText: name }).waitFor({ timeout: 60_000 });
  });

  await check('the language switch changes labels and is kept in the URL', async () => {
    await page.goto(`${base}/?${Y2022}`);
    await casesDrawn(page);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByText('Layers', { exact: true }).waitFor();
    assert((await page.locator('h1').innerText()) === 'CityGrid city operations', 'title not in English');
    assert((await page.getByTestId('layer-panel').innerText()).includes('Unit grids'), 'layer names not in English');
    assert((await page.getByTestId('legend').innerText()).includes('Case density'), 'legend not in English');
    assert(page.url().includes('lang=en'), `URL ${page.url()} lacks lang=en`);
    await mapIdle(page);
    await page.screenshot({ path: resolve(shots, 'map-dark-en.png') });
    await page.reload();
    await page.getByText('Layers', { exact: true }).waitFor();
    assert((await page.locator('h1').innerText()) === 'CityGrid city operations', 'reloaded URL does not reproduce English');
  });

  await check('a URL reproduces theme, layers, filters and view', async () => {
    const url = `${base}/?${Y2022}&lang=en&theme=light&view=117.66,24.51,13.5&layers=districts,grids,cases&colour=light&src=public`;
    await page.goto(url);
    await casesDrawn(page);
    await mapIdle(page);
    const v = await page.evaluate(() => {
      const m = window.__citygridMap!.map;
      return { lng: m.getCenter().lng, lat: m.getCenter().lat, zoom: m.getZoom() };
    });
    assert(Math.abs(v.lng - 117.66) < 1e-4 && Math.abs(v.lat - 24.51) < 1e-4 && Math.abs(v.zoom - 13.5) < 0.01, `view is ${JSON.stringify(v)}`);
    const checked = await page.locator('[data-testid="layer-panel"] li').evaluateAll((lis) => lis.filter((li) => (li.querySelector('input') as HTMLInputElement).checked).map((li) => li.getAttribute('data-layer')));
    assert(JSON.stringify(checked.sort()) === JSON.stringify(['cases', 'districts', 'grids']), `layers on: ${checked}`);
    assert((await page.evaluate(() => document.documentElement.dataset.theme)) === 'light', 'theme is not light');
    const shown = Number((await page.getByTestId('cases-shown').innerText()).replace(/\D/g, ''));
    assert(shown > 0 && shown < cases.length, `the source filter shows ${shown} of ${cases.length}`);
    assert((await page.getByTestId('legend').innerText()).includes('Red (overdue)'), 'legend does not follow colour=light');
    await page.screenshot({ path: resolve(shots, 'map-light-en.png') });
    await page.goto(url.replace('lang=en&', ''));
    await casesDrawn(page);
    await mapIdle(page);
    await page.screenshot({ path: resolve(shots, 'map-light-zh.png') });
  });

  await check('a period in the URL downloads that period: the count on screen is the server\'s', async () => {
    const march = await feedAs(`cases.bin?from=${encodeURIComponent('2022-03-01T00:00:00+08:00')}&to=${encodeURIComponent('2022-04-01T00:00:00+08:00')}`);
    assert(march.length > 0 && march.length < cases.length, `March has ${march.length} cases`);
    await page.goto(`${base}/?period=2022-03-01..2022-03-31&layers=districts,cases`);
    await casesDrawn(page, march.length);
    assert(Number((await page.getByTestId('cases-shown').innerText()).replace(/\D/g, '')) === march.length, 'shown count differs from the March feed');
    assert((await page.getByTestId('case-period').locator('input').first().inputValue()) === '2022-03-01', 'the period control does not show the URL period');
  });

  await check('a failing layer says so in the panel and the map keeps drawing', async () => {
    const p2 = await page.context().newPage(); // the same signed-in browser
    await p2.route('**/api/layers/townships.bin', (r) => r.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: 'townships are unavailable (test)' }) }));
    await p2.goto(`${base}/?${Y2022}&layers=districts,townships`);
    await p2.locator('[data-layer="townships"][data-status="error"]').waitFor({ timeout: 60_000 });
    assert((await p2.locator('[data-layer="townships"]').innerText()).includes('townships are unavailable'), 'the failure message is not shown');
    await mapIdle(p2);
    const lx = districts.columns.labelX as Float32Array;
    const ly = districts.columns.labelY as Float32Array;
    const at = await project(p2, districts.meta.origin[0] + lx[0], districts.meta.origin[1] + ly[0]);
    assert(await drawnAround(p2, at.x, at.y, hex(THEME_COLOURS.dark.background)), 'the map went blank when a layer failed');
    await p2.close();
  });

  await check('the theme switch repaints the map in the desk (light) style and back', async () => {
    await page.goto(`${base}/?${Y2022}&layers=districts`);
    await mapIdle(page);
    const map = (await page.getByTestId('map').boundingBox())!;
    const probe = { x: map.x + map.width - 160, y: map.y + map.height - 40 };
    const dark = (await pixelsAround(page, probe.x, probe.y, 0))[0];
    assert(colourDistance(dark, hex(THEME_COLOURS.dark.background)) <= 4, `dark background is ${dark}`);
    await page.getByRole('button', { name: '桌面浅色' }).click();
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
    await mapIdle(page);
    const light = (await pixelsAround(page, probe.x, probe.y, 0))[0];
    assert(colourDistance(light, hex(THEME_COLOURS.light.background)) <= 4, `after the switch the background is ${light}, not ${THEME_COLOURS.light.background}`);
    assert(new URL(page.url()).searchParams.get('theme') === 'light', 'theme not kept in the URL');
    await page.getByRole('button', { name: '大屏深色' }).click();
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
  });

  await check('the role routes share the map shell', async () => {
    await page.goto(`${base}/?${Y2022}&layers=districts`);
    // (指挥中心 is the full-screen wall, with a map of its own: tests/e2e/wall.ts)
    await page.getByRole('link', { name: '网格管理' }).click();
    await page.waitForURL((u) => u.pathname === '/grids');
    assert((await page.getByTestId('map').count()) === 1, 'no map on the grids route');
    assert(new URL(page.url()).searchParams.get('layers') === 'districts', 'the route change lost the screen state');
  });

  await check('the map\'s interaction seam: terra-draw draws a polygon on /grids while the deck.gl overlay draws and our picking answers; the area is measured; clicks pick again once it is drawn', async () => {
    // the day the isolated case was reported (a software renderer redraws a day's cases between pointer moves, not the whole period's)
    const reported = ((await (await fetch(`${base}/trpc/cases.byId?input=${encodeURIComponent(JSON.stringify({ id: caseId }))}`, { headers: { cookie: viewer.cookie } })).json()) as { result: { data: { reportedAt: string } } }).result.data.reportedAt;
    const day = new Date(Date.parse(reported) + 8 * 3_600_000).toISOString().slice(0, 10);
    const next = new Date(Date.parse(`${day}T00:00:00+08:00`) + 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
    const ofDay = await feedAs(`cases.bin?from=${encodeURIComponent(`${day}T00:00:00+08:00`)}&to=${encodeURIComponent(`${next}T00:00:00+08:00`)}`);
    const view = `${caseLng.toFixed(6)},${caseLat.toFixed(6)},16`;
    await page.goto(`${base}/grids?view=${view}&layers=districts,cases&period=${day}..${day}`);
    await casesDrawn(page, ofDay.length);
    await mapIdle(page);
    const at = await project(page, caseLng, caseLat);
    // four corners around the case (not on it), clockwise from the north-west
    const corners = [[-150, -110], [130, -120], [140, 100], [-140, 120]].map(([dx, dy]) => ({ x: at.x + dx, y: at.y + dy }));
    const inside = { x: at.x - 60, y: at.y + 50 };
    const before = (await pixelsAround(page, inside.x, inside.y, 0))[0];
    const tool = page.getByTestId('area-tool');
    await tool.getByRole('button', { name: '绘制区域' }).click();
    await page.locator('[data-testid="area-tool"][data-step="drawing"]').waitFor();
    for (const c of corners) {
      await page.mouse.move(c.x, c.y, { steps: 2 });
      await page.mouse.click(c.x, c.y);
    }
    // while the polygon is open, hovering the case still shows what it is (our picking, through the overlay)
    await page.mouse.move(at.x, at.y, { steps: 2 });
    await page.getByRole('tooltip').waitFor({ timeout: 30_000 });
    assert((await page.getByRole('tooltip').innerText()).includes(' · '), `hover while drawing shows "${await page.getByRole('tooltip').innerText()}"`);
    assert(!new URL(page.url()).searchParams.has('sel'), `a corner click selected something: ${page.url()}`);
    // a click on the first corner closes it
    await page.mouse.move(corners[0].x, corners[0].y, { steps: 2 });
    await page.mouse.click(corners[0].x, corners[0].y);
    const result = page.getByTestId('area-result');
    await result.waitFor({ timeout: 30_000 });
    const box = (await page.getByTestId('map').boundingBox())!;
    const ring = await page.evaluate(([pts, bx, by]) => pts.map((c) => window.__citygridMap!.map.unproject([c.x - bx, c.y - by]).toArray()), [corners, box.x, box.y] as const);
    const expected = turfArea({ type: 'Polygon', coordinates: [[...ring, ring[0]]] });
    const shown = Number(await result.getAttribute('data-m2'));
    assert(Math.abs(shown - expected) / expected < 0.01, `area shown ${shown} m², the corners enclose ${Math.round(expected)} m²`);
    assert((await result.innerText()).includes('m²') && (await result.innerText()).includes('4'), `result reads “${await result.innerText()}”`);
    const polygons = await page.evaluate(() => window.__citygridDraw?.getSnapshot().filter((f) => f.geometry.type === 'Polygon').length ?? 0);
    assert(polygons === 1, `terra-draw holds ${polygons} polygons`);
    await mapIdle(page);
    const after = (await pixelsAround(page, inside.x, inside.y, 0))[0];
    assert(colourDistance(after, before) > 10, `the drawn area is not on the map: ${after} inside, ${before} before`);
    assert((await page.evaluate(() => document.body.dataset.casesDrawn)) === String(ofDay.length), 'the case layer stopped drawing');
    await page.screenshot({ path: resolve(shots, 'area-drawn-dark-zh.png') });
    // drawn: clicks pick features again, the case included
    await page.mouse.click(at.x, at.y);
    await page.getByTestId('case-code').waitFor({ timeout: 60_000 });
    assert(page.url().includes(`sel=case:${caseId}`), `the click after drawing did not select the case: ${page.url()}`);
    await tool.getByRole('button', { name: '清除' }).click();
    await page.locator('[data-testid="area-tool"][data-step="idle"]').waitFor();
    // the mode is handed back after the panel has drawn its idle state: wait for the map to stop it
    await page.waitForFunction(() => window.__citygridDraw === undefined && !window.__citygridMap!.map.getStyle().layers.some((l) => l.id.startsWith('td-')), undefined, { timeout: 30_000 }).catch(() => {
      throw new Error('terra-draw still runs (or its layers stay on the map) after clearing');
    });
  });

  const asUser = (username: string, fn: (p: Page) => Promise<void>) => inBrowserAs(k, username, fn);

  /** The newest audit entries for an action, read as the administrator would. */
  const auditOf = async (action: string) => {
    const admin = await apiLogin(base, 'demo-admin');
    const res = await fetch(`${base}/trpc/audit.list?input=${encodeURIComponent(JSON.stringify({ action, limit: 20 }))}`, { headers: { cookie: admin.cookie } });
    return ((await res.json()) as { result: { data: { rows: { actor: string; targetId: string | null; outcome: string }[] } } }).result.data.rows;
  };
  let publicCase = 0;

  await check('a reporter is masked for the viewer; a shift lead may reveal it, and the reveal is audited', async () => {
    const src = cases.columns.source as Uint8Array;
    const pub = cases.meta.sources.indexOf('public');
    assert(pub >= 0, 'no public cases in the feed');
    const row = src.findIndex((s) => s === pub);
    const id = (publicCase = (cases.columns.id as Uint32Array)[row]);
    await page.goto(`${base}/?${Y2022}&layers=districts,cases&sel=case:${id}`);
    await page.getByTestId('reporter').waitFor({ timeout: 60_000 });
    assert(/^1\d\d\*{4}\d{4}$/.test((await page.getByTestId('reporter-phone').innerText()).trim()), `phone shown as ${await page.getByTestId('reporter-phone').innerText()}`);
    assert((await page.getByTestId('reveal').count()) === 0, 'the viewer is offered a reveal');
    await asUser('demo-shiftlead', async (p) => {
      await p.goto(`${base}/?${Y2022}&layers=districts,cases&sel=case:${id}`);
      await p.getByTestId('reveal').click();
      await p.waitForFunction(() => /^1\d{10}$/.test(document.querySelector('[data-testid="reporter-phone"]')?.textContent?.trim() ?? ''), undefined, { timeout: 30_000 });
      const audit = await auditOf('cases.revealReporter');
      assert(audit.some((a) => a.actor === 'demo-shiftlead' && a.targetId === String(id) && a.outcome === 'ok'), `the reveal is not in the audit log: ${JSON.stringify(audit.slice(0, 3))}`);
    });
  });

  await check('a district coordinator sees edit controls only in their district, and an edit is saved and audited', async () => {
    await asUser('demo-coordinator', async (p) => {
      const rg = await feedAs<FeedMeta>('responsibility-grids.bin');
      const ids = rg.columns.id as Uint32Array;
      const own = ids[rg.meta.codes.findIndex((c) => c.startsWith('350602'))];
      const other = ids[rg.meta.codes.findIndex((c) => c.startsWith('350603'))];
      await p.goto(`${base}/grids?${Y2022}&layers=districts,rgrids&sel=rgrid:${other}`);
      await p.getByTestId('details-title').waitFor({ timeout: 60_000 });
      await p.locator('[data-field="f_district"]').waitFor();
      assert((await p.getByTestId('edit').count()) === 0, 'an edit control is offered for 龙文区');
      await p.goto(`${base}/grids?${Y2022}&layers=districts,rgrids&sel=rgrid:${own}`);
      // the patrol is picked among the people the case engine can send (no free text): add one more person
      await p.getByTestId('patrol-edit').click();
      const picker = p.getByTestId('patrol-picker');
      // one of the grid's patrol role (the label names the people of that role)
      const role = ((await p.locator('[data-field="f_assigneeRole"] dd').textContent()) ?? '').trim();
      await picker.locator('input[name="patrol"]').first().waitFor({ timeout: 30_000 });
      const free = picker.locator('li', { hasText: role }).locator('input[name="patrol"]:not(:checked)').first();
      const name = ((await free.locator('xpath=..').textContent()) ?? '').split(' ')[0].trim();
      await free.check();
      await picker.locator('button[type="submit"]').click();
      await p.locator('[data-field="f_assignee"]', { hasText: name }).waitFor({ timeout: 30_000 });
      await p.screenshot({ path: resolve(shots, 'coordinator-edit.png') });
      assert((await auditOf('grids.setPatrolStaff')).some((a) => a.actor === 'demo-coordinator' && a.targetId === String(own)), 'the edit is not in the audit log');
      // the coordinator's map shows only 芗城区's cases
      const mine = await feedAs(`cases.bin?${PERIOD}`, (await apiLogin(base, 'demo-coordinator')).cookie);
      await p.goto(`${base}/?${Y2022}&layers=districts,cases`);
      await casesDrawn(p, mine.length);
      assert(mine.length > 0 && mine.length < cases.length, `coordinator sees ${mine.length} of ${cases.length}`);
    });
  });

  await check('a department handler sees only the cases of their department', async () => {
    await asUser('demo-handler', async (p) => {
      const theirs = await feedAs<{ sources: string[] }>(`cases.bin?${PERIOD}`, (await apiLogin(base, 'demo-handler')).cookie);
      assert(theirs.length > 0 && theirs.length < cases.length / 2, `handler feed has ${theirs.length}`);
      await p.goto(`${base}/?${Y2022}&layers=districts,cases`);
      await casesDrawn(p, theirs.length);
      assert((await p.getByTestId('cases-shown').innerText()).replace(/\D/g, '') === String(theirs.length), 'the count on screen is not the department\'s');
      await p.goto(`${base}/?${Y2022}&layers=districts,cases&sel=case:${(theirs.columns.id as Uint32Array)[0]}`);
      await p.locator('[data-field="f_unit"]').waitFor({ timeout: 60_000 });
      assert((await p.locator('[data-field="f_unit"]').innerText()).includes('环境卫生'), 'a case of another department is shown');
      assert((await p.getByTestId('user-menu').innerText()).includes('市环境卫生服务中心'), 'the header does not show the department');
    });
  });

  await check('a health planner (no case rights) gets the map with the case layer locked and no case figures', async () => {
    await asUser('demo-planner', async (p) => {
      await p.goto(`${base}/coverage?${Y2022}&layers=districts,clinics,cases`);
      await p.locator('[data-layer="cases"][data-status="locked"]').waitFor({ timeout: 60_000 });
      assert((await p.locator('[data-layer="cases"]').innerText()).includes('无权限'), 'the locked layer does not say why');
      assert((await p.getByTestId('case-controls').count()) === 0, 'case controls are shown without case rights');
      assert((await p.locator('[data-layer="clinics"]').getAttribute('data-status')) !== 'locked', 'clinics are locked for the planner');
      assert((await p.getByRole('link', { name: '系统管理' }).count()) === 0, 'the planner is offered the admin screens');
    });
  });

  await check('a wall screen opens with its display token: no sign-in, the city\'s cases, no personal data, live', async () => {
    const admin = await apiLogin(base, 'demo-admin');
    const res = await fetch(`${base}/trpc/admin.createToken`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: admin.cookie, 'x-csrf-token': admin.csrf }, body: JSON.stringify({ name: 'e2e wall' }) });
    const { token } = ((await res.json()) as { result: { data: { token: string } } }).result.data;
    const ctx = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
    const p = await ctx.newPage();
    watch(p);
    // the console with a display token (the wall itself, /command, is tests/e2e/wall.ts)
    await p.goto(`${base}/?${Y2022}&display=${token}&layers=districts,cases`);
    await casesDrawn(p, cases.length);
    assert((await p.getByTestId('user-menu').innerText()).includes('大屏'), 'the header does not say wall screen');
    assert((await p.getByTestId('login').count()) === 0, 'a wall screen was asked to sign in');
    assert(new URL(p.url()).searchParams.get('display') === token, 'the token left the address');
    await p.goto(`${base}/?${Y2022}&display=${token}&layers=districts,cases&sel=case:${publicCase}`);
    await p.getByTestId('case-code').waitFor({ timeout: 60_000 });
    // a token never sees personal data, not even masked: the reporter section is not there at all
    assert((await p.getByTestId('reporter').count()) === 0, 'the wall screen shows a reporter section');
    assert((await p.getByTestId('reveal').count()) === 0, 'the wall screen is offered a reveal');
    // and it follows the city live: its event stream opens with the token in the address (EventSource sends no headers)
    await p.waitForFunction(() => document.body.dataset.live === 'on', undefined, { timeout: 60_000 });
    assert((await p.getByTestId('case-actions').count()) === 0, 'the wall screen is offered workflow actions');
    await ctx.close();
  });

  await check('the page is served with a strict Content-Security-Policy (and draws under it); a missing file is a 404, not the app', async () => {
    const res = await fetch(`${base}/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert(/default-src 'self'/.test(csp) && /frame-ancestors 'none'/.test(csp) && res.headers.get('x-content-type-options') === 'nosniff', `headers: ${csp}`);
    assert((await fetch(`${base}/favicon.ico`)).status === 404, '/favicon.ico is not a 404');
    assert((await fetch(`${base}/assets/no-such-file.js`)).status === 404, 'a missing asset is not a 404');
    assert((await fetch(`${base}/dispatch`)).status === 200, 'a client route is not served');
    // every page above ran under this policy: a violation is a console error, which the next check reports
  });

  await check('English text is set in a Latin face: the apostrophe of “Hua’an” is narrow on the page and on the map, and Chinese still comes from Noto Sans CJK SC', async () => {
    await page.goto(`${base}/?${Y2022}&lang=en&layers=districts`);
    await page.getByText('Layers', { exact: true }).waitFor();
    const m = await page.evaluate((labelFont) => {
      const span = document.createElement('span');
      span.style.fontSize = '40px';
      span.style.whiteSpace = 'pre';
      document.querySelector('[data-testid="side"]')!.appendChild(span);
      const w: number[] = [];
      for (const s of ['Hua’an', "Hua'an", '’']) {
        span.textContent = s;
        w.push(span.getBoundingClientRect().width);
      }
      span.remove();
      const ctx = document.createElement('canvas').getContext('2d')!;
      ctx.font = `40px ${labelFont}`;
      return { curly: w[0], straight: w[1], apostrophe: w[2] / 40, label: ctx.measureText('’').width / 40, labelHan: ctx.measureText('华').width / 40 };
    }, LABEL_FONT);
    assert(m.apostrophe < 0.5, `the page draws ’ ${m.apostrophe.toFixed(2)} em wide (a full-width gap)`);
    assert(m.curly - m.straight < 10, `“Hua’an” is ${(m.curly - m.straight).toFixed(1)} px wider than “Hua'an” at 40 px`);
    assert(m.label < 0.5, `map labels draw ’ ${m.label.toFixed(2)} em wide`);
    assert(m.labelHan > 0.9, `map labels draw 华 ${m.labelHan.toFixed(2)} em wide: no CJK face behind the Latin one`);
    // the faces Chromium really drew with (DevTools protocol): Latin for the English title, Noto Sans CJK SC for Chinese
    const cdp = await page.context().newCDPSession(page);
    const facesOf = async (selector: string) => {
      const { root } = (await cdp.send('DOM.getDocument', { depth: 0 })) as { root: { nodeId: number } };
      const { nodeId } = (await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector })) as { nodeId: number };
      await cdp.send('CSS.enable');
      return ((await cdp.send('CSS.getPlatformFontsForNode', { nodeId })) as { fonts: { familyName: string; glyphCount: number }[] }).fonts;
    };
    const en = await facesOf('h1');
    assert(en.length > 0 && en.every((f) => !/CJK|SC$/.test(f.familyName)), `the English title is drawn with ${JSON.stringify(en)}`);
    await page.goto(`${base}/?${Y2022}&layers=districts`);
    await page.getByText('图层', { exact: true }).waitFor();
    const zh = await facesOf('h1');
    assert(zh.some((f) => f.familyName === 'Noto Sans CJK SC' && f.glyphCount >= 8), `the Chinese title (城市网格运行中心) is drawn with ${JSON.stringify(zh)}`);
    await cdp.detach();
  });

  await check('in English a case of a street or township office names its unit, not a code', async () => {
    const ids = cases.columns.id as Uint32Array;
    let found: { id: number; name: string; nameEn: string } | null = null;
    for (let i = 0; i < 300 && !found; i++) {
      const id = ids[(i * 7919) % ids.length];
      const res = await fetch(`${base}/trpc/cases.byId?input=${encodeURIComponent(JSON.stringify({ id }))}`, { headers: { cookie: viewer.cookie } });
      const d = ((await res.json()) as { result: { data: { department: { name: string; nameEn: string } | null } } }).result.data.department;
      if (d && /(街道办事处|镇人民政府|乡人民政府)$/.test(d.name)) found = { id, name: d.name, nameEn: d.nameEn };
    }
    assert(found, 'no case of a township or street office among 300');
    assert(!/\d{6}/.test(found.nameEn) && !/ office$/.test(found.nameEn), `${found.name} is called “${found.nameEn}” in English`);
    await page.goto(`${base}/?${Y2022}&lang=en&layers=districts,cases&sel=case:${found.id}`);
    const unit = page.locator('[data-field="f_unit"]');
    await unit.waitFor({ timeout: 60_000 });
    const text = await unit.innerText();
    assert(text.includes(found.nameEn) && !/\d{9}/.test(text), `the unit of case ${found.id} reads “${text}”`);
  });

  /** A hexagon on screen right of the side panel, at a case of the feed: where it is, and what its colour stands for. */
  const hexagonOnScreen = async (p: Page) => {
    const map = (await p.getByTestId('map').boundingBox())!;
    const side = (await p.getByTestId('side').boundingBox())!;
    for (let i = 0; i < cases.length; i += 2999) {
      const at = await project(p, ox + x[i], oy + y[i]);
      if (at.x < side.x + side.width + 20 || at.x > map.x + map.width - 80 || at.y < map.y + 20 || at.y > map.y + map.height - 20) continue;
      const hit = await p.evaluate(([px, py]) => {
        const info = window.__citygridMap!.overlay.pickObject({ x: px, y: py, radius: 0 });
        const o = info?.object as { colorValue: number } | undefined;
        return info?.layer?.id === 'cases-hex' && o ? { value: o.colorValue } : null;
      }, [at.x - map.x, at.y - map.y] as const);
      if (hit) return { ...at, ...hit };
    }
    throw new Error('no hexagon found under the cases on screen');
  };

  await check('hexagons follow the 时限 colouring: coloured by the share of their cases over the limit, with its legend; by 状态, density', async () => {
    await page.goto(`${base}/?${Y2022}&layers=cases&colour=light`);
    await casesDrawn(page, cases.length);
    await mapIdle(page);
    const legend = page.getByTestId('legend-cases');
    assert((await legend.getAttribute('data-legend')) === 'overdue-share' && (await legend.innerText()).includes('超期占比'), `the legend by time limit reads “${await legend.innerText()}”`);
    const cell = await hexagonOnScreen(page);
    assert(cell.value >= 0 && cell.value <= 1, `a hexagon coloured by time limit stands for ${cell.value}, not a share`);
    // its colour on screen (where it was picked) is its share's class of the ramp, seen through the layer's opacity over the land
    const cls = Math.min(OVERDUE_RAMP.length - 1, Math.floor(cell.value / OVERDUE_STEP + 1e-9));
    const land = hex(THEME_COLOURS.dark.land);
    const seen = (await pixelsAround(page, cell.x, cell.y, 0))[0];
    const fit = OVERDUE_RAMP.map((c) => {
      let best = Infinity;
      for (let a = 0.6; a <= 1; a += 0.01) best = Math.min(best, colourDistance(seen, c.map((v, k) => Math.round(a * v + (1 - a) * land[k])) as [number, number, number]));
      return best;
    });
    const nearest = fit.indexOf(Math.min(...fit));
    assert(nearest === cls && fit[cls] <= 8, `a hexagon with ${(cell.value * 100).toFixed(1)} % overdue is drawn ${seen}, nearest to class ${nearest} of the ramp, not ${cls} (misfits ${fit.join(', ')})`);
    await page.mouse.move(cell.x, cell.y);
    await page.getByRole('tooltip').waitFor({ timeout: 30_000 });
    assert((await page.getByRole('tooltip').innerText()).includes('超期'), `hover says “${await page.getByRole('tooltip').innerText()}”`);
    await page.mouse.move(5, 5);
    await page.getByRole('button', { name: '状态', exact: true }).click();
    await page.locator('[data-testid="legend-cases"][data-legend="density"]').waitFor({ timeout: 30_000 });
    assert((await legend.innerText()).includes('案件密度'), `the legend by state reads “${await legend.innerText()}”`);
    await mapIdle(page);
    const density = await hexagonOnScreen(page);
    assert(Number.isInteger(density.value) && density.value >= 1, `a hexagon coloured by state stands for ${density.value}, not a count of cases`);
    await page.screenshot({ path: resolve(shots, 'hexagons-by-state-zh.png') });
  });

  await check('a hexagon click flies in and leaves no tooltip behind', async () => {
    await page.goto(`${base}/?${Y2022}&layers=cases`);
    await casesDrawn(page, cases.length);
    await mapIdle(page);
    const hex = await hexagonOnScreen(page);
    await page.mouse.move(hex.x, hex.y);
    await page.getByRole('tooltip').waitFor({ timeout: 30_000 });
    const z0 = await page.evaluate(() => window.__citygridMap!.map.getZoom());
    await page.mouse.click(hex.x, hex.y);
    await page.waitForFunction((z) => window.__citygridMap!.map.getZoom() > z + 1, z0, { timeout: 60_000 });
    await mapIdle(page);
    const left = await page.getByRole('tooltip').count();
    assert(left === 0, `after the flight a tooltip is left: “${left ? await page.getByRole('tooltip').innerText() : ''}”`);
  });

  await check('a refusal shows in Chinese: a wrong number in a form names its field in Chinese, a revoked wall-screen token says so (page and notice)', async () => {
    await asUser('demo-coordinator', async (p) => {
      // a compound the coordinator may edit (in 芗城区), as the server says
      const ids = Array.from((await feedAs<FeedMeta>('communities.bin')).columns.id as Uint32Array);
      const { cookie } = await apiLogin(base, 'demo-coordinator');
      let own: number | undefined;
      for (const id of ids) {
        const res = await fetch(`${base}/trpc/communities.byId?input=${encodeURIComponent(JSON.stringify({ id }))}`, { headers: { cookie } });
        if (((await res.json()) as { result?: { data: { editable: boolean } } }).result?.data.editable) {
          own = id;
          break;
        }
      }
      assert(own !== undefined, 'no compound offers an edit to the coordinator');
      await p.goto(`${base}/?${Y2022}&layers=districts,communities&sel=community:${own}`);
      await p.getByTestId('edit').click({ timeout: 60_000 });
      await p.getByTestId('edit-form').locator('input[name="households"]').fill('abc');
      await p.getByTestId('edit-form').locator('button[type="submit"]').click();
      const alert = p.getByTestId('edit-form').getByRole('alert');
      await alert.waitFor({ timeout: 30_000 });
      const text = await alert.innerText();
      assert(text === '输入有误：户数：类型应为数字', `the refusal reads “${text}”`);
    });
    const admin = await apiLogin(base, 'demo-admin');
    const post = (path: string, input: unknown) => fetch(`${base}/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: admin.cookie, 'x-csrf-token': admin.csrf }, body: JSON.stringify(input) });
    const { id, token } = ((await (await post('admin.createToken', { name: 'e2e revoked wall' })).json()) as { result: { data: { id: number; token: string } } }).result.data;
    const ctx = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const p = await ctx.newPage();
      watch(p);
      await p.goto(`${base}/?${Y2022}&display=${token}&layers=districts`);
      await p.getByTestId('user-menu').waitFor({ timeout: 60_000 });
      assert((await post('admin.revokeToken', { id })).ok, 'the token was not revoked');
      await p.getByTestId('search').locator('input').fill('芝山');
      await p.getByTestId('wall-token-invalid').waitFor({ timeout: 30_000 });
      const notice = p.locator('.notice', { hasText: '大屏显示令牌无效或已撤销' });
      await notice.waitFor({ timeout: 30_000 });
      assert(!/[A-Za-z]{4,}/.test(await notice.innerText()), `the notice is not Chinese: ${await notice.innerText()}`);
      assert((await p.getByTestId('login').count()) === 0, 'the revoked wall screen shows the sign-in form');
      await p.screenshot({ path: resolve(shots, 'wall-revoked-zh.png') });
    } finally {
      await ctx.close();
    }
  });

  await check('a wall screen with an invalid display token says so (zh and en), never the sign-in form', async () => {
    const ctx = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const p = await ctx.newPage();
      watch(p);
      for (const [q, want] of [['display=bogus', '大屏令牌无效或已撤销'], ['display=bogus&lang=en', 'not valid or was revoked'], [`display=${'x'.repeat(32)}`, '大屏令牌无效或已撤销']]) {
        await p.goto(`${base}/command?${Y2022}&${q}`);
        await p.getByTestId('wall-token-invalid').waitFor({ timeout: 60_000 });
        const text = await p.getByTestId('wall-token-invalid').innerText();
        assert(text.includes(want), `?${q} reads “${text}”`);
        assert((await p.getByTestId('login').count()) === 0, `?${q} shows the sign-in form`);
      }
      await p.screenshot({ path: resolve(shots, 'wall-invalid-en.png') });
    } finally {
      await ctx.close();
    }
  });

  await check('/admin for a user without admin rights says "no permission" in the UI\'s language, with a way back to the map', async () => {
    await page.goto(`${base}/admin?${Y2022}&layers=districts`); // the viewer
    await page.getByTestId('no-permission').waitFor({ timeout: 60_000 });
    const zh = await page.getByTestId('no-permission').innerText();
    assert(zh.includes('无权访问此页面') && zh.includes('系统管理'), `the screen reads “${zh}”`);
    assert((await page.getByTestId('map').count()) === 0, 'the map is shown instead of the message');
    await page.screenshot({ path: resolve(shots, 'admin-no-permission-zh.png') });
    await page.getByTestId('back-to-map').click();
    await page.getByTestId('map').waitFor({ timeout: 60_000 });
    assert(new URL(page.url()).pathname === '/' && new URL(page.url()).searchParams.get('layers') === 'districts', `back leads to ${page.url()}`);
    await page.goto(`${base}/admin?${Y2022}&lang=en`);
    await page.getByTestId('no-permission').waitFor({ timeout: 60_000 });
    assert((await page.getByTestId('no-permission').innerText()).includes('You may not open this page'), 'the English screen');
  });

  await check('the overview follows the URL\'s period, labels the coordinator\'s case figures 芗城区 and the counts of places as city-wide, and has no engine tile', async () => {
    const coordinator = await apiLogin(base, 'demo-coordinator');
    const summary = async (from: string, to: string) => {
      const input = encodeURIComponent(JSON.stringify({ from: `${from}T00:00:00+08:00`, to: `${to}T00:00:00+08:00` }));
      const res = await fetch(`${base}/trpc/cases.summary?input=${input}`, { headers: { cookie: coordinator.cookie } });
      return ((await res.json()) as { result: { data: { count: number } } }).result.data.count;
    };
    const all = await summary('2022-01-01', '2022-09-01');
    const march = await summary('2022-03-01', '2022-04-01');
    assert(march > 0 && march < all && all < cases.length, `the coordinator's counts: ${march} in March, ${all} in Jan–Aug (city ${cases.length})`);
    await asUser('demo-coordinator', async (p) => {
      for (const [period, want] of [['2022-01-01..2022-08-31', all], ['2022-03-01..2022-03-31', march]] as const) {
        await p.goto(`${base}/?period=${period}&layers=districts`);
        await p.getByTestId('overview').locator('summary').click();
        const scoped = p.getByTestId('overview-scoped');
        await p.locator(`[data-testid="overview-scoped"][data-period="${period}"]`).waitFor({ timeout: 60_000 });
        await p.locator('[data-testid="tile-cases2022"] .value').waitFor({ timeout: 60_000 });
        const shown = Number((await tileText(p, 'cases2022')).replace(/\D/g, ''));
        assert(shown === want, `${period}: the overview shows ${shown} cases, the server counts ${want}`);
        const heading = await scoped.innerText();
        assert(heading.includes('芗城区') && heading.includes(period.split('..')[0]) && heading.includes(period.split('..')[1]), `the case figures are headed “${heading}”`);
        assert((await p.getByTestId('overview-city').innerText()).includes('全市'), 'the counts of places are not labelled city-wide');
        assert((await tileText(p, 'unitGrids')) === '4,226', 'the city-wide grid count');
        assert((await p.locator('[data-testid="tile-engine"]').count()) === 0 && !(await p.getByTestId('overview').innerText()).includes('PostGIS'), 'the overview shows the database engine');
      }
      await p.screenshot({ path: resolve(shots, 'overview-coordinator-march.png') });
    });
  });

}
