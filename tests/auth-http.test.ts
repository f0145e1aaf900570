// Sessions over HTTP, as a browser meets them: cookie flags, CSRF, logout, expiry, throttling,
// production mode, display tokens, first-run admin, and the scope of the case feed.
import { messageOf } from '../domain/messages.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Hono } from 'hono';
import { rows, type Db, type Engine } from '../db/engine.ts';
import { createApp } from '../server/app.ts';
import { decodeFeed } from '../client/map/binary-feed.ts';
import { CASE_TARGETS } from '../data/generators/cases.ts';
import { ensureFirstAdmin } from '../server/auth/first-run.ts';
import { hashPassword } from '../server/auth/password.ts';
import { migratedEngine, testEngine } from './support/test-db.ts';
import { login, trpcGet, trpcPost } from './support/http-session.ts';
import { inRolledBackTransaction } from './support/rolled-back.ts';

let engine: Engine;
let db: Db;
let app: Hono;
const one = async <T>(q: ReturnType<typeof sql>) => (await rows<T>(db, q))[0];
const tag = `${process.pid}${Date.now() % 100000}`;
const PERIOD = `from=${encodeURIComponent(CASE_TARGETS.periodStart)}&to=${encodeURIComponent(CASE_TARGETS.periodEnd)}`;

async function user(role: string, opts: { districts?: string[]; department?: string; password?: string } = {}) {
  const username = `http-${role}-${tag}-${Math.floor(Math.random() * 1e6)}`;
  await db.execute(
    sql`insert into users (username, display_name, role_code, department_id, district_codes, password_hash)
        values (${username}, 'HTTP test', ${role}, (select id from departments where code = ${opts.department ?? null}), ${`{${(opts.districts ?? []).join(',')}}`}::char(6)[],
                ${await hashPassword(opts.password ?? 'http-test-pass-1')})`,
  );
  return username;
}

/**
 * Runs a test in a transaction on the test city that is rolled back: `engine`, `db` and `app`
 * are the transaction's while it runs, so its users, sign-ins (sessions, attempts, devices),
 * tokens, rights and audit rows go with it. (The sign-ins here are one at a time: no test needs
 * connections of its own; tests/throttle-concurrency.test.ts does, on a database of its own.)
 */
async function inTx(fn: () => Promise<void>) {
  await inRolledBackTransaction(await testEngine(), async (tx, txEngine) => {
    [engine, db, app] = [txEngine, tx, createApp(txEngine)];
    await fn();
  });
}

describe('sign-in and the session cookie', () => {
  it('sets an HttpOnly, SameSite=Strict cookie scoped to the site, and me answers with the CSRF token', () =>
    inTx(async () => {
      const s = await login(app, 'demo-viewer');
      expect(s.setCookie).toMatch(/^cg_session=[\w-]{40,};/);
      expect(s.setCookie).toContain('HttpOnly');
      expect(s.setCookie).toContain('SameSite=Strict');
      expect(s.setCookie).toContain('Path=/');
      expect(s.setCookie).not.toContain('Secure'); // plain http in demo mode
      const { body } = await trpcGet(app, 'auth.me', undefined, { cookie: s.cookie });
      const me = body.result!.data as { actor: { name: string; role: { code: string }; permissions: string[] }; csrfToken: string };
      expect(me.actor).toMatchObject({ name: 'demo-viewer', role: { code: 'command_viewer' } });
      expect(me.actor.permissions).toContain('case.read');
      expect(me.csrfToken).toBe(s.csrf);
    }));
  it('in production mode the cookie is Secure and demo accounts are refused', () =>
    inTx(async () => {
      const prod = createApp(engine, { production: true });
      const name = await user('command_viewer');
      const s = await login(prod, name, 'http-test-pass-1');
      expect(s.setCookie).toContain('Secure');
      const { res, body } = await trpcPost(prod, 'auth.login', { username: 'demo-viewer', password: 'citygrid-demo' });
      expect(res.status).toBe(403);
      expect(body.error!.message).toContain('Demo accounts are switched off in production mode');
      // a demo session opened in demo mode is not honoured by a production server
      const demo = await login(app, 'demo-viewer');
      expect((await trpcGet(prod, 'places.summary', undefined, { cookie: demo.cookie })).res.status).toBe(401);
      // and the public me lists no demo accounts
      expect(((await trpcGet(prod, 'auth.me', undefined)).body.result!.data as { demoAccounts: unknown[] }).demoAccounts).toEqual([]);
    }));
  it('takes the client address from X-Forwarded-For only behind a trusted proxy (audit and throttling)', () =>
    inTx(async () => {
      const name = await user('command_viewer');
      const xff = { 'x-forwarded-for': '203.0.113.7, 10.0.0.1' };
      await login(app, name, 'http-test-pass-1', xff);
      await login(createApp(engine, { trustProxy: true }), name, 'http-test-pass-1', xff);
      const ips = await rows<{ ip: string | null }>(db, sql`select ip from audit_log where action = 'auth.login' and actor = ${name} order by id`);
      expect(ips.map((r) => r.ip)).toEqual([null, '203.0.113.7']);
    }));
  it('says the same for an unknown user and a wrong password', () =>
    inTx(async () => {
      const a = await trpcPost(app, 'auth.login', { username: `nobody-${tag}`, password: 'whatever-123' });
      const b = await trpcPost(app, 'auth.login', { username: 'demo-viewer', password: 'wrong-password' });
      expect([a.res.status, b.res.status]).toEqual([401, 401]);
      expect(a.body.error!.message).toBe(messageOf('auth.wrongCredentials'));
      expect(b.body.error!.message).toBe(messageOf('auth.wrongCredentials'));
      expect((b.body.error as { data?: { reason?: string } }).data?.reason).toBe('auth.wrongCredentials');
    }));
  it('refuses a disabled account exactly as a wrong password (the right password is not confirmed), and audits why', () =>
    inTx(async () => {
      const name = await user('command_viewer');
      await db.execute(sql`update users set disabled_at = now() where username = ${name}`);
      const right = await trpcPost(app, 'auth.login', { username: name, password: 'http-test-pass-1' });
      const wrong = await trpcPost(app, 'auth.login', { username: name, password: 'not-the-password' });
      expect([right.res.status, wrong.res.status]).toEqual([401, 401]);
      expect(right.body.error!.message).toBe(wrong.body.error!.message);
      const audit = await rows<{ outcome: string }>(db, sql`select detail->>'outcome' as outcome from audit_log where action = 'auth.login' and actor = ${name} order by id`);
      expect(audit.map((a) => a.outcome)).toEqual(['disabled', 'failed']);
    }));
  it('locks a user name after repeated failures, even for the right password, and audits it', () =>
    inTx(async () => {
      const name = await user('command_viewer');
      for (let i = 0; i < 5; i++) expect((await trpcPost(app, 'auth.login', { username: name, password: `wrong-${i}-xxxx` })).res.status).toBe(401);
      const { res, body } = await trpcPost(app, 'auth.login', { username: name, password: 'http-test-pass-1' });
      expect(res.status).toBe(429);
      expect(body.error!.message).toMatch(/Too many failed sign-ins\. Try again in \d+ minute/);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(60);
      // five identical failures are one counted row
      const audit = await rows<{ outcome: string; repeats: number }>(db, sql`select detail->>'outcome' as outcome, repeats from audit_log where action = 'auth.login' and actor = ${name} order by id`);
      expect(audit).toEqual([{ outcome: 'failed', repeats: 5 }, { outcome: 'throttled', repeats: 1 }]);
    }));
  it('ends at logout: the cookie is cleared and the old token no longer works', () =>
    inTx(async () => {
      const s = await login(app, 'demo-viewer');
      const out = await trpcPost(app, 'auth.logout', null, { cookie: s.cookie, 'x-csrf-token': s.csrf });
      expect(out.res.status).toBe(200);
      expect(out.res.headers.get('set-cookie')).toMatch(/^cg_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0/);
      expect((await trpcGet(app, 'places.summary', undefined, { cookie: s.cookie })).res.status).toBe(401);
      expect((await app.request(`/api/layers/districts.bin`, { headers: { cookie: s.cookie } })).status).toBe(401);
    }));
  it('expires: the same cookie is refused after the session lifetime', () =>
    inTx(async () => {
      const s = await login(app, 'demo-viewer');
      const later = createApp(engine, { now: () => new Date(Date.now() + 13 * 3_600_000) });
      expect((await trpcGet(later, 'places.summary', undefined, { cookie: s.cookie })).res.status).toBe(401);
    }));
});

describe('CSRF', () => {
  it('refuses a change without the CSRF token, or with a wrong one, and accepts it with the right one', () =>
    inTx(async () => {
      const s = await login(app, 'demo-admin');
      const change = { roleCode: 'command_viewer', permission: 'case.read', granted: true };
      const none = await trpcPost(app, 'admin.setPermission', change, { cookie: s.cookie });
      expect(none.res.status).toBe(403);
      expect(none.body.error!.message).toContain('CSRF');
      expect((await trpcPost(app, 'admin.setPermission', change, { cookie: s.cookie, 'x-csrf-token': 'forged' })).res.status).toBe(403);
      expect((await trpcPost(app, 'admin.setPermission', change, { cookie: s.cookie, 'x-csrf-token': s.csrf })).res.status).toBe(200);
    }));
  it('refuses a change from another site even with the token', () =>
    inTx(async () => {
      const s = await login(app, 'demo-admin');
      const change = { roleCode: 'command_viewer', permission: 'case.read', granted: true };
      const cross = await trpcPost(app, 'admin.setPermission', change, { cookie: s.cookie, 'x-csrf-token': s.csrf, origin: 'http://evil.example', host: 'citygrid.local' });
      expect(cross.res.status).toBe(403);
    }));
  it('refuses a sign-in posted from another site', () =>
    inTx(async () => {
      const a = await trpcPost(app, 'auth.login', { username: 'demo-viewer', password: 'citygrid-demo' }, { 'sec-fetch-site': 'cross-site' });
      expect(a.res.status).toBe(403);
      expect(a.body.error!.message).toContain('must come from the CityGrid page');
      expect(a.res.headers.get('set-cookie')).toBeNull();
    }));
});

describe('first run: one-time passwords (a fresh, migrated database)', () => {
  let fresh: Engine;
  let dispose: () => Promise<void>;
  let first: Hono;
  beforeAll(async () => {
    ({ engine: fresh, dispose } = await migratedEngine('citygrid_first_run'));
    first = createApp(fresh);
  }, 120_000);
  afterAll(() => dispose());

  it('a weak CITYGRID_ADMIN_PASSWORD is refused with the reason, and nothing is created', async () => {
    await expect(ensureFirstAdmin(fresh.db, { password: 'admin12' })).rejects.toThrow(/CITYGRID_ADMIN_PASSWORD is not acceptable: A password needs at least 10 characters/);
    expect(await rows(fresh.db, sql`select 1 from users`)).toEqual([]);
  });
  it('the first administrator gets a one-time password once; nothing but changing it works until then', async () => {
    const made = await ensureFirstAdmin(fresh.db, {});
    if (!made.created) throw new Error('an administrator already existed');
    expect(made.oneTimePassword).toMatch(/^[\w-]{16}$/);
    expect(await ensureFirstAdmin(fresh.db, {})).toEqual({ created: false });
    const s = await login(first, 'admin', made.oneTimePassword!);
    const me = await trpcGet(first, 'auth.me', undefined, { cookie: s.cookie });
    expect((me.body.result!.data as { actor: { mustChangePassword: boolean } }).actor.mustChangePassword).toBe(true);
    const blocked = await trpcGet(first, 'admin.users', undefined, { cookie: s.cookie });
    expect(blocked.res.status).toBe(403);
    expect(blocked.body.error!.message).toContain('one-time password');
    const weak = await trpcPost(first, 'auth.changePassword', { currentPassword: made.oneTimePassword, newPassword: 'short' }, { cookie: s.cookie, 'x-csrf-token': s.csrf });
    expect(weak.body.error!.message).toContain('at least 10 characters');
    const ok = await trpcPost(first, 'auth.changePassword', { currentPassword: made.oneTimePassword, newPassword: 'Zhangzhou-ops-2026!' }, { cookie: s.cookie, 'x-csrf-token': s.csrf });
    expect(ok.res.status).toBe(200);
    expect((await trpcGet(first, 'admin.users', undefined, { cookie: s.cookie })).res.status).toBe(200);
    // the one-time password no longer works; the new one does
    expect((await trpcPost(first, 'auth.login', { username: 'admin', password: made.oneTimePassword })).res.status).toBe(401);
    await login(first, 'admin', 'Zhangzhou-ops-2026!');
    const audit = await rows<{ action: string }>(fresh.db, sql`select action from audit_log order by id`);
    expect(audit.map((a) => a.action)).toEqual(['system.firstAdmin', 'auth.login', 'auth.changePassword', 'auth.login', 'auth.login']);
  });
  it('an administrator from CITYGRID_ADMIN_PASSWORD needs no change', async () => {
    const other = await migratedEngine('citygrid_first_run_env');
    try {
      expect(await ensureFirstAdmin(other.engine.db, { password: 'Zhangzhou-ops-2026!' })).toEqual({ created: true, oneTimePassword: null });
      const [u] = await rows<{ must_change_password: boolean }>(other.engine.db, sql`select must_change_password from users where username = 'admin'`);
      expect(u.must_change_password).toBe(false);
    } finally {
      await other.dispose();
    }
  }, 120_000);
});

describe('display tokens', () => {
  it('a token reads the case feed and case-level data of its districts, cannot change anything, and stops at revocation', () =>
    inTx(async () => {
      const admin = await login(app, 'demo-admin');
      const made = await trpcPost(app, 'admin.createToken', { name: `wall-${tag}`, districtCodes: ['350602'] }, { cookie: admin.cookie, 'x-csrf-token': admin.csrf });
      const { id, token } = made.body.result!.data as { id: number; token: string };
      const res = await app.request(`/api/layers/cases.bin?${PERIOD}&display=${token}`);
      expect(res.status).toBe(200);
      const feed = decodeFeed<{ districts: { code: string }[] }>(await res.arrayBuffer());
      const want = await one<{ n: number }>(sql`select count(*)::int as n from cases where district_code = '350602' and reported_at >= ${CASE_TARGETS.periodStart}::timestamptz and reported_at < ${CASE_TARGETS.periodEnd}::timestamptz`);
      expect(feed.length).toBe(want.n);
      const header = { 'x-display-token': token };
      expect((await trpcGet(app, 'cases.summary', undefined, header)).res.status).toBe(200);
      const change = await trpcPost(app, 'auth.logout', null, header);
      expect(change.res.status).toBe(403);
      expect(change.body.error!.message).toContain('read-only');
      await trpcPost(app, 'admin.revokeToken', { id }, { cookie: admin.cookie, 'x-csrf-token': admin.csrf });
      expect((await app.request(`/api/layers/cases.bin?${PERIOD}&display=${token}`)).status).toBe(401);
    }));
});

describe('scope of the case feed (SQL filters)', () => {
  const count = async (username: string, password?: string) => {
    const s = await login(app, username, password);
    const res = await app.request(`/api/layers/cases.bin?${PERIOD}`, { headers: { cookie: s.cookie } });
    expect(res.status).toBe(200);
    return decodeFeed(await res.arrayBuffer()).length;
  };
  const inPeriod = sql`reported_at >= ${CASE_TARGETS.periodStart}::timestamptz and reported_at < ${CASE_TARGETS.periodEnd}::timestamptz`;
  it('a district coordinator gets only the cases of their districts', () =>
    inTx(async () => {
      const want = await one<{ n: number }>(sql`select count(*)::int as n from cases where district_code = '350602' and ${inPeriod}`);
      expect(await count('demo-coordinator')).toBe(want.n);
    }));
  it('a department handler gets only the cases assigned to their department', () =>
    inTx(async () => {
      const want = await one<{ n: number }>(sql`select count(*)::int as n from cases c join departments d on d.id = c.department_id where d.code = 'sanitation' and ${inPeriod}`);
      expect(want.n).toBeGreaterThan(0);
      expect(await count('demo-handler')).toBe(want.n);
    }));
  it('a role without case.read gets 403 for the case feed but may read the geography', () =>
    inTx(async () => {
      const s = await login(app, 'demo-planner');
      expect((await app.request(`/api/layers/cases.bin?${PERIOD}`, { headers: { cookie: s.cookie } })).status).toBe(403);
      expect((await app.request(`/api/layers/districts.bin`, { headers: { cookie: s.cookie } })).status).toBe(200);
    }));
  it('nobody gets 401 for every layer', () =>
    inTx(async () => {
      expect((await app.request('/api/layers/districts.bin')).status).toBe(401);
      expect((await app.request(`/api/layers/cases.bin?${PERIOD}`)).status).toBe(401);
    }));
});
