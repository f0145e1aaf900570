import { describe, expect, it } from 'vitest';
import { ACTIONS, TRANSITIONS, blockedBy, possibleActions, transitionOf, walk, type CaseGuardFacts } from '../../domain/transitions.ts';
import { STATUSES } from '../../domain/workflow.ts';
import { appRouter } from '../../server/router.ts';

const at = (status: string, more: Partial<CaseGuardFacts> = {}): CaseGuardFacts => ({ status, pending: null, checkPassed: null, fromPublic: false, ...more });

describe('the workflow table', () => {
  it.each([
    ['accept', 'reported', 'verifying', 'case.create', 'intake_operator'],
    ['verify', 'verifying', 'verified', 'case.verify', 'inspector'],
    ['selfHandle', 'reported', 'closed', 'case.verify', 'inspector'],
    ['file', 'verified', 'filed', 'case.file', 'shift_lead'],
    ['file', 'reported', 'filed', 'case.file', 'shift_lead'],
    ['void', 'verified', 'voided', 'case.file', 'shift_lead'],
    ['dispatch', 'filed', 'dispatched', 'case.dispatch', 'dispatcher'],
    ['dispatch', 'returned', 'dispatched', 'case.dispatch', 'dispatcher'],
    ['signFor', 'dispatched', 'accepted', 'case.handle', 'department_handler'],
    ['return', 'dispatched', 'returned', 'case.handle', 'department_handler'],
    ['return', 'accepted', 'returned', 'case.handle', 'department_handler'],
    ['requestExtension', 'accepted', 'accepted', 'case.handle', 'department_handler'],
    ['extend', 'accepted', 'accepted', 'case.extend.approve', 'dispatcher'],
    ['park', 'accepted', 'parked', 'case.park.approve', 'dispatcher'],
    ['resume', 'parked', 'accepted', 'case.park.approve', 'dispatcher'],
    ['handle', 'accepted', 'handled', 'case.handle', 'department_handler'],
    ['check', 'handled', 'checked', 'case.check', 'inspector'],
    ['close', 'checked', 'closed', 'case.close', 'shift_lead'],
    ['rework', 'checked', 'accepted', 'case.close', 'shift_lead'],
    ['reply', 'closed', 'closed', 'case.callback', 'intake_operator'],
    ['callback', 'closed', 'closed', 'case.callback', 'intake_operator'],
    ['reopen', 'closed', 'filed', 'case.close', 'shift_lead'],
  ])('%s: %s → %s, by %s (%s)', (action, from, to, permission, role) => {
    const x = transitionOf(action)!;
    expect(walk(from as never, action)).toBe(to);
    expect({ permission: x.permission, role: x.role }).toEqual({ permission, role });
  });

  it.each([
    ['handle', 'dispatched', 'a department handles only what it signed for'],
    ['dispatch', 'reported', 'nothing is dispatched before it is filed'],
    ['close', 'handled', 'nothing is closed before the check'],
    ['file', 'verifying', 'a public report is filed only once verified'],
    ['signFor', 'accepted', 'signing for twice'],
    ['reopen', 'voided', 'a voided report cannot be reopened'],
    ['verify', 'reported', 'a report is verified only once intake sent it'],
    ['resume', 'accepted', 'only a parked case resumes'],
  ])('forbids %s from %s (%s)', (action, from) => {
    expect(() => walk(from as never, action)).toThrow(/not allowed/);
  });

  it('every status but the first is reached by some action, and every action starts from known statuses', () => {
    const reached = new Set(TRANSITIONS.flatMap((x) => (x.to === 'same' ? x.from : [x.to])));
    expect(STATUSES.filter((s) => s !== 'reported' && !reached.has(s))).toEqual([]);
    for (const x of TRANSITIONS) for (const f of x.from) expect(STATUSES).toContain(f);
  });

  it.each([
    ['an approval without a request', 'extend', at('accepted'), 'pending'],
    ['a second request while one waits', 'requestPark', at('accepted', { pending: 'extension' }), 'pending'],
    ['handling while a request waits', 'handle', at('accepted', { pending: 'park' }), 'pending'],
    ['closing after a failed check', 'close', at('checked', { checkPassed: false }), 'check'],
    ['rework after a passed check', 'rework', at('checked', { checkPassed: true }), 'check'],
    ['a reply to an inspector’s own report', 'reply', at('closed'), 'publicOnly'],
  ])('guards: %s', (_t, action, c, why) => {
    expect(blockedBy(transitionOf(action)!, c)?.why).toBe(why);
  });

  it('offers a checked case that passed only closing and a closed public case reply, callback and reopen', () => {
    expect(possibleActions(at('checked', { checkPassed: true })).map((x) => x.action)).toEqual(['close']);
    expect(possibleActions(at('closed', { fromPublic: true })).map((x) => x.action)).toEqual(['reply', 'callback', 'reopen']);
  });

  it('the dispatch router has one mutation per action, with the action’s right', () => {
    const defs = (appRouter._def.procedures as unknown as Record<string, { _def: { meta?: { permission?: string } } }>);
    const dispatch = Object.keys(defs).filter((k) => k.startsWith('dispatch.')).map((k) => k.slice('dispatch.'.length));
    expect(dispatch.filter((k) => !['route', 'rulesReport', 'rules', 'saveRule', 'retireRule', 'myTasks', 'register', 'bulkDispatch', 'events', 'disputes', 'queue', 'intakePreview', 'categories', 'departments', 'visitStaff'].includes(k)).sort()).toEqual([...ACTIONS].sort());
    for (const a of ACTIONS) expect(defs[`dispatch.${a}`]._def.meta?.permission).toBe(transitionOf(a)!.permission);
  });
});
