// Accounts and roles: who acts (events name their actor), their rights as data, sessions,
// audit and display tokens (docs/decisions/0006).
import { pgTable, serial, bigserial, text, integer, timestamp, char, boolean, jsonb, index, primaryKey } from 'drizzle-orm/pg-core';
import { departments } from './dispatch.ts';

export const roles = pgTable('roles', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  nameEn: text('name_en').notNull(),
  /** Where the role's rights apply: 'city', 'district' (users.district_codes) or 'department' (users.department_id). */
  scope: text('scope').notNull().default('city'),
  /** Whether the admin screens offer it for people (false for the wall-display role of tokens). */
  assignable: boolean('assignable').notNull().default(true),
});

export const users = pgTable('users', {
  id: serial('id').primaryKey(),
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull(),
  roleCode: text('role_code').notNull().references(() => roles.code),
  departmentId: integer('department_id').references(() => departments.id),
  /** District scope for district-bound roles (empty = city-wide). */
  districtCodes: char('district_codes', { length: 6 }).array().notNull().default([]),
  passwordHash: text('password_hash'),
  /** A demo account (documented password); refused when the server runs in production mode. */
  demo: boolean('demo').notNull().default(false),
  disabledAt: timestamp('disabled_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  /** A one-time password (first-run admin, reset by an admin): nothing else works until it is changed. */
  mustChangePassword: boolean('must_change_password').notNull().default(false),
  /** Optimistic concurrency for the admin screens: an update names the version it read. */
  version: integer('version').notNull().default(1),
});

// ---- accounts (docs/decisions/0006): permissions as data, sessions, audit, display tokens

/** An action a role may be granted (e.g. case.dispatch, grid.edit). */
export const permissions = pgTable('permissions', {
  code: text('code').primaryKey(),
  description: text('description').notNull(),
  descriptionEn: text('description_en').notNull(),
});

/** Which role may do what: the one table every check reads (never a list in code). */
export const rolePermissions = pgTable(
  'role_permissions',
  {
    roleCode: text('role_code').notNull().references(() => roles.code),
    permission: text('permission').notNull().references(() => permissions.code),
  },
  (t) => [primaryKey({ columns: [t.roleCode, t.permission] })],
);

/** Sessions: only the SHA-256 of the cookie token is stored. */
export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: integer('user_id').notNull().references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** Login attempts, for throttling repeated failures by user name and by address. */
export const loginAttempts = pgTable(
  'login_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    username: text('username').notNull(),
    ip: text('ip'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    ok: boolean('ok').notNull(),
    /** 'password' (a sign-in or a password change), or 'unlock' (an administrator lifted a lock: ok, username or ip set). */
    kind: text('kind').notNull().default('password'),
    /** The SHA-256 of the browser's device cookie, when it sent one that this user name earned before. */
    deviceHash: text('device_hash'),
  },
  (t) => [
    index('login_attempts_user_at_idx').on(t.username, t.at),
    index('login_attempts_ip_at_idx').on(t.ip, t.at),
    index('login_attempts_device_at_idx').on(t.deviceHash, t.at),
  ],
);

/**
 * Device cookies (OWASP "device cookies" against lockout abuse): a browser that signed in as a
 * user name gets a long-lived random token; while its own failures stay under the limit it may
 * sign in even when the user name is locked by someone else's guessing. Only the hash is stored.
 */
export const loginDevices = pgTable(
  'login_devices',
  {
    tokenHash: text('token_hash').primaryKey(),
    username: text('username').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('login_devices_user_idx').on(t.username)],
);

/** Who did what, when and from where. Append-only (a trigger rejects UPDATE and DELETE). */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    userId: integer('user_id').references(() => users.id),
    /** The user name or display-token name at the time (kept even if the account goes). */
    actor: text('actor').notNull(),
    roleCode: text('role_code'),
    /** 'user', 'display' or 'apiKey' (migration 0020; null on rows written before it). */
    actorKind: text('actor_kind'),
    action: text('action').notNull(),
    targetKind: text('target_kind'),
    targetId: text('target_id'),
    ip: text('ip'),
    detail: jsonb('detail'),
    /** Identical refusals (same actor, action, address and reason) within minutes are one row, counted. */
    fingerprint: text('fingerprint'),
    repeats: integer('repeats').notNull().default(1),
    lastAt: timestamp('last_at', { withTimezone: true }),
  },
  (t) => [
    index('audit_log_at_idx').on(t.at),
    index('audit_log_actor_idx').on(t.actor, t.at),
    index('audit_log_action_idx').on(t.action, t.at),
    index('audit_log_fingerprint_idx').on(t.fingerprint, t.at),
  ],
);

/** Read-only, revocable tokens for unattended wall screens (only the hash is stored). */
export const displayTokens = pgTable('display_tokens', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  /** Districts the screen may show (empty = the whole city). */
  districtCodes: char('district_codes', { length: 6 }).array().notNull().default([]),
  createdBy: integer('created_by').references(() => users.id),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

/**
 * Keys for machines calling the API outside the browser (migration 0020, docs/decisions/0020):
 * sent in the `x-api-key` header, never a cookie, so no CSRF token applies. Only the SHA-256 of
 * the key is stored (as for sessions). A key has its own explicit rights (permission codes, no
 * role), its districts (empty = the whole city), its requests per minute, and is audited as
 * itself (audit_log.actor_kind 'apiKey', actor 'apikey:<name>').
 */
export const apiKeys = pgTable('api_keys', {
  id: serial('id').primaryKey(),
  /** Unique, revoked keys included: the audit names a key by it for good. */
  name: text('name').notNull().unique(),
  keyHash: text('key_hash').notNull().unique(),
  rights: text('rights').array().notNull().default([]),
  districtCodes: char('district_codes', { length: 6 }).array().notNull().default([]),
  ratePerMinute: integer('rate_per_minute').notNull().default(60),
  createdBy: integer('created_by').references(() => users.id),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});
