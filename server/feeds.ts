// The map feeds: each domain declares its own beside its router (server/<domain>/<domain>-feeds.ts);
// server/http/layers.ts serves this list at /api/layers/<file>. Adding a feed is adding it to its
// domain's list, and that list here once.
import type { AnyFeed } from './geo/feed-def.ts';
import { placesFeeds } from './places/places-feeds.ts';
import { gridsFeeds } from './grids/grids-feeds.ts';
import { communitiesFeeds } from './communities/communities-feeds.ts';
import { clinicsFeeds } from './clinics/clinics-feeds.ts';
import { casesFeeds } from './cases/cases-feeds.ts';

export const FEEDS: readonly AnyFeed[] = [...casesFeeds, ...placesFeeds, ...gridsFeeds, ...communitiesFeeds, ...clinicsFeeds];
