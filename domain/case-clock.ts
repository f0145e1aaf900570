// The traffic light of a case clock (docs/domain-notes.md, clocks: green below the warning ratio of the limit,
// yellow from it up to the limit, red when overdue), plus on-time / late for closed cases.
// Pure: the calendar and the warning ratio are data (calendar_days, working_periods,
// app_meta 'clock.warn_ratio'), passed in by the caller.
//
// What is served: `clockMarks` turns a clock into two instants (yellow from warnAt, red after
// dueAt) with the working calendar, and domain/case-light.ts reads the light off them as of
// now — the same rule in the browser (cases feed) and here (cases.byId, `lightOf`).
// `trafficLight` is the direct definition (working-time fraction), kept as the reference the
// tests hold the marks to.
import { addWorkingTime, workingMinutesBetween, type WorkingCalendar } from './working-clock.ts';
import { CLOSED_LATE, CLOSED_NONE, CLOSED_ON_TIME, caseLight, markSeconds, type ClosedOutcome, type Light } from './case-light.ts';
import { CLOSED_STATUS, CLOSING_STATUSES as CLOSING, HANDLING_STATUSES as HANDLING, isClocked } from './workflow.ts';


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

/**
 * How a closed case ended: on time when it was closed at or before its close due time (the
 * rule of 结案率's on-time share, docs/indicators.md; the cases feed's SQL mirrors it with
 * these codes), CLOSED_NONE when either time is unknown.
 */
export function closedOutcome(c: Pick<CaseClock, 'closedAt' | 'closeDueAt'>): ClosedOutcome {
  if (!c.closedAt || !c.closeDueAt) return CLOSED_NONE;
  return c.closedAt.getTime() <= c.closeDueAt.getTime() ? CLOSED_ON_TIME : CLOSED_LATE;
}

export function trafficLight(c: CaseClock, now: Date, warnRatio: number, cal: WorkingCalendar): Light {
  if (c.status === CLOSED_STATUS) {
    const outcome = closedOutcome(c);
    return outcome === CLOSED_ON_TIME ? 'onTime' : outcome === CLOSED_LATE ? 'late' : 'none';
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

/** The clock marks of a case, unix seconds (0 = none): see domain/case-light.ts. */
export interface ClockMarks {
  warnAt: number;
  dueAt: number;
  /** CLOSED_ON_TIME / CLOSED_LATE for a closed case with both times, else CLOSED_NONE. */
  closed: number;
}

/**
 * When the running stage turns yellow and when it is due. Yellow starts at the first instant
 * at which the working time elapsed since the stage started reaches `warnRatio` of the working
 * time from start to due (with the calendar-time fallback of `trafficLight` for a limit that
 * holds no working time); no start: green until due.
 */
export function clockMarks(c: CaseClock, warnRatio: number, cal: WorkingCalendar): ClockMarks {
  if (c.status === CLOSED_STATUS) {
    return { warnAt: 0, dueAt: 0, closed: closedOutcome(c) };
  }
  if (!isClocked(c.status)) return { warnAt: 0, dueAt: 0, closed: CLOSED_NONE };
  const handling = HANDLING.has(c.status);
  const start = handling ? c.dispatchedAt : c.handledAt;
  const due = handling ? c.handleDueAt : c.closeDueAt;
  if (!due) return { warnAt: 0, dueAt: 0, closed: CLOSED_NONE };
  const dueAt = markSeconds(due.getTime());
  if (!start) return { warnAt: 0, dueAt, closed: CLOSED_NONE };
  const total = workingMinutesBetween(cal, start, due);
  let warnMs: number;
  if (total > 0) warnMs = addWorkingTime(cal, start, (warnRatio * total) / 60, 'working_hour').getTime();
  else {
    const span = due.getTime() - start.getTime();
    // a limit without working time: calendar time; a zero or negative span is yellow throughout
    warnMs = span > 0 ? start.getTime() + warnRatio * span : 1;
  }
  return { warnAt: markSeconds(warnMs), dueAt, closed: CLOSED_NONE };
}

/** The served light of a case as of `now` (clock marks + domain/case-light.ts). */
export function lightOf(c: CaseClock, now: Date, warnRatio: number, cal: WorkingCalendar): Light {
  return caseLight({ status: c.status, ...clockMarks(c, warnRatio, cal) }, now.getTime());
}
