// The working clock: time limits count working hours and days on a working calendar
// (weekends off, public holidays off, swapped weekend working days on). Pure: the calendar
// comes from the calendar_days and working_periods tables. Times are instants (Date); the
// calendar is local time at a fixed UTC offset (Asia/Shanghai: +480 min, no DST).
export type LimitUnit = 'hour' | 'working_hour' | 'working_day';

export interface WorkingCalendar {
  /** 'YYYY-MM-DD' → holiday (a weekday off) or workday (a weekend day worked). */
  exceptions: ReadonlyMap<string, 'holiday' | 'workday'>;
  /** Working periods of a day in minutes from local midnight, sorted, non-overlapping. */
  periods: readonly { start: number; end: number }[];
  utcOffsetMinutes: number;
}

const DAY_MS = 86_400_000;
const MIN_MS = 60_000;
/** Safety stop for a limit that cannot be met (a calendar with no working time). */
const MAX_DAYS = 3660;

export function createCalendar(
  exceptions: Iterable<{ day: string; kind: string }>,
  periods: Iterable<{ startsAt: string; endsAt: string }>,
  utcOffsetMinutes = 480,
): WorkingCalendar {
  const toMin = (t: string) => {
    const [h, m] = t.split(':').map(Number);
    return h * 60 + m;
  };
  const ps = [...periods].map((p) => ({ start: toMin(p.startsAt), end: toMin(p.endsAt) })).sort((a, b) => a.start - b.start);
  if (ps.some((p) => p.end <= p.start)) throw new Error('A working period must end after it starts');
  const ex = new Map<string, 'holiday' | 'workday'>();
  for (const e of exceptions) {
    if (e.kind !== 'holiday' && e.kind !== 'workday') throw new Error(`Unknown calendar day kind: ${e.kind}`);
    ex.set(e.day, e.kind);
  }
  return { exceptions: ex, periods: ps, utcOffsetMinutes };
}

/** Is this local date a working day? */
export function isWorkingDay(cal: WorkingCalendar, localDay: string): boolean {
  const kind = cal.exceptions.get(localDay);
  if (kind) return kind === 'workday';
  const dow = new Date(`${localDay}T00:00:00Z`).getUTCDay();
  return dow !== 0 && dow !== 6;
}

export function workingMinutesPerDay(cal: WorkingCalendar): number {
  return cal.periods.reduce((a, p) => a + p.end - p.start, 0);
}

/** The instant a limit of `amount` `unit`s started at `start` runs out. */
export function addWorkingTime(cal: WorkingCalendar, start: Date, amount: number, unit: LimitUnit): Date {
  if (!(amount >= 0)) throw new Error(`A time limit must be zero or more, got ${amount}`);
  if (unit === 'hour') return new Date(start.getTime() + amount * 3_600_000);
  const minutes = unit === 'working_hour' ? amount * 60 : amount * workingMinutesPerDay(cal);
  return addWorkingMinutes(cal, start, minutes);
}

function addWorkingMinutes(cal: WorkingCalendar, start: Date, minutes: number): Date {
  const offset = cal.utcOffsetMinutes * MIN_MS;
  let local = start.getTime() + offset; // ms on the local wall clock, as if UTC
  let left = minutes * MIN_MS;
  for (let d = 0; d < MAX_DAYS; d++) {
    const dayStart = Math.floor(local / DAY_MS) * DAY_MS;
    const day = new Date(dayStart).toISOString().slice(0, 10);
    if (isWorkingDay(cal, day)) {
      for (const p of cal.periods) {
        const ps = dayStart + p.start * MIN_MS;
        const pe = dayStart + p.end * MIN_MS;
        if (local >= pe) continue;
        const from = Math.max(local, ps);
        if (left <= pe - from) return new Date(from + left - offset);
        left -= pe - from;
        local = pe;
      }
    }
    local = dayStart + DAY_MS;
  }
  throw new Error('The working calendar has no working time within ten years');
}

/** Working minutes between two instants (0 when b ≤ a): elapsed time on the clock. */
export function workingMinutesBetween(cal: WorkingCalendar, a: Date, b: Date): number {
  if (b <= a) return 0;
  const offset = cal.utcOffsetMinutes * MIN_MS;
  const end = b.getTime() + offset;
  let local = a.getTime() + offset;
  let total = 0;
  while (local < end) {
    const dayStart = Math.floor(local / DAY_MS) * DAY_MS;
    const day = new Date(dayStart).toISOString().slice(0, 10);
    if (isWorkingDay(cal, day)) {
      for (const p of cal.periods) {
        const from = Math.max(local, dayStart + p.start * MIN_MS);
        const to = Math.min(end, dayStart + p.end * MIN_MS);
        if (to > from) total += to - from;
      }
    }
    local = dayStart + DAY_MS;
  }
  return total / MIN_MS;
}
