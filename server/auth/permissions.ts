// Role → actions, read from role_permissions (data, migration 0005). The one place the server
// asks "may this role do that?"; procedures call it through their builders (issue [3]).
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { queryFailed } from '../query-error.ts';

export type Scope = 'city' | 'district' | 'department';

export interface Grants {
  /** role code → the actions it may take */
  actions: Map<string, Set<string>>;
  scopes: Map<string, Scope>;
}

export async function loadGrants(db: Db): Promise<Grants> {
  try {
    const [grants, roles] = await Promise.all([
      rows<{ role_code: string; permission: string }>(db, sql`select role_code, permission from role_permissions order by role_code, permission`),
      rows<{ code: string; scope: Scope }>(db, sql`select code, scope from roles order by code`),
    ]);
    const actions = new Map<string, Set<string>>(roles.map((r) => [r.code, new Set<string>()]));
    for (const g of grants) actions.get(g.role_code)?.add(g.permission);
    return { actions, scopes: new Map(roles.map((r) => [r.code, r.scope])) };
  } catch (err) {
    throw queryFailed('role permissions', err);
  }
}

export function may(grants: Grants, role: string | null | undefined, action: string): boolean {
  return !!role && (grants.actions.get(role)?.has(action) ?? false);
}
