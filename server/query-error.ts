// Database failures are wrapped once, in the query layer, naming what failed; a statement
// timeout is told apart from other failures. Nothing raw reaches the client.
import { TRPCError } from '@trpc/server';

export function queryFailed(what: string, err: unknown): TRPCError {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause ?? (err as { code?: string; message?: string });
  if (cause?.code === '57014') {
    return new TRPCError({ code: 'TIMEOUT', message: `The database took too long to answer (${what}). Narrow the request and try again.` });
  }
  return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: `The database could not answer (${what}).`, cause: err instanceof Error ? err : undefined });
}
