// The time-limit light of a case from its clock marks, as of now: the one rule the server
// (cases.byId) and the browser (the cases feed, recomputed each minute) both apply. Pure and
// self-contained (imports nothing): the working calendar is applied once on the server, which
// turns a stage's clock into two instants — when it turns yellow (warnAt) and when it is due
// (dueAt) — so the browser never needs the calendar. Domain rule (docs/domain-notes.md, clocks): green below the
// warning share of the working-time limit, yellow from it up to the limit, red past due;
// closed cases on time or late.

import { CLOSED_STATUS, isClocked } from './workflow.ts';

/** Index order is the wire order of lights (the feed's meta.lights). */
export const LIGHTS = ['none', 'green', 'yellow', 'red', 'onTime', 'late'] as const;
export type Light = (typeof LIGHTS)[number];


/** How a closed case ended against its close due time. */
export const CLOSED_NONE = 0;
export const CLOSED_ON_TIME = 1;
export const CLOSED_LATE = 2;
export type ClosedOutcome = typeof CLOSED_NONE | typeof CLOSED_ON_TIME | typeof CLOSED_LATE;

export interface CaseLightInput {
  status: string;
  /** Closed cases: CLOSED_ON_TIME (closed_at ≤ close due), CLOSED_LATE, or CLOSED_NONE (no due time known). */
  closed: number;
  /** Unix seconds from when the running stage is yellow; 0 = never (green until due). */
  warnAt: number;
  /** Unix seconds the running stage is due; 0 = no clock (light 'none'). */
  dueAt: number;
}

/**
 * The light as of `nowMs` (ms since the epoch). Red strictly after the due instant (a case due
 * now is still yellow); yellow from warnAt on.
 */
export function caseLight(c: CaseLightInput, nowMs: number): Light {
  if (c.status === CLOSED_STATUS) return c.closed === CLOSED_ON_TIME ? 'onTime' : c.closed === CLOSED_LATE ? 'late' : 'none';
  if (!isClocked(c.status) || !c.dueAt) return 'none';
  if (nowMs > c.dueAt * 1000) return 'red';
  if (c.warnAt && nowMs >= c.warnAt * 1000) return 'yellow';
  return 'green';
}

/** Index of a light in LIGHTS (the feed's light codes). */
export const lightCode = (l: Light): number => LIGHTS.indexOf(l);

/** Unix seconds of an instant for the u32 mark columns, rounded up (a mark never fires early); 0 for none. */
export const markSeconds = (ms: number | null): number => (ms === null || !Number.isFinite(ms) ? 0 : Math.max(1, Math.ceil(ms / 1000)));
