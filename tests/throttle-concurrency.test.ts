// The sign-in limits under an attacker's concurrency, over HTTP as a browser or a script sends
// it: batches, parallel requests, rotating user names, a guesser's own account, a locked-out
// dispatcher's known browser, an administrator lifting a lock, password changes.
// Not in a rolled-back transaction: the parallel sign-ins must run on several connections at
// once (on the server engine the throttle's atomic check is what stands between them), and a
// transaction is one connection. So on fresh, migrated databases of this suite's own (the
// shared city is never touched): one for the tests that use the migration's limits, each with
// user names of its own (its own counters), and one more for every test that sets other
// limits, so no limit is ever put back by hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Hono } from 'hono';
import { rows, type Engine } from '../db/engine.ts';
import { createApp } from '../server/app.ts';
import { hashPassword } from '../server/auth/password.ts';
import { MAX_BATCH } from '../domain/request-limits.ts';
import { migratedDatabases } from './support/test-db.ts';
import { trpcPost } from './support/http-session.ts';

const PASSWORD = 'throttle-test-pass-1';
const hashed = hashPassword(PASSWORD);
const databases = migratedDatabases('citygrid_throttle');
let n = 0;

interface Site {
  engine: Engine;
  app: Hono;
  /** A fresh user (so each test has its own counters). */
  user: (role?: string) => Promise<string>;
  /** A sign-in from an address (the app trusts X-Forwarded-For here), optionally with cookies. */
  signIn: (username: string, password: string, ip: string, cookie?: string) => ReturnType<typeof trpcPost>;
}

/**
 * A database of its own, with the limits in `limits` (app_meta auth.*) set before anything reads
 * them, an app that trusts X-Forwarded-For, and the administrator the lock-lifting tests sign in as.
 */
async function site(limits: Record<string, string> = {}): Promise<Site> {
  const engine = await databases.next();
  for (const [key, value] of Object.entries(limits)) {
    const [{ n: changed }] = await rows<{ n: number }>(engine.db, sql`with u as (update app_meta set value = ${value} where key = ${key} returning 1) select count(*)::int as n from u`);
    if (changed !== 1) throw new Error(`no app_meta setting ${key}`);
  }
  await engine.db.execute(sql`insert into users (username, display_name, role_code, password_hash) values ('t-admin', 'Admin', 'admin', ${await hashed})`);
  const app = createApp(engine, { trustProxy: true });
  return {
    engine,
    app,
    user: async (role = 'dispatcher') => {
      const username = `t${++n}-${role}`;
      await engine.db.execute(sql`insert into users (username, display_name, role_code, password_hash) values (${username}, 'Throttle test', ${role}, ${await hashed})`);
      return username;
    },
    signIn: (username, password, ip, cookie) => trpcPost(app, 'auth.login', { username, password }, { 'x-forwarded-for': ip, ...(cookie ? { cookie } : {}) }),
  };
}

const reasonOf = (b: { error?: { data: unknown } }) => (b.error?.data as { reason?: string } | undefined)?.reason;

/** The database with the migration's limits, shared by the tests that change none. */
let shared: Site;
let engine: Engine;
let app: Hono;
let user: Site['user'];
let signIn: Site['signIn'];

beforeAll(async () => {
  shared = await site();
  ({ engine, app, user, signIn } = shared);
}, 120_000);
afterAll(() => databases.dispose());

describe('sign-in is never batched', () => {
  it('a batch of 41 guesses for one user name is refused whole: no guess is checked, nobody signs in', async () => {
    const name = await user();
    const calls = 41;
    const paths = Array(calls).fill('auth.login').join(',');
    const body = Object.fromEntries(Array.from({ length: calls }, (_, i) => [i, { username: name, password: i === 40 ? PASSWORD : `guess-${i}-xxxxxx` }]));
    const res = await app.request(`/trpc/${paths}?batch=1`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.0.0.1' }, body: JSON.stringify(body) });
    expect(res.status).toBe(400);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await rows(engine.db, sql`select 1 from login_attempts where username = ${name}`)).toEqual([]);
  });
  it('sign-in batched with one other call is refused too (request.loginAlone)', async () => {
    const name = await user();
    const res = await app.request('/trpc/auth.me,auth.login?batch=1', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ 0: null, 1: { username: name, password: PASSWORD } }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { data: { reason: string } } }).error.data.reason).toBe('request.loginAlone');
  });
  it(`more than ${MAX_BATCH} calls in one batch are refused before any runs (request.batchTooLarge)`, async () => {
    const paths = Array(MAX_BATCH + 1).fill('auth.me').join(',');
    const res = await app.request(`/trpc/${paths}?batch=1&input=${encodeURIComponent('{}')}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { data: { reason: string } } }).error.data.reason).toBe('request.batchTooLarge');
  });
});

describe('the throttle under parallel requests', () => {
  it('25 parallel wrong guesses for one user name: at most 5 are checked, the rest get 429, and then even the right password is refused', async () => {
    // every guess may hash at once, so only the throttle's atomic check stands between them and the database
    const { engine, user, signIn } = await site({ 'auth.max_concurrent_hashes': '50' });
    const name = await user();
    // distinct addresses, so only the user-name limit is in play
    const answers = await Promise.all(Array.from({ length: 25 }, (_, i) => signIn(name, `guess-${i}-xxxxxx`, `10.1.${i}.1`)));
    const statuses = answers.map((a) => a.res.status);
    expect(statuses.filter((s) => s === 200)).toEqual([]);
    expect(statuses.filter((s) => s === 401).length).toBe(5);
    expect(statuses.filter((s) => s !== 401).every((s) => s === 429)).toBe(true);
    // keep guessing one at a time until the lock: the sixth recorded failure is never checked
    for (let i = 0; i < 10; i++) {
      const a = await signIn(name, `more-${i}-xxxxxx`, `10.2.${i}.1`);
      if (a.res.status === 429 && reasonOf(a.body) === 'auth.throttled') break;
    }
    const [{ failures }] = await rows<{ failures: number }>(engine.db, sql`select count(*)::int as failures from login_attempts where username = ${name} and not ok`);
    expect(failures).toBe(5);
    const right = await signIn(name, PASSWORD, '10.3.0.1');
    expect(right.res.status).toBe(429);
    expect(reasonOf(right.body)).toBe('auth.throttled');
    expect(Number(right.res.headers.get('retry-after'))).toBeGreaterThan(0);
  });
  it('beyond the hashing slots a sign-in is answered 429 busy with Retry-After, unhashed and unrecorded', async () => {
    const { engine, user, signIn } = await site({ 'auth.max_concurrent_hashes': '1' });
    const names = await Promise.all(Array.from({ length: 8 }, () => user()));
    const answers = await Promise.all(names.map((name, i) => signIn(name, `wrong-${i}-xxxxxx`, `10.4.${i}.1`)));
    const busy = answers.filter((a) => reasonOf(a.body) === 'request.busy');
    expect(busy.length).toBeGreaterThan(0);
    expect(busy.every((a) => a.res.status === 429 && a.res.headers.get('retry-after') === '1')).toBe(true);
    expect(answers.filter((a) => a.res.status === 401).length).toBeGreaterThan(0);
    // a busy answer recorded no attempt: those users are not closer to a lock
    const [{ attempts }] = await rows<{ attempts: number }>(engine.db, sql`select count(*)::int as attempts from login_attempts where username = any(${sql.param(names)}::text[])`);
    expect(attempts).toBe(8 - busy.length);
  });
});

describe('an address', () => {
  it("is not cleared by another account's success: a guesser who signs in to their own account is still locked at the address limit", async () => {
    const { user, signIn } = await site({ 'auth.max_failures_per_address': '6' });
    const own = await user();
    const ip = '10.5.0.1';
    const victims = await Promise.all(Array.from({ length: 6 }, () => user()));
    for (let i = 0; i < 5; i++) expect((await signIn(victims[i], 'guess-xxxxxxxx', ip)).res.status).toBe(401);
    expect((await signIn(own, PASSWORD, ip)).res.status).toBe(200);
    expect((await signIn(victims[5], 'guess-xxxxxxxx', ip)).res.status).toBe(401); // the 6th failure
    const next = await signIn(victims[5], 'guess-yyyyyyyy', ip);
    expect(next.res.status).toBe(429);
  });
  it('forgives a user name its own typos once it signs in from the same address', async () => {
    const { user, signIn } = await site({ 'auth.max_failures_per_address': '3' });
    const me = await user();
    const ip = '10.6.0.1';
    for (let i = 0; i < 2; i++) expect((await signIn(me, 'typo-xxxxxxxx', ip)).res.status).toBe(401);
    expect((await signIn(me, PASSWORD, ip)).res.status).toBe(200);
    const colleague = await user();
    for (let i = 0; i < 2; i++) expect((await signIn(colleague, 'typo-xxxxxxxx', ip)).res.status).toBe(401);
    expect((await signIn(colleague, PASSWORD, ip)).res.status).toBe(200);
  });
});

describe('the on-duty dispatcher is not locked out by someone else', () => {
  it('a browser that signed in before keeps its way in while the user name is locked; others are refused', async () => {
    const name = await user('dispatcher');
    const first = await signIn(name, PASSWORD, '10.7.0.1');
    expect(first.res.status).toBe(200);
    const device = /cg_device=([^;]+)/.exec(first.res.headers.get('set-cookie') ?? '')?.[1];
    expect(device).toMatch(/^[\w-]{43}$/);
    expect(first.res.headers.get('set-cookie')).toMatch(/cg_device=[^;]+; Path=\/trpc; HttpOnly; SameSite=Strict; Max-Age=\d+/);
    for (let i = 0; i < 6; i++) await signIn(name, `attack-${i}-xxxxxx`, `10.8.${i}.1`);
    expect((await signIn(name, PASSWORD, '10.9.0.1')).res.status).toBe(429);
    const known = await signIn(name, PASSWORD, '10.7.0.1', `cg_device=${device}`);
    expect(known.res.status).toBe(200);
    // a device cookie earned by another user name lifts nothing
    const other = await user('dispatcher');
    for (let i = 0; i < 6; i++) await signIn(other, `attack-${i}-xxxxxx`, `10.10.${i}.1`);
    expect((await signIn(other, PASSWORD, '10.7.0.1', `cg_device=${device}`)).res.status).toBe(429);
  });
  it('a device cookie has its own limit: guessing through it locks that cookie', async () => {
    const name = await user('dispatcher');
    const first = await signIn(name, PASSWORD, '10.11.0.1');
    const device = /cg_device=([^;]+)/.exec(first.res.headers.get('set-cookie') ?? '')![1];
    for (let i = 0; i < 5; i++) expect((await signIn(name, `guess-${i}-xxxxxx`, '10.11.0.1', `cg_device=${device}`)).res.status).toBe(401);
    expect((await signIn(name, PASSWORD, '10.11.0.1', `cg_device=${device}`)).res.status).toBe(429);
  });
});

describe('refusals are counted, not repeated', () => {
  it('twenty wrong guesses leave two audit rows: failures and throttled, each with its count', async () => {
    const name = await user();
    for (let i = 0; i < 20; i++) await signIn(name, `guess-${i}-xxxxxx`, '10.12.0.1');
    const audit = await rows<{ outcome: string; repeats: number }>(engine.db, sql`select detail->>'outcome' as outcome, repeats from audit_log where action = 'auth.login' and actor = ${name} order by id`);
    expect(audit).toEqual([{ outcome: 'failed', repeats: 5 }, { outcome: 'throttled', repeats: 15 }]);
  });
  it('the audit log refuses any other change to a counted row', async () => {
    const name = await user();
    for (let i = 0; i < 2; i++) await signIn(name, 'the-same-wrong-guess', '10.12.1.1');
    const [row] = await rows<{ id: number }>(engine.db, sql`select id::int as id from audit_log where actor = ${name} and repeats = 2`);
    await expect(engine.db.execute(sql`update audit_log set actor = 'someone else', repeats = repeats + 1 where id = ${row.id}`)).rejects.toThrow();
    await expect(engine.db.execute(sql`update audit_log set repeats = 1 where id = ${row.id}`)).rejects.toThrow();
    await expect(engine.db.execute(sql`delete from audit_log where id = ${row.id}`)).rejects.toThrow();
  });
});

describe('a password change checks the current password like a sign-in', () => {
  it('wrong current passwords are counted and audited, and the sixth is refused unchecked (429)', async () => {
    const name = await user();
    const s = await signIn(name, PASSWORD, '10.13.0.1');
    const cookie = (s.res.headers.get('set-cookie') ?? '').split(';')[0];
    const csrf = (s.body.result!.data as { csrfToken: string }).csrfToken;
    const change = (current: string) =>
      trpcPost(app, 'auth.changePassword', { currentPassword: current, newPassword: 'a-new-password-2026' }, { cookie, 'x-csrf-token': csrf, 'x-forwarded-for': '10.13.0.1' });
    for (let i = 0; i < 5; i++) {
      const r = await change(`wrong-${i}-xxxxxx`);
      expect({ i, status: r.res.status, reason: reasonOf(r.body) }).toEqual({ i, status: 400, reason: 'auth.wrongCurrentPassword' });
    }
    const sixth = await change(PASSWORD);
    expect(sixth.res.status).toBe(429);
    expect(reasonOf(sixth.body)).toBe('auth.throttled');
    const audit = await rows<{ outcome: string; repeats: number }>(engine.db, sql`select detail->>'outcome' as outcome, repeats from audit_log where action = 'auth.changePassword' and actor = ${name} order by id`);
    expect(audit).toEqual([{ outcome: 'failed', repeats: 5 }, { outcome: 'throttled', repeats: 1 }]);
    // the password did not change
    expect((await signIn(name, 'a-new-password-2026', '10.13.0.2')).res.status).not.toBe(200);
  });
  it('with the right current password it changes', async () => {
    const name = await user();
    const s = await signIn(name, PASSWORD, '10.14.0.1');
    const cookie = (s.res.headers.get('set-cookie') ?? '').split(';')[0];
    const csrf = (s.body.result!.data as { csrfToken: string }).csrfToken;
    const r = await trpcPost(app, 'auth.changePassword', { currentPassword: PASSWORD, newPassword: 'a-new-password-2026' }, { cookie, 'x-csrf-token': csrf, 'x-forwarded-for': '10.14.0.1' });
    expect(r.res.status).toBe(200);
    expect((await signIn(name, 'a-new-password-2026', '10.14.0.2')).res.status).toBe(200);
  });
});

describe('an administrator lifts a lock', () => {
  it('the admin screen sees the lock; lifting it lets the right password in at once (audited)', async () => {
    const name = await user();
    for (let i = 0; i < 5; i++) await signIn(name, `guess-${i}-xxxxxx`, `10.15.${i}.1`);
    expect((await signIn(name, PASSWORD, '10.15.9.1')).res.status).toBe(429);
    const a = await signIn('t-admin', PASSWORD, '10.16.0.1');
    const headers = { cookie: (a.res.headers.get('set-cookie') ?? '').split(';')[0], 'x-csrf-token': (a.body.result!.data as { csrfToken: string }).csrfToken };
    const list = await app.request('/trpc/admin.users', { headers });
    const users = ((await list.json()) as { result: { data: { username: string; lockedForSeconds: number | null }[] } }).result.data;
    expect(users.find((u) => u.username === name)!.lockedForSeconds).toBeGreaterThan(0);
    expect(users.find((u) => u.username === 't-admin')!.lockedForSeconds).toBeNull();
    expect((await trpcPost(app, 'admin.liftLoginLock', { username: name }, headers)).res.status).toBe(200);
    expect((await signIn(name, PASSWORD, '10.15.9.1')).res.status).toBe(200);
    const [audit] = await rows<{ target_id: string }>(engine.db, sql`select target_id from audit_log where action = 'admin.liftLoginLock' order by id desc limit 1`);
    expect(audit.target_id).toBe(name);
  });
  it('lifting an address lock lets its office sign in again', async () => {
    const { app, user, signIn } = await site({ 'auth.max_failures_per_address': '3' });
    const ip = '10.17.0.1';
    const victims = await Promise.all(Array.from({ length: 3 }, () => user()));
    for (const v of victims) await signIn(v, 'guess-xxxxxxxx', ip);
    const colleague = await user();
    expect((await signIn(colleague, PASSWORD, ip)).res.status).toBe(429);
    const a = await signIn('t-admin', PASSWORD, '10.16.0.2');
    const headers = { cookie: (a.res.headers.get('set-cookie') ?? '').split(';')[0], 'x-csrf-token': (a.body.result!.data as { csrfToken: string }).csrfToken };
    expect((await trpcPost(app, 'admin.liftLoginLock', { ip }, headers)).res.status).toBe(200);
    expect((await signIn(colleague, PASSWORD, ip)).res.status).toBe(200);
  });
});

describe('lifting a lock takes a real target', () => {
  it('an address that is not one, or a user name nobody has, is refused with a reason', async () => {
    const a = await signIn('t-admin', PASSWORD, '10.18.0.1');
    const headers = { cookie: (a.res.headers.get('set-cookie') ?? '').split(';')[0], 'x-csrf-token': (a.body.result!.data as { csrfToken: string }).csrfToken };
    const badIp = await trpcPost(app, 'admin.liftLoginLock', { ip: 'not-an-ip' }, headers);
    expect([badIp.res.status, reasonOf(badIp.body)]).toEqual([400, 'input.invalid']);
    const ghost = await trpcPost(app, 'admin.liftLoginLock', { username: 'ghost-zzz' }, headers);
    expect([ghost.res.status, reasonOf(ghost.body)]).toEqual([404, 'notFoundBy']);
  });
});
