// Who may make an API key, and what it may hold: never more than its creator — rights the
// creator holds (an account manager, who edits every role's rights, may give any but the
// management rights) in districts inside the creator's own. Rights and districts travel as bound
// parameters: a quote in a value is a named refusal, never a malformed array literal (a 500).
import { describe, expect, it } from 'vitest';
import { createApiKey } from '../server/admin/admin-queries.ts';
import type { Actor } from '../server/auth/actor.ts';
import { inRolledBackTransaction } from './support/rolled-back.ts';
import { actorOf, testEngine } from './support/test-db.ts';

/** The coordinator (芗城区 350602), given the right to manage tokens as an operator might edit the role's rights. */
async function coordinatorWithTokens(): Promise<Actor> {
  const a = await actorOf('demo-coordinator');
  return { ...a, actions: new Set([...a.actions, 'token.manage']) };
}

const reasonOf = async (p: Promise<unknown>) => p.then(() => 'made', (e: { reason?: string; code?: string }) => `${e.code}:${e.reason}`);

describe('an API key holds no more than its creator', () => {
  it.each([
    ['a right the creator lacks', { rights: ['case.create'], districtCodes: ['350602'] }, 'FORBIDDEN:admin.apiKeyBeyondCreator'],
    ['the whole city from a district-bound creator', { rights: ['case.read'], districtCodes: [] }, 'FORBIDDEN:admin.apiKeyOutsideScope'],
    ['another district', { rights: ['case.read'], districtCodes: ['350603'] }, 'FORBIDDEN:admin.apiKeyOutsideScope'],
    ['the creator’s own right in the creator’s district', { rights: ['case.read'], districtCodes: ['350602'] }, 'made'],
  ])('a district coordinator who manages tokens: %s', async (_, k, want) => {
    const engine = await testEngine();
    const by = await coordinatorWithTokens();
    expect(by.scope).toMatchObject({ kind: 'district', districts: ['350602'] });
    await inRolledBackTransaction(engine, async (tx) => {
      expect(await reasonOf(createApiKey(tx, by, { name: `k-${Math.random()}`, ratePerMinute: 60, ...k }))).toBe(want);
    });
  });

  it('the administrator (who edits every role’s rights) may give a right its own role lacks, city-wide; never the management rights', async () => {
    const engine = await testEngine();
    const admin = await actorOf('demo-admin');
    expect(admin.actions.has('case.create')).toBe(false);
    await inRolledBackTransaction(engine, async (tx) => {
      expect(await reasonOf(createApiKey(tx, admin, { name: 'k-admin-1', rights: ['case.create'], districtCodes: [], ratePerMinute: 60 }))).toBe('made');
      expect(await reasonOf(createApiKey(tx, admin, { name: 'k-admin-2', rights: ['user.manage'], districtCodes: [], ratePerMinute: 60 }))).toBe('BAD_REQUEST:admin.apiKeyRight');
      // a quote reaches the database as a bound value: an unknown right, not a malformed literal
      expect(await reasonOf(createApiKey(tx, admin, { name: 'k-admin-3', rights: ['case"read'], districtCodes: [], ratePerMinute: 60 }))).toBe('BAD_REQUEST:admin.unknownPermission');
    });
  });

  it('a department’s account makes no key', async () => {
    const engine = await testEngine();
    const handler = await actorOf('demo-handler');
    const by = { ...handler, actions: new Set([...handler.actions, 'token.manage']) };
    await inRolledBackTransaction(engine, async (tx) => {
      expect(await reasonOf(createApiKey(tx, by, { name: 'k-dept', rights: [], districtCodes: [], ratePerMinute: 60 }))).toBe('FORBIDDEN:admin.apiKeyOutsideScope');
    });
  });
});
