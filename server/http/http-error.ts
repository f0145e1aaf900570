// The one error mapping for plain-HTTP routes (binary feeds now, Open311 later): a refusal is
// `{ error: <English message>, reason, params }` with the status tRPC would give its code, so a
// client translates feed errors exactly as it translates tRPC errors (domain/messages.ts).
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { INTERNAL_MESSAGE, PublicError } from '../query-error.ts';

export interface HttpRefusalBody {
  error: string;
  reason: string | null;
  params: Record<string, unknown>;
  [extra: string]: unknown;
}

/** Answers a refusal or failure; unexpected errors are logged (with `where`) and shown as the generic message. */
export function httpError(c: Context, err: unknown, where: string, extra: Record<string, unknown> = {}) {
  if (err instanceof PublicError) {
    // a database that took too long is the service being unavailable, not the client being slow (tRPC's 408)
    const status = (err.code === 'TIMEOUT' ? 503 : getHTTPStatusCodeFromError(err)) as ContentfulStatusCode;
    return c.json({ error: err.message, reason: err.reason, params: err.params, ...extra } satisfies HttpRefusalBody, status);
  }
  console.error(`[${where}] ${err instanceof TRPCError || err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  return c.json({ error: INTERNAL_MESSAGE, reason: 'internal', params: {} } satisfies HttpRefusalBody, 500);
}
