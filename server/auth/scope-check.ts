// Messages for a refusal by scope. The refusal itself is decided in SQL (the scoped query found
// no row); these only say why, so the user knows what to ask for.
import type { TRPCError } from '@trpc/server';
import { refuse } from '../query-error.ts';
import type { Actor, Scope } from './actor.ts';

/** What a refusal is about: a kind of thing (a key of domain/messages.ts THINGS) and its id. */
export interface Target {
  what: string;
  id: number | string;
}

export function outOfScope(t: Target, scope: Scope, districtCode: string | null): TRPCError {
  return scope.kind === 'department'
    ? refuse('FORBIDDEN', 'scope.notYourDepartment', { ...t })
    : refuse('FORBIDDEN', 'scope.outsideDistricts', { ...t, district: districtCode ?? '—', yours: scope.districts?.join(', ') || '—' });
}

/** Whether one district code is inside a scope (for `editable` hints in answers, never for enforcement). */
export const districtInScope = (scope: Scope, districtCode: string) => scope.kind !== 'department' && (scope.districts === null || scope.districts.includes(districtCode));

/**
 * Why a scoped, versioned UPDATE changed no row: the row is gone (NOT_FOUND), outside the
 * scope (FORBIDDEN) or was changed meanwhile (CONFLICT, with the current version).
 */
export function explainMissedUpdate(t: Target, scope: Scope, current: { version: number; district_code: string } | undefined, version: number): TRPCError {
  if (!current) return refuse('NOT_FOUND', 'notFound', { ...t });
  if (!districtInScope(scope, current.district_code)) return outOfScope(t, scope, current.district_code);
  return refuse('CONFLICT', 'conflict.version', { ...t, current: current.version, yours: version });
}
/** Whether to offer edit controls for a thing in `districtCode` (the mutation checks again, in SQL). */
export const mayEditDistrict = (actor: Actor, action: string, districtCode: string) =>
  actor.kind === 'user' && actor.actions.has(action) && districtInScope(actor.scope, districtCode);
