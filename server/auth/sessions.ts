// Sessions and login attempts over the database (docs/decisions/0006). The cookie carries a random
// 256-bit token; the database keeps only its SHA-256, so a leaked table cannot be replayed.
// Lifetimes and throttling limits are settings (auth.*, server/settings/settings.ts).
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { queryFailed } from '../query-error.ts';
import { throttle, type ThrottlePolicy } from './throttle.ts';
import { hashSecret } from './secrets.ts';
import { authSettings, setting } from '../settings/settings.ts';

export interface SessionPolicy extends ThrottlePolicy {
  /** Failures from one address before it is locked: higher than per user, since an office shares one address. */
  maxFailuresPerAddress: number;
  sessionHours: number;
  sessionIdleMinutes: number;
  /** Failures through one device cookie before it stops lifting a user-name or address lock. */
  maxFailuresPerDevice: number;
  /** A device cookie's lifetime after its last successful sign-in. */
  deviceDays: number;
  /** Password hashes computed at once in this process; beyond it sign-ins are answered 429 unhashed. */
  maxConcurrentHashes: number;
}


/** The session policy as the caller's transaction sees it (auth.*, through server/settings/settings.ts). */
export async function loadSessionPolicy(db: Db): Promise<SessionPolicy> {
  return authSettings(db);
}

/** The session policy (kept in memory under the reference stamp: a saved change applies at the next request). */
export const sessionPolicy = loadSessionPolicy;

/**
 * What every signed-in request needs of the policy: the idle timeout alone. Read on its own, so
 * that a bad value stored (by hand, in SQL) in a setting only sign-in uses refuses sign-ins
 * only, not every request — the admin screen that repairs it stays reachable.
 */
export async function requestSessionPolicy(db: Db): Promise<Pick<SessionPolicy, 'sessionIdleMinutes'>> {
  return { sessionIdleMinutes: await setting(db, 'auth.session_idle_minutes') };
}

/** Opens a session; returns the token for the cookie (never stored) and when it expires. */
export async function createSession(db: Db, userId: number, from: { ip?: string; userAgent?: string }, now: Date, p: SessionPolicy) {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + p.sessionHours * 3_600_000);
  try {
    await db.execute(
      sql`insert into sessions (token_hash, user_id, created_at, expires_at, last_seen_at, ip, user_agent)
          values (${hashSecret(token)}, ${userId}, ${now.toISOString()}::timestamptz, ${expiresAt.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz, ${from.ip ?? null}, ${from.userAgent ?? null})`,
    );
  } catch (err) {
    throw queryFailed('create session', err);
  }
  return { token, expiresAt };
}

export async function revokeSession(db: Db, token: string | undefined, now: Date): Promise<void> {
  if (!token) return;
  try {
    await db.execute(sql`update sessions set revoked_at = ${now.toISOString()}::timestamptz where token_hash = ${hashSecret(token)} and revoked_at is null`);
  } catch (err) {
    throw queryFailed('end session', err);
  }
}

export interface AttemptKey {
  username: string;
  ip?: string;
  /** SHA-256 of a device cookie this user name earned before (checked by the caller), if any. */
  deviceHash?: string | null;
}

export async function recordLoginAttempt(db: Db, username: string, ip: string | undefined, ok: boolean, now: Date, deviceHash: string | null = null): Promise<void> {
  try {
    await db.execute(sql`insert into login_attempts (username, ip, at, ok, device_hash) values (${username}, ${ip ?? null}, ${now.toISOString()}::timestamptz, ${ok}, ${deviceHash})`);
  } catch (err) {
    throw queryFailed('record login attempt', err);
  }
}

type Lock = { locked: false } | { locked: true; retryAfterSeconds: number; by: 'user' | 'address' | 'device' };

/**
 * Throttled when the user name, the address or the device has too many recent failures.
 * - user name: failures since its last success or unlock;
 * - address: failures from it, except those of a user name that later signed in from the same
 *   address (its own typos) or before an unlock of the address — another account's success
 *   clears nothing, so a guesser cannot reset the address by signing in to their own account;
 * - device: with a device cookie this user name earned, the user-name and address locks do not
 *   apply (someone else's guessing cannot lock out the on-duty dispatcher), but the device's
 *   own failures do (auth.max_failures_per_device).
 */
export async function loginThrottle(db: Db, username: string, ip: string | undefined, now: Date, p: SessionPolicy, deviceHash: string | null = null): Promise<Lock> {
  const since = new Date(now.getTime() - Math.max(p.failureWindowMinutes, p.lockoutMinutes) * 60_000).toISOString();
  let recent;
  try {
    recent = await rows<{ by: 'user' | 'address' | 'device'; at: Date | string; ok: boolean }>(
      db,
      sql`select 'user' as by, at, ok from login_attempts where username = ${username} and at >= ${since}::timestamptz and ${deviceHash}::text is null
          union all
          select 'address', f.at, false from login_attempts f
           where ${ip ?? null}::text is not null and ${deviceHash}::text is null and f.ip = ${ip ?? null} and not f.ok and f.at >= ${since}::timestamptz
             and not exists (select 1 from login_attempts s where s.ok and s.id > f.id and s.ip = f.ip
                             and ((s.kind = 'password' and s.username = f.username) or (s.kind = 'unlock' and s.username = '*')))
          union all
          select 'device', at, ok from login_attempts where ${deviceHash}::text is not null and device_hash = ${deviceHash} and at >= ${since}::timestamptz`,
    );
  } catch (err) {
    throw queryFailed('login throttle', err);
  }
  const of = (by: 'user' | 'address' | 'device') => recent.filter((r) => r.by === by).map((r) => ({ at: new Date(r.at), ok: r.ok }));
  const checks = [
    ['device', p.maxFailuresPerDevice],
    ['user', p.maxFailures],
    ['address', p.maxFailuresPerAddress],
  ] as const;
  for (const [by, maxFailures] of checks) {
    const t = throttle(of(by), now, { ...p, maxFailures });
    if (t.locked) return { ...t, by };
  }
  return { locked: false };
}

/** A 64-bit advisory-lock key for a throttling subject (stable across processes). */
const lockKey = (subject: string) => createHash('sha256').update(`citygrid:login:${subject}`).digest().readBigInt64BE(0);

/**
 * The throttle's check and the attempt's record in one atomic step: inside a short transaction
 * that holds advisory locks on the user name, the address and the device (taken in key order,
 * so two attempts never deadlock), the limits are checked and, unless locked, this attempt is
 * recorded as a failure up front. A parallel or batched attempt therefore always sees every
 * earlier one: the (limit + 1)-th failure is refused whatever the concurrency. Success is
 * recorded afterwards (`recordLoginAttempt(…, true)`), which resets what it should.
 * No password is hashed in here: the transaction never waits for scrypt.
 */
export async function admitLoginAttempt(db: Db, key: AttemptKey, now: Date, p: SessionPolicy): Promise<Lock> {
  const subjects = [`user:${key.username}`, ...(key.ip ? [`ip:${key.ip}`] : []), ...(key.deviceHash ? [`device:${key.deviceHash}`] : [])];
  const keys = subjects.map(lockKey).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  try {
    return await db.transaction(async (tx) => {
      const t = tx as unknown as Db;
      for (const k of keys) await t.execute(sql`select pg_advisory_xact_lock(${k.toString()}::bigint)`);
      const lock = await loginThrottle(t, key.username, key.ip, now, p, key.deviceHash ?? null);
      if (!lock.locked) await recordLoginAttempt(t, key.username, key.ip, false, now, key.deviceHash ?? null);
      return lock;
    });
  } catch (err) {
    throw queryFailed('login throttle', err);
  }
}

/** An administrator lifts a lock: of a user name, or of an address (every failure from it before now). */
export async function liftLoginLock(db: Db, target: { username: string } | { ip: string }, now: Date): Promise<void> {
  const [username, ip] = 'username' in target ? [target.username, null] : ['*', target.ip];
  try {
    await db.execute(sql`insert into login_attempts (username, ip, at, ok, kind) values (${username}, ${ip}, ${now.toISOString()}::timestamptz, true, 'unlock')`);
  } catch (err) {
    throw queryFailed('lift sign-in lock', err);
  }
}

/** Which of these user names are locked now (by their own failures), with the seconds left: for the admin screen. */
export async function lockedUserNames(db: Db, usernames: string[], now: Date, p: SessionPolicy): Promise<Map<string, number>> {
  const since = new Date(now.getTime() - Math.max(p.failureWindowMinutes, p.lockoutMinutes) * 60_000).toISOString();
  let recent;
  try {
    recent = await rows<{ username: string; at: Date | string; ok: boolean }>(
      db,
      sql`select username, at, ok from login_attempts where username = any(${sql.param(usernames)}::text[]) and at >= ${since}::timestamptz`,
    );
  } catch (err) {
    throw queryFailed('sign-in locks', err);
  }
  const locked = new Map<string, number>();
  for (const name of usernames) {
    const t = throttle(recent.filter((r) => r.username === name).map((r) => ({ at: new Date(r.at), ok: r.ok })), now, p);
    if (t.locked) locked.set(name, t.retryAfterSeconds);
  }
  return locked;
}

// ---- device cookies ----------------------------------------------------------------------------

/** The device cookie's hash when the cookie is one this user name earned and it has not expired; else null. */
export async function knownDevice(db: Db, token: string | undefined, username: string, now: Date): Promise<string | null> {
  if (!token || token.length > 100) return null;
  const hash = hashSecret(token);
  try {
    const [r] = await rows<{ ok: boolean }>(
      db,
      sql`select true as ok from login_devices where token_hash = ${hash} and username = ${username} and expires_at > ${now.toISOString()}::timestamptz`,
    );
    return r ? hash : null;
  } catch (err) {
    throw queryFailed('device cookie', err);
  }
}

/**
 * After a successful sign-in: renews the browser's device cookie for this user name, or issues
 * one. `known` is the cookie's token when `knownDevice` already matched it to this user name
 * (else null). Returns the token to set.
 */
export async function issueDevice(db: Db, known: string | null, username: string, now: Date, p: SessionPolicy): Promise<{ token: string; expiresAt: Date }> {
  const expiresAt = new Date(now.getTime() + p.deviceDays * 86_400_000);
  const fresh = known ?? randomBytes(32).toString('base64url');
  try {
    await db.execute(
      sql`insert into login_devices (token_hash, username, created_at, last_used_at, expires_at)
          values (${hashSecret(fresh)}, ${username}, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz, ${expiresAt.toISOString()}::timestamptz)
          on conflict (token_hash) do update set last_used_at = excluded.last_used_at, expires_at = excluded.expires_at`,
    );
  } catch (err) {
    throw queryFailed('device cookie', err);
  }
  return { token: fresh, expiresAt };
}
