// The layer modules the console composes (client/app/layer-list.ts) agree with what the server
// serves (server/feeds.ts): every module's feed exists there, needs the same permission, and
// carries the columns the module checks on arrival; selections and search hits name one layer
// each; every searchable kind the server returns has a layer to show it.
import { describe, expect, it } from 'vitest';
import { LAYERS, DEFAULT_LAYERS } from '../../client/app/layer-list.ts';
import { FEEDS } from '../../server/feeds.ts';
import { CASES_FEED_COLUMNS, POINT_FEED_COLUMNS, POLYGON_FEED_COLUMNS } from '../../domain/feeds.ts';
import type { SearchKind } from '../../server/search/search-queries.ts';

/** Every kind the server's search returns (a new kind fails to compile here until it is listed). */
const SEARCH_KINDS = Object.keys({ case: 1, grid: 1, responsibilityGrid: 1, district: 1, township: 1, village: 1, community: 1, clinic: 1 } satisfies Record<SearchKind, 1>);

describe('layer modules', () => {
  // letters only also means each deck.gl layer id `<id>-…` has one owner (no id plus a dash begins another)
  it('ids are unique and URL-safe; the default layers are among them', () => {
    const ids = LAYERS.map((l) => l.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z]+$/);
    for (const id of DEFAULT_LAYERS) expect(ids).toContain(id);
  });
  it('each feed is served by the server, with the same permission; a feed of cases is scoped', () => {
    for (const l of LAYERS) {
      const served = FEEDS.find((f) => f.file === l.feed.file);
      expect(served, `${l.id}: ${l.feed.file} is not served`).toBeDefined();
      expect(served!.baselineOnly ?? false).toBe(false);
      expect(served!.permission).toBe(l.permission);
      if (l.feed.columns === CASES_FEED_COLUMNS) expect(served!.scoped).toBe(true);
      expect([CASES_FEED_COLUMNS, POINT_FEED_COLUMNS, POLYGON_FEED_COLUMNS]).toContain(l.feed.columns);
    }
  });
  it('exactly one layer is the base map\'s land (always loaded)', () => {
    expect(LAYERS.filter((l) => l.feed.always).map((l) => l.id)).toEqual(['districts']);
  });
  it('selection kinds are unique, and every search hit kind has a layer that shows it', () => {
    const kinds = LAYERS.flatMap((l) => (l.selection ? [l.selection.kind, ...(l.selection.searchKinds ?? [])] : []));
    expect(new Set(kinds).size).toBe(kinds.length);
    for (const k of SEARCH_KINDS) expect(kinds, `search kind ${k}`).toContain(k);
    for (const l of LAYERS) if (l.selection) expect(l.Details, `${l.id} selects but has no details panel`).toBeDefined();
  });
  it('the URL filters a layer reads are not read by another', () => {
    const keys = LAYERS.flatMap((l) => l.urlFilters ?? []);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
