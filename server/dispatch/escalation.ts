// Escalation (督办): when a running stage passes a level of its limit — by default 100 % (flagged
// to the dispatcher: a dispatched case not signed for in time comes back to their attention,
// 催办) and 200 % (to the shift lead's supervision list) — the case gets an 'escalate' event and
// its flag (cases.escalation_level). Levels and targets are settings ('workflow.escalation_levels'
// as shares of the limit, 'workflow.escalation_targets', read through server/settings/settings.ts).
// A level of a limit counts working time like the limit (200 % of 4 working hours is 8 working
// hours after the stage started). Each level fires once per case and stage run, also with
// several server processes: the key of case_escalations decides, in the event's transaction.
// A pass handles at most `batch` cases in one short transaction; a data folder that sat unused
// catches up over several passes, never in one long statement (docs/decisions/0007).
import { sql } from 'drizzle-orm';
import { rows, type Db, type Engine } from '../../db/engine.ts';
import { addWorkingTime, workingMinutesBetween, type WorkingCalendar } from '../../domain/working-clock.ts';
import { FINISHED_STATUSES } from '../../domain/workflow.ts';
import { appendEvent, loadCalendar, type Notify } from './case-engine.ts';
import { escalationSettings } from '../settings/settings.ts';

export interface EscalationPolicy {
  /** Shares of the stage limit, ascending (1 = due, 2 = twice the limit). */
  levels: number[];
  /** Who each level goes to (a role code), by level. */
  targets: string[];
}

/** The escalation settings (workflow.escalation_levels, workflow.escalation_targets) through server/settings/settings.ts. */
export async function loadEscalationPolicy(db: Db): Promise<EscalationPolicy> {
  return escalationSettings(db);
}

/** The instant a stage run passes `share` of its limit (working time, or calendar time for a limit holding none). */
export function levelAt(cal: WorkingCalendar, started: Date, due: Date, share: number): Date {
  if (share === 1) return due;
  const minutes = workingMinutesBetween(cal, started, due);
  if (minutes > 0) return addWorkingTime(cal, started, (share * minutes) / 60, 'working_hour');
  return new Date(started.getTime() + share * Math.max(0, due.getTime() - started.getTime()));
}

export interface EscalationPass {
  /** Escalations fired in this pass. */
  fired: number;
  /** Cases looked at (at most the batch). */
  looked: number;
}

/**
 * One pass: the cases whose next escalation instant has come (cases.next_escalation_at, set to
 * the due instant when a stage starts), earliest first, at most `batch`; fires every level each
 * has reached and sets the instant of the next level (or none). Returns what it did.
 */
export async function escalateDue(db: Db, notify: Notify, now: Date, batch = 100): Promise<EscalationPass> {
  const policy = await loadEscalationPolicy(db);
  const cal = await loadCalendar(db);
  let fired = 0;
  let looked = 0;
  await db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const due = await rows<{ id: number; status: string; stage: string; started: Date | string; due: Date | string; fired: number }>(
      tx,
      sql`select c.id::int as id, c.status, c.stage, c.stage_started_at as started, c.stage_due_at as due,
                 (select count(*)::int from case_escalations e where e.case_id = c.id and e.stage = c.stage and e.stage_started_at = c.stage_started_at) as fired
          from cases c
          where c.next_escalation_at <= ${now.toISOString()}::timestamptz
          order by c.next_escalation_at, c.id limit ${batch}
          for no key update of c skip locked`,
    );
    looked = due.length;
    for (const c of due) {
      let next: Date | null = null;
      if (c.stage && c.started && c.due && !(FINISHED_STATUSES as readonly string[]).includes(c.status)) {
        const started = new Date(c.started);
        const dueAt = new Date(c.due);
        for (let i = c.fired; i < policy.levels.length; i++) {
          const at = levelAt(cal, started, dueAt, policy.levels[i]);
          if (at > now) {
            next = at;
            break;
          }
          const level = i + 1;
          // the key decides across processes: a level another pass fired (or is firing) inserts nothing here
          const [won] = await rows<{ level: number }>(
            tx,
            sql`insert into case_escalations (case_id, stage, stage_started_at, level, fired_at, event_id)
                values (${c.id}, ${c.stage}, ${started.toISOString()}::timestamptz, ${level}, ${now.toISOString()}::timestamptz, 0)
                on conflict do nothing returning level`,
          );
          if (!won) continue;
          const eventId = await appendEvent(tx, notify, c.id, { name: 'system:escalation', roleCode: 'system' }, now, {
            type: 'escalate', from: c.status as never, to: c.status as never, reason: null,
            payload: { stage: c.stage, level, share: policy.levels[i], to: policy.targets[i] ?? policy.targets[policy.targets.length - 1] ?? 'dispatcher', levelAt: at.toISOString(), stageDueAt: dueAt.toISOString() },
          });
          await tx.execute(sql`update case_escalations set event_id = ${eventId} where case_id = ${c.id} and stage = ${c.stage} and stage_started_at = ${started.toISOString()}::timestamptz and level = ${level}`);
          await tx.execute(sql`update cases set escalation_level = ${level}, version = version + 1 where id = ${c.id}`);
          fired++;
        }
      }
      // the next level's instant (working time), or none: the case leaves the queue until its stage changes
      await tx.execute(sql`update cases set next_escalation_at = ${next ? next.toISOString() : null}::timestamptz where id = ${c.id}`);
    }
  });
  return { fired, looked };
}

/**
 * The scheduler of one server process: a pass every `intervalMs`, and more passes at once while
 * a pass finds a full batch (catching up), at most `maxPassesPerTick` per tick.
 */
export function startEscalations(engine: Engine, opts: { intervalMs?: number; batch?: number; maxPassesPerTick?: number; now?: () => Date } = {}): () => Promise<void> {
  const interval = opts.intervalMs ?? 30_000;
  const batch = opts.batch ?? 100;
  const maxPasses = opts.maxPassesPerTick ?? 5;
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = async () => {
    for (let i = 0; i < maxPasses && !stopped; i++) {
      const pass = await escalateDue(engine.db, engine.notify, opts.now?.() ?? new Date(), batch);
      if (pass.looked < batch) break;
      // let interactive requests in between passes (the embedded engine has one connection)
      await new Promise((r) => setImmediate(r));
    }
  };
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = tick()
      .catch((err) => console.error('[escalation] a pass failed', err))
      .finally(() => (running = null));
  }, interval);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
