// The cases domain's map feeds: the period's cases as CGB1 (cases.bin), and as GeoJSON for the
// benchmark's honest baseline (cases.geojson). Both need 'case.read' and carry only the cases
// in the asker's scope.
import type { z } from 'zod';
import { defineFeed, bin, PERIOD_TAKES, strictPeriod } from '../geo/feed-def.ts';
import { caseFeedStamp, type Period } from './cases-queries.ts';
import { casesFeed, casesGeoJson, loadCasesLayer } from './cases-feed.ts';

const period = strictPeriod as unknown as z.ZodType<Period>;

export const casesFeeds = [
  defineFeed<Period>({
    file: 'cases.bin',
    params: period,
    takes: PERIOD_TAKES,
    permission: 'case.read',
    scoped: true,
    // the lights are read in the browser from the clock marks (warnAt, dueAt) as of its now,
    // so the payload changes only with the data: no clock in the stamp
    stamp: (db) => caseFeedStamp(db),
    build: async (db, p) => bin(casesFeed(await loadCasesLayer(db, p))),
  }),
  defineFeed<Period>({
    file: 'cases.geojson',
    params: period,
    takes: PERIOD_TAKES,
    permission: 'case.read',
    scoped: true,
    baselineOnly: true,
    stamp: (db) => caseFeedStamp(db),
    build: async (db, p) => ({ body: new TextEncoder().encode(casesGeoJson(await loadCasesLayer(db, p, { withCodes: true }))), contentType: 'application/geo+json' }),
  }),
];
