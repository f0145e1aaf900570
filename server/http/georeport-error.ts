// The error mapping of Open311 GeoReport v2 routes (none yet: they come next, on the write
// pipeline, write-route.ts). GeoReport answers an error as a list of `{ code, description }`
// with the HTTP status of the error: `code` is that status, `description` the English message
// followed by the reason code in brackets (GeoReport has no field for it; a client that knows
// CityGrid translates by it, domain/messages.ts). Unexpected failures are logged and answered
// with the generic message, never the server's own text.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { INTERNAL_MESSAGE, PublicError } from '../query-error.ts';
import type { ErrorMapper } from './write-route.ts';

export interface GeoReportError {
  code: number;
  description: string;
}

/** The GeoReport body and status of a refusal or failure. */
export function georeportErrorOf(err: unknown): { status: number; body: GeoReportError[] } {
  if (err instanceof PublicError) {
    const status = err.code === 'TIMEOUT' ? 503 : getHTTPStatusCodeFromError(err);
    return { status, body: [{ code: status, description: err.reason ? `${err.message} [${err.reason}]` : err.message }] };
  }
  return { status: 500, body: [{ code: 500, description: `${INTERNAL_MESSAGE} [internal]` }] };
}

export const georeportErrors: ErrorMapper = (c: Context, err: unknown, where: string) => {
  const { status, body } = georeportErrorOf(err);
  if (!(err instanceof PublicError)) console.error(`[${where}] ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  return c.json(body, status as ContentfulStatusCode);
};
