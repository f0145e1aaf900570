// The admin screens: users and their bindings, role rights, display tokens.
import { z } from 'zod';
import { router, allowed, mutation, nowOf } from '../trpc.ts';
import { idInput } from '../geo/bbox.ts';
import { adminOptions, createToken, createUser, listTokens, listUsers, resetPassword, revokeToken, setPermission, updateUser } from './admin-queries.ts';

const districtCodes = z.array(z.string().regex(/^\d{6}$/, 'a district code has 6 digits')).max(20, 'at most 20 districts');
const displayName = z.string().trim().min(1, 'Enter a display name').max(100, 'A display name has at most 100 characters');

export const adminRouter = router({
  users: allowed('user.manage').query(({ ctx }) => listUsers(ctx.engine.db)),
  /** Roles with their rights, all permissions, departments and districts. */
  options: allowed('user.manage').query(({ ctx }) => adminOptions(ctx.engine.db)),
  tokens: allowed('token.manage').query(({ ctx }) => listTokens(ctx.engine.db)),

  /** A new account with a one-time password (shown once; it must be changed at first sign-in). */
  createUser: mutation('user.manage')
    .input(
      z.object({
        username: z.string().trim().regex(/^[a-z0-9][a-z0-9._-]{2,39}$/, 'A user name has 3–40 lower-case letters, digits, dots, dashes or underscores'),
        displayName,
        roleCode: z.string().min(1, 'Choose a role'),
        departmentId: z.int().positive().nullable().default(null),
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
        id: z.int().positive(),
        version: z.int().positive(),
        displayName: displayName.optional(),
        roleCode: z.string().min(1).optional(),
        departmentId: z.int().positive().nullable().optional(),
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
    .input(z.object({ roleCode: z.string().min(1), permission: z.string().min(1), granted: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      ctx.audit.targetKind = 'role';
      ctx.audit.targetId = input.roleCode;
      return setPermission(ctx.db, input);
    }),

  /** A read-only token for a wall screen (returned once); empty districts = the whole city. */
  createToken: mutation('token.manage')
    .input(z.object({ name: z.string().trim().min(1, 'Name the screen').max(100), districtCodes: districtCodes.default([]) }))
    .mutation(async ({ ctx, input }) => {
      const r = await createToken(ctx.db, ctx.actor, input);
      ctx.audit.targetKind = 'displayToken';
      ctx.audit.targetId = r.id;
      return r;
    }),

  revokeToken: mutation('token.manage').input(idInput).mutation(async ({ ctx, input }) => {
    ctx.audit.targetKind = 'displayToken';
    ctx.audit.targetId = input.id;
    return revokeToken(ctx.db, input.id, nowOf(ctx));
  }),
});
