// Accounts, role rights and display tokens, for the admin screens. Bindings are validated
// against the role's scope (a department handler needs a department, a district-bound role at
// least one district); updates name the version they read (stale → CONFLICT).
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rows, textArray, type Db } from '../../db/engine.ts';
import { queryFailed } from '../query-error.ts';
import { hashPassword } from '../auth/password.ts';
import type { Actor } from '../auth/actor.ts';
import { hashSecret } from '../auth/secrets.ts';
import { refuse } from '../query-error.ts';

const pgArray = (codes: string[]) => `{${codes.join(',')}}`;

async function q<T>(db: Db, what: string, query: ReturnType<typeof sql>): Promise<T[]> {
  try {
    return await rows<T>(db, query);
  } catch (err) {
    throw queryFailed(what, err);
  }
}

export async function listUsers(db: Db) {
  const r = await q<{ id: number; username: string; display_name: string; role_code: string; department_id: number | null; district_codes: string[] | string; demo: boolean; disabled_at: Date | string | null; must_change_password: boolean; version: number; last_seen_at: Date | string | null }>(
    db,
    'users',
    sql`select u.id, u.username, u.display_name, u.role_code, u.department_id, u.district_codes::text[] as district_codes, u.demo, u.disabled_at,
               u.must_change_password, u.version, (select max(s.last_seen_at) from sessions s where s.user_id = u.id) as last_seen_at
        from users u order by u.demo, u.username`,
  );
  return r.map((u) => ({
    id: u.id, username: u.username, displayName: u.display_name, roleCode: u.role_code, departmentId: u.department_id, districtCodes: textArray(u.district_codes),
    demo: u.demo, disabled: u.disabled_at !== null, mustChangePassword: u.must_change_password, version: u.version,
    lastSeenAt: u.last_seen_at ? new Date(u.last_seen_at).toISOString() : null,
  }));
}

/** Roles with their rights and scope, every permission, departments and districts: what the admin forms offer. */
export async function adminOptions(db: Db) {
  const [roles, grants, permissions, departments, districts] = await Promise.all([
    q<{ code: string; name: string; name_en: string; scope: string; assignable: boolean }>(db, 'roles', sql`select code, name, name_en, scope, assignable from roles order by code`),
    q<{ role_code: string; permission: string }>(db, 'role permissions', sql`select role_code, permission from role_permissions order by role_code, permission`),
    q<{ code: string; description: string; description_en: string }>(db, 'permissions', sql`select code, description, description_en from permissions order by code`),
    q<{ id: number; code: string; name: string; name_en: string; kind: string }>(db, 'departments', sql`select id, code, name, name_en, kind from departments order by kind, code`),
    q<{ code: string; name: string; name_en: string }>(db, 'districts', sql`select code::text as code, name, name_en from districts order by code`),
  ]);
  return {
    roles: roles.map((r) => ({ code: r.code, name: r.name, nameEn: r.name_en, scope: r.scope as 'city' | 'district' | 'department', assignable: r.assignable, permissions: grants.filter((g) => g.role_code === r.code).map((g) => g.permission) })),
    permissions: permissions.map((p) => ({ code: p.code, description: p.description, descriptionEn: p.description_en })),
    departments: departments.map((d) => ({ id: d.id, code: d.code, name: d.name, nameEn: d.name_en, kind: d.kind })),
    districts: districts.map((d) => ({ code: d.code, name: d.name, nameEn: d.name_en })),
  };
}

export interface Binding {
  roleCode: string;
  departmentId: number | null;
  districtCodes: string[];
}

/** The binding a role needs, checked against what exists; a clear BAD_REQUEST otherwise. */
async function checkBinding(db: Db, b: Binding): Promise<Binding> {
  const [role] = await q<{ scope: string; assignable: boolean; dept_ok: boolean; known: string[] | string }>(
    db,
    'check binding',
    sql`select r.scope, r.assignable, exists(select 1 from departments where id = ${b.departmentId}) as dept_ok,
               (select coalesce(array_agg(code::text), '{}') from districts where code::text = any(${pgArray(b.districtCodes)}::text[]))::text[] as known
        from roles r where r.code = ${b.roleCode}`,
  );
  if (!role) throw refuse('BAD_REQUEST', 'admin.unknownRole', { role: b.roleCode });
  if (!role.assignable) throw refuse('BAD_REQUEST', 'admin.roleNotForPeople', { role: b.roleCode });
  const unknown = b.districtCodes.filter((d) => !textArray(role.known).includes(d));
  if (unknown.length) throw refuse('BAD_REQUEST', 'admin.unknownDistricts', { codes: unknown.join(', ') });
  if (role.scope === 'department') {
    if (b.departmentId === null) throw refuse('BAD_REQUEST', 'admin.handlerNeedsDepartment');
    if (!role.dept_ok) throw refuse('BAD_REQUEST', 'admin.unknownDepartment', { id: b.departmentId });
    return { ...b, districtCodes: [] };
  }
  if (role.scope === 'district') {
    if (!b.districtCodes.length) throw refuse('BAD_REQUEST', 'admin.needsDistrict');
    return { ...b, departmentId: null };
  }
  return { ...b, departmentId: null, districtCodes: [] };
}

const oneTimePassword = () => randomBytes(12).toString('base64url');

export async function createUser(db: Db, input: Binding & { username: string; displayName: string }) {
  const b = await checkBinding(db, input);
  const password = oneTimePassword();
  const hash = await hashPassword(password);
  const [r] = await q<{ id: number }>(
    db,
    'create user',
    sql`insert into users (username, display_name, role_code, department_id, district_codes, password_hash, must_change_password)
        values (${input.username}, ${input.displayName}, ${b.roleCode}, ${b.departmentId}, ${pgArray(b.districtCodes)}::char(6)[], ${hash}, true)
        on conflict (username) do nothing returning id`,
  );
  if (!r) throw refuse('CONFLICT', 'admin.userNameTaken', { username: input.username });
  return { id: r.id, oneTimePassword: password };
}

export interface UserUpdate {
  id: number;
  version: number;
  displayName?: string;
  roleCode?: string;
  departmentId?: number | null;
  districtCodes?: string[];
  disabled?: boolean;
}

export async function updateUser(db: Db, by: Actor, u: UserUpdate, now: Date) {
  const [cur] = await q<{ role_code: string; department_id: number | null; district_codes: string[] | string; display_name: string; disabled: boolean; version: number }>(
    db,
    'read user',
    sql`select role_code, department_id, district_codes::text[] as district_codes, display_name, disabled_at is not null as disabled, version from users where id = ${u.id} for update`,
  );
  if (!cur) throw refuse('NOT_FOUND', 'notFound', { what: 'user', id: u.id });
  if (cur.version !== u.version) {
    throw refuse('CONFLICT', 'conflict.version', { what: 'user', id: u.id, current: cur.version, yours: u.version });
  }
  if (u.id === by.id && by.kind === 'user' && (u.disabled || (u.roleCode && u.roleCode !== cur.role_code))) {
    throw refuse('BAD_REQUEST', 'admin.noSelfLockout');
  }
  const b = await checkBinding(db, {
    roleCode: u.roleCode ?? cur.role_code,
    departmentId: u.departmentId !== undefined ? u.departmentId : cur.department_id,
    districtCodes: u.districtCodes ?? textArray(cur.district_codes),
  });
  const disabled = u.disabled ?? cur.disabled;
  await q(
    db,
    'update user',
    sql`update users set display_name = ${u.displayName ?? cur.display_name}, role_code = ${b.roleCode}, department_id = ${b.departmentId},
               district_codes = ${pgArray(b.districtCodes)}::char(6)[],
               disabled_at = ${disabled ? sql`coalesce(disabled_at, ${now.toISOString()}::timestamptz)` : sql`null`}, version = version + 1
        where id = ${u.id}`,
  );
  // a disabled account or a changed role starts over: its sessions end
  if (disabled || b.roleCode !== cur.role_code) await revokeSessionsOf(db, u.id, now);
  return { id: u.id, version: cur.version + 1 };
}

async function revokeSessionsOf(db: Db, userId: number, now: Date) {
  await q(db, 'end sessions', sql`update sessions set revoked_at = ${now.toISOString()}::timestamptz where user_id = ${userId} and revoked_at is null`);
}

export async function resetPassword(db: Db, id: number, now: Date) {
  const password = oneTimePassword();
  const hash = await hashPassword(password);
  const r = await q<{ id: number }>(db, 'reset password', sql`update users set password_hash = ${hash}, must_change_password = true, version = version + 1 where id = ${id} and not demo returning id`);
  if (!r.length) throw refuse('NOT_FOUND', 'admin.noUserToReset', { id });
  await revokeSessionsOf(db, id, now);
  return { id, oneTimePassword: password };
}

/** Grants or withdraws one right of one role. The administrators' right to manage users stays, so nobody is locked out. */
export async function setPermission(db: Db, p: { roleCode: string; permission: string; granted: boolean }) {
  if (p.roleCode === 'admin' && p.permission === 'user.manage' && !p.granted) {
    throw refuse('BAD_REQUEST', 'admin.keepUserManage');
  }
  const [known] = await q<{ role: boolean; perm: boolean }>(db, 'check right', sql`select exists(select 1 from roles where code = ${p.roleCode}) as role, exists(select 1 from permissions where code = ${p.permission}) as perm`);
  if (!known.role) throw refuse('BAD_REQUEST', 'admin.unknownRole', { role: p.roleCode });
  if (!known.perm) throw refuse('BAD_REQUEST', 'admin.unknownPermission', { permission: p.permission });
  await q(
    db,
    'set right',
    p.granted
      ? sql`insert into role_permissions (role_code, permission) values (${p.roleCode}, ${p.permission}) on conflict do nothing`
      : sql`delete from role_permissions where role_code = ${p.roleCode} and permission = ${p.permission}`,
  );
  return p;
}

export async function listTokens(db: Db) {
  const r = await q<{ id: number; name: string; district_codes: string[] | string; created_at: Date | string; revoked_at: Date | string | null; created_by: string | null }>(
    db,
    'display tokens',
    sql`select t.id, t.name, t.district_codes::text[] as district_codes, t.created_at, t.revoked_at, u.username as created_by
        from display_tokens t left join users u on u.id = t.created_by order by t.revoked_at nulls first, t.id desc`,
  );
  return r.map((t) => ({ id: t.id, name: t.name, districtCodes: textArray(t.district_codes), createdAt: new Date(t.created_at).toISOString(), revokedAt: t.revoked_at ? new Date(t.revoked_at).toISOString() : null, createdBy: t.created_by }));
}

/** A new token: returned once (only its hash is stored). */
export async function createToken(db: Db, by: Actor, t: { name: string; districtCodes: string[] }) {
  if (t.districtCodes.length) {
    const [k] = await q<{ n: number }>(db, 'check districts', sql`select count(*)::int as n from districts where code::text = any(${pgArray(t.districtCodes)}::text[])`);
    if (k.n !== new Set(t.districtCodes).size) throw refuse('BAD_REQUEST', 'admin.unknownDistricts', { codes: t.districtCodes.join(', ') });
  }
  const token = randomBytes(24).toString('base64url');
  const [r] = await q<{ id: number }>(
    db,
    'create display token',
    sql`insert into display_tokens (name, token_hash, district_codes, created_by) values (${t.name}, ${hashSecret(token)}, ${pgArray(t.districtCodes)}::char(6)[], ${by.kind === 'user' ? by.id : null}) returning id`,
  );
  return { id: r.id, token };
}

export async function revokeToken(db: Db, id: number, now: Date) {
  const r = await q<{ id: number }>(db, 'revoke display token', sql`update display_tokens set revoked_at = coalesce(revoked_at, ${now.toISOString()}::timestamptz) where id = ${id} returning id`);
  if (!r.length) throw refuse('NOT_FOUND', 'notFound', { what: 'display token', id });
  return { id };
}

/** NOT_FOUND unless an account has this user name. */
export async function userExists(db: Db, username: string): Promise<void> {
  const r = await q<{ id: number }>(db, 'user', sql`select id from users where username = ${username}`);
  if (!r.length) throw refuse('NOT_FOUND', 'notFoundBy', { what: 'user', by: username });
}

/** Rights a key may never hold: managing accounts, rights and tokens is for people (a leaked key must not mint keys). */
export const RIGHTS_NOT_FOR_KEYS: readonly string[] = ['user.manage', 'token.manage'];

/** API keys (migration 0020, docs/decisions/0020), newest first, revoked last; never the key itself. */
export async function listApiKeys(db: Db) {
  const r = await q<{ id: number; name: string; rights: string[] | string; district_codes: string[] | string; rate_per_minute: number; created_at: Date | string; revoked_at: Date | string | null; created_by: string | null }>(
    db,
    'API keys',
    sql`select k.id, k.name, k.rights::text[] as rights, k.district_codes::text[] as district_codes, k.rate_per_minute, k.created_at, k.revoked_at, u.username as created_by
        from api_keys k left join users u on u.id = k.created_by order by k.revoked_at nulls first, k.id desc`,
  );
  return r.map((k) => ({
    id: k.id, name: k.name, rights: textArray(k.rights), districtCodes: textArray(k.district_codes), ratePerMinute: k.rate_per_minute,
    createdAt: new Date(k.created_at).toISOString(), revokedAt: k.revoked_at ? new Date(k.revoked_at).toISOString() : null, createdBy: k.created_by,
  }));
}

/**
 * A new API key with its own rights (permission codes, each known and none of RIGHTS_NOT_FOR_KEYS),
 * districts (empty = the whole city) and requests per minute. The key is returned once: only its
 * SHA-256 is stored.
 */
export async function createApiKey(db: Db, by: Actor, k: { name: string; rights: string[]; districtCodes: string[]; ratePerMinute: number }) {
  const rights = [...new Set(k.rights)].sort();
  for (const r of rights) if (RIGHTS_NOT_FOR_KEYS.includes(r)) throw refuse('BAD_REQUEST', 'admin.apiKeyRight', { permission: r });
  // a key never holds more than its creator: only rights the creator holds (whoever manages
  // accounts edits every role's rights anyway, so may give any) ...
  const notHeld = by.actions.has('user.manage') ? undefined : rights.find((r) => !by.actions.has(r));
  if (notHeld) throw refuse('FORBIDDEN', 'admin.apiKeyBeyondCreator', { permission: notHeld });
  // ... in districts inside the creator's scope (the whole city only for a city-wide creator; none for a department's)
  if (by.scope.kind === 'department') throw refuse('FORBIDDEN', 'admin.apiKeyOutsideScope', { area: 'department' });
  if (by.scope.districts !== null) {
    const outside = k.districtCodes.length ? k.districtCodes.find((d) => !by.scope.districts!.includes(d)) : 'city';
    if (outside) throw refuse('FORBIDDEN', 'admin.apiKeyOutsideScope', { area: outside });
  }
  if (rights.length) {
    const known = await q<{ code: string }>(db, 'check permissions', sql`select code from permissions where code = any(${sql.param(rights)}::text[])`);
    const missing = rights.find((r) => !known.some((p) => p.code === r));
    if (missing) throw refuse('BAD_REQUEST', 'admin.unknownPermission', { permission: missing });
  }
  if (k.districtCodes.length) {
    const [n] = await q<{ n: number }>(db, 'check districts', sql`select count(*)::int as n from districts where code::text = any(${sql.param(k.districtCodes)}::text[])`);
    if (n.n !== new Set(k.districtCodes).size) throw refuse('BAD_REQUEST', 'admin.unknownDistricts', { codes: k.districtCodes.join(', ') });
  }
  const key = `cgk_${randomBytes(24).toString('base64url')}`;
  const [r] = await q<{ id: number }>(
    db,
    'create API key',
    sql`insert into api_keys (name, key_hash, rights, district_codes, rate_per_minute, created_by)
        values (${k.name}, ${hashSecret(key)}, ${sql.param(rights)}::text[], ${sql.param(k.districtCodes)}::char(6)[], ${k.ratePerMinute}, ${by.kind === 'user' ? by.id : null})
        on conflict (name) do nothing returning id`,
  );
  if (!r) throw refuse('CONFLICT', 'admin.apiKeyNameTaken', { name: k.name });
  return { id: r.id, name: k.name, key };
}

export async function revokeApiKey(db: Db, id: number, now: Date) {
  const r = await q<{ id: number }>(db, 'revoke API key', sql`update api_keys set revoked_at = coalesce(revoked_at, ${now.toISOString()}::timestamptz) where id = ${id} returning id`);
  if (!r.length) throw refuse('NOT_FOUND', 'notFound', { what: 'API key', id });
  return { id };
}
