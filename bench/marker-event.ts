// A marker move for the live benchmarks: one event appended to a case and announced as the case
// engine announces a move (NOTIFY in the same transaction), without the engine's rules, so the
// bench times the relay, not the workflow. Answers the event's id.
import { sql } from 'drizzle-orm';
import { rows, type Db, type Engine } from '../db/engine.ts';
import { CASE_EVENTS_CHANNEL } from '../server/dispatch/case-engine.ts';

export async function markerEvent(engine: Engine, caseId: number): Promise<number> {
  let id = 0;
  await engine.db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const [e] = await rows<{ id: number }>(
      tx,
      sql`insert into case_events (case_id, seq, at, type, from_status, to_status, actor, actor_role)
          select ${caseId}, max(seq) + 1, now(), 'reclassify', 'reported', 'reported', 'bench', 'shift_lead' from case_events where case_id = ${caseId} returning id::int as id`,
    );
    id = e.id;
    await engine.notify(tx, CASE_EVENTS_CHANNEL, JSON.stringify({ eventId: e.id, caseId }));
  });
  return id;
}
