// What keeps a wall screen right over days (client/features/wall/wall-keeper.ts): when China's
// midnight comes, and which client build a server serves (server/http/health.ts).
import { describe, expect, it } from 'vitest';
import { msToChinaMidnight } from '../../client/features/wall/wall-keeper.ts';
import { clientEntry } from '../../server/http/health.ts';

describe('a wall reloads at midnight, China time (UTC+8, no DST)', () => {
  it.each([
    ['one second before', '2026-12-07T15:59:59Z', 1000],
    ['at midnight itself: the next one', '2026-12-07T16:00:00Z', 86_400_000],
    ['noon in Zhangzhou', '2026-12-08T04:00:00Z', 12 * 3_600_000],
    ['23:30 UTC the evening before (07:30 in China)', '2026-12-07T23:30:00Z', 16.5 * 3_600_000],
    ['before 1970 (negative instants)', '1969-12-31T16:00:00.001Z', 86_400_000 - 1],
  ])('%s', (_, at, ms) => {
    expect(msToChinaMidnight(Date.parse(at))).toBe(ms);
  });
});

describe("a server names the client build it serves (the page's hashed entry script)", () => {
  it('reads the module script of a built index.html', () => {
    expect(clientEntry('<html><head><script type="module" crossorigin src="/assets/main-C-_QBJbv.js"></script></head></html>')).toBe('/assets/main-C-_QBJbv.js');
    expect(clientEntry('<script src="/x.js"></script><script crossorigin type="module" src="/assets/a-1.js">')).toBe('/assets/a-1.js');
  });
  it('says null with no build or no module script', () => {
    expect(clientEntry(null)).toBeNull();
    expect(clientEntry('<html></html>')).toBeNull();
  });
});
