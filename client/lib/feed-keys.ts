// The query keys of the map's feeds (client/lib/feeds.ts): `['feed', <file>, <url>]`, so a live
// event or a mutation can make every copy of one feed stale (any period, any display token).
import type { QueryFilters } from '@tanstack/react-query';

export const feedKey = (file: string, url: string) => ['feed', file, url] as const;

/** Every query of one feed file. */
export const feedFilter = (file: string): QueryFilters => ({ queryKey: ['feed', file] });
