// Migration 0013 on the server engine: the case_facts trigger locks the cases it refreshes, so
// two connections appending events to the same case at once both land in case_facts. Run only
// with DATABASE_URL (the embedded engine has one connection: nothing runs concurrently there).
// case_events is append-only (migration 0002: no update or delete) and these transactions
// commit — they must, for the second to see the first — so nothing here could be taken back:
// each test takes a fresh, migrated database of its own (a copy of one migrated template),
// dropped at the end; the shared city is never touched. The interleavings are made, not hoped
// for: a transaction is held open until the other is seen waiting for it (pg_blocking_pids).
import { afterAll, describe, expect, inject, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows, textArray, type Db, type Engine } from '../db/engine.ts';
import { migratedDatabases } from './support/test-db.ts';

const server = inject('testDb').engine === 'server';
const databases = migratedDatabases('citygrid_facts_lock');
afterAll(() => databases.dispose());

const FACTS = sql.raw('reported_at, filed_at, voided_at, dispatched_at, handled_at, closed_at, handle_due_at, close_due_at, returns, extensions, reworks');

/** A case with its report event, committed. */
async function newCase(engine: Engine): Promise<number> {
  await engine.db.execute(
    sql`insert into case_categories (code, kind, major_code, major_name, minor_code, name, name_en, filing_condition, closure_condition, owner_kind)
        values ('0101', 'component', '01', '公用设施', '01', '上水井盖', 'Water manhole cover', '-', '-', 'utility') on conflict do nothing`,
  );
  const [c] = await rows<{ id: number }>(
    engine.db,
    sql`insert into cases (code, source, channel, category_code, geom, orig_lng, orig_lat, orig_crs, status, reported_at)
        values ('LOCK-' || (select count(*) + 1 from cases), 'inspector', 'patrol', '0101', ST_SetSRID(ST_MakePoint(117.65, 24.51), 4326), 117.65, 24.51, 'WGS84', 'dispatched', '2026-11-26T01:00:00Z')
        returning id::int as id`,
  );
  await append(engine.db, c.id, 1, 'report', '2026-11-26T01:00:00Z');
  return c.id;
}

/** Appends one event (an extension carries new due dates, as the workflow's do). */
async function append(db: Db, caseId: number, seq: number, type: string, at: string) {
  const payload = type === 'extend' ? JSON.stringify({ handleDueAt: `2030-01-${String(seq).padStart(2, '0')}T00:00:00Z`, closeDueAt: `2030-02-${String(seq).padStart(2, '0')}T00:00:00Z` }) : null;
  await db.execute(
    sql`insert into case_events (case_id, seq, at, type, from_status, to_status, actor, actor_role, payload)
        values (${caseId}, ${seq}, ${at}::timestamptz, ${type}, null, 'dispatched', ${`appender-${seq}`}, 'dispatcher', ${payload}::jsonb)`,
  );
}

/** The case's facts row, and what the event rule derives from its events now. */
async function facts(engine: Engine, caseId: number) {
  const [stored] = await rows<Record<string, unknown>>(engine.db, sql`select ${FACTS} from case_facts where case_id = ${caseId}`);
  const [rule] = await rows<Record<string, unknown>>(engine.db, sql`select ${FACTS} from case_facts_from_events where case_id = ${caseId}`);
  const [events] = await rows<{ n: number }>(engine.db, sql`select count(*)::int as n from case_events where case_id = ${caseId}`);
  return { stored, rule, events: events.n };
}

async function until<T>(what: string, probe: () => Promise<T | null>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const got = await probe();
    if (got !== null) return got;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const backendPid = async (db: Db) => (await rows<{ pid: number }>(db, sql`select pg_backend_pid() as pid`))[0].pid;

/**
 * Two transactions on two connections append an extension each to one case, interleaved on
 * purpose: A appends and holds its transaction open; B appends (its trigger must now wait for
 * A); only once B is seen waiting for A does A commit; then B commits. Returns whom B waited for.
 */
async function interleaved(engine: Engine, caseId: number): Promise<{ a: number; b: number; bWaitedFor: number[] }> {
  let aAppended!: () => void;
  const appendedByA = new Promise<void>((r) => (aAppended = r));
  let letACommit!: () => void;
  const aMayCommit = new Promise<void>((r) => (letACommit = r));
  let a = 0;
  let b = 0;
  const first = engine.db.transaction(async (tx) => {
    a = await backendPid(tx as unknown as Db);
    await append(tx as unknown as Db, caseId, 2, 'extend', '2026-11-26T02:00:00Z');
    aAppended();
    await aMayCommit;
  });
  await appendedByA;
  let bStarted!: () => void;
  const startedB = new Promise<void>((r) => (bStarted = r));
  const second = engine.db.transaction(async (tx) => {
    b = await backendPid(tx as unknown as Db);
    bStarted();
    await append(tx as unknown as Db, caseId, 3, 'extend', '2026-11-26T02:00:01Z');
  });
  await startedB;
  try {
    const bWaitedFor = await until('the second appender to wait for the first', async () => {
      const [r] = await rows<{ pids: number[] | string }>(engine.db, sql`select pg_blocking_pids(${b})::int[] as pids`);
      const pids = textArray(r.pids as string[] | string).map(Number);
      return pids.length ? pids : null;
    });
    return { a, b, bWaitedFor };
  } finally {
    letACommit();
    await Promise.all([first, second]);
  }
}

/**
 * Two appenders whose foreign-key checks overlap: each INSERT into case_events first takes FOR
 * KEY SHARE on its case row (the foreign key's check), and only then does the trigger lock the
 * row for its refresh. A takes that key-share lock first (the statement its check runs, sent
 * by hand so the moment can be held), B appends, then A appends. Returns how each ended.
 */
async function overlapping(engine: Engine, caseId: number): Promise<{ a: string; b: string }> {
  let aChecked!: () => void;
  const checkedByA = new Promise<void>((r) => (aChecked = r));
  let letAAppend!: () => void;
  const aMayAppend = new Promise<void>((r) => (letAAppend = r));
  let b = 0;
  let bDone = false;
  const first = engine.db.transaction(async (tx) => {
    await tx.execute(sql`select 1 from only cases x where id = ${caseId} for key share of x`);
    aChecked();
    await aMayAppend;
    await append(tx as unknown as Db, caseId, 2, 'extend', '2026-11-26T02:00:00Z');
  });
  await checkedByA;
  let bStarted!: () => void;
  const startedB = new Promise<void>((r) => (bStarted = r));
  const second = engine.db
    .transaction(async (tx) => {
      b = await backendPid(tx as unknown as Db);
      bStarted();
      await append(tx as unknown as Db, caseId, 3, 'extend', '2026-11-26T02:00:01Z');
    })
    .finally(() => (bDone = true));
  await startedB;
  try {
    // B either waits (for A's key-share lock) or is through
    await until('the second appender to wait or finish', async () => {
      if (bDone) return true;
      const [r] = await rows<{ pids: number[] | string }>(engine.db, sql`select pg_blocking_pids(${b})::int[] as pids`);
      return textArray(r.pids as string[] | string).length ? true : null;
    });
  } finally {
    letAAppend();
  }
  const outcome = (r: PromiseSettledResult<unknown>) => (r.status === 'fulfilled' ? 'appended' : ((r.reason as { cause?: { code?: string } }).cause?.code ?? String(r.reason)));
  const [ra, rb] = await Promise.allSettled([first, second]);
  return { a: outcome(ra), b: outcome(rb) };
}

describe.runIf(server)('two connections appending events to one case at once (migration 0013)', () => {
  it('the second waits for the first, and case_facts holds both events, as the rule derives them', async () => {
    const engine = await databases.next();
    const caseId = await newCase(engine);
    const { a, bWaitedFor } = await interleaved(engine, caseId);
    expect(bWaitedFor).toEqual([a]);
    const f = await facts(engine, caseId);
    expect(f.events).toBe(3);
    expect(f.stored).toMatchObject({ extensions: 2 });
    expect(f.stored).toEqual(f.rule);
  });

  it('without the lock (the trigger as before 0013) the same interleaving loses the first event: the test can tell', async () => {
    const engine = await databases.next();
    const [{ def }] = await rows<{ def: string }>(engine.db, sql`select pg_get_functiondef('cg_case_events_refresh_facts'::regproc) as def`);
    const unlocked = def.replace(/^.*FOR (NO KEY )?UPDATE;\s*$/im, '');
    expect(unlocked).not.toBe(def);
    await engine.db.execute(sql.raw(unlocked));
    const caseId = await newCase(engine);
    const { a, bWaitedFor } = await interleaved(engine, caseId);
    expect(bWaitedFor).toEqual([a]); // it waited, on the facts row, but with a snapshot taken before A committed
    const f = await facts(engine, caseId);
    expect(f.events).toBe(3);
    expect(f.rule).toMatchObject({ extensions: 2 });
    expect(f.stored).toMatchObject({ extensions: 1 });
  });
  // Found by this test: 0013 locked the case FOR UPDATE, which conflicts with the FOR KEY SHARE
  // lock the case_events foreign key has already taken on the same row for each appender, so two
  // appenders both past their foreign-key check waited for each other and PostgreSQL aborted one
  // (40P01, deadlock detected). Migration 0015 locks FOR NO KEY UPDATE (no conflict with key-share
  // locks, but with itself): both land, and the interleaving above still waits.
  it('two appenders whose foreign-key checks overlap both land (0013 aborted one as a deadlock; 0015)', async () => {
    const engine = await databases.next();
    const caseId = await newCase(engine);
    expect(await overlapping(engine, caseId)).toEqual({ a: 'appended', b: 'appended' });
    const f = await facts(engine, caseId);
    expect(f.stored).toMatchObject({ extensions: 2 });
    expect(f.stored).toEqual(f.rule);
  });
});
