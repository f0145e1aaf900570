// Login throttling as a pure rule over recent attempts (server/auth/sessions.ts feeds it from
// login_attempts; the limits are the settings auth.*, read through server/settings/settings.ts).
export interface ThrottlePolicy {
  maxFailures: number;
  failureWindowMinutes: number;
  lockoutMinutes: number;
}

export interface Attempt {
  at: Date;
  ok: boolean;
}

/**
 * Locked when `maxFailures` failures fall within the window and after the last success; the
 * lock lasts `lockoutMinutes` from the latest failure. Attempts may come in any order, and
 * attempts stamped later than `now` count too: a parallel sign-in that started after this one
 * may have taken the throttle's lock first (or another server's clock runs ahead), and its
 * failure is no less real — leaving it out let parallel guesses past the limit.
 */
export function throttle(attempts: Attempt[], now: Date, p: ThrottlePolicy): { locked: false } | { locked: true; retryAfterSeconds: number } {
  const windowStart = now.getTime() - p.failureWindowMinutes * 60_000;
  const lastOk = Math.max(-Infinity, ...attempts.filter((a) => a.ok).map((a) => a.at.getTime()));
  const failures = attempts.filter((a) => !a.ok && a.at.getTime() >= windowStart && a.at.getTime() > lastOk);
  if (failures.length < p.maxFailures) return { locked: false };
  const until = Math.max(...failures.map((a) => a.at.getTime())) + p.lockoutMinutes * 60_000;
  return until > now.getTime() ? { locked: true, retryAfterSeconds: Math.ceil((until - now.getTime()) / 1000) } : { locked: false };
}
