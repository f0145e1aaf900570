// The standard indicators, computed only from the event log (the case_facts view). Rates are
// over the cases DUE in the period, not the cases created in it (docs/indicators.md).
import { caseScopeSql, type Scope } from '../auth/actor.ts';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { queryFailed } from '../query-error.ts';

export interface IndicatorCounts {
  accepted: number;
  filed: number;
  dispatched: number;
  dispatchedAccurately: number;
  dueForHandling: number;
  handled: number;
  handledOnTime: number;
  dueForClosure: number;
  closed: number;
  closedOnTime: number;
  reworked: number;
  extended: number;
}

export type Rate = number | null;

export interface Indicators {
  from: string;
  to: string;
  asOf: string;
  counts: IndicatorCounts;
  /** Ratios in [0, 1]; null when nothing was due. */
  rates: {
    filingRate: Rate; // 立案率
    dispatchRate: Rate; // 派遣率
    dispatchAccuracy: Rate; // 派遣准确率
    handlingRate: Rate; // 处置率
    handlingOnTimeRate: Rate; // 按期处置率
    closureRate: Rate; // 结案率
    closureOnTimeRate: Rate; // 按期结案率
    reworkRate: Rate; // 返工率
    extensionRate: Rate; // 延期率
  };
}

export async function periodIndicators(db: Db, p: { from: string; to: string; asOf?: string; scope: Scope }): Promise<Indicators> {
  const asOf = p.asOf ?? p.to;
  try {
    const [c] = await rows<IndicatorCounts>(
      db,
      sql`with f as (select * from case_facts where ${p.scope.kind === 'city' ? sql`true` : sql`case_id in (select c.id from cases c where ${caseScopeSql(p.scope)})`}), w as (select ${p.from}::timestamptz as s, ${p.to}::timestamptz as e, ${asOf}::timestamptz as a)
      select
        count(*) filter (where reported_at >= w.s and reported_at < w.e)::int as accepted,
        count(*) filter (where reported_at >= w.s and reported_at < w.e and filed_at < w.a)::int as filed,
        count(*) filter (where filed_at >= w.s and filed_at < w.e and dispatched_at < w.a)::int as dispatched,
        count(*) filter (where filed_at >= w.s and filed_at < w.e and dispatched_at < w.a and returns = 0)::int as "dispatchedAccurately",
        count(*) filter (where handle_due_at >= w.s and handle_due_at < w.e)::int as "dueForHandling",
        count(*) filter (where handle_due_at >= w.s and handle_due_at < w.e and handled_at < w.a)::int as handled,
        count(*) filter (where handle_due_at >= w.s and handle_due_at < w.e and handled_at < w.a and handled_at <= handle_due_at)::int as "handledOnTime",
        count(*) filter (where close_due_at >= w.s and close_due_at < w.e)::int as "dueForClosure",
        count(*) filter (where close_due_at >= w.s and close_due_at < w.e and closed_at < w.a)::int as closed,
        count(*) filter (where close_due_at >= w.s and close_due_at < w.e and closed_at < w.a and closed_at <= close_due_at)::int as "closedOnTime",
        count(*) filter (where close_due_at >= w.s and close_due_at < w.e and reworks > 0)::int as reworked,
        count(*) filter (where close_due_at >= w.s and close_due_at < w.e and extensions > 0)::int as extended
      from f, w`,
    );
    const r = (num: number, den: number): Rate => (den === 0 ? null : num / den);
    return {
      from: p.from,
      to: p.to,
      asOf,
      counts: c,
      rates: {
        filingRate: r(c.filed, c.accepted),
        dispatchRate: r(c.dispatched, c.filed),
        dispatchAccuracy: r(c.dispatchedAccurately, c.dispatched),
        handlingRate: r(c.handled, c.dueForHandling),
        handlingOnTimeRate: r(c.handledOnTime, c.dueForHandling),
        closureRate: r(c.closed, c.dueForClosure),
        closureOnTimeRate: r(c.closedOnTime, c.dueForClosure),
        reworkRate: r(c.reworked, c.dueForClosure),
        extensionRate: r(c.extended, c.dueForClosure),
      },
    };
  } catch (err) {
    throw queryFailed('period indicators', err);
  }
}
