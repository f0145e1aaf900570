// The admin screens: users and their bindings, role rights, display tokens, the settings.
import { isIP } from 'node:net';
import { z } from 'zod';
import { router, allowed, mutation, nowOf } from '../trpc.ts';
import { idInput, placeCode } from '../geo/bbox.ts';
import { boundedInt, int32Id, issue, text } from '../inputs.ts';
import { liftLoginLock, lockedUserNames, sessionPolicy } from '../auth/sessions.ts';
import { checkSetting, isSettingKey } from '../../domain/settings-policy.ts';
import { messageOf } from '../../domain/messages.ts';
import { listSettings, saveSetting } from '../settings/settings.ts';
import { userExists, adminOptions, createApiKey, createToken, createUser, listApiKeys, listTokens, listUsers, resetPassword, revokeApiKey, revokeToken, setPermission, updateUser } from './admin-queries.ts';

const districtCodes = z.array(placeCode(6)).max(20, 'at most 20 districts');
const displayName = text('display name', 100, { min: 1, name: true });
const USER_NAME = /^[a-z0-9][a-z0-9._-]{2,39}$/;
const username = text('user name', 40).pipe(
  z.string().check((ctx) => {
    if (!USER_NAME.test(ctx.value)) issue(ctx, 'input.userName');
  }),
);
/** Role and permission codes (e.g. 'department_handler', 'case.reporter.reveal'). */
const roleCode = text('role', 50, { min: 1 });
const permission = text('permission', 80, { min: 1 });

/**
 * A setting to save: a declared key, a value its policy accepts (domain/settings-policy.ts, the
 * same check the server's start applies), and the text in force when it was read (`expected`: a
 * change made meanwhile answers CONFLICT instead of being overwritten).
 */
const saveSettingInput = z
  .object({ key: text('key', 100, { min: 1 }), value: text('value', 200), expected: text('expected', 200) })
  .transform((v, ctx) => {
    const refused = (path: string, reason: string, params: Record<string, string | number | boolean>) => {
      ctx.issues.push({ code: 'custom', path: [path], input: v, message: messageOf(reason, params) ?? reason, params: { reason, ...params } });
      return z.NEVER;
    };
    if (!isSettingKey(v.key)) return refused('key', 'settings.unknownKey', { key: v.key });
    const r = checkSetting(v.key, v.value);
    if (!r.ok) return refused('value', r.reason, r.params);
    return { key: v.key, value: { text: v.value, parsed: r.value as unknown }, expected: v.expected };
  });

export const adminRouter = router({
  /** Every account, with whether its user name is locked by failed sign-ins now (seconds left, else null). */
  users: allowed('user.manage').query(async ({ ctx }) => {
    const users = await listUsers(ctx.engine.db);
    const locked = await lockedUserNames(ctx.engine.db, users.map((u) => u.username), nowOf(ctx), await sessionPolicy(ctx.engine.db));
    return users.map((u) => ({ ...u, lockedForSeconds: locked.get(u.username) ?? null }));
  }),
  /** Roles with their rights, all permissions, departments and districts. */
  options: allowed('user.manage').query(({ ctx }) => adminOptions(ctx.engine.db)),
  tokens: allowed('token.manage').query(({ ctx }) => listTokens(ctx.engine.db)),
  /** API keys (the machines' tokens, docs/decisions/0020): managed with the right of display tokens. */
  apiKeys: allowed('token.manage').query(({ ctx }) => listApiKeys(ctx.engine.db)),

  /** A new account with a one-time password (shown once; it must be changed at first sign-in). */
  createUser: mutation('user.manage')
    .input(
      z.object({
        username,
        displayName,
        roleCode,
        departmentId: int32Id('departmentId').nullable().default(null),
        districtCodes: districtCodes.default([]),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const r = await createUser(ctx.db, input);
      ctx.audit.targetKind = 'user';
      ctx.audit.targetId = r.id;
      return r;
    }),

  /** Name, role, bindings or disabled; `version` is the one read (stale → CONFLICT). */
  updateUser: mutation('user.manage')
    .input(
      z.object({
        id: int32Id('id'),
        version: int32Id('version'),
        displayName: displayName.optional(),
        roleCode: roleCode.optional(),
        departmentId: int32Id('departmentId').nullable().optional(),
        districtCodes: districtCodes.optional(),
        disabled: z.boolean().optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      ctx.audit.targetKind = 'user';
      ctx.audit.targetId = input.id;
      return updateUser(ctx.db, ctx.actor, input, nowOf(ctx));
    }),

  /** A new one-time password; the user's sessions end. */
  resetPassword: mutation('user.manage').input(idInput).mutation(async ({ ctx, input }) => {
    ctx.audit.targetKind = 'user';
    ctx.audit.targetId = input.id;
    return resetPassword(ctx.db, input.id, nowOf(ctx));
  }),

  /** Grant or withdraw one permission of one role. */
  setPermission: mutation('user.manage')
    .input(z.object({ roleCode, permission, granted: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      ctx.audit.targetKind = 'role';
      ctx.audit.targetId = input.roleCode;
      return setPermission(ctx.db, input);
    }),

  /** A read-only token for a wall screen (returned once); empty districts = the whole city. */
  createToken: mutation('token.manage')
    .input(z.object({ name: text('name', 100, { min: 1, name: true }), districtCodes: districtCodes.default([]) }))
    .mutation(async ({ ctx, input }) => {
      const r = await createToken(ctx.db, ctx.actor, input);
      ctx.audit.targetKind = 'displayToken';
      ctx.audit.targetId = r.id;
      return r;
    }),

  /** Lifts a sign-in lock now: of a user name (its failures so far stop counting), or of an address. */
  liftLoginLock: mutation('user.manage')
    .input(
      z.union([
        z.object({ username: text('user name', 100, { min: 1 }) }).strict(),
        z.object({
          ip: text('address', 45, { min: 2 }).pipe(
            z.string().check((ctx) => {
              if (!isIP(ctx.value)) issue(ctx, 'admin.badAddress');
            }),
          ),
        }).strict(),
      ]),
    )
    .mutation(async ({ ctx, input }) => {
      ctx.audit.targetKind = 'username' in input ? 'user' : 'address';
      ctx.audit.targetId = 'username' in input ? input.username : input.ip;
      if ('username' in input) await userExists(ctx.db, input.username);
      await liftLoginLock(ctx.db, input, nowOf(ctx));
      return { ok: true as const };
    }),

  /** Every setting: its labels, kind and bounds, default, what is stored and in force (domain/settings-policy.ts). */
  settings: allowed('user.manage').query(({ ctx }) => listSettings(ctx.engine.db)),

  /** Saves one setting, checked by its policy; audited with the old value. */
  saveSetting: mutation('user.manage')
    .input(saveSettingInput)
    .mutation(async ({ ctx, input }) => {
      ctx.audit.targetKind = 'setting';
      ctx.audit.targetId = input.key;
      const r = await saveSetting(ctx.db, input);
      ctx.audit.detail = { old: r.old, value: r.value };
      return r;
    }),

  /** A new API key (returned once): its own rights, districts (empty = the whole city), requests per minute. */
  createApiKey: mutation('token.manage')
    .input(
      z.object({
        name: text('name', 100, { min: 1, name: true }),
        rights: z.array(permission).max(50).default([]),
        districtCodes: districtCodes.default([]),
        ratePerMinute: boundedInt(1, 10_000).default(60),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const r = await createApiKey(ctx.db, ctx.actor, input);
      ctx.audit.targetKind = 'apiKey';
      ctx.audit.targetId = r.id;
      return r;
    }),

  revokeApiKey: mutation('token.manage').input(idInput).mutation(async ({ ctx, input }) => {
    ctx.audit.targetKind = 'apiKey';
    ctx.audit.targetId = input.id;
    return revokeApiKey(ctx.db, input.id, nowOf(ctx));
  }),

  revokeToken: mutation('token.manage').input(idInput).mutation(async ({ ctx, input }) => {
    ctx.audit.targetKind = 'displayToken';
    ctx.audit.targetId = input.id;
    return revokeToken(ctx.db, input.id, nowOf(ctx));
  }),
});
