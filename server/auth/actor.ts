// Who is asking: a signed-in user, a wall-screen display token or (outside tRPC, on the write
// routes that take them) an API key, with the actions their role may take (role_permissions,
// data; an API key's own explicit rights) and the scope those actions apply in. Resolved once per
// request, in one query each, by the HTTP layer; procedures only read `ctx.actor`.
import { sql, type SQL } from 'drizzle-orm';
import { rows, textArray, type Db } from '../../db/engine.ts';
import { queryFailed } from '../query-error.ts';
import type { SessionPolicy } from './sessions.ts';
import { hashSecret } from './secrets.ts';

/** Where an actor's rights apply. `districts: null` is the whole city. */
export interface Scope {
  kind: 'city' | 'district' | 'department';
  districts: string[] | null;
  departmentId: number | null;
}

export interface Actor {
  kind: 'user' | 'display' | 'apiKey';
  /** users.id, display_tokens.id for a token, api_keys.id for a key */
  id: number;
  /** The user name, or `display:<token name>` (what the audit log records). */
  name: string;
  displayName: string;
  roleCode: string;
  actions: ReadonlySet<string>;
  scope: Scope;
  /** A one-time password is still in use: only changing it is allowed. */
  mustChangePassword: boolean;
  demo: boolean;
  /** An API key's requests per minute (api_keys.rate_per_minute); absent for the other kinds. */
  ratePerMinute?: number;
}

/** The pseudo-role of API keys: a key has explicit rights, no role (what messages and statement tags name). */
export const API_KEY_ROLE = 'api_key';


type ActorRow = {
  id: number; name: string; display_name: string; role_code: string; scope: Scope['kind']; department_id: number | null;
  district_codes: string[] | string; actions: string[] | string; must_change_password: boolean; demo: boolean;
};


const actions = sql`coalesce((select array_agg(rp.permission order by rp.permission) from role_permissions rp where rp.role_code = r.code), '{}')::text[]`;

function toActor(kind: Actor['kind'], r: ActorRow): Actor {
  const districts = textArray(r.district_codes);
  // district-bound with no districts means nowhere (a safe default), except for display tokens,
  // whose empty list is an explicit "whole city" chosen when the token was made
  const scope: Scope =
    r.scope === 'department'
      ? { kind: 'department', districts: null, departmentId: r.department_id }
      : r.scope === 'district' && !(kind === 'display' && districts.length === 0)
        ? { kind: 'district', districts, departmentId: null }
        : { kind: 'city', districts: null, departmentId: null };
  return {
    kind, id: r.id, name: r.name, displayName: r.display_name, roleCode: r.role_code, actions: new Set(textArray(r.actions)), scope,
    mustChangePassword: r.must_change_password, demo: r.demo,
  };
}

/**
 * The user of a live session (not revoked, expired or idle, account enabled), touching it; else
 * null. `touch: false` reads without touching (a live stream's re-check is no sign of activity).
 */
export async function actorFromSession(db: Db, token: string | undefined, now: Date, p: Pick<SessionPolicy, 'sessionIdleMinutes'>, opts: { refuseDemo: boolean; touch?: boolean }): Promise<Actor | null> {
  if (!token || token.length > 100) return null;
  const at = now.toISOString();
  try {
    // one call to a SQL function (migration 0009): its plan is cached, the SELECT's would not be
    const [r] = await rows<ActorRow & { stale: boolean }>(
      db,
      sql`select * from cg_session_actor(${hashSecret(token)}, ${at}::timestamptz, ${p.sessionIdleMinutes}::int)`,
    );
    // last_seen_at (the idle timeout) is written at most once a minute, so most requests cost one read
    if (r?.stale && opts.touch !== false) await db.execute(sql`update sessions set last_seen_at = ${at}::timestamptz where token_hash = ${hashSecret(token)}`);
    if (!r || (opts.refuseDemo && r.demo)) return null;
    return toActor('user', r);
  } catch (err) {
    throw queryFailed('session lookup', err);
  }
}

/** A display token that has not been revoked, acting as the role 'wall_display'. */
export async function actorFromDisplayToken(db: Db, token: string | undefined): Promise<Actor | null> {
  if (!token || token.length > 100) return null;
  return displayActorWhere(db, sql`t.token_hash = ${hashSecret(token)}`);
}

/** The actor of a display token by its id, while it is not revoked (a live stream's re-check). */
export const displayActorById = (db: Db, id: number): Promise<Actor | null> => displayActorWhere(db, sql`t.id = ${id}`);

async function displayActorWhere(db: Db, where: SQL): Promise<Actor | null> {
  try {
    const [r] = await rows<ActorRow>(
      db,
      sql`select t.id, 'display:' || t.name as name, t.name as display_name, r.code as role_code, r.scope, null::int as department_id,
                 t.district_codes::text[] as district_codes, ${actions} as actions, false as must_change_password, false as demo
          from display_tokens t join roles r on r.code = 'wall_display'
          where ${where} and t.revoked_at is null`,
    );
    return r ? toActor('display', r) : null;
  } catch (err) {
    throw queryFailed('display token lookup', err);
  }
}

/**
 * The API key sent as `key` (header x-api-key), not revoked: an actor of kind 'apiKey' named
 * `apikey:<name>`, with the key's own rights and districts (none: the whole city); else null.
 */
export async function actorFromApiKey(db: Db, key: string | undefined): Promise<Actor | null> {
  if (!key || key.length > 100) return null;
  try {
    const [r] = await rows<{ id: number; name: string; rights: string[] | string; district_codes: string[] | string; rate_per_minute: number }>(
      db,
      sql`select id, name, rights::text[] as rights, district_codes::text[] as district_codes, rate_per_minute from api_keys where key_hash = ${hashSecret(key)} and revoked_at is null`,
    );
    if (!r) return null;
    const districts = textArray(r.district_codes);
    return {
      kind: 'apiKey', id: r.id, name: `apikey:${r.name}`, displayName: r.name, roleCode: API_KEY_ROLE, actions: new Set(textArray(r.rights)),
      scope: districts.length ? { kind: 'district', districts, departmentId: null } : { kind: 'city', districts: null, departmentId: null },
      mustChangePassword: false, demo: false, ratePerMinute: r.rate_per_minute,
    };
  } catch (err) {
    throw queryFailed('API key lookup', err);
  }
}

/**
 * The SQL condition that keeps a case row inside the actor's scope (the only place a scope
 * becomes a filter: every case query ANDs it in). `c` is the cases alias of the query.
 */
export function caseScopeSql(scope: Scope, c = 'c'): SQL {
  const col = (name: string) => sql.raw(`${c}.${name}`);
  if (scope.kind === 'department') return scope.departmentId === null ? sql`false` : sql`${col('department_id')} = ${scope.departmentId}`;
  return districtScopeSql(scope, col('district_code'));
}

/** A district code column inside the scope (`true` city-wide, `false` for a department). */
export function districtScopeSql(scope: Scope, districtCode: SQL): SQL {
  if (scope.kind === 'department') return sql`false`; // a department's scope is its cases, not an area
  if (scope.districts === null) return sql`true`;
  if (scope.districts.length === 0) return sql`false`;
  return sql`${districtCode}::text in (${sql.join(scope.districts.map((d) => sql`${d}`), sql`, `)})`;
}

/** A stable key for caches of scoped answers. */
export const scopeKey = (s: Scope) => `${s.kind}:${s.districts?.join('+') ?? '*'}:${s.departmentId ?? '*'}`;

/** The whole city: every case (a city-wide role, and the server's own work such as warming the feed). */
export const CITY: Scope = Object.freeze({ kind: 'city', districts: null, departmentId: null });

/** A scope that covers nothing (counts for a role that may not read cases). */
export const NOWHERE: Scope = Object.freeze({ kind: 'district', districts: [], departmentId: null });
