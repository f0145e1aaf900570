// The HTTP surface on one port: /healthz, /trpc (the API), /api/layers (binary map feeds), and the built client (dist/client)
// with a fallback to index.html for client-side routes. /trpc and /api/layers know who asks (request-auth.ts).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { serveStatic } from '@hono/node-server/serve-static';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { withStatementTag, type Engine } from '../db/engine.ts';
import { appRouter } from './router.ts';
import { clientEntry, health } from './http/health.ts';
import { layersHandler } from './http/layers.ts';
import { mountPhotos } from './http/photos.ts';
import type { WorkQueue } from './http/work-queue.ts';
import { authenticate, type RequestAuth } from './http/request-auth.ts';
import { httpError } from './http/http-error.ts';
import { databaseReason, PublicError, refuse } from './query-error.ts';
import { messageOf, type MessageParams, type Reason } from '../domain/messages.ts';
import { BODY_LIMITS, GRID_DRAFT_PROCEDURES, MAX_BATCH, UNBATCHED } from '../domain/request-limits.ts';

const GRID_DRAFTS = new Set<string>(GRID_DRAFT_PROCEDURES);
import { storableText } from './inputs.ts';
import { mountLocalCli, type LocalCliOptions } from './http/local-cli.ts';

export interface AppOptions {
  /** The clock for time-dependent answers (case traffic lights); tests pin it. */
  now?: () => Date;
  /** Also serve /api/layers/cases.geojson, the benchmark's baseline (off in production). */
  geojsonBaseline?: boolean;
  /** Production mode: demo accounts are refused and cookies are Secure (CITYGRID_MODE=production). */
  production?: boolean;
  /** Behind a reverse proxy: client addresses from X-Forwarded-For (CITYGRID_TRUST_PROXY=1). */
  trustProxy?: boolean;
  /** Extra origins the CSP allows for images, fonts and fetches (an external basemap; CITYGRID_CSP_ORIGINS). */
  cspOrigins?: string;
  /** The queue of expensive work of the write routes (default: the process's; tests and the bench watch their own). */
  workQueue?: WorkQueue;
  /** Take commands from the command line on this machine (an embedded data folder's server file, docs/decisions/0011). */
  localCli?: LocalCliOptions;
}

export const clientDir = resolve(fileURLToPath(new URL('..', import.meta.url)), 'dist', 'client');

const ALONE = new Set<string>(UNBATCHED);

/** Procedures served first on the embedded connection: sign-in and single-record reads (everything else is heavy). */
const isInteractive = (path: string) => path.startsWith('auth.') || /(^|\.)(byId|[a-z]+ById)$/.test(path) || path === 'system.info';

/**
 * Headers on every answer: no framing (clickjacking), no MIME sniffing, no referrer leaving the
 * console, and a CSP that allows only our own origin (the map draws from our own feeds; an
 * external basemap's origins can be added with CITYGRID_CSP_ORIGINS).
 */
function securityHeaders(extraOrigins: string): Record<string, string> {
  const extra = extraOrigins ? ` ${extraOrigins}` : '';
  return {
    'Content-Security-Policy': [
      "default-src 'self'",
      "script-src 'self'",
      // React and MapLibre set inline style attributes
      "style-src 'self' 'unsafe-inline'",
      `img-src 'self' data: blob:${extra}`,
      `font-src 'self' data:${extra}`,
      `connect-src 'self'${extra}`,
      "worker-src 'self' blob:",
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; '),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), payment=(), usb=()',
  };
}

const notFound = (c: Context) => httpError(c, refuse('NOT_FOUND', 'request.notFound', { path: storableText(c.req.path, 100) ? c.req.path : '(unreadable path)' }), 'http');

/**
 * A refusal in tRPC's error envelope, for limits checked before tRPC runs. Its body, if any, was
 * not read (or not to its end): the answer says `Connection: close`, so a client keeping the
 * connection alive opens a new one for its next request instead of sending it into a connection
 * the server is about to cut (docs/decisions/0020).
 */
const RPC_CODES = { 400: ['BAD_REQUEST', -32600], 404: ['NOT_FOUND', -32004], 413: ['PAYLOAD_TOO_LARGE', -32413] } as const;
function trpcRefusal(c: Context, status: 400 | 404 | 413, reason: Reason, params: MessageParams = {}) {
  const [code, rpc] = RPC_CODES[status];
  const res = c.json({ error: { message: messageOf(reason, params), code: rpc, data: { code, httpStatus: status, reason, params } } }, status);
  if (!['GET', 'HEAD', 'OPTIONS'].includes(c.req.method)) res.headers.set('Connection', 'close');
  return res;
}

export function createApp(engine: Engine, opts: AppOptions = {}): Hono {
  const now = opts.now ?? (() => new Date());
  const app = new Hono();
  const headers = securityHeaders(opts.cspOrigins ?? '');
  app.use('*', async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(headers)) c.res.headers.set(k, v);
  });
  app.onError((err, c) => httpError(c, err, 'http'));
  // anything else: a 404 with a reason (a POST to /healthz, a path outside the client)
  app.notFound((c) => notFound(c));
  // the client build served (read once: a new build is served by the next start, as index.html below)
  const built = existsSync(resolve(clientDir, 'index.html')) ? readFileSync(resolve(clientDir, 'index.html'), 'utf8') : null;
  const client = clientEntry(built);
  app.get('/healthz', (c) => health(c, engine, client));
  // binary map layers (before the SPA fallback, which would answer any path with index.html)
  const production = !!opts.production;
  const auth = { production, trustProxy: !!opts.trustProxy };
  const layers = layersHandler(engine, { now, geojsonBaseline: opts.geojsonBaseline, auth });
  app.get('/api/layers/:file', (c) => withStatementTag({ priority: 'heavy', who: `feed:${c.req.param('file')}` }, () => layers(c)));
  // case photos: upload, image, thumbnail (server/http/photos.ts)
  mountPhotos(app, engine, { now, auth, queue: opts.workQueue });
  app.all('/api/*', (c) => notFound(c));
  if (opts.localCli) mountLocalCli(app, engine, { ...opts.localCli, now });
  // bodies are limited before anything parses them (hono reads at most the limit, a declared
  // Content-Length over it is refused unread): sign-in and password changes are tiny
  app.use('/trpc/*', (c, next) => {
    const paths = c.req.path.slice('/trpc/'.length).split(',');
    const limit = paths.every((p) => p.startsWith('auth.')) ? BODY_LIMITS.auth : paths.length === 1 && GRID_DRAFTS.has(paths[0]) ? BODY_LIMITS.gridDraft : BODY_LIMITS.trpc;
    return bodyLimit({ maxSize: limit, onError: (c) => trpcRefusal(c, 413, 'request.tooLarge', { maxKB: Math.round(limit / 1024) }) })(c, next);
  });
  app.all('/trpc/*', async (c) => {
    const url = new URL(c.req.url);
    let paths: string[];
    try {
      paths = decodeURIComponent(url.pathname.slice('/trpc/'.length)).split(',');
    } catch {
      return trpcRefusal(c, 404, 'request.notFound', { path: '(unreadable path)' });
    }
    const batch = url.searchParams.get('batch') === '1';
    if (batch && paths.length > MAX_BATCH) return trpcRefusal(c, 400, 'request.batchTooLarge', { max: MAX_BATCH });
    if (paths.length > 1 && paths.some((p) => ALONE.has(p))) return trpcRefusal(c, 400, 'request.loginAlone');
    let who: RequestAuth;
    try {
      who = await authenticate(c, engine.db, now(), auth);
    } catch (err) {
      console.error(`[auth] ${(err as Error).message.split('\n')[0]}`);
      return c.json({ error: { message: messageOf('auth.unavailable'), code: -32603, data: { code: 'SERVICE_UNAVAILABLE', httpStatus: 503, reason: 'auth.unavailable', params: {} } } }, 503);
    }
    const secureCookies = production || url.protocol === 'https:';
    // the engine serves interactive statements before heavy ones (db/engine.ts)
    const tag = { priority: paths.every(isInteractive) ? ('interactive' as const) : ('heavy' as const), who: `${who.actor?.roleCode ?? 'anonymous'}@trpc:${paths.join(',').slice(0, 200)}` };
    const res = await withStatementTag(tag, () => fetchRequestHandler({
      endpoint: '/trpc',
      req: c.req.raw,
      router: appRouter,
      maxBatchSize: MAX_BATCH,
      // the grid editor's draft queries come by POST, alone (a draft is too large for a URL); they are still reads.
      // Any other query by POST is refused as before.
      allowMethodOverride: paths.length === 1 && GRID_DRAFTS.has(paths[0]),
      createContext: ({ resHeaders }) => ({
        engine,
        now,
        production,
        actor: who.actor,
        http: { ip: who.ip, userAgent: who.userAgent, sessionToken: who.sessionToken, deviceToken: who.deviceToken, sameOrigin: who.sameOrigin, csrfOk: who.csrfOk, resHeaders, secureCookies, displayTokenRejected: who.displayTokenRejected },
      }),
      onError: ({ error, path }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR' && !(error instanceof PublicError)) {
          console.error(`[trpc] ${path ?? '?'}: ${error.message.split('\n')[0]}${error.cause ? ` (${databaseReason(error.cause)})` : ''}`);
        }
      },
    }));
    // answers are personal (scope, session): never stored by a browser or a proxy
    res.headers.set('Cache-Control', 'no-store');
    return res;
  });
  // the built client, when there is one (a build in progress has emptied the folder: no page yet)
  if (built !== null) {
    const index = built;
    // hashed build assets never change under their name
    app.use('/assets/*', async (c, next) => {
      await next();
      if (c.res.status === 200) c.res.headers.set('Cache-Control', 'public, max-age=31536000, immutable');
    });
    app.use('/*', async (c, next) => {
      await next();
      // the app page itself is revalidated each time (its hashed assets are cached forever)
      if (c.res.headers.get('content-type')?.startsWith('text/html') && !c.res.headers.has('cache-control')) c.res.headers.set('Cache-Control', 'no-cache');
    });
    app.use('/*', serveStatic({ root: clientDir }));
    app.get('*', (c) => {
      // a missing file (favicon.ico, a stale asset) is a 404, not the app page; client routes have no extension
      if (/\.[A-Za-z0-9]{1,8}$/.test(c.req.path)) return notFound(c);
      c.header('Cache-Control', 'no-cache');
      return c.html(index);
    });
  } else {
    app.get('/', (c) => c.text('CityGrid API is running. The client is not built: run `npm run build` (npm start does it for you).'));
  }
  return app;
}
