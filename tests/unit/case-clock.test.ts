import { describe, expect, it } from 'vitest';
import { createCalendar } from '../../domain/working-clock.ts';
import { trafficLight, type CaseClock } from '../../domain/case-clock.ts';
import { LIGHTS } from '../../domain/case-light.ts';
import { isClocked } from '../../domain/workflow.ts';

// Working day 08:00–12:00 and 14:30–18:00 (7.5 h), Asia/Shanghai (+08:00).
const cal = createCalendar([{ day: '2022-10-03', kind: 'holiday' }], [
  { startsAt: '08:00', endsAt: '12:00' },
  { startsAt: '14:30', endsAt: '18:00' },
]);
const at = (s: string) => new Date(s);
const base: CaseClock = { status: 'dispatched', dispatchedAt: null, handledAt: null, handleDueAt: null, closeDueAt: null, closedAt: null };
// a 10-working-hour handling limit: dispatched Wed 08:00, due Thu 10:30
const handling = { ...base, dispatchedAt: at('2022-09-28T08:00:00+08:00'), handleDueAt: at('2022-09-29T10:30:00+08:00') };

describe('traffic light', () => {
  it.each<[string, CaseClock, string, string]>([
    ['just dispatched is green', handling, '2022-09-28T08:00:00+08:00', 'green'],
    ['75 % at the end of the first working day is green', handling, '2022-09-28T18:00:00+08:00', 'green'], // 7.5 of 10 wh
    ['the night does not count: still 75 % at 07:59 next day', handling, '2022-09-29T07:59:00+08:00', 'green'],
    ['exactly at the due time is yellow', handling, '2022-09-29T10:30:00+08:00', 'yellow'],
    ['one minute past the due is red', handling, '2022-09-29T10:31:00+08:00', 'red'],
    ['returned cases keep the handling clock', { ...handling, status: 'returned' }, '2022-09-30T08:00:00+08:00', 'red'],
    ['lunch break does not count (3.5 wh of 10 at 14:30)', handling, '2022-09-28T14:30:00+08:00', 'green'],
  ])('%s', (_title, c, now, expected) => {
    expect(trafficLight(c, at(now), 0.8, cal)).toBe(expected);
  });

  it('counts 80 % of the working time, not of the calendar time', () => {
    // 8 wh of 10: Wed 08:00–18:00 is 7.5 wh, so 80 % falls at Thu 08:30
    expect(trafficLight(handling, at('2022-09-29T08:29:00+08:00'), 0.8, cal)).toBe('green');
    expect(trafficLight(handling, at('2022-09-29T08:30:00+08:00'), 0.8, cal)).toBe('yellow');
  });

  it('uses the warning ratio it is given (data, not a constant)', () => {
    expect(trafficLight(handling, at('2022-09-28T14:30:00+08:00'), 0.3, cal)).toBe('yellow');
  });

  it('runs the closing stage from the handling time against close_due_at', () => {
    const c = { ...handling, status: 'handled', handledAt: at('2022-09-29T08:00:00+08:00'), closeDueAt: at('2022-09-29T12:00:00+08:00') };
    expect(trafficLight(c, at('2022-09-29T09:00:00+08:00'), 0.8, cal)).toBe('green'); // handle due passed: irrelevant now
    expect(trafficLight({ ...c, status: 'checked' }, at('2022-09-29T11:30:00+08:00'), 0.8, cal)).toBe('yellow');
    expect(trafficLight(c, at('2022-09-29T12:01:00+08:00'), 0.8, cal)).toBe('red');
  });

  it('falls back to calendar time when the limit holds no working time (calendar-hour limit over a holiday)', () => {
    const c = { ...base, dispatchedAt: at('2022-10-03T08:00:00+08:00'), handleDueAt: at('2022-10-03T12:00:00+08:00') };
    expect(trafficLight(c, at('2022-10-03T09:00:00+08:00'), 0.8, cal)).toBe('green');
    expect(trafficLight(c, at('2022-10-03T11:30:00+08:00'), 0.8, cal)).toBe('yellow');
  });

  it.each([
    ['reported', 'none'],
    ['verifying', 'none'],
    ['filed', 'none'],
    ['voided', 'none'],
    ['something-new', 'none'],
  ])('%s cases have no light', (status, expected) => {
    expect(trafficLight({ ...handling, status }, at('2030-01-01T00:00:00Z'), 0.8, cal)).toBe(expected);
    expect(isClocked(status)).toBe(false);
  });

  it('a clocked case without a due date has no light', () => {
    expect(trafficLight({ ...base, status: 'dispatched' }, at('2022-09-28T08:00:00+08:00'), 0.8, cal)).toBe('none');
  });

  it.each<[string, string | null, string | null, string]>([
    ['closed before the closure due is on time', '2022-09-29T11:00:00+08:00', '2022-09-29T12:00:00+08:00', 'onTime'],
    ['closed exactly at the due is on time', '2022-09-29T12:00:00+08:00', '2022-09-29T12:00:00+08:00', 'onTime'],
    ['closed after the due is late', '2022-09-29T12:00:01+08:00', '2022-09-29T12:00:00+08:00', 'late'],
    ['closed with no due date has no light', '2022-09-29T12:00:00+08:00', null, 'none'],
  ])('%s', (_title, closedAt, closeDueAt, expected) => {
    const c = { ...base, status: 'closed', closedAt: closedAt ? at(closedAt) : null, closeDueAt: closeDueAt ? at(closeDueAt) : null };
    expect(trafficLight(c, at('2030-01-01T00:00:00Z'), 0.8, cal)).toBe(expected);
  });

  it('keeps the wire order of the lights', () => {
    expect(LIGHTS).toEqual(['none', 'green', 'yellow', 'red', 'onTime', 'late']);
  });
});
