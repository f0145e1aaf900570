import { describe, expect, it } from 'vitest';
import { addWorkingTime, createCalendar, isWorkingDay, workingMinutesBetween } from '../../domain/working-clock.ts';

// Working day 08:00–12:00 and 14:30–18:00 (7.5 h), Asia/Shanghai (+08:00); 2022 holidays.
const cal = createCalendar(
  [
    { day: '2022-01-31', kind: 'holiday' },
    { day: '2022-02-01', kind: 'holiday' },
    { day: '2022-01-29', kind: 'workday' },
    { day: '2022-10-03', kind: 'holiday' },
  ],
  [
    { startsAt: '08:00', endsAt: '12:00' },
    { startsAt: '14:30', endsAt: '18:00' },
  ],
);
const at = (s: string) => new Date(s);
const iso = (d: Date) => d.toISOString();

describe('working calendar', () => {
  it.each([
    ['2022-01-28', true, 'a Friday'],
    ['2022-01-29', true, 'a Saturday swapped to a working day (调休)'],
    ['2022-01-30', false, 'a Sunday'],
    ['2022-01-31', false, 'a Monday public holiday'],
  ])('%s is working: %s (%s)', (day, expected) => {
    expect(isWorkingDay(cal, day)).toBe(expected);
  });
});

describe('addWorkingTime', () => {
  it.each([
    ['calendar hours ignore the calendar', '2022-01-30T10:00:00+08:00', 6, 'hour', '2022-01-30T16:00:00+08:00'],
    ['working hours inside one period', '2022-01-28T09:00:00+08:00', 2, 'working_hour', '2022-01-28T11:00:00+08:00'],
    ['working hours skip the lunch break', '2022-01-28T11:00:00+08:00', 2, 'working_hour', '2022-01-28T15:30:00+08:00'],
    ['a start after hours begins next working morning', '2022-01-28T20:00:00+08:00', 1, 'working_hour', '2022-01-29T09:00:00+08:00'],
    ['weekend and holidays are skipped', '2022-01-29T17:00:00+08:00', 2, 'working_hour', '2022-02-02T09:00:00+08:00'],
    ['a working day is one full working day of minutes', '2022-01-27T10:00:00+08:00', 1, 'working_day', '2022-01-28T10:00:00+08:00'],
    ['a limit ending exactly at a period end stays there', '2022-01-28T08:00:00+08:00', 4, 'working_hour', '2022-01-28T12:00:00+08:00'],
    ['zero adds nothing during working time', '2022-01-28T09:15:00+08:00', 0, 'working_hour', '2022-01-28T09:15:00+08:00'],
  ] as const)('%s', (_t, start, amount, unit, expected) => {
    expect(iso(addWorkingTime(cal, at(start), amount, unit))).toBe(iso(at(expected)));
  });

  it('rejects a negative limit with a message', () => {
    expect(() => addWorkingTime(cal, at('2022-01-28T09:00:00+08:00'), -1, 'working_hour')).toThrow(/zero or more/);
  });

  it('rejects a calendar with no working time instead of looping forever', () => {
    const never = createCalendar([], []);
    expect(() => addWorkingTime(never, at('2022-01-28T09:00:00+08:00'), 1, 'working_hour')).toThrow(/no working time/);
  });
});

describe('workingMinutesBetween', () => {
  it.each([
    ['across lunch', '2022-01-28T11:00:00+08:00', '2022-01-28T15:00:00+08:00', 90],
    ['over a holiday weekend', '2022-01-28T17:00:00+08:00', '2022-02-02T09:00:00+08:00', 60 + 7.5 * 60 + 60],
    ['reversed interval is zero', '2022-01-28T15:00:00+08:00', '2022-01-28T11:00:00+08:00', 0],
  ])('%s', (_t, a, b, minutes) => {
    expect(workingMinutesBetween(cal, at(a), at(b))).toBe(minutes);
  });

  it('inverts addWorkingTime', () => {
    const start = at('2022-01-27T16:10:00+08:00');
    const end = addWorkingTime(cal, start, 13.25, 'working_hour');
    expect(workingMinutesBetween(cal, start, end)).toBeCloseTo(13.25 * 60, 6);
  });
});
