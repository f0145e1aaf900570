// What accounts cost (docs/decisions/0006), on the embedded engine:
// - resolving a session (one indexed query returning the user, role, permissions and scope),
//   against the cheapest round trip (`select 1`) measured in the same run;
// - a district coordinator's case feed (芗城区 only, filtered in SQL) built cold, against the
//   city-wide feed built cold: scope must not make a feed slower than the whole city.
import { sql } from 'drizzle-orm';
import { rows } from '../db/engine.ts';
import { CASE_TARGETS } from '../data/generators/cases.ts';
import { createApp } from '../server/app.ts';
import { actorFromSession } from '../server/auth/actor.ts';
import { ensureDemoAccounts } from '../server/auth/first-run.ts';
import { createSession, loadSessionPolicy } from '../server/auth/sessions.ts';
import { entry, repeat, timed, type BenchEntry } from './harness.ts';
import { openSeeded } from './seeded-engine.ts';

const PERIOD = `from=${encodeURIComponent(CASE_TARGETS.periodStart)}&to=${encodeURIComponent(CASE_TARGETS.periodEnd)}`;
const ms = (x: number) => Math.round(x * 100) / 100;

export async function authBench(): Promise<BenchEntry[]> {
  const { engine, cleanup } = await openSeeded();
  try {
    const db = engine.db;
    await ensureDemoAccounts(db);
    const policy = await loadSessionPolicy(db);
    const session = async (username: string) => {
      const [u] = await rows<{ id: number }>(db, sql`select id from users where username = ${username}`);
      return (await createSession(db, u.id, {}, new Date(), policy)).token;
    };
    const token = await session('demo-coordinator');
    const lookupOnce = () => actorFromSession(db, token, new Date(), policy, { refuseDemo: false });
    const pingOnce = () => db.execute(sql`select 1`);
    // both warmed first (the WebAssembly engine, the JIT, cached plans): the first rounds run 2–4× slower
    await repeat(200, lookupOnce);
    await repeat(200, pingOnce);
    const lookup = await repeat(100, lookupOnce);
    const ping = await repeat(100, pingOnce);

    const feed = async (username: string) => {
      const cookie = `cg_session=${await session(username)}`;
      const get = async () => (await createApp(engine).request(`/api/layers/cases.bin?${PERIOD}`, { headers: { cookie } })).arrayBuffer();
      await get(); // warm the database and the JIT; each timed request uses a fresh app (no payload cache)
      const [body, t] = await timed(get);
      return { t, bytes: body.byteLength };
    };
    const city = await feed('demo-viewer');
    const district = await feed('demo-coordinator');
    return [
      entry({
        name: 'session lookup per request vs select 1',
        value: ms(lookup),
        unit: 'ms',
        baseline: ms(ping),
        target: 'ratio ≤ 5',
        met: lookup / ping <= 5,
        note: 'median of 100 after 200 warm-up calls each; user, role, permissions and scope in one call of cg_session_actor (last_seen_at written at most once a minute)',
      }),
      entry({
        name: 'coordinator case feed (芗城区, scoped in SQL), cold',
        value: Math.round(district.t),
        unit: 'ms',
        baseline: Math.round(city.t),
        target: 'ratio ≤ 1',
        met: district.t <= city.t,
        note: `${district.bytes.toLocaleString('en')} B vs ${city.bytes.toLocaleString('en')} B city-wide (viewer); fresh app each, after one warm-up`,
      }),
    ];
  } finally {
    await engine.close();
    cleanup();
  }
}
