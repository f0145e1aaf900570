import { messageOf } from '../../domain/messages.ts';
import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, passwordProblem, verifyPassword } from '../../server/auth/password.ts';

describe('password hashing (scrypt)', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const h = await hashPassword('correct horse battery');
    expect(h).toMatch(/^scrypt\$15\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('correct horse battery', h)).toBe(true);
    expect(await verifyPassword('correct horse batterY', h)).toBe(false);
  });
  it('salts every hash: the same password hashes differently', async () => {
    expect(await hashPassword('same password 1')).not.toBe(await hashPassword('same password 1'));
  });
  it('treats composed and decomposed Unicode alike (NFKC)', async () => {
    const h = await hashPassword('漳州Café-2022');
    expect(await verifyPassword('漳州Cafe\u0301-2022', h)).toBe(true);
  });
  it.each([
    ['empty', ''],
    ['null', null],
    ['another scheme', 'bcrypt$2b$10$abc'],
    ['absurd cost', 'scrypt$40$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['short salt', 'scrypt$15$8$1$AA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
  ])('a malformed stored hash (%s) never verifies and never throws', async (_, stored) => {
    expect(await verifyPassword('anything at all', stored)).toBe(false);
  });
  it('asks for a re-hash when the stored cost is below today’s', () => {
    expect(needsRehash('scrypt$14$8$1$x$y')).toBe(true);
    expect(needsRehash('scrypt$15$8$1$x$y')).toBe(false);
  });
});

describe('password rules', () => {
  it.each([
    ['short', 'abc123', /at least 10/],
    ['one repeated character', 'aaaaaaaaaaaa', /different characters/],
    ['contains the user name', 'zhangsan-2024!', /user name/],
  ])('refuses a %s password', (_, pw, message) => {
    const problem = passwordProblem(pw, ['zhangsan']);
    expect(messageOf(problem!.reason, problem!.params)).toMatch(message);
  });
  it('accepts a long, varied password', () => {
    expect(passwordProblem('漳州 city grid 2026', ['zhangsan'])).toBeNull();
  });
});
