// The page's one live stream (live.events over SSE, server/live/live-router.ts), started once
// signed in: a case event patches the map's case layer at its row (client/features/cases/
// cases-live.ts) and makes the case's panel and the work lists load again (a case that left the
// viewer's scope, 'caseLeft', is taken off the layer); a grid or compound
// event, the figures ('indicators') and a 'resync' make what they name load again
// (client/lib/live-cache.ts). The stream resumes from its last token after a drop (tRPC's
// tracked ids; the server catches up, each event once); after an error answer (which ends the
// browser's EventSource) it is opened again from that token. A stream ended for a reason (token
// revoked, signed out, rights changed) is not reopened: the page says why, full screen, and
// shows no figures that no longer follow. `body[data-live]`: connecting | on | reconnecting |
// ended | off (the browser tests wait on it); `body[data-live-events]`: case events applied.
import { useEffect, useState } from 'react';
import { api, queryClient } from '../lib/api.ts';
import { applyLiveMessage, LIVE_MESSAGE_EVENT, type LiveMessage } from '../lib/live-cache.ts';
import { dropCasesFeedRow, patchLiveFeed } from '../features/cases/cases-live.ts';
import type { CasesFeed } from '../features/cases/cases-data.ts';
import type { Feed } from '../map/binary-feed.ts';

const patch = (feed: Feed<unknown>, e: Parameters<typeof patchLiveFeed>[1]) => patchLiveFeed(feed as CasesFeed, e);
const drop = (feed: Feed<unknown>, caseId: number) => dropCasesFeedRow(feed as CasesFeed, caseId);

/** How long after an error answer the stream is opened again (ms). */
export const REOPEN_AFTER_MS = 2000;

export interface LiveState {
  phase: 'off' | 'connecting' | 'on' | 'reconnecting' | 'ended';
  /** Why the stream ended (a reason of domain/messages.ts), when it did. */
  reason: string | null;
}

export function useLiveStream(enabled: boolean): LiveState {
  const [state, setState] = useState<LiveState>({ phase: 'off', reason: null });
  useEffect(() => {
    if (!enabled) return;
    let applied = 0;
    let token: string | null = null;
    let stopped = false;
    let wasOn = false;
    let sub: { unsubscribe: () => void } | null = null;
    let reopen: ReturnType<typeof setTimeout> | null = null;
    const phase = (p: LiveState['phase'], reason: string | null = null) => {
      document.body.dataset.live = p;
      setState({ phase: p, reason });
    };
    const end = (reason: string) => {
      stopped = true;
      sub?.unsubscribe();
      // nothing on screen may pretend to be live: every cached answer is dropped
      queryClient.clear();
      phase('ended', reason);
    };
    const again = () => {
      if (stopped || reopen) return;
      phase('reconnecting');
      reopen = setTimeout(() => {
        reopen = null;
        if (!stopped) open();
      }, REOPEN_AFTER_MS);
    };
    const open = () => {
      sub?.unsubscribe();
      sub = api.live.events.subscribe(token ? { lastEventId: token } : undefined, {
        onStarted: () => {
          if (!wasOn) phase('connecting');
        },
        onConnectionStateChange: (s) => {
          // the link reconnects by itself after a dropped connection or 5 s without a ping
          if (s.state === 'connecting' && wasOn && !stopped) phase('reconnecting');
        },
        onData: (tracked) => {
          token = tracked.id;
          const m = tracked.data as LiveMessage;
          if (m.kind === 'end') return end(m.reason);
          if (m.kind === 'ready') {
            wasOn = true;
            phase('on');
          }
          void applyLiveMessage(queryClient, m, patch, drop);
          window.dispatchEvent(new CustomEvent(LIVE_MESSAGE_EVENT, { detail: m }));
          if (m.kind === 'case' || m.kind === 'caseLeft') document.body.dataset.liveEvents = String(++applied);
        },
        onError: (err) => {
          const reason = (err as { data?: { reason?: string } }).data?.reason;
          if (reason === 'auth.displayTokenInvalid') return end('live.tokenRevoked');
          if (reason === 'auth.signInFirst') return end('live.sessionEnded');
          again();
        },
        onComplete: () => {
          if (!stopped) again();
        },
      });
    };
    open();
    return () => {
      stopped = true;
      if (reopen) clearTimeout(reopen);
      sub?.unsubscribe();
      document.body.dataset.live = 'off';
      setState({ phase: 'off', reason: null });
    };
  }, [enabled]);
  return state;
}
