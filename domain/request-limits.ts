// Limits on what one request may carry, shared by the server (which enforces them before
// parsing) and the console's client (which keeps within them). Pure: imports nothing of ours.

/** Calls one tRPC request may batch. */
export const MAX_BATCH = 10;

/** Procedures that are always sent alone: each costs a password hash. */
export const UNBATCHED = ['auth.login', 'auth.changePassword'] as const;

/** Body limits before parsing, bytes: sign-in and password changes are tiny; other procedures take small JSON. */
export const BODY_LIMITS = { auth: 8 * 1024, trpc: 64 * 1024 } as const;

/** The hard cap on a photo upload's body, bytes (10 MB), counted while it streams; app_meta 'photos.max_upload_bytes' may lower it. */
export const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
