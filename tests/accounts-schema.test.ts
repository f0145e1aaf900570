// The accounts foundation (issue [3]) on the engine under test: roles and their rights are data,
// and the audit log cannot be edited or emptied.
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../db/engine.ts';
import { loadGrants, may } from '../server/auth/permissions.ts';
import { testEngine } from './support/test-db.ts';

describe('roles and permissions as data', () => {
  it('has the nine roles of domain.md, each with at least one right and a scope', async () => {
    const g = await loadGrants((await testEngine()).db);
    expect([...g.actions.keys()].sort()).toEqual(['admin', 'command_viewer', 'department_handler', 'dispatcher', 'district_coordinator', 'health_planner', 'inspector', 'intake_operator', 'shift_lead']);
    for (const [role, actions] of g.actions) expect(actions.size, role).toBeGreaterThan(0);
    expect(g.scopes.get('district_coordinator')).toBe('district');
    expect(g.scopes.get('department_handler')).toBe('department');
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
    expect(may(await loadGrants((await testEngine()).db), role, action)).toBe(expected);
  });
});

describe('audit log', () => {
  it('accepts new rows and refuses UPDATE and DELETE', async () => {
    const { db } = await testEngine();
    const [row] = await rows<{ id: number }>(db, sql`insert into audit_log (actor, action, target_kind, target_id) values ('test', 'test.append', 'case', '1') returning id::int as id`);
    // drizzle wraps the driver's error; the trigger's message is in its cause
    const reason = (p: Promise<unknown>) => p.then(() => 'no error', (e: Error & { cause?: Error }) => `${e.message} ${e.cause?.message ?? ''}`);
    expect(await reason(db.execute(sql`update audit_log set action = 'x' where id = ${row.id}`))).toMatch(/audit_log is append-only: UPDATE/);
    expect(await reason(db.execute(sql`delete from audit_log where id = ${row.id}`))).toMatch(/audit_log is append-only: DELETE/);
    const [kept] = await rows<{ action: string }>(db, sql`select action from audit_log where id = ${row.id}`);
    expect(kept.action).toBe('test.append');
  });
});
