// Database failures are wrapped once, in the query layer, naming what failed; a statement
// timeout is told apart from other failures. Nothing raw reaches the client.
import { TRPCError } from '@trpc/server';

/** An error whose message was written for the user (safe to show as it is). */
export class PublicError extends TRPCError {}

export function queryFailed(what: string, err: unknown): TRPCError {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause ?? (err as { code?: string; message?: string });
  if (cause?.code === '57014') {
    return new PublicError({ code: 'TIMEOUT', message: `The database took too long to answer (${what}). Narrow the request and try again.` });
  }
  return new PublicError({ code: 'INTERNAL_SERVER_ERROR', message: `The database could not answer (${what}).`, cause: err instanceof Error ? err : undefined });
}

/** The message a client sees for an unexpected failure: never SQL, stack or internals. */
export const INTERNAL_MESSAGE = 'The server could not complete this request. It has been logged; try again, or report it if it persists.';
