// Sessions and login throttling on the engine under test (docs/decisions/0006).
// Each test that writes runs in a transaction that is rolled back (its user, sessions and
// sign-in attempts go with it).
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../db/engine.ts';
import { createSession, loadSessionPolicy, loginThrottle, recordLoginAttempt, revokeSession, type SessionPolicy } from '../server/auth/sessions.ts';
import { actorFromSession } from '../server/auth/actor.ts';
import { testEngine } from './support/test-db.ts';
import { inRolledBackTransaction } from './support/rolled-back.ts';

let policy: SessionPolicy;
const t0 = new Date('2026-11-26T02:00:00Z');
const later = (min: number) => new Date(t0.getTime() + min * 60_000);

beforeAll(async () => {
  policy = await loadSessionPolicy((await testEngine()).db);
});

const inTx = async (fn: (db: Db) => Promise<void>) => inRolledBackTransaction(await testEngine(), fn);

/** Runs `fn` in a rolled-back transaction with a district coordinator of 350602 of its own. */
const withUser = (fn: (db: Db, userId: number) => Promise<void>) =>
  inTx(async (db) => {
    const [{ id }] = await rows<{ id: number }>(
      db,
      sql`insert into users (username, display_name, role_code, district_codes) values ('session-test', 'Test', 'district_coordinator', '{350602}') returning id`,
    );
    await fn(db, id);
  });

describe('session policy', () => {
  it('comes from app_meta', () => {
    expect(policy).toEqual({ maxFailures: 5, maxFailuresPerAddress: 30, maxFailuresPerDevice: 5, failureWindowMinutes: 15, lockoutMinutes: 15, sessionHours: 12, sessionIdleMinutes: 120, deviceDays: 90, maxConcurrentHashes: 4 });
  });
});

describe('sessions', () => {
  it('a new session resolves to its user, with district scope; only the token hash is stored', () =>
    withUser(async (db, userId) => {
      const { token, expiresAt } = await createSession(db, userId, { ip: '10.0.0.1', userAgent: 'test' }, t0, policy);
      expect(expiresAt.getTime() - t0.getTime()).toBe(12 * 3_600_000);
      const u = await actorFromSession(db, token, later(5), policy, { refuseDemo: false });
      expect(u).toMatchObject({ kind: 'user', id: userId, roleCode: 'district_coordinator', scope: { kind: 'district', districts: ['350602'] } });
      expect(u!.actions.has('grid.edit')).toBe(true);
      const [stored] = await rows<{ n: number }>(db, sql`select count(*)::int as n from sessions where token_hash = ${token}`);
      expect(stored.n).toBe(0);
    }));
  it('an unknown, malformed or missing token resolves to nobody', async () => {
    const db = (await testEngine()).db;
    expect(await actorFromSession(db, 'not-a-token', t0, policy, { refuseDemo: false })).toBeNull();
    expect(await actorFromSession(db, undefined, t0, policy, { refuseDemo: false })).toBeNull();
    expect(await actorFromSession(db, 'x'.repeat(500), t0, policy, { refuseDemo: false })).toBeNull();
  });
  it('expires after its lifetime even when used all along', () =>
    withUser(async (db, userId) => {
      const { token } = await createSession(db, userId, {}, t0, policy);
      for (let m = 100; m < 12 * 60; m += 100) expect(await actorFromSession(db, token, later(m), policy, { refuseDemo: false })).not.toBeNull();
      expect(await actorFromSession(db, token, later(12 * 60 + 1), policy, { refuseDemo: false })).toBeNull();
    }));
  it('expires when idle longer than the idle timeout', () =>
    withUser(async (db, userId) => {
      const { token } = await createSession(db, userId, {}, t0, policy);
      expect(await actorFromSession(db, token, later(119), policy, { refuseDemo: false })).not.toBeNull();
      expect(await actorFromSession(db, token, later(119 + 121), policy, { refuseDemo: false })).toBeNull();
    }));
  it('a district-bound account with no districts is scoped to nowhere, not to the city', () =>
    inTx(async (db) => {
      const [{ id }] = await rows<{ id: number }>(db, sql`insert into users (username, display_name, role_code) values ('unbound', 'Unbound', 'inspector') returning id`);
      const { token } = await createSession(db, id, {}, t0, policy);
      expect((await actorFromSession(db, token, later(1), policy, { refuseDemo: false }))?.scope).toEqual({ kind: 'district', districts: [], departmentId: null });
    }));
  it('a demo account is refused in production mode', () =>
    withUser(async (db, userId) => {
      await db.execute(sql`update users set demo = true where id = ${userId}`);
      const { token } = await createSession(db, userId, {}, t0, policy);
      expect(await actorFromSession(db, token, later(1), policy, { refuseDemo: true })).toBeNull();
      expect(await actorFromSession(db, token, later(1), policy, { refuseDemo: false })).not.toBeNull();
    }));
  it('ends at logout', () =>
    withUser(async (db, userId) => {
      const { token } = await createSession(db, userId, {}, t0, policy);
      await revokeSession(db, token, later(1));
      expect(await actorFromSession(db, token, later(2), policy, { refuseDemo: false })).toBeNull();
    }));
});

describe('login throttling', () => {
  it('locks a user name after five failures and reports when to retry', () =>
    inTx(async (db) => {
      const name = 'throttle-test';
      for (let i = 0; i < 4; i++) await recordLoginAttempt(db, name, `10.1.0.${i}`, false, later(i));
      expect(await loginThrottle(db, name, '10.9.9.9', later(5), policy)).toEqual({ locked: false });
      await recordLoginAttempt(db, name, '10.1.0.9', false, later(5));
      expect(await loginThrottle(db, name, '10.9.9.9', later(6), policy)).toEqual({ locked: true, retryAfterSeconds: 14 * 60, by: 'user' });
      expect(await loginThrottle(db, name, '10.9.9.9', later(21), policy)).toEqual({ locked: false });
    }));
  it('locks an address that fails across many user names, at its own (higher) limit', () =>
    inTx(async (db) => {
      const ip = '10.2.0.1';
      const n = policy.maxFailuresPerAddress;
      for (let i = 0; i < n - 1; i++) await recordLoginAttempt(db, `guess-${i}`, ip, false, later(i / 10));
      // five failures from an office's shared address do not lock its other users out
      expect((await loginThrottle(db, 'someone-else', ip, later(4), policy)).locked).toBe(false);
      await recordLoginAttempt(db, 'guess-last', ip, false, later(4));
      expect((await loginThrottle(db, 'someone-else', ip, later(6), policy)).locked).toBe(true);
      expect((await loginThrottle(db, 'someone-else', '10.3.3.3', later(6), policy)).locked).toBe(false);
    }));
});
