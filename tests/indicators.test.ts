// The published Jan–Aug 2022 figures, computed by SQL over the event log through the API.
import { describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { sql } from 'drizzle-orm';
import { rows } from '../db/engine.ts';
import { createApp } from '../server/app.ts';
import { login } from './support/http-session.ts';
import { testCaller, testEngine } from './support/test-db.ts';
import { inRolledBackTransaction } from './support/rolled-back.ts';
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
  it('agrees with the case rows: the event-derived due dates and outcomes match the projection', async () => {
    // an independent path: the cases table's own deadline columns and the raw event rows
    const r = await (await testCaller()).indicators.period(period);
    const db = (await testEngine()).db;
    const [x] = await rows<{ due_h: number; on_time_h: number; due_c: number; closed: number }>(
      db,
      sql`with h as (select case_id, min(at) as first_handle from case_events where type = 'handle' group by case_id)
          select count(*) filter (where handle_due_at >= ${period.from}::timestamptz and handle_due_at < ${period.to}::timestamptz)::int as due_h,
                 count(*) filter (where handle_due_at >= ${period.from}::timestamptz and handle_due_at < ${period.to}::timestamptz
                   and h.first_handle <= handle_due_at)::int as on_time_h,
                 count(*) filter (where close_due_at >= ${period.from}::timestamptz and close_due_at < ${period.to}::timestamptz)::int as due_c,
                 count(*) filter (where close_due_at >= ${period.from}::timestamptz and close_due_at < ${period.to}::timestamptz
                   and closed_at < ${period.to}::timestamptz)::int as closed
          from cases c left join h on h.case_id = c.id`,
    );
    expect(r.counts.dueForHandling).toBe(x.due_h);
    expect(r.counts.handledOnTime).toBe(x.on_time_h);
    expect(r.counts.dueForClosure).toBe(x.due_c);
    expect(r.counts.closed).toBe(x.closed);
  });

  it('computes the other rates over the same due sets', async () => {
    const r = await (await testCaller()).indicators.period(period);
    const c = r.counts;
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
    [{ from: 'yesterday', to: CASE_TARGETS.periodEnd }, 'from', /from must be an ISO date-time/],
    [{ from: CASE_TARGETS.periodEnd, to: CASE_TARGETS.periodStart }, 'to', /from must be before to/],
    [{ ...period, asOf: '2021-01-01T00:00:00+08:00' }, 'asOf', /asOf must not be before from/],
  ])('rejects bad input %j over HTTP with a 400 and a field message', async (input, field, message) => {
    // signed in within a transaction that is rolled back: no session or sign-in row is left
    await inRolledBackTransaction(await testEngine(), async (_tx, engine) => {
      const app = createApp(engine);
      const { cookie } = await login(app, 'demo-viewer');
      const res = await app.fetch(new Request(`http://test/trpc/indicators.period?input=${encodeURIComponent(JSON.stringify(input))}`, { headers: { cookie } }));
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { message: string; data: { code: string; fieldErrors: Record<string, string[]> } } };
      expect(body.error.data.code).toBe('BAD_REQUEST');
      expect(body.error.message).toMatch(message);
      expect(body.error.data.fieldErrors[field]?.join(' ')).toMatch(message);
    });
  });

  it('rejects bad input in-process with a BAD_REQUEST too', async () => {
    const err = await (await testCaller()).indicators.period({ from: 'x', to: 'y' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe('BAD_REQUEST');
  });
});
