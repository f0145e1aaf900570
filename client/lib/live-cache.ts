// Where the server's live events meet the cache: each event names what changed, and the
// queries that show it are invalidated (the ones on screen load again; the rest when next shown).
// The stream's messages (live.events, client/app/live-cases.ts) are the server's own type
// (`LiveMessage`, import type only): a case event patches the map's case layer in place
// (client/features/cases/cases-live.ts) rather than downloading the period again; a grid or
// compound event reloads what shows it; 'indicators' the figures; a 'resync' (too far behind, a
// narrowed scope) everything.
import type { QueryClient, QueryFilters } from '@tanstack/react-query';
import type { LiveMessage } from '../../server/live/live-events.ts';
import { trpc } from './api.ts';
import { feedFilter } from './feed-keys.ts';
import type { LiveCaseRow } from '../../domain/feeds.ts';
import type { Feed } from '../map/binary-feed.ts';

export type { LiveMessage };

/** The window event each message of the page's stream is also announced as (`detail`: the LiveMessage), for a screen that shows the stream itself (the wall's ticker). */
export const LIVE_MESSAGE_EVENT = 'citygrid:live-message';

/** What a live message names as changed (the stream's grid and compound events, a case by id). */
export type ServerEvent = { kind: 'case'; id: number } | { kind: 'community'; id: number } | { kind: 'responsibilityGrid'; id: number };

/** A case's own panel, and the lists it may enter or leave (work queues, task lists). */
const caseQueries = (id: number): QueryFilters[] => [trpc.cases.byId.queryFilter({ id }), trpc.dispatch.queue.pathFilter(), trpc.dispatch.myTasks.pathFilter()];

/** The queries an event makes stale. */
export function filtersFor(event: ServerEvent): QueryFilters[] {
  switch (event.kind) {
    // the case's panel, the period's figures and indicators, search hits (a case code), the map's case layer
    // (the feed is downloaded again; the browser revalidates it with its ETag)
    case 'case':
      return [...caseQueries(event.id), trpc.cases.summary.pathFilter(), trpc.indicators.period.pathFilter(), trpc.search.query.pathFilter(), feedFilter('cases.bin')];
    case 'community':
      return [trpc.communities.byId.queryFilter({ id: event.id }), trpc.communities.summary.pathFilter(), trpc.search.query.pathFilter(), feedFilter('communities.bin')];
    case 'responsibilityGrid':
      return [trpc.grids.responsibilityById.queryFilter({ id: event.id }), trpc.grids.byId.pathFilter()];
  }
}

export async function applyServerEvent(queryClient: QueryClient, event: ServerEvent): Promise<void> {
  await Promise.all(filtersFor(event).map((f) => queryClient.invalidateQueries(f)));
}

// every indicators question (the period's, the grouped ones a wall screen shows)
const figures = (): QueryFilters[] => [trpc.cases.summary.pathFilter(), trpc.indicators.pathFilter()];

/** One message of the live stream on the cache. */
export async function applyLiveMessage(
  queryClient: QueryClient,
  m: LiveMessage,
  patchFeed: (feed: Feed<unknown>, e: LiveCaseRow) => Feed<unknown> | null,
  dropFromFeed: (feed: Feed<unknown>, caseId: number) => Feed<unknown> | null = () => null,
): Promise<void> {
  switch (m.kind) {
    case 'case':
      return applyCaseEvent(queryClient, m.event, patchFeed);
    case 'caseLeft':
      return applyCaseLeft(queryClient, m.caseId, dropFromFeed);
    case 'grid':
      return applyServerEvent(queryClient, { kind: 'responsibilityGrid', id: m.id });
    case 'community':
      return applyServerEvent(queryClient, { kind: 'community', id: m.id });
    case 'gridCells':
      // the grid layers and every grid read (the editor's cells, details, history) load again
      await Promise.all([feedFilter('grids.bin'), feedFilter('responsibility-grids.bin'), trpc.grids.pathFilter()].map((f) => queryClient.invalidateQueries(f)));
      return;
    case 'indicators':
      // the hub's own word that figures moved (at once after a quiet spell): what a case event
      // left for later is done now, so no second reload follows it
      figuresDone();
      await Promise.all(figures().map((f) => queryClient.invalidateQueries(f)));
      return;
    case 'resync':
      await queryClient.invalidateQueries();
      return;
    case 'ready':
      // after a drop, what no token replays loads again: grid and compound changes, figures, and
      // the cases that left the viewer's scope meanwhile (a catch-up replays only the cases in it
      // now): the map's case layer and the work lists
      if (m.resumed) {
        const stale = [...figures(), trpc.grids.pathFilter(), feedFilter('grids.bin'), feedFilter('responsibility-grids.bin'), trpc.communities.pathFilter(), feedFilter('communities.bin'), feedFilter('cases.bin'), trpc.dispatch.queue.pathFilter(), trpc.dispatch.myTasks.pathFilter()];
        await Promise.all(stale.map((f) => queryClient.invalidateQueries(f)));
      }
      return;
    case 'end':
      return;
  }
}

/**
 * Figures (the period's summary, indicators) follow live case events at most this often (ms): a
 * busy city would otherwise reload them with every move. For who reads indicators the hub's
 * 'indicators' message comes sooner (at once, then at most once per 2 s: server/live/live-hub.ts)
 * and cancels this; it is what a page without that right (or a case with no district) relies on.
 */
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
  figuresSoon(queryClient);
  listsSoon(queryClient);
  await queryClient.invalidateQueries(trpc.cases.byId.queryFilter({ id: e.caseId }));
}

function figuresDone(): void {
  if (figuresTimer) clearTimeout(figuresTimer);
  figuresTimer = null;
}

function figuresSoon(queryClient: QueryClient): void {
  figuresTimer ??= setTimeout(() => {
    figuresTimer = null;
    for (const f of figures()) void queryClient.invalidateQueries(f);
  }, FIGURES_EVERY_MS);
}

/**
 * A case that left the viewer's scope: taken off the case layer's feeds (every period in the
 * cache), its panel and the work lists load again (the server then refuses or drops it), the
 * figures follow within FIGURES_EVERY_MS.
 */
export async function applyCaseLeft(queryClient: QueryClient, caseId: number, dropFromFeed: (feed: Feed<unknown>, caseId: number) => Feed<unknown> | null): Promise<void> {
  for (const [key, feed] of queryClient.getQueriesData<Feed<unknown>>(feedFilter('cases.bin'))) {
    if (!feed) continue;
    const next = dropFromFeed(feed, caseId);
    if (next) queryClient.setQueryData(key, next);
  }
  figuresSoon(queryClient);
  listsSoon(queryClient);
  await queryClient.invalidateQueries(trpc.cases.byId.queryFilter({ id: caseId }));
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
