// Fair use of the database (docs/decisions/0007): case_facts is a table the event trigger keeps
// equal to the event rule; the statement queue serves interactive work between the statements
// of heavy work; every statement is reported to the engine's timing hook. Writes happen only
// inside transactions that are rolled back, so the shared test city is left as it was.
import { describe, expect, inject, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows, StatementQueue, withStatementTag, type Db, type StatementTiming } from '../db/engine.ts';
import { periodIndicators } from '../server/indicators/indicators-queries.ts';
import { CASE_TARGETS } from '../data/generators/cases.ts';
import { testEngine } from './support/test-db.ts';
import { inRolledBackTransaction } from './support/rolled-back.ts';
import { statementsOf, watchStatements } from './support/statements.ts';

/** The rule of the case_facts view of migration 0002, verbatim (the table must equal it). */
const VIEW_RULE = sql.raw(`
SELECT x.case_id,
       min(x.at) FILTER (WHERE x.type = 'report')   AS reported_at,
       min(x.at) FILTER (WHERE x.type = 'file')     AS filed_at,
       min(x.at) FILTER (WHERE x.type = 'void')     AS voided_at,
       min(x.at) FILTER (WHERE x.type = 'dispatch') AS dispatched_at,
       min(x.at) FILTER (WHERE x.type = 'handle')   AS handled_at,
       min(x.at) FILTER (WHERE x.type = 'close')    AS closed_at,
       max((x.payload->>'handleDueAt')::timestamptz)
         FILTER (WHERE x.type IN ('dispatch', 'extend') AND (x.first_handle IS NULL OR x.at < x.first_handle)) AS handle_due_at,
       max((x.payload->>'closeDueAt')::timestamptz)
         FILTER (WHERE x.type IN ('dispatch', 'extend') AND (x.first_handle IS NULL OR x.at < x.first_handle)) AS close_due_at,
       count(*) FILTER (WHERE x.type = 'return')::int AS returns,
       count(*) FILTER (WHERE x.type = 'extend')::int AS extensions,
       count(*) FILTER (WHERE x.type = 'rework')::int AS reworks
FROM (
  SELECT e.case_id, e.at, e.type, e.payload,
         min(e.at) FILTER (WHERE e.type = 'handle') OVER (PARTITION BY e.case_id) AS first_handle
  FROM case_events e
) x
GROUP BY x.case_id`);

const FACT_COLUMNS = sql.raw('case_id, reported_at, filed_at, voided_at, dispatched_at, handled_at, closed_at, handle_due_at, close_due_at, returns, extensions, reworks');

const COMPARED = ['reported_at', 'filed_at', 'voided_at', 'dispatched_at', 'handled_at', 'closed_at', 'handle_due_at', 'close_due_at', 'returns', 'extensions', 'reworks'];

/** Cases whose facts row and rule row differ (or exist on one side only), for `ids` (all when absent). */
async function factsDiff(db: Db, ids?: number[]): Promise<number> {
  const only = ids ? sql`where case_id = any(${sql.param(ids)}::bigint[])` : sql``;
  const side = (t: string) => sql.raw(`(${COMPARED.map((c) => `${t}.${c}`).join(', ')})`);
  const [r] = await rows<{ n: number }>(
    db,
    sql`select count(*)::int as n
        from (select ${FACT_COLUMNS} from case_facts ${only}) f
        full join (select ${FACT_COLUMNS} from (${VIEW_RULE}) v ${only}) v on v.case_id = f.case_id
        where f.case_id is null or v.case_id is null or ${side('f')} is distinct from ${side('v')}`,
  );
  return r.n;
}

/** Appends events to a case the way the workflow will (one INSERT, possibly of several rows). */
async function appendEvents(db: Db, caseId: number, events: { type: string; at: string; payload?: object }[]): Promise<void> {
  const [{ seq }] = await rows<{ seq: number }>(db, sql`select coalesce(max(seq), 0)::int as seq from case_events where case_id = ${caseId}`);
  await db.execute(sql`insert into case_events (case_id, seq, at, type, from_status, to_status, actor, actor_role, payload)
    select ${caseId}, ${seq} + x.ord, x.at, x.type, null, 'dispatched', 'test', 'dispatcher', x.payload
    from unnest(${sql.param(events.map((e) => e.type))}::text[], ${sql.param(events.map((e) => e.at))}::timestamptz[],
                ${sql.param(events.map((e) => (e.payload ? JSON.stringify(e.payload) : null)))}::jsonb[]) with ordinality as x(type, at, payload, ord)`);
}

const factOf = async (db: Db, id: number) =>
  (await rows<{ handle_due: string | null; extensions: number; handled: string | null }>(
    db,
    sql`select to_char(handle_due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as handle_due, extensions, to_char(handled_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as handled from case_facts where case_id = ${id}`,
  ))[0];

describe('case_facts', () => {
  it('holds, for every case, exactly what the event rule of the old view derives', async () => {
    const db = (await testEngine()).db;
    const [n] = await rows<{ facts: number; cases: number }>(db, sql`select (select count(*)::int from case_facts) as facts, (select count(distinct case_id)::int from case_events) as cases`);
    expect(n.facts).toBeGreaterThan(100_000);
    expect(n.facts).toBe(n.cases);
    expect(await factsDiff(db)).toBe(0);
  });

  it('is kept current by the event trigger: an appended extension and a handling change the row as the rule says', async () => {
    const db = (await testEngine()).db;
    const [c] = await rows<{ id: number }>(db, sql`select id::int as id from cases where status = 'dispatched' order by id limit 1`);
    const [other] = await rows<{ id: number }>(db, sql`select id::int as id from cases where status = 'handled' order by id limit 1`);
    const before = await factOf(db, c.id);
    await inRolledBackTransaction(await testEngine(), async (tx) => {
      await appendEvents(tx, c.id, [{ type: 'extend', at: '2026-11-26T03:00:00Z', payload: { handleDueAt: '2030-01-01T00:00:00Z', closeDueAt: '2030-01-02T00:00:00Z' } }]);
      const extended = await factOf(tx, c.id);
      expect(extended.handle_due).toBe('2030-01-01T00:00:00Z');
      expect(extended.extensions).toBe(before.extensions + 1);
      // two cases in one statement, and an event after the first handling (it must not move the due time)
      await appendEvents(tx, c.id, [
        { type: 'handle', at: '2026-11-26T04:00:00Z' },
        { type: 'extend', at: '2026-11-26T05:00:00Z', payload: { handleDueAt: '2031-01-01T00:00:00Z', closeDueAt: '2031-01-02T00:00:00Z' } },
      ]);
      await appendEvents(tx, other.id, [{ type: 'rework', at: '2026-11-26T04:30:00Z' }]);
      const handled = await factOf(tx, c.id);
      expect(handled.handled).toBe('2026-11-26T04:00:00Z');
      expect(handled.handle_due).toBe('2030-01-01T00:00:00Z');
      expect(await factsDiff(tx, [c.id, other.id])).toBe(0);
    });
    expect(await factOf(db, c.id)).toEqual(before);
  });

  it('is left alone by a bulk load (citygrid.bulk_load = on), which fills it itself', async () => {
    const db = (await testEngine()).db;
    const [c] = await rows<{ id: number }>(db, sql`select id::int as id from cases where status = 'dispatched' order by id limit 1`);
    const before = await factOf(db, c.id);
    await inRolledBackTransaction(await testEngine(), async (tx) => {
      await tx.execute(sql`select set_config('citygrid.bulk_load', 'on', true)`);
      await appendEvents(tx, c.id, [{ type: 'extend', at: '2026-11-26T03:00:00Z', payload: { handleDueAt: '2030-01-01T00:00:00Z', closeDueAt: '2030-01-02T00:00:00Z' } }]);
      expect(await factOf(tx, c.id)).toEqual(before);
      await tx.execute(sql`select cg_refresh_case_facts(array[${c.id}]::bigint[])`);
      expect((await factOf(tx, c.id)).handle_due).toBe('2030-01-01T00:00:00Z');
    });
  });

  it('indicators follow an appended event (the cache is keyed by the event stamp) and repeat without recounting', async () => {
    const engine = await testEngine();
    const db = engine.db;
    const period = { from: CASE_TARGETS.periodStart, to: CASE_TARGETS.periodEnd, scope: { kind: 'city' as const, districts: null, departmentId: null } };
    const first = await periodIndicators(db, period);
    const { result: again, statements } = await statementsOf(engine, () => periodIndicators(db, period));
    expect(again).toEqual(first);
    expect(statements.map((s) => s.sql).filter((q) => q.includes('count(*) filter')), 'a repeated question is answered from the cache').toHaveLength(0);
    await inRolledBackTransaction(await testEngine(), async (tx) => {
      const [c] = await rows<{ id: number }>(tx, sql`select case_id::int as id from case_facts where reported_at >= ${period.from}::timestamptz and filed_at is null order by case_id limit 1`);
      const inTx = await periodIndicators(tx, period);
      expect(inTx.counts).toEqual(first.counts);
      await appendEvents(tx, c.id, [{ type: 'file', at: '2022-03-01T00:00:00Z' }]);
      expect((await periodIndicators(tx, period)).counts.filed).toBe(first.counts.filed + 1);
    });
  });
});

describe('the statement queue', () => {
  it('sends waiting interactive statements before waiting heavy ones, FIFO within each level', async () => {
    const q = new StatementQueue();
    const order: string[] = [];
    const job = (name: string) => async () => {
      order.push(name);
      await new Promise((r) => setImmediate(r));
    };
    const all = [q.run('heavy', job('h1')), q.run('heavy', job('h2')), q.run('interactive', job('i1')), q.run('heavy', job('h3')), q.run('interactive', job('i2'))];
    await Promise.all(all);
    // h1 was sent at once (the queue was idle); then both interactive ones, then the heavy ones in order
    expect(order).toEqual(['h1', 'i1', 'i2', 'h2', 'h3']);
  });

  it('lets a heavy statement through after a long run of interactive ones (no starvation)', async () => {
    const q = new StatementQueue();
    const order: string[] = [];
    const job = (name: string) => async () => void order.push(name);
    const all = [q.run('interactive', job('first')), q.run('heavy', job('heavy'))];
    for (let i = 0; i < StatementQueue.HEAVY_EVERY + 4; i++) all.push(q.run('interactive', job(`i${i}`)));
    await Promise.all(all);
    expect(order.indexOf('heavy')).toBe(StatementQueue.HEAVY_EVERY + 1);
  });

  it('passes errors through and keeps serving', async () => {
    const q = new StatementQueue();
    await expect(q.run('heavy', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(q.run('interactive', async () => 42)).resolves.toBe(42);
  });
});

describe('statement tags and timing on the engine under test', () => {
  it('reports every statement with its tag, inside transactions too', async () => {
    const engine = await testEngine();
    const { statements: seen } = await statementsOf(engine, async () => {
      // a statement that takes at least 30 ms (pg_sleep's floor): its timing must cover it
      await withStatementTag({ priority: 'heavy', who: 'test-heavy' }, () => rows(engine.db, sql`select 1 as heavy_one, pg_sleep(0.03)`));
      await withStatementTag({ priority: 'interactive', who: 'test-tx' }, () =>
        engine.db.transaction(async (tx) => {
          await tx.execute(sql`select 2 as in_tx_a`);
          await tx.execute(sql`select 3 as in_tx_b`);
        }),
      );
    });
    const heavy = seen.find((s) => s.sql.includes('heavy_one'));
    expect(heavy?.tag).toEqual({ priority: 'heavy', who: 'test-heavy' });
    expect(heavy!.ms).toBeGreaterThanOrEqual(25);
    expect(Number.isFinite(heavy!.ms)).toBe(true);
    for (const name of ['in_tx_a', 'in_tx_b']) expect(seen.find((s) => s.sql.includes(name))?.tag?.who, name).toBe('test-tx');
  });

  it('serves an interactive statement between the statements of a heavy batch', async () => {
    const engine = await testEngine();
    const done: string[] = [];
    const mark = (s: StatementTiming) => {
      const m = /as (h\d|interactive)\b/.exec(s.sql);
      if (m) done.push(m[1]);
    };
    await watchStatements(engine, mark, async () => {
      const heavy = withStatementTag({ priority: 'heavy' }, async () => {
        for (let i = 1; i <= 5; i++) await rows(engine.db, sql.raw(`select ${i} as h${i}`));
      });
      // enqueued while h1 runs (or waits): the embedded queue sends it before h2;
      // the server engine runs them on separate connections
      const interactive = withStatementTag({ priority: 'interactive' }, () => rows(engine.db, sql`select 1 as interactive`));
      await Promise.all([heavy, interactive]);
    });
    expect(done).toHaveLength(6);
    // the order is the embedded queue's promise; the server engine runs them on separate connections
    if (inject('testDb').engine === 'embedded') expect(done.indexOf('interactive')).toBeLessThan(done.indexOf('h3'));
  });
});
