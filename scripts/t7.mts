import { openEngine, migrateEngine } from '../db/engine.ts';
import { sql } from 'drizzle-orm';
const e = await openEngine({ dataDir: 'memory://' });
await migrateEngine(e);
await e.db.execute(sql`insert into case_categories (code, kind, major_code, major_name, minor_code, name, name_en, filing_condition, closure_condition, owner_kind) values ('E0101','event','01','x','01','x','x','x','x','x')`);
const N = 140000;
await e.db.execute(sql`insert into cases (code, source, channel, category_code, geom, orig_lng, orig_lat, orig_crs, status, reported_at) select 'c'||g, 'inspector','patrol','E0101', ST_SetSRID(ST_MakePoint(117,24),4326), 117, 24, 'WGS84', 'closed', now() from generate_series(1, ${N}) g`);
const M = 100000;
const mk = (withPayload: boolean) => {
  const c = { case: [] as number[], seq: [] as number[], at: [] as string[], type: [] as string[], to: [] as string[], actor: [] as string[], payload: [] as (string|null)[] };
  for (let i = 0; i < M; i++) { c.case.push(1 + (i % N)); c.seq.push(i); c.at.push(new Date(1640995200000 + i * 1000).toISOString()); c.type.push('dispatch'); c.to.push('dispatched'); c.actor.push('dispatcher:01'); c.payload.push(withPayload && i % 3 === 0 ? JSON.stringify({ departmentId: 3, handleDueAt: '2022-03-01T00:00:00Z' }) : null); }
  return c;
};
for (const wp of [false, true]) {
  const c = mk(wp);
  const t0 = Date.now();
  await e.db.execute(sql`insert into case_events (case_id, seq, at, type, from_status, to_status, actor, actor_role, reason, payload)
    select a, b, c, d, null, f, g, 'dispatcher', null, h from unnest(${sql.param(c.case)}::bigint[], ${sql.param(c.seq)}::int[], ${sql.param(c.at)}::timestamptz[], ${sql.param(c.type)}::text[], ${sql.param(c.to)}::text[], ${sql.param(c.actor)}::text[], ${sql.param(c.payload)}::jsonb[]) as x(a,b,c,d,f,g,h)`);
  console.log('payload', wp, Date.now() - t0);
}
await e.db.execute(sql`drop index case_events_type_at_idx`);
{ const c = mk(true); const t0 = Date.now();
  await e.db.execute(sql`insert into case_events (case_id, seq, at, type, from_status, to_status, actor, actor_role, reason, payload)
    select a, b, c, d, null, f, g, 'dispatcher', null, h from unnest(${sql.param(c.case)}::bigint[], ${sql.param(c.seq)}::int[], ${sql.param(c.at)}::timestamptz[], ${sql.param(c.type)}::text[], ${sql.param(c.to)}::text[], ${sql.param(c.actor)}::text[], ${sql.param(c.payload)}::jsonb[]) as x(a,b,c,d,f,g,h)`);
  console.log('no type idx', Date.now() - t0); }
await e.db.execute(sql`alter table case_events drop constraint case_events_case_id_cases_id_fk`);
{ const c = mk(true); const t0 = Date.now();
  await e.db.execute(sql`insert into case_events (case_id, seq, at, type, from_status, to_status, actor, actor_role, reason, payload)
    select a, b, c, d, null, f, g, 'dispatcher', null, h from unnest(${sql.param(c.case)}::bigint[], ${sql.param(c.seq)}::int[], ${sql.param(c.at)}::timestamptz[], ${sql.param(c.type)}::text[], ${sql.param(c.to)}::text[], ${sql.param(c.actor)}::text[], ${sql.param(c.payload)}::jsonb[]) as x(a,b,c,d,f,g,h)`);
  console.log('no fk', Date.now() - t0); }
await e.close();
