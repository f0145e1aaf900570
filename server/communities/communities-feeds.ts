// The communities domain's map feed: property-managed compounds.
import { bin, tableFeed } from '../geo/feed-def.ts';
import { polygonFeed } from '../geo/polygon-feed.ts';
import { communityFeedRows } from './communities-queries.ts';

export const communitiesFeeds = [tableFeed('communities.bin', ['property_communities', 'property_companies'], async (db) => bin(polygonFeed(await communityFeedRows(db))))];
