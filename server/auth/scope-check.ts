// Messages for a refusal by scope. The refusal itself is decided in SQL (the scoped query found
// no row); these only say why, so the user knows what to ask for.
import { TRPCError } from '@trpc/server';
import type { Actor, Scope } from './actor.ts';

export function outOfScope(what: string, scope: Scope, districtCode: string | null): TRPCError {
  const message =
    scope.kind === 'department'
      ? `${what} is not assigned to your department.`
      : `${what} is in district ${districtCode ?? '(none)'}, outside your districts (${scope.districts?.join(', ') || 'none bound'}).`;
  return new TRPCError({ code: 'FORBIDDEN', message });
}

/** Whether one district code is inside a scope (for `editable` hints in answers, never for enforcement). */
export const districtInScope = (scope: Scope, districtCode: string) => scope.kind !== 'department' && (scope.districts === null || scope.districts.includes(districtCode));

/**
 * Why a scoped, versioned UPDATE changed no row: the row is gone (NOT_FOUND), outside the
 * scope (FORBIDDEN) or was changed meanwhile (CONFLICT, with the current version).
 */
export function explainMissedUpdate(what: string, scope: Scope, current: { version: number; district_code: string } | undefined, version: number): TRPCError {
  if (!current) return new TRPCError({ code: 'NOT_FOUND', message: `No ${what}.` });
  if (!districtInScope(scope, current.district_code)) return outOfScope(what, scope, current.district_code);
  return new TRPCError({ code: 'CONFLICT', message: `Someone changed ${what} meanwhile (now version ${current.version}, you edited version ${version}). Reload it and apply your change again.` });
}

/** Whether to offer edit controls for a thing in `districtCode` (the mutation checks again, in SQL). */
export const mayEditDistrict = (actor: Actor, action: string, districtCode: string) =>
  actor.kind === 'user' && actor.actions.has(action) && districtInScope(actor.scope, districtCode);
