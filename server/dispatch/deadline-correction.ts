// Calendar corrections: a holiday announced late, a swapped working day moved, a day given back.
// The correction carries the change itself (days and what they become), so it can say before
// anything changes which open cases' due instants move, and by how much (the dry run), and then
// change the calendar and those dues in one transaction (the run). Each case whose dues move gets
// a 'deadlineCorrected' event with the days and the old and new instants. History is never
// rewritten: closed and voided cases keep the dues they were measured against, no earlier event
// changes, and the indicator figures of the past stay as they were.
//
// A due keeps the working time it allowed: the working minutes from the instant its clock
// started to the due, counted on the calendar as it was, are counted again from the same start
// on the calendar as it becomes. The handling due starts at the last dispatch, rework or resume
// (an approved extension is working time inside it); the closing due starts at the handling due;
// a running stage's due at the stage's start. A limit in plain hours does not depend on the
// calendar and does not move, and a clock whose span (start day to due day) holds none of the
// changed days is left alone. A parked case has no running clock. The escalation scheduler
// works the next level out again at its next pass.
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { notifyOn } from '../../db/engine-seams.ts';
import { addWorkingTime, createCalendar, workingMinutesBetween, type WorkingCalendar } from '../../domain/working-clock.ts';
import { FINISHED_STATUSES } from '../../domain/workflow.ts';
import { appendEvent, limitsOf, loadCalendarRows, type Limit } from './case-engine.ts';

/** What a day becomes: a holiday (a weekday off), a working day (a weekend day worked, 调休), or an ordinary day again. */
export type DayKind = 'holiday' | 'workday' | 'normal';

export interface CalendarChange {
  /** Local dates (YYYY-MM-DD). */
  days: string[];
  kind: DayKind;
  /** The name of a holiday or working day (e.g. 国庆节调休). */
  name: string;
}

type Due = 'handleDueAt' | 'closeDueAt' | 'stageDueAt';

export interface DeadlineChange {
  caseId: number;
  code: string;
  status: string;
  /** [before, after] of each due that moves (ISO instants). */
  changes: Partial<Record<Due, [string, string]>>;
}

export interface CorrectionResult {
  /** The days whose kind changes (a day already of that kind is left out). */
  days: string[];
  /** Open cases looked at. */
  looked: number;
  /** Those whose dues move (in a run, each got its event). */
  corrected: DeadlineChange[];
  dryRun: boolean;
}

/** Open cases are read in pages of this many. */
const PAGE = 500;
const ACTOR = { name: 'system:calendar', roleCode: 'system' };

interface OpenCase {
  id: number; code: string; status: string; category_code: string; urgency: string; area_class: string; stage: string | null;
  stage_started_at: Date | string | null; stage_due_at: Date | string | null; handle_due_at: Date | string | null; close_due_at: Date | string | null;
}

const toDate = (v: Date | string | null) => (v === null ? null : new Date(v));
const localDay = (cal: WorkingCalendar, d: Date) => new Date(d.getTime() + cal.utcOffsetMinutes * 60_000).toISOString().slice(0, 10);

/** The due `due` of a clock started at `start`, moved from calendar `was` to `becomes` (the same working minutes); unchanged if its span holds none of `days`. */
export function moveDue(was: WorkingCalendar, becomes: WorkingCalendar, days: ReadonlySet<string>, start: Date, due: Date, limit: Limit): Date {
  if (limit.unit === 'hour' || due <= start) return due;
  const from = localDay(was, start);
  const to = localDay(was, due);
  if (![...days].some((d) => d >= from && d <= to)) return due;
  return addWorkingTime(becomes, start, workingMinutesBetween(was, start, due) / 60, 'working_hour');
}

/**
 * Works out what the change does to the open cases' dues. With dryRun, only lists them; otherwise
 * writes the days and the moved dues, with one event per case, in the caller's transaction.
 */
export async function correctDeadlines(db: Db, change: CalendarChange, opts: { now: Date; dryRun: boolean }): Promise<CorrectionResult> {
  const { days: dayRows, periods } = await loadCalendarRows(db);
  const kindOf = new Map(dayRows.map((d) => [d.day, d.kind]));
  const days = [...new Set(change.days)].sort().filter((d) => (kindOf.get(d) ?? 'normal') !== change.kind);
  const was = createCalendar(dayRows, periods);
  const next = new Map(kindOf);
  for (const d of days) if (change.kind === 'normal') next.delete(d); else next.set(d, change.kind);
  const becomes = createCalendar([...next].map(([day, kind]) => ({ day, kind })), periods);
  const changed = new Set(days);
  const corrected: DeadlineChange[] = [];
  let looked = 0;
  if (!days.length) return { days, looked, corrected, dryRun: opts.dryRun };
  // a clock can only be touched when it runs to or past the first changed day
  const firstChanged = new Date(`${days[0]}T00:00:00Z`).getTime() - was.utcOffsetMinutes * 60_000;
  const limitsByKind = new Map<string, Awaited<ReturnType<typeof limitsOf>>>();

  for (let after = 0; ; ) {
    const page = await rows<OpenCase>(
      db,
      sql`select id::int as id, code, status, category_code, urgency, area_class, stage, stage_started_at, stage_due_at, handle_due_at, close_due_at
          from cases where id > ${after} and status not in (${sql.join([...FINISHED_STATUSES, 'parked'].map((s) => sql`${s}`), sql`, `)})
            and greatest(stage_due_at, handle_due_at, close_due_at) >= ${new Date(firstChanged).toISOString()}::timestamptz
          order by id limit ${PAGE} ${opts.dryRun ? sql`` : sql`for no key update`}`,
    );
    if (!page.length) break;
    after = page[page.length - 1].id;
    looked += page.length;
    const ids = page.map((c) => c.id);
    const starts = new Map(
      (await rows<{ case_id: number; at: Date | string }>(
        db,
        sql`select distinct on (case_id) case_id::int as case_id, at from case_events
            where case_id in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)}) and type in ('dispatch', 'rework', 'resume') order by case_id, seq desc`,
      )).map((r) => [r.case_id, new Date(r.at)]),
    );
    for (const c of page) {
      const kind = `${c.category_code} ${c.urgency} ${c.area_class}`;
      const limits = limitsByKind.get(kind) ?? (await limitsOf(db, c));
      limitsByKind.set(kind, limits);
      const old = { handleDueAt: toDate(c.handle_due_at), closeDueAt: toDate(c.close_due_at), stageDueAt: toDate(c.stage_due_at) };
      const now = { ...old };
      const handleStart = starts.get(c.id);
      if (old.handleDueAt && handleStart) now.handleDueAt = moveDue(was, becomes, changed, handleStart, old.handleDueAt, limits.handle);
      if (old.closeDueAt && old.handleDueAt && now.handleDueAt) {
        // the check limit after the (moved) handling due
        const h0 = old.handleDueAt;
        const h1 = now.handleDueAt;
        if (limits.check.unit === 'hour') now.closeDueAt = new Date(h1.getTime() + old.closeDueAt.getTime() - h0.getTime());
        else if (h1.getTime() !== h0.getTime() || moveDue(was, becomes, changed, h0, old.closeDueAt, limits.check).getTime() !== old.closeDueAt.getTime()) {
          now.closeDueAt = addWorkingTime(becomes, h1, workingMinutesBetween(was, h0, old.closeDueAt) / 60, 'working_hour');
        }
      }
      const started = toDate(c.stage_started_at);
      if (old.stageDueAt && c.stage === 'handle') now.stageDueAt = now.handleDueAt;
      else if (old.stageDueAt && c.stage === 'close') now.stageDueAt = now.closeDueAt;
      else if (old.stageDueAt && started && c.stage && c.stage in limits) now.stageDueAt = moveDue(was, becomes, changed, started, old.stageDueAt, limits[c.stage as keyof typeof limits]);
      const changes: DeadlineChange['changes'] = {};
      for (const k of ['handleDueAt', 'closeDueAt', 'stageDueAt'] as const) {
        const a = old[k];
        const b = now[k];
        if (a && b && a.getTime() !== b.getTime()) changes[k] = [a.toISOString(), b.toISOString()];
      }
      if (!Object.keys(changes).length) continue;
      corrected.push({ caseId: c.id, code: c.code, status: c.status, changes });
      if (opts.dryRun) continue;
      await appendEvent(db, notifyOn, c.id, ACTOR, opts.now, { type: 'deadlineCorrected', from: c.status as never, to: c.status as never, reason: change.name, payload: { days, kind: change.kind, ...changes } });
      const iso = (d: Date | null) => (d ? d.toISOString() : null);
      await db.execute(
        sql`update cases set handle_due_at = ${iso(now.handleDueAt)}::timestamptz, close_due_at = ${iso(now.closeDueAt)}::timestamptz, stage_due_at = ${iso(now.stageDueAt)}::timestamptz,
               next_escalation_at = ${now.stageDueAt ? opts.now.toISOString() : null}::timestamptz, version = version + 1
            where id = ${c.id}`,
      );
    }
  }
  if (!opts.dryRun) {
    for (const d of days) {
      if (change.kind === 'normal') await db.execute(sql`delete from calendar_days where day = ${d}::date`);
      else await db.execute(sql`insert into calendar_days (day, kind, name) values (${d}::date, ${change.kind}, ${change.name}) on conflict (day) do update set kind = excluded.kind, name = excluded.name`);
    }
  }
  return { days, looked, corrected, dryRun: opts.dryRun };
}
