// Where the server's live events meet the cache: each event names what changed, and the
// queries that show it are invalidated (the ones on screen load again; the rest when next shown).
// A case event from the stream (dispatch.events, useLiveCases below) patches the map's case
// layer in place (client/features/cases/cases-live.ts) rather than downloading the period again;
// a 'resync' (a stream too far behind) invalidates everything a case event could change.
import type { QueryClient, QueryFilters } from '@tanstack/react-query';
import { trpc } from './api.ts';
import { feedFilter } from './feed-keys.ts';
import type { LiveCaseRow } from '../../domain/feeds.ts';
import type { Feed } from '../map/binary-feed.ts';

export type ServerEvent =
  | { kind: 'case'; id: number }
  | { kind: 'audit' }
  | { kind: 'user' }
  | { kind: 'token' }
  | { kind: 'rights' }
  | { kind: 'community'; id: number }
  | { kind: 'responsibilityGrid'; id: number };

/** A case's own panel, and the lists it may enter or leave (work queues, task lists). */
const caseQueries = (id: number): QueryFilters[] => [trpc.cases.byId.queryFilter({ id }), trpc.dispatch.queue.pathFilter(), trpc.dispatch.myTasks.pathFilter()];

/** The queries an event makes stale. */
export function filtersFor(event: ServerEvent): QueryFilters[] {
  switch (event.kind) {
    // the case's panel, the period's figures and indicators, search hits (a case code), the map's case layer
    // (the feed is downloaded again; the browser revalidates it with its ETag)
    case 'case':
      return [...caseQueries(event.id), trpc.cases.summary.pathFilter(), trpc.indicators.period.pathFilter(), trpc.search.query.pathFilter(), feedFilter('cases.bin')];
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

/** Figures (the period's summary, indicators) follow live events at most this often (ms): a busy city would otherwise reload them with every move. */
export const FIGURES_EVERY_MS = 5000;
let figuresTimer: ReturnType<typeof setTimeout> | null = null;

/**
 * One event of the live stream: the case layer's feeds (every period in the cache) are patched
 * at the case's row; its panel and the work lists load again; the figures follow within
 * FIGURES_EVERY_MS.
 */
export async function applyCaseEvent(queryClient: QueryClient, e: LiveCaseRow, patchFeed: (feed: Feed<unknown>, e: LiveCaseRow) => Feed<unknown> | null): Promise<void> {
  for (const [key, feed] of queryClient.getQueriesData<Feed<unknown>>(feedFilter('cases.bin'))) {
    if (!feed) continue;
    const next = patchFeed(feed, e);
    if (next) queryClient.setQueryData(key, next);
  }
  figuresTimer ??= setTimeout(() => {
    figuresTimer = null;
    for (const f of [trpc.cases.summary.pathFilter(), trpc.indicators.period.pathFilter()]) void queryClient.invalidateQueries(f);
  }, FIGURES_EVERY_MS);
  listsSoon(queryClient);
  await queryClient.invalidateQueries(trpc.cases.byId.queryFilter({ id: e.caseId }));
}

/** The work lists load again at once on an event, then at most once per LISTS_EVERY_MS while events keep coming (a busy city moves ~100 cases a second). */
export const LISTS_EVERY_MS = 1000;
let listsAt = 0;
let listsTimer: ReturnType<typeof setTimeout> | null = null;
function listsSoon(queryClient: QueryClient): void {
  const run = () => {
    listsAt = Date.now();
    listsTimer = null;
    for (const f of [trpc.dispatch.queue.pathFilter(), trpc.dispatch.myTasks.pathFilter()]) void queryClient.invalidateQueries(f);
  };
  if (listsTimer) return;
  const wait = listsAt + LISTS_EVERY_MS - Date.now();
  if (wait <= 0) run();
  else listsTimer = setTimeout(run, wait);
}
