// The page's one live stream (dispatch.events over SSE), started once signed in with the right to
// read cases: each event patches the map's case layer at its row (client/features/cases/
// cases-live.ts) and makes the case's panel and the work lists load again (client/lib/live-cache.ts);
// a 'resync' (the stream fell too far behind) reloads all of it. The stream resumes from the last
// event id it saw after a drop (tRPC's tracked ids, the server's catch-up). `body[data-live]`
// says whether it is open, and how many events it applied (the browser tests wait on it).
import { useEffect } from 'react';
import { api, queryClient } from '../lib/api.ts';
import { applyCaseEvent, applyServerEvent } from '../lib/live-cache.ts';
import { patchLiveFeed } from '../features/cases/cases-live.ts';
import type { CasesFeed } from '../features/cases/cases-data.ts';
import type { Feed } from '../map/binary-feed.ts';

const patch = (feed: Feed<unknown>, e: Parameters<typeof patchLiveFeed>[1]) => patchLiveFeed(feed as CasesFeed, e);

export function useLiveCases(enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return;
    let applied = 0;
    const sub = api.dispatch.events.subscribe(undefined, {
      onStarted: () => (document.body.dataset.live = 'connecting'),
      onData: (msg) => {
        const m = 'data' in msg ? msg.data : msg;
        if (m.kind === 'ready') document.body.dataset.live = 'on';
        else if (m.kind === 'resync') void applyServerEvent(queryClient, { kind: 'case', id: 0 });
        else {
          void applyCaseEvent(queryClient, m.event, patch);
          document.body.dataset.liveEvents = String(++applied);
        }
      },
      onError: () => (document.body.dataset.live = 'error'),
      onStopped: () => (document.body.dataset.live = 'off'),
    });
    return () => {
      sub.unsubscribe();
      document.body.dataset.live = 'off';
    };
  }, [enabled]);
}
