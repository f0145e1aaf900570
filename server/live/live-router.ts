// The page's one live stream: `live.events` (tRPC subscription over SSE), every domain's events
// the asker may read, from this process's hub (server/live/live-hub.ts). Each message carries a
// resume token (tRPC's tracked id: the browser sends it back as lastEventId when it reconnects)
// from which the stream catches up on the case events it missed, each once, although ids are not
// in commit order (server/live/live-events.ts). Every LIVE_RECHECK_MS the asker is read again
// (server/live/live-guard.ts): the stream ends with a final 'end' message saying why, or narrows
// to a changed scope with a 'resync'. See docs/decisions/0019-one-live-hub.md.
import { z } from 'zod';
import { tracked } from '@trpc/server';
import { sql } from 'drizzle-orm';
import { rows, withStatementTag, type Db } from '../../db/engine.ts';
import { router, signedIn, nowOf } from '../trpc.ts';
import { caseEventsByIds, eventIdsAfter, inScope } from '../dispatch/live.ts';
import type { Scope } from '../auth/actor.ts';
import { hubOf, type Listener } from './live-hub.ts';
import { CATCH_UP_MAX, catchUps, recheck } from './live-guard.ts';
import { LOOKBACK, TOKEN_PATTERN, decodeCursor, encodeCursor, markSeen, wasSeen, type Cursor, type LiveCaseEvent, type LiveMessage } from './live-events.ts';

/** A catch-up reads the events it sends at most this many at a time. */
const CATCH_UP_PAGE = 100;

/** How often a live stream reads its asker again (ms). */
export const LIVE_RECHECK_MS = 3000;

const interactive = <T>(fn: () => Promise<T>) => withStatementTag({ priority: 'interactive', who: 'live' }, fn);

/** A fresh stream's cursor: the newest LOOKBACK committed ids count as seen (what the page loads already shows them). */
async function freshCursor(db: Db): Promise<Cursor> {
  const ids = await interactive(() => rows<{ id: number }>(db, sql`select id::int as id from case_events order by id desc limit ${LOOKBACK}`));
  const c: Cursor = { last: 0, seen: 0n };
  for (const { id } of ids.reverse()) markSeen(c, id);
  return c;
}

/**
 * The case events a resuming stream missed: those in its scope after the window's start that its
 * cursor does not mark delivered, oldest first; null when more than CATCH_UP_MAX (reload instead).
 * The ids are read first (cheap), the events in full only when the catch-up is to be sent.
 */
async function missedEvents(db: Db, scope: Scope, c: Cursor): Promise<LiveCaseEvent[] | null> {
  return withStatementTag({ priority: 'heavy', who: 'live catch-up' }, async () => {
    const ids = await eventIdsAfter(db, scope, Math.max(0, c.last - LOOKBACK), CATCH_UP_MAX + LOOKBACK + 1);
    const missing = ids.filter((id) => !wasSeen(c, id));
    if (missing.length > CATCH_UP_MAX) return null;
    // in pages: each its own statement, so others' statements are served between two pages
    const out: LiveCaseEvent[] = [];
    for (let i = 0; i < missing.length; i += CATCH_UP_PAGE) out.push(...(await caseEventsByIds(db, missing.slice(i, i + CATCH_UP_PAGE))));
    return out;
  });
}

export const liveRouter = router({
  /**
   * Every event the asker may read, live (SSE): case moves (with `case.read`, in scope), grid and
   * compound changes (in the asker's districts), figures to reload (with `indicators.read`).
   * `lastEventId`: the resume token of the last message seen (the browser sends it by itself).
   */
  events: signedIn
    .input(z.object({ lastEventId: z.string().regex(TOKEN_PATTERN, 'lastEventId is a resume token as the stream sent it').nullish() }).optional())
    .subscription(async function* ({ ctx, input, signal }) {
      const db = ctx.engine.db;
      const hub = hubOf(ctx.engine);
      await hub.ready();
      let actor = ctx.actor;
      const queue: LiveMessage[] = [];
      let wake: (() => void) | null = null;
      const listener: Listener = {
        scope: actor.scope,
        actions: actor.actions,
        deliver: (m) => {
          queue.push(m);
          wake?.();
        },
      };
      // subscribed before reading where to start: an event committed meanwhile is queued, and
      // skipped only if the catch-up already sent it
      const unsubscribe = hub.subscribe(listener);
      try {
        const token = input?.lastEventId ?? null;
        const readsCases = actor.actions.has('case.read');
        let cursor = token !== null && readsCases ? decodeCursor(token) : await freshCursor(db);
        const caughtUp = new Set<number>();
        const emit = (m: LiveMessage) => tracked(encodeCursor(cursor), m);
        if (token !== null && readsCases) {
          const a = actor;
          let missed: LiveCaseEvent[] | null;
          try {
            missed = await catchUps.run(`${a.kind}:${a.id}`, signal, () => missedEvents(db, a.scope, cursor));
          } catch (err) {
            if (signal?.aborted) return; // gone while waiting for its turn
            throw err;
          }
          if (!missed) {
            cursor = await freshCursor(db);
            yield emit({ kind: 'resync', reason: 'live.behind' });
          } else {
            for (const event of missed) {
              markSeen(cursor, event.id);
              caughtUp.add(event.id);
              yield emit({ kind: 'case', event });
            }
          }
        }
        yield emit({ kind: 'ready', resumed: token !== null });
        let nextCheck = Date.now() + LIVE_RECHECK_MS;
        while (!signal?.aborted) {
          while (queue.length) {
            const m = queue.shift()!;
            if (m.kind === 'case') {
              if (caughtUp.delete(m.event.id)) continue; // already sent in the catch-up
              markSeen(cursor, m.event.id);
            }
            yield emit(m);
          }
          if (Date.now() >= nextCheck) {
            const r = await interactive(() => recheck(db, actor, ctx.http?.sessionToken, nowOf(ctx), { refuseDemo: !!ctx.production }));
            if (!r.ok) {
              yield emit({ kind: 'end', reason: r.reason });
              return;
            }
            actor = r.actor;
            listener.actions = actor.actions;
            if (r.scopeChanged) {
              // narrowed (or moved): what is queued under the former scope is dropped, the page reloads what it shows
              listener.scope = actor.scope;
              const now = actor.scope;
              for (let i = queue.length - 1; i >= 0; i--) {
                const m = queue[i];
                if (m.kind === 'case' && !inScope(now, m.event)) queue.splice(i, 1);
              }
              yield emit({ kind: 'resync', reason: 'live.scopeChanged' });
            }
            nextCheck = Date.now() + LIVE_RECHECK_MS;
          }
          if (queue.length) continue;
          await new Promise<void>((resolve) => {
            const timer = setTimeout(done, Math.max(0, nextCheck - Date.now()));
            function done() {
              clearTimeout(timer);
              signal?.removeEventListener('abort', done);
              wake = null;
              resolve();
            }
            wake = done;
            signal?.addEventListener('abort', done, { once: true });
          });
        }
      } finally {
        unsubscribe();
      }
    }),
});
