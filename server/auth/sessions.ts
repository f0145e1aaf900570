// Sessions and login attempts over the database (issue [3]). The cookie carries a random
// 256-bit token; the database keeps only its SHA-256, so a leaked table cannot be replayed.
// Lifetimes and throttling limits are data (app_meta auth.*, migration 0006).
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { queryFailed } from '../query-error.ts';
import { throttle, type ThrottlePolicy } from './throttle.ts';
import { hashSecret } from './actor.ts';

export interface SessionPolicy extends ThrottlePolicy {
  /** Failures from one address before it is locked: higher than per user, since an office shares one address. */
  maxFailuresPerAddress: number;
  sessionHours: number;
  sessionIdleMinutes: number;
}


export async function loadSessionPolicy(db: Db): Promise<SessionPolicy> {
  try {
    const r = await rows<{ key: string; value: string }>(db, sql`select key, value from app_meta where key like 'auth.%'`);
    const get = (k: string) => {
      const v = Number(r.find((x) => x.key === `auth.${k}`)?.value);
      if (!Number.isFinite(v) || v <= 0) throw new Error(`app_meta auth.${k} is missing or not a positive number`);
      return v;
    };
    return {
      maxFailures: get('max_failures'),
      maxFailuresPerAddress: get('max_failures_per_address'),
      failureWindowMinutes: get('failure_window_minutes'),
      lockoutMinutes: get('lockout_minutes'),
      sessionHours: get('session_hours'),
      sessionIdleMinutes: get('session_idle_minutes'),
    };
  } catch (err) {
    throw queryFailed('session policy', err);
  }
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

export async function recordLoginAttempt(db: Db, username: string, ip: string | undefined, ok: boolean, now: Date): Promise<void> {
  try {
    await db.execute(sql`insert into login_attempts (username, ip, at, ok) values (${username}, ${ip ?? null}, ${now.toISOString()}::timestamptz, ${ok})`);
  } catch (err) {
    throw queryFailed('record login attempt', err);
  }
}

/** Throttled when either the user name or the address has too many recent failures. */
export async function loginThrottle(db: Db, username: string, ip: string | undefined, now: Date, p: SessionPolicy) {
  const since = new Date(now.getTime() - Math.max(p.failureWindowMinutes, p.lockoutMinutes) * 60_000).toISOString();
  let recent;
  try {
    recent = await rows<{ by: 'user' | 'ip'; at: Date | string; ok: boolean }>(
      db,
      sql`select 'user' as by, at, ok from login_attempts where username = ${username} and at >= ${since}::timestamptz
          union all
          select 'ip', at, ok from login_attempts where ${ip ?? null}::text is not null and ip = ${ip ?? null} and at >= ${since}::timestamptz`,
    );
  } catch (err) {
    throw queryFailed('login throttle', err);
  }
  const of = (by: 'user' | 'ip') => recent.filter((r) => r.by === by).map((r) => ({ at: new Date(r.at), ok: r.ok }));
  const byUser = throttle(of('user'), now, p);
  return byUser.locked ? byUser : throttle(of('ip'), now, { ...p, maxFailures: p.maxFailuresPerAddress });
}
