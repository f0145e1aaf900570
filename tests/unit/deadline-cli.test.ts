import { describe, expect, it } from 'vitest';
import { correctDeadlinesCommand, correctionLines } from '../../server/dispatch/deadline-cli.ts';
import { ConfigError } from '../../db/config-error.ts';

describe('npm run calendar:correct', () => {
  const { args, input } = correctDeadlinesCommand;
  it('reads days, a kind, a name and --apply; a dry run unless --apply', () => {
    expect(args(['--day', '2026-12-04', '--day', '2026-12-05', '--kind', 'holiday', '--name', '补假'])).toEqual({ days: ['2026-12-04', '2026-12-05'], kind: 'holiday', name: '补假', apply: false });
    expect(args(['--day', '2026-12-06', '--kind', 'workday', '--apply'])).toMatchObject({ apply: true, name: '' });
  });

  it.each([[[]], [['--kind', 'holiday']], [['--day', '2026-12-04']], [['--day', '2026-12-04', '--kind', 'holiday', 'extra']], [['--days', '2026-12-04']]])('refuses %j with what it takes', (argv) => {
    expect(() => args(argv)).toThrow(ConfigError);
  });

  it.each([
    ['a date that does not exist', { days: ['2026-02-30'], kind: 'holiday', name: '', apply: false }],
    ['a date-time for a date', { days: ['2026-12-04T00:00:00+08:00'], kind: 'holiday', name: '', apply: false }],
    ['an unknown kind', { days: ['2026-12-04'], kind: 'weekend', name: '', apply: false }],
    ['more than a month of days', { days: Array.from({ length: 32 }, (_, i) => `2026-12-${String((i % 28) + 1).padStart(2, '0')}`), kind: 'holiday', name: '', apply: false }],
  ])('validates: refuses %s', (_t, v) => {
    expect(input.safeParse(v).success).toBe(false);
  });

  it('says what a dry run would change, case by case, and that nothing changed', () => {
    const lines = correctionLines(
      { days: ['2026-12-04'], looked: 3, dryRun: true, corrected: [{ caseId: 1, code: '2026120400001', status: 'dispatched', changes: { handleDueAt: ['2026-12-04T02:00:00.000Z', '2026-12-07T02:00:00.000Z'] } }] },
      'holiday',
    );
    expect(lines[0]).toBe('Dry run (2026-12-04 → holiday): 1 open cases would get new due instants (nothing changed; --apply to correct them).');
    expect(lines[2]).toContain('2026120400001  dispatched handling due 2026-12-04T02:00:00.000Z → 2026-12-07T02:00:00.000Z');
    expect(correctionLines({ days: [], looked: 0, dryRun: true, corrected: [] }, 'holiday')).toEqual(['Nothing to correct: every day given is already a holiday.']);
  });
});
