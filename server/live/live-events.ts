// What the page's one live stream (live.events, server/live/live-router.ts) says, per domain, and
// the resume token each message carries. The client derives its own event type from
// `LiveMessage` (import type only), so the two can never drift.
import type { LiveEvent } from '../dispatch/live.ts';

export type LiveCaseEvent = LiveEvent;

/** Why a stream ended (its final message), each with zh/en text in domain/messages.ts. */
export type LiveEndReason =
  | 'live.sessionEnded'
  | 'live.sessionExpired'
  | 'live.sessionIdle'
  | 'live.accountDisabled'
  | 'live.tokenRevoked'
  | 'live.rightsChanged'
  /** The asker opened more than LIVE_STREAMS_PER_ACTOR streams on this process: the oldest ends. */
  | 'live.tooManyStreams';

/** Why a stream asks the page to reload what it shows. */
export type LiveResyncReason = 'live.behind' | 'live.scopeChanged';

/**
 * A message of the stream, in order: 'ready' once (after any catch-up; `resumed`: it went on
 * from a resume token, so what no token can replay — grids, compounds, figures — is to be
 * reloaded), then events of each domain the asker may read; 'resync' to reload everything shown
 * (too far behind to catch up, or the asker's scope narrowed); 'end' as the last message when
 * the asker may no longer listen (the stream then closes, and is not to be reopened).
 */
export type LiveMessage =
  | { kind: 'ready'; resumed: boolean }
  /** A case moved (dispatch): the event and where the case stands now, as a cases-feed row. */
  | { kind: 'case'; event: LiveCaseEvent }
  /**
   * A case this asker saw only where it was before the move (its district or unit then) left
   * their scope: no more of it than its ids (not where it is now, what it is, or why it moved).
   * `id`: the case event's id (the resume token counts it), `caseId`: the case to take off.
   */
  | { kind: 'caseLeft'; id: number; caseId: number }
  /** A responsibility grid's people changed (grids.assignResponsibility, grids.setPatrolStaff). */
  | { kind: 'grid'; id: number; districtCode: string; version: number }
  /** The grid editor published unit grids of these communities (grids.publish): maps reload the grid layers. */
  | { kind: 'gridCells'; districtCode: string; villageCodes: string[]; at: string }
  /** A compound's published facts changed (communities.update). */
  | { kind: 'community'; id: number; districtCode: string; version: number }
  /** The figures of these districts moved (case events; debounced): a wall refetches its indicators. */
  | { kind: 'indicators'; districtCodes: string[] }
  | { kind: 'resync'; reason: LiveResyncReason }
  | { kind: 'end'; reason: LiveEndReason };

// ---- the resume token ------------------------------------------------------------------------

/**
 * Case event ids are taken when a move inserts its event but become visible at commit, and two
 * moves may commit in the other order: "the last id seen" alone would skip a smaller id that
 * committed after a larger one. So the token carries the largest id delivered and which of the
 * LOOKBACK ids up to it were delivered (a bitmap): a resume replays the ones in the window it did
 * not get and no other (docs/decisions/0019-one-live-hub.md).
 */
export const LOOKBACK = 128;
const MASK = (1n << BigInt(LOOKBACK)) - 1n;

export interface Cursor {
  /** The largest case event id delivered (0: none). */
  last: number;
  /** Bit i: event `last - i` was delivered (or needs no delivery). */
  seen: bigint;
}

/** What a resume token looks like: `<last>` (everything up to it seen) or `<last>.<hex bitmap>`. */
export const TOKEN_PATTERN = /^\d{1,15}(\.[0-9a-f]{1,32})?$/;

export const encodeCursor = (c: Cursor): string => `${c.last}.${c.seen.toString(16)}`;

export function decodeCursor(token: string): Cursor {
  const [last, bits] = token.split('.');
  return { last: Number(last), seen: bits === undefined ? MASK : BigInt(`0x${bits}`) & MASK };
}

/** Marks an id delivered. */
export function markSeen(c: Cursor, id: number): void {
  if (id > c.last) {
    const shift = id - c.last;
    c.seen = shift >= LOOKBACK ? 1n : ((c.seen << BigInt(shift)) | 1n) & MASK;
    c.last = id;
  } else if (c.last - id < LOOKBACK) c.seen |= 1n << BigInt(c.last - id);
}

/** Whether an id is marked delivered inside the window (an id below it is unknown: false). The live loop skips these (a process behind another may announce them again). */
export function markedSeen(c: Cursor, id: number): boolean {
  if (id > c.last || c.last - id >= LOOKBACK) return false;
  return ((c.seen >> BigInt(c.last - id)) & 1n) === 1n;
}

/** Whether an id was delivered (one below the window counts as delivered: it is never replayed). */
export function wasSeen(c: Cursor, id: number): boolean {
  if (id > c.last) return false;
  if (c.last - id >= LOOKBACK) return true;
  return ((c.seen >> BigInt(c.last - id)) & 1n) === 1n;
}
