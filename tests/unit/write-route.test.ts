// The write pipeline's first steps on a route of its own (server/http/write-route.ts), before
// any database work: a route that takes no API keys refuses one as such (403 auth.apiKeyNotHere,
// not "sign in"), nobody signed in is 401; the route's transport mapping answers (GeoReport's
// list here), and a body refused unread says Connection: close.
import { describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import type { Engine } from '../../db/engine.ts';
import { mountWrite } from '../../server/http/write-route.ts';
import { georeportErrors } from '../../server/http/georeport-error.ts';
import { refuse } from '../../server/query-error.ts';
import { messageOf } from '../../domain/messages.ts';

function app(apiKeys: boolean) {
  const a = new Hono();
  // no database is reached on these paths: nobody is identified, so nothing is read or audited
  const engine = { db: null } as unknown as Engine;
  mountWrite(a, engine, {
    method: 'POST', path: '/x', action: 'test.write', apiKeys, rights: ['case.create'], errors: georeportErrors,
    admit: async () => undefined, bodyLimit: () => 1024, tooLarge: () => refuse('PAYLOAD_TOO_LARGE', 'request.tooLarge', { maxKB: 1 }),
    expensive: false, prepare: async () => undefined, write: async () => 'written', respond: (c) => c.json({ ok: true }, 201),
  }, { now: () => new Date('2026-12-01T00:00:00Z'), auth: { production: false } });
  return a;
}

describe('the write pipeline, before anything is read', () => {
  it('an API key on a route that takes none: 403 auth.apiKeyNotHere, in GeoReport\'s shape, Connection: close', async () => {
    const res = await app(false).request('/x', { method: 'POST', headers: { 'x-api-key': 'cgk_whatever' }, body: 'payload' });
    expect([res.status, res.headers.get('connection')]).toEqual([403, 'close']);
    expect(await res.json()).toEqual([{ code: 403, description: `${messageOf('auth.apiKeyNotHere')} [auth.apiKeyNotHere]` }]);
  });
  it('nobody signed in: 401 auth.signInFirst, Connection: close', async () => {
    const res = await app(true).request('/x', { method: 'POST', body: 'payload' });
    expect([res.status, res.headers.get('connection')]).toEqual([401, 'close']);
    expect(await res.json()).toEqual([{ code: 401, description: `${messageOf('auth.signInFirst')} [auth.signInFirst]` }]);
  });
});
