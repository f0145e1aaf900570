// The light rule the browser and the server share (domain/case-light.ts), and the clock marks
// the server derives with the working calendar (domain/case-clock.ts clockMarks),
// held to the direct definition (trafficLight: the working-time fraction).
import { describe, expect, it } from 'vitest';
import { CLOSED_LATE, CLOSED_NONE, CLOSED_ON_TIME, LIGHTS, caseLight, lightCode, markSeconds, type CaseLightInput, type Light } from '../../domain/case-light.ts';
import { clockMarks, lightOf, trafficLight, type CaseClock } from '../../domain/case-clock.ts';
import { createCalendar } from '../../domain/working-clock.ts';

const WARN = 1_000_000; // unix seconds
const DUE = 1_000_600;
const at = (s: number, ms = 0) => s * 1000 + ms;
const open = (status: string, warnAt = WARN, dueAt = DUE): CaseLightInput => ({ status, closed: CLOSED_NONE, warnAt, dueAt });

describe('caseLight', () => {
  it.each<[string, CaseLightInput, number, Light]>([
    ['closed on time', { status: 'closed', closed: CLOSED_ON_TIME, warnAt: 0, dueAt: 0 }, at(DUE), 'onTime'],
    ['closed late', { status: 'closed', closed: CLOSED_LATE, warnAt: 0, dueAt: 0 }, at(DUE), 'late'],
    ['closed without a close due time', { status: 'closed', closed: CLOSED_NONE, warnAt: 0, dueAt: 0 }, at(DUE), 'none'],
    ['closed ignores stray marks', { status: 'closed', closed: CLOSED_NONE, warnAt: WARN, dueAt: DUE }, at(DUE + 1), 'none'],
    ['reported (no clock yet) ignores marks', open('reported'), at(DUE + 1), 'none'],
    ['filed, not yet dispatched', open('filed'), at(WARN), 'none'],
    ['voided', open('voided'), at(DUE + 1), 'none'],
    ['an unknown status', open('parked'), at(DUE + 1), 'none'],
    ['dispatched without a due time', open('dispatched', 0, 0), at(DUE + 1), 'none'],
    ['dispatched, well before warnAt', open('dispatched'), at(WARN - 100), 'green'],
    ['dispatched, 1 ms before warnAt', open('dispatched'), at(WARN) - 1, 'green'],
    ['dispatched, exactly at warnAt', open('dispatched'), at(WARN), 'yellow'],
    ['dispatched, exactly at the due instant (not yet overdue)', open('dispatched'), at(DUE), 'yellow'],
    ['dispatched, 1 ms past due', open('dispatched'), at(DUE) + 1, 'red'],
    ['returned runs the handling clock too', open('returned'), at(DUE) + 1, 'red'],
    ['handled (closing stage), before warnAt', open('handled'), at(WARN - 1), 'green'],
    ['checked (closing stage), past due', open('checked'), at(DUE + 60), 'red'],
    ['no warnAt (no stage start): green until due', open('dispatched', 0), at(DUE), 'green'],
    ['no warnAt (no stage start): red after due', open('handled', 0), at(DUE) + 1, 'red'],
    ['warnAt 1 (a limit without time): yellow from the start', open('dispatched', 1), at(WARN - 500), 'yellow'],
    ['now before the stage started', open('dispatched'), 0, 'green'],
  ])('%s → %s', (_title, input, now, want) => {
    expect(caseLight(input, now)).toBe(want);
  });

  it('light codes are the wire order of the feed', () => {
    expect(LIGHTS).toEqual(['none', 'green', 'yellow', 'red', 'onTime', 'late']);
    expect(lightCode('red')).toBe(3);
  });

  it.each<[string, number | null, number]>([
    ['none', null, 0],
    ['a whole second stays', 1_500_000_000_000, 1_500_000_000],
    ['a fraction rounds up (a mark never fires early)', 1_500_000_000_001, 1_500_000_001],
    ['the epoch is not mistaken for none', 0, 1],
    ['not a number is none', Number.NaN, 0],
  ])('markSeconds: %s', (_title, ms, want) => {
    expect(markSeconds(ms)).toBe(want);
  });
});

describe('clockMarks against trafficLight (working calendar)', () => {
  // Mon–Fri 08:30–12:00 and 14:00–17:30 China time; 2022-10-03..07 holidays, Sat 2022-10-08 worked
  const cal = createCalendar(
    [...['2022-10-03', '2022-10-04', '2022-10-05', '2022-10-06', '2022-10-07'].map((day) => ({ day, kind: 'holiday' })), { day: '2022-10-08', kind: 'workday' }],
    [
      { startsAt: '08:30', endsAt: '12:00' },
      { startsAt: '14:00', endsAt: '17:30' },
    ],
  );
  const t = (iso: string) => new Date(iso);
  const clock = (status: string, start: string | null, due: string | null): CaseClock => {
    const handling = status === 'dispatched' || status === 'returned';
    return {
      status,
      dispatchedAt: handling && start ? t(start) : null,
      handledAt: !handling && start ? t(start) : null,
      handleDueAt: handling && due ? t(due) : null,
      closeDueAt: !handling && due ? t(due) : null,
      closedAt: null,
    };
  };
  const cases: [string, CaseClock][] = [
    ['a clock within one working day', clock('dispatched', '2022-09-26T09:00:00+08:00', '2022-09-26T16:00:00+08:00')],
    ['a clock across the lunch break', clock('handled', '2022-09-27T11:00:00+08:00', '2022-09-27T15:00:00+08:00')],
    ['a clock across a weekend', clock('returned', '2022-09-23T16:00:00+08:00', '2022-09-27T10:00:00+08:00')],
    ['a clock across the National Day holidays and a worked Saturday', clock('checked', '2022-09-30T15:00:00+08:00', '2022-10-10T11:00:00+08:00')],
    ['a clock started outside working hours', clock('dispatched', '2022-09-26T19:00:00+08:00', '2022-09-28T12:00:00+08:00')],
    ['a limit holding no working time (calendar-time fallback)', clock('dispatched', '2022-10-01T09:00:00+08:00', '2022-10-02T09:00:00+08:00')],
    ['a due time before the start', clock('handled', '2022-09-26T10:00:00+08:00', '2022-09-26T09:00:00+08:00')],
    ['no stage start', clock('dispatched', null, '2022-09-26T16:00:00+08:00')],
  ];
  it.each(cases)('%s: the same light at every 5 minutes from a day before to a day after', (_title, c) => {
    const marks = clockMarks(c, 0.8, cal);
    const due = (c.handleDueAt ?? c.closeDueAt)!.getTime();
    const from = Math.min(due, (c.dispatchedAt ?? c.handledAt ?? new Date(due)).getTime()) - 86_400_000;
    for (let now = from; now <= due + 86_400_000; now += 300_000) {
      expect(caseLight({ status: c.status, ...marks }, now), new Date(now).toISOString()).toBe(trafficLight(c, new Date(now), 0.8, cal));
    }
  });

  it('closed cases carry their outcome, not marks', () => {
    const closed: CaseClock = { status: 'closed', dispatchedAt: null, handledAt: null, handleDueAt: null, closeDueAt: t('2022-09-26T16:00:00+08:00'), closedAt: t('2022-09-26T16:00:00+08:00') };
    expect(clockMarks(closed, 0.8, cal)).toEqual({ warnAt: 0, dueAt: 0, closed: CLOSED_ON_TIME });
    expect(lightOf(closed, t('2030-01-01T00:00:00Z'), 0.8, cal)).toBe('onTime');
    expect(clockMarks({ ...closed, closedAt: t('2022-09-26T16:00:01+08:00') }, 0.8, cal).closed).toBe(CLOSED_LATE);
  });
});
