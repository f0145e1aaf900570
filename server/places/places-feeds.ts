// The places domain's map feeds. Full-resolution boundaries: districts ~19k and townships ~20k
// vertices in the demo city, small enough that no simplification is applied.
import { bin, tableFeed } from '../geo/feed-def.ts';
import { pointFeed, polygonFeed } from '../geo/polygon-feed.ts';
import { districtFeedRows, townshipFeedRows, villageFeedRows } from './places-queries.ts';

export const placesFeeds = [
  tableFeed('districts.bin', ['districts'], async (db) => bin(polygonFeed(await districtFeedRows(db), true))),
  tableFeed('townships.bin', ['townships'], async (db) => bin(polygonFeed(await townshipFeedRows(db)))),
  tableFeed('villages.bin', ['villages'], async (db) => bin(pointFeed(await villageFeedRows(db)))),
];
