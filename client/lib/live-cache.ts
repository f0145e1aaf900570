// Where the server's live events will meet the cache: each event names what changed, and the
// queries that show it are invalidated (the ones on screen load again; the rest when next shown).
// There is no transport yet: the event stream arrives with the dispatch screens, whose
// subscription hands each event to `applyServerEvent(queryClient, event)`.
import type { QueryClient, QueryFilters } from '@tanstack/react-query';
import { trpc } from './api.ts';
import { feedFilter } from './feed-keys.ts';

export type ServerEvent =
  | { kind: 'case'; id: number }
  | { kind: 'audit' }
  | { kind: 'user' }
  | { kind: 'token' }
  | { kind: 'rights' }
  | { kind: 'community'; id: number }
  | { kind: 'responsibilityGrid'; id: number };

/** The queries an event makes stale. */
export function filtersFor(event: ServerEvent): QueryFilters[] {
  switch (event.kind) {
    // the case's panel, the period's figures and indicators, search hits (a case code), the map's case layer
    // (the feed is downloaded again; the browser revalidates it with its ETag)
    case 'case':
      return [trpc.cases.byId.queryFilter({ id: event.id }), trpc.cases.summary.pathFilter(), trpc.indicators.period.pathFilter(), trpc.search.query.pathFilter(), feedFilter('cases.bin')];
    case 'audit':
      return [trpc.audit.list.pathFilter()];
    case 'user':
      return [trpc.admin.users.pathFilter()];
    case 'token':
      return [trpc.admin.tokens.pathFilter()];
    case 'rights':
      return [trpc.admin.options.pathFilter()];
    case 'community':
      return [trpc.communities.byId.queryFilter({ id: event.id }), trpc.communities.summary.pathFilter(), trpc.search.query.pathFilter(), feedFilter('communities.bin')];
    case 'responsibilityGrid':
      return [trpc.grids.responsibilityById.queryFilter({ id: event.id }), trpc.grids.byId.pathFilter()];
  }
}

export async function applyServerEvent(queryClient: QueryClient, event: ServerEvent): Promise<void> {
  await Promise.all(filtersFor(event).map((f) => queryClient.invalidateQueries(f)));
}
