// The GeoReport v2 error mapping (server/http/georeport-error.ts): a refusal is a list of one
// `{ code, description }` with the HTTP status as the code and the reason code in the description;
// an unexpected failure is a 500 with the generic message, never the server's own text.
import { describe, expect, it, vi } from 'vitest';
import { Hono } from 'hono';
import { georeportErrorOf, georeportErrors } from '../../server/http/georeport-error.ts';
import { jsonErrors } from '../../server/http/write-route.ts';
import { refuse } from '../../server/query-error.ts';
import { messageOf } from '../../domain/messages.ts';

function appThrowing(err: unknown, mapper = georeportErrors) {
  const app = new Hono();
  app.post('/x', (c) => mapper(c, err, 'test'));
  return app;
}

describe('GeoReport v2 errors', () => {
  it.each([
    [refuse('FORBIDDEN', 'auth.lacksPermission', { role: 'api_key', action: 'case.create' }), 403, 'auth.lacksPermission'],
    [refuse('UNAUTHORIZED', 'auth.apiKeyInvalid'), 401, 'auth.apiKeyInvalid'],
    [refuse('TOO_MANY_REQUESTS', 'apiKey.rateLimited', { perMinute: 2, retryAfterSeconds: 30 }), 429, 'apiKey.rateLimited'],
    [refuse('PAYLOAD_TOO_LARGE', 'photo.tooLarge', { maxMb: 10 }), 413, 'photo.tooLarge'],
    [refuse('SERVICE_UNAVAILABLE', 'work.queueFull', { retryAfterSeconds: 5 }), 503, 'work.queueFull'],
    [refuse('TIMEOUT', 'db.timeout', { what: 'x' }), 503, 'db.timeout'],
  ] as const)('%s → [{ code: %i, description: message [reason] }]', async (err, status, reason) => {
    const res = await appThrowing(err).request('/x', { method: 'POST' });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as unknown[];
    expect(body).toEqual([{ code: status, description: `${messageOf(reason, err.params)} [${reason}]` }]);
    expect(georeportErrorOf(err)).toEqual({ status, body });
  });
  it('an unexpected failure: 500, the generic message, nothing of the error itself', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = await appThrowing(new Error('select * from secret_table failed')).request('/x', { method: 'POST' });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('secret_table');
    expect(JSON.parse(text)).toEqual([{ code: 500, description: `${messageOf('internal')} [internal]` }]);
    expect(log).toHaveBeenCalled();
    log.mockRestore();
  });
  it('the same refusal through the JSON mapping of the other plain-HTTP routes keeps its own shape', async () => {
    const err = refuse('FORBIDDEN', 'auth.apiKeyNotHere');
    const res = await appThrowing(err, jsonErrors).request('/x', { method: 'POST' });
    expect([res.status, await res.json()]).toEqual([403, { error: err.message, reason: 'auth.apiKeyNotHere', params: {} }]);
  });
});
