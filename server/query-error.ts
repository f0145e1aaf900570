// Refusals and database failures, each with a reason code (domain/messages.ts) and parameters
// that the client translates; the English message is derived from the same entry. Database
// failures are wrapped once, in the query layer, naming what failed; a statement timeout is
// told apart from other failures. The database's own reason and SQLSTATE go to the server log,
// never to the client.
import { TRPCError } from '@trpc/server';
import { messageOf, type MessageParams, type Reason } from '../domain/messages.ts';

type Code = TRPCError['code'];

/** An error whose message was written for the user (safe to show as it is). */
export class PublicError extends TRPCError {
  readonly reason: string | null;
  readonly params: MessageParams;
  constructor(opts: { code: Code; message: string; cause?: unknown; reason?: string; params?: MessageParams }) {
    super({ code: opts.code, message: opts.message, cause: opts.cause });
    this.reason = opts.reason ?? null;
    this.params = opts.params ?? {};
  }
}

/** A refusal with a reason the client can translate: `refuse('NOT_FOUND', 'notFound', { what: 'case', id })`. */
export function refuse(code: Code, reason: Reason, params: MessageParams = {}, cause?: unknown): PublicError {
  return new PublicError({ code, message: messageOf(reason, params, 'en')!, reason, params, cause });
}

/** The database's reason for a failed query: its SQLSTATE and message (for the server log only). */
export function databaseReason(err: unknown): string {
  const cause = ((err as { cause?: unknown })?.cause ?? err) as { code?: string; message?: string; detail?: string } | undefined;
  const first = String(cause?.message ?? err).split('\n')[0];
  return `${cause?.code ? `SQLSTATE ${cause.code}: ` : ''}${first}${cause?.detail ? ` (${cause.detail})` : ''}`;
}

export function queryFailed(what: string, err: unknown): TRPCError {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause ?? (err as { code?: string; message?: string });
  if (err instanceof PublicError) return err; // already explained
  if (cause?.code === '57014') return refuse('TIMEOUT', 'db.timeout', { what }, err);
  // logged here, once, with the database's reason: drizzle's own message is "Failed query: <SQL>"
  console.error(`[db] ${what} failed: ${databaseReason(err)}`);
  return refuse('INTERNAL_SERVER_ERROR', 'db.failed', { what }, err instanceof Error ? err : undefined);
}

/** The message a client sees for an unexpected failure: never SQL, stack or internals. */
export const INTERNAL_MESSAGE = messageOf('internal')!;
