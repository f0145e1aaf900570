// The published Jan–Aug 2022 figures, computed by SQL over the event log through the API.
import { describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { testCaller } from './support/test-db.ts';
import { CASE_TARGETS } from '../data/generators/cases.ts';

const period = { from: CASE_TARGETS.periodStart, to: CASE_TARGETS.periodEnd };
const pct = (r: number | null) => (r === null ? null : (r * 100).toFixed(2));

describe('indicators.period', () => {
  it('gives 处置率 98.82 % and 结案率 98.85 % for Jan–Aug 2022', async () => {
    const r = await (await testCaller()).indicators.period(period);
    expect(pct(r.rates.handlingRate)).toBe('98.82');
    expect(pct(r.rates.closureRate)).toBe('98.85');
    expect(r.counts.dueForHandling).toBeGreaterThan(130_000);
    expect(r.counts.accepted).toBe(141_818);
  });
  it('computes every rate as a ratio of counts due in the period', async () => {
    const r = await (await testCaller()).indicators.period(period);
    const c = r.counts;
    expect(r.rates.handlingOnTimeRate).toBeCloseTo(c.handledOnTime / c.dueForHandling, 12);
    expect(c.handledOnTime).toBeLessThan(c.handled);
    expect(c.closedOnTime).toBeLessThanOrEqual(c.closed);
    expect(c.dispatchedAccurately).toBeLessThan(c.dispatched);
    expect(r.rates.filingRate!).toBeGreaterThan(0.98);
    expect(r.rates.reworkRate!).toBeGreaterThan(0);
    expect(r.rates.extensionRate!).toBeGreaterThan(0);
  });
  it('gives null rates, not a division by zero, for a period with nothing due', async () => {
    const r = await (await testCaller()).indicators.period({ from: '2019-01-01T00:00:00+08:00', to: '2019-02-01T00:00:00+08:00' });
    expect(r.counts.dueForHandling).toBe(0);
    expect(r.rates.handlingRate).toBeNull();
  });
  it.each([
    [{ from: 'yesterday', to: CASE_TARGETS.periodEnd }, /from must be an ISO date-time/],
    [{ from: CASE_TARGETS.periodEnd, to: CASE_TARGETS.periodStart }, /from must be before to/],
  ])('rejects bad input %j with a field message', async (input, message) => {
    const caller = await testCaller();
    const err = await caller.indicators.period(input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe('BAD_REQUEST');
    expect((err as TRPCError).message).toMatch(message);
  });
});
