// The traffic light of a case clock (domain.md: green below the warning ratio of the limit,
// yellow from it up to the limit, red when overdue), plus on-time / late for closed cases.
// Pure: the calendar and the warning ratio are data (calendar_days, working_periods,
// app_meta 'clock.warn_ratio'), passed in by the caller.
import { workingMinutesBetween, type WorkingCalendar } from '../../db/domain/working-clock.ts';

/** Index order is the wire order of the `light` column of the cases feed. */
export const LIGHTS = ['none', 'green', 'yellow', 'red', 'onTime', 'late'] as const;
export type Light = (typeof LIGHTS)[number];

/** Open statuses whose clock runs against handle_due_at (the handling stage). */
const HANDLING = new Set(['dispatched', 'returned']);
/** Open statuses whose clock runs against close_due_at (the check-and-close stage). */
const CLOSING = new Set(['handled', 'checked']);

export interface CaseClock {
  status: string;
  /** When the handling stage's clock started: the latest dispatch. */
  dispatchedAt: Date | null;
  /** When the closing stage's clock started: the latest handling (feedback). */
  handledAt: Date | null;
  handleDueAt: Date | null;
  closeDueAt: Date | null;
  closedAt: Date | null;
}

/** Does this status need a clock (and so the stage start times) to get its light? */
export const isClocked = (status: string) => HANDLING.has(status) || CLOSING.has(status);

export function trafficLight(c: CaseClock, now: Date, warnRatio: number, cal: WorkingCalendar): Light {
  if (c.status === 'closed') {
    if (!c.closedAt || !c.closeDueAt) return 'none';
    return c.closedAt.getTime() <= c.closeDueAt.getTime() ? 'onTime' : 'late';
  }
  const handling = HANDLING.has(c.status);
  if (!handling && !CLOSING.has(c.status)) return 'none'; // not yet dispatched, voided, or unknown
  const start = handling ? c.dispatchedAt : c.handledAt;
  const due = handling ? c.handleDueAt : c.closeDueAt;
  if (!due) return 'none';
  if (now.getTime() > due.getTime()) return 'red';
  if (!start) return 'green';
  const fraction = clockFraction(cal, start, due, now);
  return fraction < warnRatio ? 'green' : 'yellow';
}

/**
 * Working time elapsed since `start` over working time from `start` to `due`. A limit that
 * holds no working time (a calendar-hour limit over a weekend) falls back to calendar time.
 */
function clockFraction(cal: WorkingCalendar, start: Date, due: Date, now: Date): number {
  const total = workingMinutesBetween(cal, start, due);
  if (total > 0) return workingMinutesBetween(cal, start, now) / total;
  const span = due.getTime() - start.getTime();
  return span > 0 ? Math.max(0, now.getTime() - start.getTime()) / span : 1;
}
