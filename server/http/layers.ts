// GET /api/layers/:file — large map layers as compact binary feeds (CGB1, binary-feed.ts) over
// plain HTTP, plus cases.geojson as the honest baseline for the benchmark. The feeds themselves
// are declared by their domains (server/feeds.ts, server/geo/feed-def.ts); this serves them:
// who may ask (signed in or a wall screen, the feed's permission, the asker's scope for feeds of
// cases), the query string against the feed's schema, and the payload. Encoded payloads (and
// their gzip) are kept in a small LRU keyed by feed + params + stamp, so a repeat request costs
// only the stamp query; ETag + If-None-Match give 304s.
import { createHash } from 'node:crypto';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { Context } from 'hono';
import { z } from 'zod';
import { withStatementTag, type Engine } from '../../db/engine.ts';
import { authenticate, type AuthOptions } from './request-auth.ts';
import { displayTokenInvalid, lacksPermission, signInFirst, zodIssues } from '../trpc.ts';
import { refuse } from '../query-error.ts';
import { storableText } from '../inputs.ts';
import { httpError } from './http-error.ts';
import { PromiseCache } from '../promise-cache.ts';
import type { AnyFeed } from '../geo/feed-def.ts';
import { FEEDS } from '../feeds.ts';

const gzipAsync = promisify(gzip);
const byFile = new Map<string, AnyFeed>(FEEDS.map((f) => [f.file, f]));

export const LAYER_FILES = FEEDS.map((f) => f.file);

interface Payload {
  body: Uint8Array;
  gzip: Uint8Array;
  contentType: string;
  etag: string;
}

export interface LayersOptions {
  now: () => Date;
  cacheEntries?: number;
  /** Serve cases.geojson (tens of MB per period): only for the benchmark and tests. */
  geojsonBaseline?: boolean;
  auth: AuthOptions;
}

export function layersHandler(engine: Engine, opts: LayersOptions) {
  // 16, not 8: the nine layers plus a period or two must fit, or a console loading them all thrashes
  const cache = new PromiseCache<Payload>(opts.cacheEntries ?? 16);
  return async (c: Context) => {
    const file = c.req.param('file') ?? '';
    const layer = byFile.get(file);
    if (!layer || (layer.baselineOnly && !opts.geojsonBaseline)) {
      const known = FEEDS.filter((f) => opts.geojsonBaseline || !f.baselineOnly).map((f) => f.file).join(', ');
      return httpError(c, refuse('NOT_FOUND', 'layers.unknown', { layer: storableText(file, 60) ? file : '?', known }), 'layers');
    }
    let actor;
    let displayTokenRejected = false;
    try {
      ({ actor, displayTokenRejected } = await authenticate(c, engine.db, opts.now(), opts.auth));
    } catch (err) {
      return failure(c, file, err);
    }
    if (!actor) return httpError(c, displayTokenRejected ? displayTokenInvalid() : signInFirst(), 'layers');
    if (layer.permission && !actor.actions.has(layer.permission)) return httpError(c, lacksPermission(actor.roleCode, layer.permission), 'layers');
    let query: Record<string, string>;
    try {
      const { display, ...rest } = c.req.query();
      // a display token is base64url: anything else is a broken address, said so even to a signed-in user
      if (display !== undefined && !/^[\w-]{1,100}$/.test(display)) return httpError(c, refuse('BAD_REQUEST', 'request.badDisplayToken'), 'layers');
      query = rest;
    } catch {
      return httpError(c, refuse('BAD_REQUEST', 'request.badQuery'), 'layers');
    }
    const parsed = layer.params.safeParse(query);
    if (!parsed.success) {
      const flat = z.flattenError(parsed.error);
      const message = parsed.error.issues
        .map((i) => (i.code === 'unrecognized_keys' ? `unknown parameter ${i.keys.map((k) => `'${k}'`).join(', ')} (${file} takes ${layer.takes})` : i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
        .join('; ');
      return httpError(c, refuse('BAD_REQUEST', 'input.invalid', { details: message }), 'layers', { issues: zodIssues(parsed.error), fieldErrors: flat.fieldErrors, formErrors: flat.formErrors });
    }
    // feeds of cases: the asker's scope becomes part of the query (SQL filter) and of the cache key
    const params = layer.scoped ? { ...(parsed.data as object), scope: actor.scope } : parsed.data;
    try {
      const stamp = await layer.stamp(engine.db, params);
      const key = `${file}?${JSON.stringify(params)}#${stamp}`;
      const payload = await cache.get(key, async () => {
        // heavy work (its statements wait behind sign-ins and single-record reads); gzip off the main thread
        const built = await withStatementTag({ priority: 'heavy', who: `layers ${file}` }, () => layer.build(engine.db, params));
        const hash = createHash('sha256').update(key).update(built.body).digest('base64url').slice(0, 27);
        return { ...built, gzip: await gzipAsync(built.body, { level: 6 }), etag: `"${hash}"` };
      });
      const gzip = acceptsGzip(c.req.header('accept-encoding'));
      // the gzip representation gets its own strong tag; either one revalidates
      const etag = gzip ? `${payload.etag.slice(0, -1)}-gz"` : payload.etag;
      const headers: Record<string, string> = { ETag: etag, 'Cache-Control': 'private, no-cache', Vary: 'Accept-Encoding, Cookie, X-Display-Token', 'Content-Type': payload.contentType };
      if (matches(c.req.header('if-none-match'), payload.etag)) return c.body(null, 304, headers);
      if (gzip) headers['Content-Encoding'] = 'gzip';
      const body = gzip ? payload.gzip : payload.body;
      headers['Content-Length'] = String(body.byteLength);
      return c.body(body as Uint8Array<ArrayBuffer>, 200, headers);
    } catch (err) {
      return failure(c, file, err);
    }
  };
}

function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(',').some((part) => {
    const [coding, ...params] = part.trim().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return (coding.trim().toLowerCase() === 'gzip' || coding.trim() === '*') && (!q || Number(q.slice(2)) > 0);
  });
}

/** Weak comparison (RFC 9110 §13.1.2): `W/` prefixes and the -gz suffix are ignored. */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const bare = (t: string) => t.trim().replace(/^W\//, '').replace(/-gz"$/, '"');
  return header.split(',').some((t) => bare(t) === etag);
}

function failure(c: Context, file: string, err: unknown) {
  return httpError(c, err, `layers ${file}`);
}
