// The HTTP surface on one port: /healthz, /trpc (the API), /api/layers (binary map feeds), and the built client (dist/client)
// with a fallback to index.html for client-side routes. /trpc and /api/layers know who asks (request-auth.ts).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { Engine } from '../db/engine.ts';
import { appRouter } from './router.ts';
import { health } from './http/health.ts';
import { layersHandler } from './http/layers.ts';
import { authenticate, type RequestAuth } from './http/request-auth.ts';

export interface AppOptions {
  /** The clock for time-dependent answers (case traffic lights); tests pin it. */
  now?: () => Date;
  /** Also serve /api/layers/cases.geojson, the benchmark's baseline (off in production). */
  geojsonBaseline?: boolean;
  /** Production mode: demo accounts are refused and cookies are Secure (CITYGRID_MODE=production). */
  production?: boolean;
  /** Behind a reverse proxy: client addresses from X-Forwarded-For (CITYGRID_TRUST_PROXY=1). */
  trustProxy?: boolean;
}

export const clientDir = resolve(fileURLToPath(new URL('..', import.meta.url)), 'dist', 'client');

export function createApp(engine: Engine, opts: AppOptions = {}): Hono {
  const now = opts.now ?? (() => new Date());
  const app = new Hono();
  app.get('/healthz', (c) => health(c, engine));
  // binary map layers (before the SPA fallback, which would answer any path with index.html)
  const production = !!opts.production;
  const auth = { production, trustProxy: !!opts.trustProxy };
  app.get('/api/layers/:file', layersHandler(engine, { now, geojsonBaseline: opts.geojsonBaseline, auth }));
  app.all('/trpc/*', async (c) => {
    let who: RequestAuth;
    try {
      who = await authenticate(c, engine.db, now(), auth);
    } catch (err) {
      console.error(`[auth] ${(err as Error).message.split('\n')[0]}`);
      return c.json({ error: { message: 'Cannot check who you are right now: the database did not answer. Try again.' } }, 503);
    }
    const secureCookies = production || new URL(c.req.url).protocol === 'https:';
    return fetchRequestHandler({
      endpoint: '/trpc',
      req: c.req.raw,
      router: appRouter,
      createContext: ({ resHeaders }) => ({
        engine,
        now,
        production,
        actor: who.actor,
        http: { ip: who.ip, userAgent: who.userAgent, sessionToken: who.sessionToken, sameOrigin: who.sameOrigin, csrfOk: who.csrfOk, resHeaders, secureCookies },
      }),
      onError: ({ error, path }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`[trpc] ${path ?? '?'}: ${error.message.split('\n')[0]}${error.cause ? ` (${error.cause.message.split('\n')[0]})` : ''}`);
      },
    });
  });
  if (existsSync(clientDir)) {
    const index = readFileSync(resolve(clientDir, 'index.html'), 'utf8');
    app.use('/*', serveStatic({ root: clientDir }));
    app.get('*', (c) => c.html(index));
  } else {
    app.get('/', (c) => c.text('CityGrid API is running. The client is not built: run `npm run build` (npm start does it for you).'));
  }
  return app;
}
