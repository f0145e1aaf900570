// The accounts foundation (docs/decisions/0006) on the engine under test: roles and their rights are data,
// and the audit log cannot be edited or emptied.
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../db/engine.ts';
import { testEngine } from './support/test-db.ts';
import { inRolledBackTransaction } from './support/rolled-back.ts';

describe('roles and permissions as data', () => {
  const grants = async () =>
    rows<{ code: string; scope: string; assignable: boolean; n: number }>(
      (await testEngine()).db,
      sql`select r.code, r.scope, r.assignable, (select count(*)::int from role_permissions p where p.role_code = r.code) as n from roles r order by r.code`,
    );
  it('has the ten roles of domain.md for people, and the wall-display role for tokens, each with at least one right and a scope', async () => {
    const g = await grants();
    expect(g.filter((r) => r.assignable).map((r) => r.code)).toEqual(['admin', 'command_viewer', 'department_handler', 'dispatcher', 'district_coordinator', 'grid_worker', 'health_planner', 'inspector', 'intake_operator', 'shift_lead']);
    expect(g.filter((r) => !r.assignable).map((r) => r.code)).toEqual(['wall_display']);
    for (const r of g) expect(r.n, r.code).toBeGreaterThan(0);
    expect(g.find((r) => r.code === 'district_coordinator')?.scope).toBe('district');
    expect(g.find((r) => r.code === 'department_handler')?.scope).toBe('department');
  });
  it.each([
    ['dispatcher', 'case.dispatch', true],
    ['department_handler', 'case.handle', true],
    ['department_handler', 'case.close', false], // a department never closes its own cases
    ['district_coordinator', 'grid.edit', true],
    ['command_viewer', 'case.reporter.reveal', false],
    ['admin', 'case.close', false],
    ['nobody', 'case.read', false],
  ] as const)('%s may %s: %s', async (role, action, expected) => {
    const [r] = await rows<{ ok: boolean }>((await testEngine()).db, sql`select exists(select 1 from role_permissions where role_code = ${role} and permission = ${action}) as ok`);
    expect(r.ok).toBe(expected);
  });
});

describe('audit log', () => {
  it('accepts new rows and refuses UPDATE and DELETE', async () => {
    // in a transaction that is rolled back: the test row is not left in the shared city (the
    // log could not give it back); each refused statement in a savepoint of its own, since a
    // failed statement would end the transaction around it on PostgreSQL
    await inRolledBackTransaction(await testEngine(), async (db, engine) => {
      const [row] = await rows<{ id: number }>(db, sql`insert into audit_log (actor, action, target_kind, target_id) values ('test', 'test.append', 'case', '1') returning id::int as id`);
      // drizzle wraps the driver's error; the trigger's message is in its cause
      const reason = (q: ReturnType<typeof sql>) =>
        inRolledBackTransaction(engine, (sp) => sp.execute(q)).then(() => 'no error', (e: Error & { cause?: Error }) => `${e.message} ${e.cause?.message ?? ''}`);
      expect(await reason(sql`update audit_log set action = 'x' where id = ${row.id}`)).toMatch(/audit_log is append-only: UPDATE/);
      expect(await reason(sql`delete from audit_log where id = ${row.id}`)).toMatch(/audit_log is append-only: DELETE/);
      const [kept] = await rows<{ action: string }>(db, sql`select action from audit_log where id = ${row.id}`);
      expect(kept.action).toBe('test.append');
    });
  });
});
