// Password hashing with node's scrypt (memory-hard), a random 16-byte salt per password, and
// the parameters stored beside the hash so they can be raised later without breaking old
// hashes. Format: scrypt$<log2 N>$<r>$<p>$<salt b64url>$<hash b64url>.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { MessageParams, Reason } from '../../domain/messages.ts';

const scrypt = (password: string, salt: Buffer, keylen: number, opts: ScryptOptions) =>
  new Promise<Buffer>((ok, fail) => scryptCb(password.normalize('NFKC'), salt, keylen, opts, (err, key) => (err ? fail(err) : ok(key))));

/** N = 2^15, r = 8, p = 1: ~32 MiB and ~50–100 ms per hash on these machines (OWASP's minimum is 2^17 with r = 8 for interactive logins on faster hardware; raise LOG_N when the hardware allows). */
export const SCRYPT = { logN: 15, r: 8, p: 1, keylen: 32 } as const;

export const PASSWORD_RULES = { minLength: 10, maxLength: 256 } as const;

/** Why a new password is refused (a reason of domain/messages.ts with its parameters), or null when it is acceptable. */
export function passwordProblem(password: string, context: string[] = []): { reason: Reason; params: MessageParams } | null {
  if (password.length < PASSWORD_RULES.minLength) return { reason: 'password.tooShort', params: { min: PASSWORD_RULES.minLength } };
  if (password.length > PASSWORD_RULES.maxLength) return { reason: 'password.tooLong', params: { max: PASSWORD_RULES.maxLength } };
  if (new Set(password).size < 4) return { reason: 'password.fewCharacters', params: {} };
  const lower = password.toLowerCase();
  if (context.some((c) => c.length >= 3 && lower.includes(c.toLowerCase()))) return { reason: 'password.containsName', params: {} };
  return null;
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const { logN, r, p, keylen } = SCRYPT;
  const key = await scrypt(password, salt, keylen, { N: 2 ** logN, r, p, maxmem: 256 * 2 ** logN * r });
  return ['scrypt', logN, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Constant-time comparison; a malformed stored hash never verifies (and never throws). */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const parts = (stored ?? '').split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [logN, r, p] = parts.slice(1, 4).map(Number);
  if (![logN, r, p].every(Number.isInteger) || logN < 10 || logN > 22 || r < 1 || r > 32 || p < 1 || p > 16) return false;
  const salt = Buffer.from(parts[4], 'base64url');
  const expected = Buffer.from(parts[5], 'base64url');
  if (salt.length < 8 || expected.length < 16) return false;
  const key = await scrypt(password, salt, expected.length, { N: 2 ** logN, r, p, maxmem: 256 * 2 ** logN * r });
  return timingSafeEqual(key, expected);
}

/** Whether a stored hash uses weaker parameters than today's, so it should be re-hashed at the next login. */
export function needsRehash(stored: string): boolean {
  const [, logN, r] = stored.split('$').map(Number);
  return !(logN >= SCRYPT.logN && r >= SCRYPT.r);
}

let hashing = 0;

/**
 * A slot for one password hash, or null when `max` are being computed already: scrypt takes
 * ~32 MiB and a libuv thread for ~50–100 ms, so a burst of sign-ins with rotating user names
 * must be turned away (429) rather than queued. Call the returned function when done.
 */
export function tryHashSlot(max: number): (() => void) | null {
  if (hashing >= max) return null;
  hashing++;
  let released = false;
  return () => {
    if (!released) hashing--;
    released = true;
  };
}
