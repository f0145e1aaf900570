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
import { caseEventsByIds, inScope, lastEventId } from '../dispatch/live.ts';
import { caseScopeSql, type Scope } from '../auth/actor.ts';
import { hubOf, inDistricts, type Listener } from './live-hub.ts';
import { CATCH_UP_MAX, catchUps, recheck } from './live-guard.ts';
import { LOOKBACK, TOKEN_PATTERN, decodeCursor, encodeCursor, markSeen, markedSeen, wasSeen, type Cursor, type LiveCaseEvent, type LiveMessage } from './live-events.ts';

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

/** A resume token further behind the newest event id than this is answered with a reload (`live.behind`) before any scan. */
export const CATCH_UP_SPAN = 20 * CATCH_UP_MAX;

/**
 * Limits on streams (per process): an asker's open streams (the oldest ends, `live.tooManyStreams`,
 * when one more opens; a display token may drive a whole wall of screens, so it has a larger share), and the messages a stream holds for its reader (while it waits at the
 * catch-up gate, or its reader is slow): past `queueMax` they are dropped and the page told to
 * reload (`live.behind`). Mutable for tests.
 */
export const liveLimits = { streamsPerActor: 8, streamsPerDisplay: 64, queueMax: CATCH_UP_MAX };

/** Each asker's open streams on this process, oldest first: how to end one. */
const openStreams = new Map<string, Set<(reason: 'live.tooManyStreams') => void>>();

/**
 * The case events a resuming stream missed: those in its scope after the window's start that its
 * cursor does not mark delivered, oldest first; null when more than CATCH_UP_MAX (reload instead),
 * or when the token is more than CATCH_UP_SPAN ids behind the newest (told without a scan: an old
 * or forged token would otherwise walk case_events from its start for a scope with few events).
 * The ids are read first (cheap, within (window start, newest]), the events in full only when the
 * catch-up is to be sent.
 */
async function missedEvents(db: Db, scope: Scope, c: Cursor): Promise<LiveCaseEvent[] | null> {
  return withStatementTag({ priority: 'heavy', who: 'live catch-up' }, async () => {
    const newest = await interactive(() => lastEventId(db));
    if (newest - c.last > CATCH_UP_SPAN) return null;
    const from = Math.max(0, c.last - LOOKBACK);
    const ids = (
      await rows<{ id: number }>(
        db,
        sql`select e.id::int as id from case_events e join cases c on c.id = e.case_id
            where e.id > ${from} and e.id <= ${newest} and ${caseScopeSql(scope)} order by e.id limit ${CATCH_UP_MAX + LOOKBACK + 1}`,
      )
    ).map((r) => r.id);
    const missing = ids.filter((id) => !wasSeen(c, id));
    if (missing.length > CATCH_UP_MAX) return null;
    // in pages: each its own statement, so others' statements are served between two pages
    const out: LiveCaseEvent[] = [];
    for (let i = 0; i < missing.length; i += CATCH_UP_PAGE) out.push(...(await caseEventsByIds(db, missing.slice(i, i + CATCH_UP_PAGE))));
    return out;
  });
}

/** What is queued under a scope that narrowed, as much as the new one may see (the resync that follows reloads the rest). Messages are shared by every subscriber: never changed in place. */
function underScope(scope: Scope, m: LiveMessage): LiveMessage[] {
  switch (m.kind) {
    case 'case':
      return inScope(scope, m.event) ? [m] : [];
    case 'grid':
    case 'gridCells':
    case 'community':
      return inDistricts(scope, m.districtCode) ? [m] : [];
    case 'indicators': {
      // figures name districts: under a unit's scope there is no telling which were its cases'
      const districtCodes = m.districtCodes.filter((d) => inDistricts(scope, d));
      return districtCodes.length ? [{ kind: 'indicators', districtCodes }] : [];
    }
    case 'caseLeft': // it left the former scope; the resync reloads what the new one shows
      return [];
    default:
      return [m];
  }
}

export const liveRouter = router({
  /**
   * Every event the asker may read, live (SSE): case moves (with `case.read`, in scope; a case that
   * left the scope by the move: only `caseLeft`), grid and compound changes (in the asker's
   * districts), figures to reload (with `indicators.read`).
   * `lastEventId`: the resume token of the last message seen (the browser sends it by itself).
   */
  events: signedIn
    .input(z.object({ lastEventId: z.string().regex(TOKEN_PATTERN, 'lastEventId is a resume token as the stream sent it').nullish() }).optional())
    .subscription(async function* ({ ctx, input, signal }) {
      const db = ctx.engine.db;
      const hub = hubOf(ctx.engine);
      await hub.ready();
      let actor = ctx.actor;
      let queue: LiveMessage[] = [];
      let behind = false;
      let ended: 'live.tooManyStreams' | null = null;
      let wake: (() => void) | null = null;
      const listener: Listener = {
        scope: actor.scope,
        actions: actor.actions,
        deliver: (m) => {
          if (queue.length >= liveLimits.queueMax) {
            // its reader is too slow (or it waits too long at the catch-up gate): the page reloads instead
            queue = [];
            behind = true;
          }
          queue.push(m);
          wake?.();
        },
      };
      // at most liveLimits.streamsPerActor streams per asker on this process: the oldest ends
      const who = `${actor.kind}:${actor.id}`;
      const stop = new AbortController();
      const gone = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
      const endMe = (reason: 'live.tooManyStreams') => {
        ended = reason;
        stop.abort();
        wake?.();
      };
      let mine = openStreams.get(who);
      if (!mine) openStreams.set(who, (mine = new Set()));
      mine.add(endMe);
      const cap = actor.kind === 'display' ? liveLimits.streamsPerDisplay : liveLimits.streamsPerActor;
      for (const other of mine) {
        if (mine.size <= cap) break;
        mine.delete(other);
        other('live.tooManyStreams');
      }
      // subscribed before reading where to start: an event committed meanwhile is queued, and
      // skipped only if the catch-up already sent it
      const unsubscribe = hub.subscribe(listener);
      try {
        const token = input?.lastEventId ?? null;
        const readsCases = actor.actions.has('case.read');
        let cursor = token !== null && readsCases ? decodeCursor(token) : await freshCursor(db);
        // the cursor came from the page (what it was sent): a live event it marks is not sent again.
        // Not so a fresh cursor (it marks the newest committed ids whether or not the page's load showed them)
        let fromToken = token !== null && readsCases;
        const caughtUp = new Set<number>();
        const emit = (m: LiveMessage) => tracked(encodeCursor(cursor), m);
        let nextCheck = Date.now() + LIVE_RECHECK_MS;
        if (token !== null && readsCases) {
          const a = actor;
          let missed: LiveCaseEvent[] | null;
          try {
            missed = await catchUps.run(who, gone, () => missedEvents(db, a.scope, cursor));
          } catch (err) {
            if (ended) {
              yield emit({ kind: 'end', reason: ended });
              return;
            }
            if (gone.aborted) return; // gone while waiting for its turn
            throw err;
          }
          if (!missed || behind) {
            cursor = await freshCursor(db);
            fromToken = false;
            queue = [];
            behind = false;
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
        while (!signal?.aborted) {
          if (ended) {
            yield emit({ kind: 'end', reason: ended });
            return;
          }
          if (behind) {
            behind = false;
            queue = [];
            caughtUp.clear();
            cursor = await freshCursor(db);
            fromToken = false;
            yield emit({ kind: 'resync', reason: 'live.behind' });
            continue;
          }
          // the re-check comes before what is queued: nothing queued under a former scope is sent after it narrowed
          if (Date.now() >= nextCheck) {
            const r = await interactive(() => recheck(db, actor, ctx.http?.sessionToken, nowOf(ctx), { refuseDemo: !!ctx.production }));
            if (!r.ok) {
              yield emit({ kind: 'end', reason: r.reason });
              return;
            }
            actor = r.actor;
            listener.actions = actor.actions;
            nextCheck = Date.now() + LIVE_RECHECK_MS;
            if (r.scopeChanged) {
              // narrowed (or moved): what is queued under the former scope is dropped (every domain), the page reloads what it shows
              listener.scope = actor.scope;
              const now = actor.scope;
              queue = queue.flatMap((m) => underScope(now, m));
              yield emit({ kind: 'resync', reason: 'live.scopeChanged' });
            }
            continue;
          }
          const m = queue.shift();
          if (m) {
            if (m.kind === 'case' || m.kind === 'caseLeft') {
              const id = m.kind === 'case' ? m.event.id : m.id;
              if (caughtUp.delete(id)) continue; // already sent in the catch-up
              // already delivered before a resume (a process behind the one before may announce it again)
              if (fromToken && markedSeen(cursor, id)) continue;
              markSeen(cursor, id);
            }
            yield emit(m);
            continue;
          }
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
        mine.delete(endMe);
        if (!mine.size && openStreams.get(who) === mine) openStreams.delete(who);
      }
    }),
});
