// Live events on the map's case layer (client/features/cases/cases-live.ts) held to the full
// rebuild (cases-data.ts selectCases): a synthetic cases feed of a few hundred rows, encoded
// with the server's encoder and decoded as the browser does, patched one event at a time; after
// each event the patched selection must draw the same cases (row → position, colour, light) as
// a selection made afresh of the patched feed. Compared as sets keyed by row: a patched
// selection keeps its draw order (a new or newly passing case goes last), which the module
// documents. Pure: no database.
import { describe, expect, it } from 'vitest';
import { encodeFeed } from '../../server/http/binary-feed.ts';
import { decodeFeed } from '../../client/map/binary-feed.ts';
import { selectCases, type CaseFilters, type CasesFeed, type CasesMeta, type SelectedCases } from '../../client/features/cases/cases-data.ts';
import { dropCasesFeedRow, lineageOf, liveRowOf, patchCasesFeed, patchLiveFeed, patchSelection, selectLive } from '../../client/features/cases/cases-live.ts';
import { CASES_FEED_COLUMNS, NO_CATEGORY, NO_DISTRICT, type FeedHeader, type LiveCaseRow } from '../../domain/feeds.ts';
import { LIGHTS } from '../../domain/case-light.ts';
import { STATUSES, isClocked } from '../../domain/workflow.ts';

const NOW = Date.parse('2022-08-20T10:00:00+08:00');
const NOW_S = NOW / 1000;
const FROM = '2022-01-01T00:00:00+08:00';
const TO = '2022-09-01T00:00:00+08:00';
const ORIGIN: [number, number] = [117.6, 24.5];
const ROWS = 300;

/** The meta as server/cases/cases-feed.ts sends it: workflow statuses, the five sources, categories and districts by code. */
const meta = (): CasesMeta => ({
  origin: ORIGIN,
  period: { from: FROM, to: TO },
  statuses: [...STATUSES],
  sources: ['inspector', 'public', 'survey', 'video', 'referral'],
  categories: [
    { code: 'E0101', name: '暴露垃圾', nameEn: 'Exposed rubbish', major: '市容环境' },
    { code: 'E0102', name: '积存垃圾渣土', nameEn: 'Piled rubbish', major: '市容环境' },
    { code: 'E0201', name: '非法小广告', nameEn: 'Illegal adverts', major: '宣传广告' },
    { code: 'E0301', name: '店外经营', nameEn: 'Trading outside the shop', major: '街面秩序' },
  ],
  districts: [
    { code: '350602', name: '芗城区', nameEn: 'Xiangcheng' },
    { code: '350603', name: '龙文区', nameEn: 'Longwen' },
    { code: '350681', name: '龙海区', nameEn: 'Longhai' },
  ],
  lights: LIGHTS,
  warnRatio: 0.8,
});

/** A small deterministic generator (the same feed on every run). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

/** The CGB1 bytes of a feed of ROWS cases (ids ascending with gaps, as the server sorts them), every status, source, light and the no-category / no-district values among them. */
function feedBytes(m: CasesMeta = meta()): Uint8Array {
  const r = rng(7);
  const n = ROWS;
  const cols = {
    id: new Uint32Array(n),
    x: new Float32Array(n),
    y: new Float32Array(n),
    t: new Uint32Array(n),
    status: new Uint8Array(n),
    source: new Uint8Array(n),
    category: new Uint16Array(n),
    district: new Uint8Array(n),
    warnAt: new Uint32Array(n),
    dueAt: new Uint32Array(n),
    closed: new Uint8Array(n),
  };
  const from = Date.parse(FROM) / 1000;
  let id = 1000;
  for (let i = 0; i < n; i++) {
    cols.id[i] = id += 1 + Math.floor(r() * 5);
    cols.x[i] = r() * 0.3 - 0.15;
    cols.y[i] = r() * 0.3 - 0.15;
    cols.t[i] = from + Math.floor(r() * (NOW_S - from));
    const status = m.statuses[i % m.statuses.length];
    cols.status[i] = i % m.statuses.length;
    cols.source[i] = Math.floor(r() * 3);
    cols.category[i] = i % 17 === 5 ? NO_CATEGORY : Math.floor(r() * m.categories.length);
    cols.district[i] = i % 13 === 4 ? NO_DISTRICT : Math.floor(r() * m.districts.length);
    if (isClocked(status)) {
      // green, yellow and red as of NOW
      const due = NOW_S + [-3600, 1800, 86400][Math.floor(i / 12) % 3];
      cols.dueAt[i] = due;
      cols.warnAt[i] = due - 7200;
    }
    if (status === 'closed') cols.closed[i] = 1 + (Math.floor(i / 12) % 2);
  }
  return encodeFeed({ length: n, meta: m, columns: cols });
}

const decoded = (bytes = feedBytes()): CasesFeed => decodeFeed<CasesMeta>(bytes.slice().buffer, CASES_FEED_COLUMNS);

/** The event a case's row would give, changed by `patch`. */
function eventOf(feed: CasesFeed, row: number, patch: Partial<LiveCaseRow> = {}): LiveCaseRow {
  const e = liveRowOf(feed, row);
  return { ...e, categoryCode: e.categoryCode || 'X9999', ...patch };
}

let nextId = 900_000;
/** A case registered now (in the period), at a place near the origin. */
const newCase = (patch: Partial<LiveCaseRow> = {}): LiveCaseRow => ({
  caseId: nextId++,
  status: 'reported',
  source: 'inspector',
  categoryCode: 'E0201',
  districtCode: '350603',
  lng: ORIGIN[0] + ((nextId % 97) - 48) / 1000,
  lat: ORIGIN[1] + ((nextId % 89) - 44) / 1000,
  reportedAt: NOW_S - 60,
  warnAt: 0,
  dueAt: 0,
  closed: 0,
  ...patch,
});

/** The first row whose status is `status` (and passes `also`). */
function rowWith(feed: CasesFeed, status: string, also: (i: number) => boolean = () => true): number {
  const code = feed.meta.statuses.indexOf(status);
  for (let i = 0; i < feed.length; i++) if ((feed.columns.status as Uint8Array)[i] === code && also(i)) return i;
  throw new Error(`no ${status} row`);
}
const inCategory = (feed: CasesFeed, codes: string[]) => (i: number) => codes.includes(feed.meta.categories[(feed.columns.category as Uint16Array)[i]]?.code);

/** A selection as a set keyed by row: row → position, colour, light (sorted by row, so order does not count). */
function drawn(sel: SelectedCases) {
  const out = Array.from({ length: sel.length }, (_, k) => ({
    row: sel.rows[k],
    x: sel.positions[2 * k],
    y: sel.positions[2 * k + 1],
    colour: [...sel.colours.subarray(4 * k, 4 * k + 4)],
    light: sel.lights[k],
  }));
  return out.sort((a, b) => a.row - b.row);
}
function expectSameCases(patched: SelectedCases, feed: CasesFeed, f: CaseFilters, colouring: 'state' | 'light') {
  const rebuilt = selectCases(feed, f, colouring, NOW);
  expect(patched.length).toBe(rebuilt.length);
  expect(new Set(patched.rows.subarray(0, patched.length)).size).toBe(patched.length); // no case drawn twice
  expect(drawn(patched)).toEqual(drawn(rebuilt));
}

const FILTER_SETS: [string, CaseFilters, 'state' | 'light'][] = [
  ['no filter, coloured by state', {}, 'state'],
  ['a state filter (handling)', { state: ['handling'] }, 'state'],
  ['a category filter', { cat: ['E0101', 'E0201'] }, 'state'],
  ['a district filter (cases outside every district drop out)', { dist: ['350602', '350603'] }, 'state'],
  ['no filter, coloured by light', {}, 'light'],
];

/**
 * The events of the sequence, each made from the feed as it stands (rows picked so that no case
 * drawn under any filter set above is filtered out: those return null, tested on their own).
 */
const SEQUENCE: [string, (feed: CasesFeed) => LiveCaseRow][] = [
  ['a status change within its group (dispatched → accepted)', (f) => eventOf(f, rowWith(f, 'dispatched'), { status: 'accepted' })],
  ['a status change into the handling group, its clock starting (filed → dispatched)', (f) => eventOf(f, rowWith(f, 'filed'), { status: 'dispatched', warnAt: NOW_S - 60, dueAt: NOW_S + 3600 })],
  ['a yellow case turning red (its due time moved back)', (f) => eventOf(f, rowWith(f, 'accepted', (i) => (f.columns.dueAt as Uint32Array)[i] > NOW_S), { dueAt: NOW_S - 1 })],
  ['a case moving position', (f) => eventOf(f, 17, { lng: ORIGIN[0] + 0.0123, lat: ORIGIN[1] - 0.0456 })],
  ['a case closed (checked → closed late)', (f) => eventOf(f, rowWith(f, 'checked'), { status: 'closed', closed: 2, warnAt: 0, dueAt: 0 })],
  ['a case moving into the category filter', (f) => eventOf(f, rowWith(f, 'verified', (i) => !inCategory(f, ['E0101', 'E0201'])(i)), { categoryCode: 'E0101' })],
  ['a new case in the period', () => newCase()],
  ['a new case reported exactly at the period start', () => newCase({ reportedAt: Date.parse(FROM) / 1000, categoryCode: 'E0101', districtCode: '350602' })],
  ['a new case in the handling group, outside every district, of an unknown category', () => newCase({ status: 'dispatched', districtCode: null, categoryCode: 'Z0000', warnAt: NOW_S + 60, dueAt: NOW_S + 600 })],
  ['an unknown status on an intake case', (f) => eventOf(f, rowWith(f, 'reported'), { status: 'archived' })],
  ['a new case of an unknown source', () => newCase({ source: 'hotline' })],
  ['a status change of a case appended earlier (the id index follows the grown columns)', (f) => eventOf(f, f.length - 1, { status: 'verifying' })],
];

describe('a live event patches the feed and the selection as a rebuild would draw them', () => {
  for (const [name, f, colouring] of FILTER_SETS) {
    it(`${name}: every event of the sequence, patched, draws what selectCases draws`, () => {
      let feed = decoded();
      let sel = selectCases(feed, f, colouring, NOW);
      for (const [what, make] of SEQUENCE) {
        const e = make(feed);
        const isNew = !(feed.columns.id as Uint32Array).subarray(0, feed.length).includes(e.caseId);
        const next = patchCasesFeed(feed, e, () => true);
        expect(next, what).not.toBeNull();
        expect(next!.length, what).toBe(feed.length + (isNew ? 1 : 0));
        const lin = lineageOf(next!)!;
        expect(lin.from).toBe(feed);
        const patched = patchSelection(sel, next!, lin.rows, f, colouring, NOW);
        expect(patched, what).not.toBeNull();
        expectSameCases(patched!, next!, f, colouring);
        feed = next!;
        sel = patched!;
      }
    });

    it(`${name}: many new cases grow the columns past their first room (1,024 rows, then doubling) and still match`, () => {
      let feed = decoded();
      let sel = selectCases(feed, f, colouring, NOW);
      const categories = ['E0101', 'E0102', 'E0201', 'E0301'];
      const statuses = ['reported', 'dispatched', 'handled', 'closed', 'voided'];
      for (let j = 0; j < 2500; j++) {
        const status = statuses[j % statuses.length];
        const e = newCase({ status, categoryCode: categories[j % 4], districtCode: j % 7 ? '350602' : null, closed: status === 'closed' ? 1 : 0, dueAt: isClocked(status) ? NOW_S + 600 - j : 0 });
        const next = patchCasesFeed(feed, e, () => true)!;
        const patched = patchSelection(sel, next, lineageOf(next)!.rows, f, colouring, NOW);
        expect(patched).not.toBeNull();
        if (j % 500 === 0 || j === 1023 - ROWS || j === 1024 - ROWS) expectSameCases(patched!, next, f, colouring);
        feed = next;
        sel = patched!;
      }
      expect(feed.length).toBe(ROWS + 2500);
      expectSameCases(sel, feed, f, colouring);
      // and an event for the first appended case still finds its row
      const firstNew = ROWS;
      const next = patchCasesFeed(feed, eventOf(feed, firstNew, { lng: ORIGIN[0] + 0.05 }), () => true)!;
      expect(next.length).toBe(feed.length);
      expect(lineageOf(next)!.rows).toEqual([firstNew]);
      expectSameCases(patchSelection(sel, next, [firstNew], f, colouring, NOW)!, next, f, colouring);
    });

    it(`${name}: selectLive through patchLiveFeed gives what selectCases gives after every event`, () => {
      let feed = decoded();
      const key = `${JSON.stringify(f)}|${colouring}`;
      const select = (fd: CasesFeed) => selectLive(fd, key, f, colouring, NOW, () => selectCases(fd, f, colouring, NOW));
      select(feed);
      for (const [what, make] of SEQUENCE) {
        const next = patchLiveFeed(feed, make(feed));
        expect(next, what).not.toBeNull();
        expect(lineageOf(next!)!.from, what).toBe(feed);
        expectSameCases(select(next!), next!, f, colouring);
        feed = next!;
      }
    });
  }
});

describe('what a patch refuses', () => {
  it('a new case reported before the period, at its end or after it is not the layer’s: null, the feed unchanged', () => {
    const feed = decoded();
    for (const reportedAt of [Date.parse(FROM) / 1000 - 1, Date.parse(TO) / 1000, Date.parse(TO) / 1000 + 86400]) {
      expect(patchCasesFeed(feed, newCase({ reportedAt }))).toBeNull();
    }
    expect(feed.length).toBe(ROWS);
    expect(lineageOf(feed)).toBeUndefined();
  });
  it('a feed of no period (neither end asked for) takes a new case of any date', () => {
    const m = meta();
    m.period = null;
    const feed = decoded(feedBytes(m));
    expect(patchCasesFeed(feed, newCase({ reportedAt: 86400 }))?.length).toBe(ROWS + 1);
  });
  it('an existing case outside the period is still patched (its row is the layer’s already)', () => {
    const feed = decoded();
    const next = patchCasesFeed(feed, eventOf(feed, 3, { status: 'verified', reportedAt: 0 }))!;
    expect(next.length).toBe(ROWS);
    expect(next.meta.statuses[(next.columns.status as Uint8Array)[3]]).toBe('verified');
  });

  const OUT_OF_FILTER: [string, CaseFilters, 'state' | 'light', (feed: CasesFeed) => LiveCaseRow][] = [
    ['a drawn handling case handled, under a state filter (handling)', { state: ['handling'] }, 'state', (f) => eventOf(f, rowWith(f, 'dispatched'), { status: 'handled' })],
    ['a drawn case given an unknown status, under a state filter', { state: ['handling'] }, 'state', (f) => eventOf(f, rowWith(f, 'accepted'), { status: 'archived' })],
    ['a drawn case moved to another category, under a category filter', { cat: ['E0101'] }, 'state', (f) => eventOf(f, rowWith(f, 'reported', inCategory(f, ['E0101'])), { categoryCode: 'E0301' })],
    ['a drawn case given an unknown source, under a source filter', { src: ['inspector', 'public', 'survey'] }, 'state', (f) => eventOf(f, 0, { source: 'hotline' })],
    ['a drawn case moved out of every district, under a district filter', { dist: ['350602', '350603', '350681'] }, 'state', (f) => eventOf(f, 0, { districtCode: null })],
    ['a green case turning red, under a light filter (green)', { light: ['green'] }, 'light', (f) => eventOf(f, rowWith(f, 'dispatched', (i) => (f.columns.dueAt as Uint32Array)[i] > NOW_S + 7200), { dueAt: NOW_S - 60 })],
  ];
  for (const [name, f, colouring, make] of OUT_OF_FILTER) {
    it(`${name}: patchSelection returns null, selectLive selects afresh`, () => {
      const feed = decoded();
      const key = 'k';
      const sel = selectLive(feed, key, f, colouring, NOW, () => selectCases(feed, f, colouring, NOW));
      const e = make(feed);
      const row = (feed.columns.id as Uint32Array).indexOf(e.caseId);
      expect([...sel.rows]).toContain(row); // the case was drawn
      const next = patchLiveFeed(feed, e)!;
      expect(patchSelection(sel, next, lineageOf(next)!.rows, f, colouring, NOW)).toBeNull();
      const again = selectLive(next, key, f, colouring, NOW, () => selectCases(next, f, colouring, NOW));
      expect(again).toEqual(selectCases(next, f, colouring, NOW)); // order too: a fresh selection
      expect([...again.rows]).not.toContain(row);
    });
  }
});

describe('the decoded feed’s buffer', () => {
  /** Where each column's bytes lie in the buffer (from the feed's own header). */
  function layout(bytes: Uint8Array) {
    const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as FeedHeader;
    const body = (8 + headerLength + 7) & ~7;
    return { header, body };
  }

  it('new cases copy the columns out: not one byte of the response buffer changes, neighbouring columns and padding included', () => {
    const bytes = feedBytes();
    const buffer = bytes.slice().buffer;
    const before = new Uint8Array(buffer.slice(0));
    let feed: CasesFeed = decodeFeed<CasesMeta>(buffer, CASES_FEED_COLUMNS);
    for (let j = 0; j < 50; j++) feed = patchCasesFeed(feed, newCase({ status: 'dispatched', dueAt: NOW_S + 60, warnAt: NOW_S, closed: 0 }))!;
    expect(feed.length).toBe(ROWS + 50);
    for (const c of Object.values(feed.columns)) expect(c.buffer).not.toBe(buffer);
    expect(new Uint8Array(buffer)).toEqual(before);
    // the appended rows hold the events' values
    expect((feed.columns.status as Uint8Array)[ROWS + 49]).toBe(feed.meta.statuses.indexOf('dispatched'));
    expect((feed.columns.dueAt as Uint32Array)[ROWS + 49]).toBe(NOW_S + 60);
  });

  it('a change to the last row of each column writes that row only, never the next column’s first bytes', () => {
    const bytes = feedBytes();
    const buffer = bytes.slice().buffer;
    const before = new Uint8Array(buffer.slice(0));
    const { header, body } = layout(bytes);
    let feed: CasesFeed = decodeFeed<CasesMeta>(buffer, CASES_FEED_COLUMNS);
    const last = ROWS - 1;
    feed = patchCasesFeed(feed, eventOf(feed, last, { status: 'voided', source: 'survey', categoryCode: 'E0301', districtCode: '350681', lng: ORIGIN[0] + 0.1, lat: ORIGIN[1] + 0.1, warnAt: 7, dueAt: 8, closed: 0 }))!;
    const after = new Uint8Array(buffer);
    const allowed = new Set<number>();
    for (const c of header.columns) {
      const size = c.type === 'u8' ? 1 : c.type === 'u16' ? 2 : 4;
      for (let b = 0; b < size; b++) allowed.add(body + c.offset + last * size + b);
    }
    const changed = after.reduce<number[]>((out, v, i) => (v !== before[i] ? [...out, i] : out), []);
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.filter((i) => !allowed.has(i))).toEqual([]);
    expect(feed.columns.status.buffer).toBe(buffer); // in place: no copy for a change
  });
});

describe('lineageOf', () => {
  it('a feed as downloaded has no lineage', () => {
    expect(lineageOf(decoded())).toBeUndefined();
  });
  it('accumulates the rows of patches made without a selection in between, from the feed they started on', () => {
    const a = decoded();
    const b = patchCasesFeed(a, eventOf(a, 4, { status: 'verifying' }))!;
    const c = patchCasesFeed(b, newCase())!;
    const d = patchCasesFeed(c, eventOf(c, 9, { status: 'filed' }))!;
    const e = patchCasesFeed(d, eventOf(d, 4, { status: 'verified' }))!;
    expect(lineageOf(b)).toEqual({ from: a, rows: [4] });
    expect(lineageOf(c)).toEqual({ from: a, rows: [4, ROWS] });
    expect(lineageOf(e)!.from).toBe(a);
    expect(lineageOf(e)!.rows).toEqual([4, ROWS, 9, 4]); // a row patched twice is listed twice
  });
  it('starts again from the last feed a selection was made of', () => {
    const a = decoded();
    const b = patchCasesFeed(a, eventOf(a, 4, { status: 'verifying' }))!;
    const c = patchCasesFeed(b, eventOf(b, 5, { status: 'verifying' }), (f) => f === b)!;
    const d = patchCasesFeed(c, eventOf(c, 6, { status: 'verifying' }), (f) => f === b)!;
    expect(lineageOf(c)).toEqual({ from: b, rows: [5] });
    expect(lineageOf(d)).toEqual({ from: b, rows: [5, 6] });
  });
  it('an event that changes nothing for the layer (a new case outside the period) leaves no lineage', () => {
    const a = decoded();
    expect(patchCasesFeed(a, newCase({ reportedAt: 0 }))).toBeNull();
    expect(lineageOf(a)).toBeUndefined();
  });
  it('the rows accumulated over several feeds without a selection are patched into the selection at once, as a rebuild draws them', () => {
    const f: CaseFilters = { state: ['handling'] };
    let feed = decoded();
    const sel = selectCases(feed, f, 'state', NOW);
    const from = feed;
    for (const make of SEQUENCE.map(([, m]) => m)) feed = patchCasesFeed(feed, make(feed))!;
    const lin = lineageOf(feed)!;
    expect(lin.from).toBe(from);
    expect(lin.rows.length).toBe(SEQUENCE.length);
    expectSameCases(patchSelection(sel, feed, lin.rows, f, 'state', NOW)!, feed, f, 'state');
  });
});

describe('a selection patched again (the layer derived once more)', () => {
  const f: CaseFilters = {};
  const key = 'k1';
  const select = (fd: CasesFeed, k = key) => selectLive(fd, k, k === key ? f : { state: ['intake'] }, 'state', NOW, () => selectCases(fd, k === key ? f : { state: ['intake'] }, 'state', NOW));

  it('a filter switched away and back after a new case: the new case is still drawn', () => {
    const a = decoded();
    select(a);
    const b = patchLiveFeed(a, newCase({ status: 'dispatched' }))!;
    expectSameCases(select(b), b, f, 'state');
    select(b, 'k2'); // another filter: selected afresh
    expectSameCases(select(b), b, f, 'state'); // back: patched again from a's selection
  });
  it('the same patched feed derived twice under one key (a cache miss, a second render) draws the same cases both times', () => {
    const a = decoded();
    select(a);
    const b = patchLiveFeed(a, eventOf(a, rowWith(a, 'filed'), { status: 'dispatched' }))!;
    const c = patchLiveFeed(b, newCase())!;
    expectSameCases(select(b), b, f, 'state');
    expectSameCases(select(c), c, f, 'state');
    expectSameCases(select(c), c, f, 'state');
  });
});

describe('a case that left the viewer\'s scope (caseLeft)', () => {
  const f: CaseFilters = {};
  const select = (fd: CasesFeed) => selectLive(fd, 'k', f, 'state', NOW, () => selectCases(fd, f, 'state', NOW));

  it('is taken off the feed and off the drawn selection (selected afresh, as a drawn case filtered out), the rest untouched', () => {
    const a = decoded();
    const before = select(a);
    const row = 42;
    const gone = liveRowOf(a, row);
    const b = dropCasesFeedRow(a, gone.caseId)!;
    expect(b.length).toBe(a.length - 1);
    expect(lineageOf(b)).toBeUndefined();
    const ids = [...(b.columns.id as Uint32Array).subarray(0, b.length)];
    expect(ids).not.toContain(gone.caseId);
    // every other case as it was, in order
    expect(Array.from({ length: b.length }, (_, i) => liveRowOf(b, i))).toEqual(Array.from({ length: a.length }, (_, i) => liveRowOf(a, i)).filter((r) => r.caseId !== gone.caseId));
    const sel = select(b);
    expect(sel.length).toBe(before.length - (before.rows.subarray(0, before.length).includes(row) ? 1 : 0));
    expectSameCases(sel, b, f, 'state');
    // a live event after it patches the new feed as usual
    const c = patchLiveFeed(b, { ...liveRowOf(b, 0), status: 'dispatched' })!;
    expectSameCases(select(c), c, f, 'state');
  });
  it('a case the feed does not hold changes nothing', () => {
    expect(dropCasesFeedRow(decoded(), 1)).toBeNull();
  });
});
