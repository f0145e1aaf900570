// Limits on what one request may carry, shared by the server (which enforces them before
// parsing) and the console's client (which keeps within them). Pure: imports nothing of ours.

/** Calls one tRPC request may batch. */
export const MAX_BATCH = 10;

/** Procedures that are always sent alone: each costs a password hash. */
export const UNBATCHED = ['auth.login', 'auth.changePassword'] as const;

/** Body limits before parsing, bytes: sign-in and password changes are tiny; other procedures take small JSON; a grid draft or import carries full-precision geometry. */
export const BODY_LIMITS = { auth: 8 * 1024, trpc: 64 * 1024, gridDraft: 4 * 1024 * 1024 } as const;

/**
 * The grid editor's calls that carry a draft or a file (geometry at full precision: a district's
 * import is a few MB): sent alone, by POST (queries too: the server allows the method override),
 * under BODY_LIMITS.gridDraft.
 */
export const GRID_DRAFT_PROCEDURES = ['grids.validate', 'grids.publish', 'grids.importPreview'] as const;

/** The hard cap on a photo upload's body, bytes (10 MB), counted while it streams; app_meta 'photos.max_upload_bytes' may lower it. */
export const PHOTO_MAX_BYTES = 10 * 1024 * 1024;

/**
 * The longest text each field of a report may hold, in characters: the server's input refuses
 * more (server/dispatch/dispatch-router.ts) and the forms count against the same numbers while
 * one types (client/features/dispatch/IntakeForm.tsx), so nothing is ever cut silently.
 */
export const TEXT_LIMITS = {
  description: 1000,
  address: 200,
  externalId: 60,
  callerName: 40,
  callerPhone: 24,
} as const;
export type LimitedField = keyof typeof TEXT_LIMITS;

/** The texts longer than their limit (field, limit, length as the server counts it: trimmed): the forms show them and do not send. */
export function overLimits(values: Partial<Record<LimitedField, string>>): { field: LimitedField; max: number; length: number }[] {
  return (Object.keys(TEXT_LIMITS) as LimitedField[]).flatMap((field) => {
    const length = (values[field] ?? '').trim().length;
    return length > TEXT_LIMITS[field] ? [{ field, max: TEXT_LIMITS[field], length }] : [];
  });
}
