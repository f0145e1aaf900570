// The grids domain's map feeds: unit grids and responsibility grids.
import { bin, tableFeed } from '../geo/feed-def.ts';
import { polygonFeed } from '../geo/polygon-feed.ts';
import { responsibilityGridFeedRows, unitGridFeedRows } from './grids-queries.ts';

export const gridsFeeds = [
  tableFeed('grids.bin', ['unit_grids', 'villages', 'responsibility_grids'], async (db) => bin(polygonFeed(await unitGridFeedRows(db)))),
  tableFeed('responsibility-grids.bin', ['responsibility_grids', 'unit_grids'], async (db) => bin(polygonFeed(await responsibilityGridFeedRows(db)))),
];
