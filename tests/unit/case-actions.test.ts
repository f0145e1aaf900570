// Every move of the workflow table (domain/transitions.ts) has a control in the console: the
// case's action bar (client/features/dispatch/CaseActions.tsx) offers it in a state the table
// allows, to someone holding its right, and each of its fields has a widget. The lists below
// name the transitions without one; they must be empty.
import { describe, expect, it } from 'vitest';
import { FIELD_KINDS, TRANSITIONS, type Transition } from '../../domain/transitions.ts';
import { FIELD_WIDGETS, actionsFor, type CaseFacts } from '../../client/features/dispatch/CaseActions.tsx';

/** A case in the first state the transition starts from, with the guards it needs met. */
function factsFor(x: Transition): CaseFacts {
  return {
    id: 1, version: 1, status: x.from[0], pending: x.pending ?? null,
    checkPassed: x.check === 'passed' ? true : x.check === 'failed' ? false : null,
    source: x.publicOnly ? 'public' : 'inspector', repliedAt: null, satisfaction: null,
  };
}

describe('every transition of the workflow table has a control', () => {
  it('the action bar offers each one, in a state the table allows, to a holder of its right', () => {
    const without = TRANSITIONS.filter((x) => !actionsFor(factsFor(x), (p) => p === x.permission).some((a) => a.action === x.action)).map((x) => x.action);
    expect(without).toEqual([]);
  });
  it('nobody without the right is offered it', () => {
    const offered = TRANSITIONS.filter((x) => actionsFor(factsFor(x), (p) => p !== x.permission).some((a) => a.action === x.action)).map((x) => x.action);
    expect(offered).toEqual([]);
  });
  it('every field of every transition has a widget for its kind', () => {
    const missing = TRANSITIONS.flatMap((x) => [...x.required, ...x.optional].filter((f) => typeof FIELD_WIDGETS[FIELD_KINDS[f]] !== 'function').map((f) => `${x.action}.${f}`));
    expect(missing).toEqual([]);
  });
  it('a reply or a callback already made is not offered again', () => {
    const closed = { ...factsFor(TRANSITIONS.find((x) => x.action === 'reply')!), repliedAt: '2026-12-01T00:00:00Z', satisfaction: 'satisfied' };
    expect(actionsFor(closed, () => true).map((a) => a.action)).toEqual(['reopen']);
  });
  it("an inspector's own report is not accepted for verification (public reports only)", () => {
    const own = { ...factsFor(TRANSITIONS.find((x) => x.action === 'accept')!), source: 'inspector' };
    expect(actionsFor(own, () => true).map((a) => a.action)).not.toContain('accept');
  });
});
