// GET /api/layers/:file — large map layers as compact binary feeds (CGB1, binary-feed.ts) over
// plain HTTP, plus cases.geojson as the honest baseline for the benchmark.
// Each layer: a zod schema for its query string, a cheap data stamp and a builder. Encoded
// payloads (and their gzip) are kept in a small LRU keyed by layer + params + stamp, so a repeat
// request costs only the stamp query; ETag + If-None-Match give 304s.
// To add a layer: add an entry to `layers` below (its SQL goes in <domain>-queries.ts).
import { createHash } from 'node:crypto';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { Context } from 'hono';
import { z } from 'zod';
import { withStatementTag, type Db, type Engine } from '../../db/engine.ts';
import { encodeFeed } from './binary-feed.ts';
import { authenticate, type AuthOptions } from './request-auth.ts';
import { displayTokenInvalid, lacksPermission, signInFirst, zodIssues } from '../trpc.ts';
import { refuse } from '../query-error.ts';
import { storableText } from '../inputs.ts';
import { httpError } from './http-error.ts';
import { PromiseCache } from '../promise-cache.ts';
import { periodSchema } from '../geo/period.ts';
import { pointFeed, polygonFeed } from '../geo/polygon-feed.ts';
import { tableStamp } from '../geo/table-stamp.ts';
import { caseFeedStamp, type Period } from '../cases/cases-queries.ts';
import { casesFeed, casesGeoJson, loadCasesLayer } from '../cases/cases-feed.ts';
import { districtFeedRows, townshipFeedRows, villageFeedRows } from '../places/places-queries.ts';
import { responsibilityGridFeedRows, unitGridFeedRows } from '../grids/grids-queries.ts';
import { communityFeedRows } from '../communities/communities-queries.ts';
import { clinicFeedRows } from '../clinics/clinics-queries.ts';

interface Layer<P> {
  params: z.ZodType<P>;
  /** Cheap; changes whenever the payload would. No layer's payload depends on the time of the request. */
  stamp: (db: Db, params: P) => Promise<string>;
  build: (db: Db, params: P) => Promise<{ body: Uint8Array; contentType: string }>;
}

const OCTET = 'application/octet-stream';
const gzipAsync = promisify(gzip);
const bin = (feed: Parameters<typeof encodeFeed>[0]) => ({ body: encodeFeed(feed), contentType: OCTET });
/** Layers without parameters reject any, so a typo is reported instead of ignored. */
const noParams = z.object({}).strict();
/** The cases period; unknown parameters (a typo such as `form=`) are rejected, not ignored. */
const strictPeriod = z
  .object({ from: z.string().optional(), to: z.string().optional() })
  .strict()
  .pipe(periodSchema) as unknown as z.ZodType<Period>;

const staticLayer = (tables: string[], build: (db: Db) => Promise<{ body: Uint8Array; contentType: string }>): Layer<object> => ({
  params: noParams,
  stamp: (db) => tableStamp(db, tables),
  build: (db) => build(db),
});

const layers: Record<string, Layer<Period> | Layer<object>> = {
  'cases.bin': {
    params: strictPeriod,
    // the lights are read in the browser from the clock marks (warnAt, dueAt) as of its now,
    // so the payload changes only with the data: no clock in the stamp
    stamp: (db) => caseFeedStamp(db),
    build: async (db, p) => bin(casesFeed(await loadCasesLayer(db, p))),
  } satisfies Layer<Period>,
  'cases.geojson': {
    params: strictPeriod,
    stamp: (db) => caseFeedStamp(db),
    build: async (db, p) => ({ body: new TextEncoder().encode(casesGeoJson(await loadCasesLayer(db, p, { withCodes: true }))), contentType: 'application/geo+json' }),
  } satisfies Layer<Period>,
  // full-resolution boundaries: districts ~19k and townships ~20k vertices in the demo city,
  // small enough that no simplification is applied
  'districts.bin': staticLayer(['districts'], async (db) => bin(polygonFeed(await districtFeedRows(db), true))),
  'townships.bin': staticLayer(['townships'], async (db) => bin(polygonFeed(await townshipFeedRows(db)))),
  'grids.bin': staticLayer(['unit_grids', 'villages', 'responsibility_grids'], async (db) => bin(polygonFeed(await unitGridFeedRows(db)))),
  'responsibility-grids.bin': staticLayer(['responsibility_grids', 'unit_grids'], async (db) => bin(polygonFeed(await responsibilityGridFeedRows(db)))),
  'communities.bin': staticLayer(['property_communities', 'property_companies'], async (db) => bin(polygonFeed(await communityFeedRows(db)))),
  'villages.bin': staticLayer(['villages'], async (db) => bin(pointFeed(await villageFeedRows(db)))),
  'clinics.bin': staticLayer(['clinics'], async (db) => bin(pointFeed(await clinicFeedRows(db)))),
};

export const LAYER_FILES = Object.keys(layers);

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

/** Layers with case data: they need 'case.read' and carry only the cases in the asker's scope. */
const CASE_LAYERS = new Set(['cases.bin', 'cases.geojson']);

export function layersHandler(engine: Engine, opts: LayersOptions) {
  // 16, not 8: the nine layers plus a period or two must fit, or a console loading them all thrashes
  const cache = new PromiseCache<Payload>(opts.cacheEntries ?? 16);
  return async (c: Context) => {
    const file = c.req.param('file') ?? '';
    const layer = Object.hasOwn(layers, file) ? (layers[file] as Layer<unknown>) : undefined;
    if (!layer || (file === 'cases.geojson' && !opts.geojsonBaseline)) {
      const known = LAYER_FILES.filter((f) => opts.geojsonBaseline || f !== 'cases.geojson').join(', ');
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
    if (CASE_LAYERS.has(file) && !actor.actions.has('case.read')) return httpError(c, lacksPermission(actor.roleCode, 'case.read'), 'layers');
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
        .map((i) => (i.code === 'unrecognized_keys' ? `unknown parameter ${i.keys.map((k) => `'${k}'`).join(', ')} (${file} takes ${describeParams(layer)})` : i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
        .join('; ');
      return httpError(c, refuse('BAD_REQUEST', 'input.invalid', { details: message }), 'layers', { issues: zodIssues(parsed.error), fieldErrors: flat.fieldErrors, formErrors: flat.formErrors });
    }
    // case layers: the asker's scope becomes part of the query (SQL filter) and of the cache key
    const params = CASE_LAYERS.has(file) ? { ...(parsed.data as Period), scope: actor.scope } : parsed.data;
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

function describeParams(layer: Layer<unknown>): string {
  return layer.params === noParams ? 'no parameters' : 'from and to (ISO date-times with offset)';
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
