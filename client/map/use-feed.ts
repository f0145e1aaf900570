// Loads a binary feed once per URL (the browser revalidates with the server's ETag) and keeps
// the decoded result for the page's lifetime, so toggling a layer never downloads it twice.
import { useEffect, useState } from 'react';
import type { ColumnType } from '../../domain/feeds.ts';
import type { InputIssue, MessageParams } from '../../domain/messages.ts';
import { errorText } from '../lib/i18n.ts';
import { decodeFeed, type Feed } from './binary-feed.ts';

/** `error`: the failure in the UI's language at the time (show `errorText(cause, lang)` to follow a language switch). */
export type FeedState<M> = { status: 'idle' | 'loading' } | { status: 'ready'; feed: Feed<M> } | { status: 'error'; error: string; cause: unknown };

const cache = new Map<string, Promise<Feed<unknown>>>();

/** `spec`: the feed's columns (domain/feeds.ts), checked on arrival. */
export function loadFeed<M>(url: string, spec?: Record<string, ColumnType>): Promise<Feed<M>> {
  let p = cache.get(url);
  if (!p) {
    p = fetch(url).then(async (res) => {
      if (!res.ok) {
        const body = await res.text();
        let message = body;
        let refusal: { reason?: string; params?: MessageParams; issues?: InputIssue[] } = {};
        try {
          const parsed = JSON.parse(body) as { error?: string; reason?: string; params?: MessageParams; issues?: InputIssue[] };
          message = parsed.error ?? body;
          refusal = { reason: parsed.reason ?? undefined, params: parsed.params, issues: parsed.issues };
        } catch {
          /* not JSON: keep the text */
        }
        // the reason, its parameters and the input issues ride along, for the app to say it in the UI's language
        throw Object.assign(new Error(`${res.status} ${message}`.trim()), refusal);
      }
      const body = await res.arrayBuffer();
      try {
        return decodeFeed(body, spec);
      } catch (err) {
        // a feed that breaks its contract (domain/feeds.ts): said as such, with the decoder's detail
        const detail = err instanceof Error ? err.message : String(err);
        throw Object.assign(new Error(detail), { reason: 'feed.malformed', params: { detail } });
      }
    });
    p.catch(() => cache.delete(url)); // a failed load may be retried
    cache.set(url, p);
  }
  return p as Promise<Feed<M>>;
}

/**
 * `attempt`: bump it to retry a failed load (failures are never cached; successes are).
 * `paused`: nothing is downloaded while true (a panel covers the map); what was loaded is kept.
 */
export function useFeed<M>(url: string | null, attempt = 0, spec?: Record<string, ColumnType>, paused = false): FeedState<M> {
  const [state, setState] = useState<FeedState<M>>({ status: 'idle' });
  useEffect(() => {
    if (paused) return;
    if (!url) {
      setState({ status: 'idle' });
      return;
    }
    let live = true;
    setState({ status: 'loading' });
    loadFeed<M>(url, spec).then(
      (feed) => live && setState({ status: 'ready', feed }),
      (err: Error) => live && setState({ status: 'error', error: errorText(err), cause: err }),
    );
    return () => {
      live = false;
    };
  }, [url, attempt, spec, paused]);
  return state;
}
