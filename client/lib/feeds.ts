// The map's binary feeds as server state: one query per feed URL in the page's QueryClient
// (client/lib/api.ts), so a feed is downloaded once, kept for the page's lifetime (toggling a
// layer never downloads it twice; the browser revalidates with the server's ETag when it is
// asked again), retried by the same policy as every other query, and made stale by the same
// live events (client/lib/live-cache.ts and client/lib/invalidations.ts name `feedFilter(file)`).
import { useQueries } from '@tanstack/react-query';
import type { ColumnType } from '../../domain/feeds.ts';
import type { InputIssue, MessageParams } from '../../domain/messages.ts';
import { errorText } from './i18n.ts';
import { decodeFeed, type Feed } from '../map/binary-feed.ts';
import { queryClient } from './api.ts';
import { feedKey } from './feed-keys.ts';

/** `error`: the failure in the UI's language at the time (show `errorText(cause, lang)` to follow a language switch). */
export type FeedState<M> = { status: 'idle' | 'loading' } | { status: 'ready'; feed: Feed<M> } | { status: 'error'; error: string; cause: unknown };

export interface FeedRequest {
  /** The feed's file under /api/layers/ (its query key's second part: what live events name). */
  file: string;
  /** The URL with its query (period, display token), or null while the feed is not wanted. */
  url: string | null;
  /** The columns the feed must carry (domain/feeds.ts), checked on arrival. */
  columns: Record<string, ColumnType>;
}

/**
 * Fetches and decodes a feed. A refusal keeps the server's reason code, parameters and input
 * issues, both on the error and under `data` (where client/lib/i18n.ts `errorText` and the
 * query policy read them, as for a tRPC error), so it is said in the UI's language.
 */
export async function fetchFeed<M>(url: string, spec?: Record<string, ColumnType>): Promise<Feed<M>> {
  const res = await fetch(url);
  if (!res.ok) {
    const body = await res.text();
    let refusal: { reason?: string; params?: MessageParams; issues?: InputIssue[] };
    let message: string;
    try {
      const parsed = JSON.parse(body) as { error?: string; reason?: string; params?: MessageParams; issues?: InputIssue[] };
      message = parsed.error ?? body;
      refusal = { reason: parsed.reason ?? undefined, params: parsed.params, issues: parsed.issues };
    } catch {
      // not our JSON (a proxy's error page): its HTML is no message for a user
      message = res.statusText || 'error';
      refusal = res.status >= 500 ? { reason: 'internal' } : {};
    }
    throw Object.assign(new Error(`${res.status} ${message}`.trim()), refusal, { data: { ...refusal, httpStatus: res.status } });
  }
  const body = await res.arrayBuffer();
  try {
    return decodeFeed(body, spec);
  } catch (err) {
    // a feed that breaks its contract (domain/feeds.ts): said as such, with the decoder's detail
    const detail = err instanceof Error ? err.message : String(err);
    const refusal = { reason: 'feed.malformed', params: { detail } };
    throw Object.assign(new Error(detail), refusal, { data: { ...refusal, httpStatus: res.status } });
  }
}

function feedOptions(r: FeedRequest, paused: boolean) {
  const url = r.url;
  return {
    queryKey: feedKey(r.file, url ?? ''),
    queryFn: () => fetchFeed<unknown>(url!, r.columns),
    enabled: !!url && !paused,
    // a feed is large and immutable once decoded: kept while the page lives, never deep-compared
    staleTime: Infinity,
    gcTime: Infinity,
    structuralSharing: false,
  };
}

/** Starts a feed's download before React has started (the same query the layer then uses). */
export function prefetchFeed(r: FeedRequest): void {
  if (r.url) void queryClient.prefetchQuery(feedOptions(r, false));
}

/**
 * The state of each requested feed, in order. `paused`: nothing is downloaded while true (a
 * panel covers the map); what was loaded is kept. `retry()` asks again for the feeds that failed.
 */
export function useFeeds(requests: FeedRequest[], paused = false): { states: FeedState<unknown>[]; retry(): void } {
  const results = useQueries({ queries: requests.map((r) => feedOptions(r, paused)) }, queryClient);
  const states = results.map((q, i): FeedState<unknown> => {
    if (!requests[i].url) return { status: 'idle' };
    if (q.status === 'success') return { status: 'ready', feed: q.data as Feed<unknown> };
    if (q.status === 'error') return { status: 'error', error: errorText(q.error), cause: q.error };
    return { status: q.fetchStatus === 'idle' ? 'idle' : 'loading' };
  });
  return { states, retry: () => results.forEach((q) => q.status === 'error' && void q.refetch()) };
}
