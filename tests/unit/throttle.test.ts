import { describe, expect, it } from 'vitest';
import { throttle, type Attempt } from '../../server/auth/throttle.ts';

const policy = { maxFailures: 5, failureWindowMinutes: 15, lockoutMinutes: 15 };
const now = new Date('2026-11-26T10:00:00Z');
const ago = (min: number, ok = false): Attempt => ({ at: new Date(now.getTime() - min * 60_000), ok });

describe('login throttling', () => {
  it('four failures do not lock', () => {
    expect(throttle([ago(1), ago(2), ago(3), ago(4)], now, policy)).toEqual({ locked: false });
  });
  it('five failures in the window lock for the lockout after the latest one', () => {
    expect(throttle([ago(1), ago(2), ago(3), ago(4), ago(5)], now, policy)).toEqual({ locked: true, retryAfterSeconds: 14 * 60 });
  });
  it('failures older than the window do not count', () => {
    expect(throttle([ago(1), ago(2), ago(3), ago(4), ago(16)], now, policy)).toEqual({ locked: false });
  });
  it('a success resets the count', () => {
    expect(throttle([ago(1), ago(2), ago(3, true), ago(4), ago(5), ago(6)], now, policy)).toEqual({ locked: false });
  });
  it('the lock ends when the lockout has passed, even with the failures still in the window', () => {
    expect(throttle([ago(15), ago(15), ago(15), ago(15), ago(15)], now, policy)).toEqual({ locked: false });
  });
  it('counts an attempt stamped after now (a parallel sign-in that took the lock first, or a clock ahead), and ignores the order', () => {
    expect(throttle([ago(-0.01), ago(1), ago(3), ago(2), ago(4)], now, policy).locked).toBe(true);
    expect(throttle([ago(5), ago(1), ago(3), ago(2), ago(4)], now, policy).locked).toBe(true);
    expect(throttle([ago(1), ago(3), ago(2), ago(4)], now, policy)).toEqual({ locked: false });
  });
  it('no attempts, no lock', () => {
    expect(throttle([], now, policy)).toEqual({ locked: false });
  });
});
