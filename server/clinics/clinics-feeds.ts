// The clinics domain's map feed: village clinics as points.
import { bin, tableFeed } from '../geo/feed-def.ts';
import { pointFeed } from '../geo/polygon-feed.ts';
import { clinicFeedRows } from './clinics-queries.ts';

export const clinicsFeeds = [tableFeed('clinics.bin', ['clinics'], async (db) => bin(pointFeed(await clinicFeedRows(db))))];
