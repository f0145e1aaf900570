// Failures reach the client as messages written for people: never SQL, never a stack.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../server/app.ts';
import { INTERNAL_MESSAGE } from '../server/query-error.ts';
import type { Engine } from '../db/engine.ts';
import { freshEngine } from './support/test-db.ts';

describe('API errors on a database without the schema (real engine, nothing migrated)', () => {
  let engine: Engine;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ engine, dispose } = await freshEngine('citygrid_api_errors'));
  });
  afterAll(() => dispose());

  const call = async (path: string) => {
    const res = await createApp(engine).fetch(new Request(`http://test/trpc/${path}`));
    return { status: res.status, text: await res.text() };
  };

  it('a failed query names what failed and hides the SQL', async () => {
    const { status, text } = await call('places.summary');
    expect(status).toBe(500);
    expect(text).toContain('The database could not answer (summary of districts)');
    expect(text).not.toMatch(/select|relation|stack/i);
  });

  it('an unexpected failure shows the generic message only', async () => {
    const { status, text } = await call('system.info');
    expect(status).toBe(500);
    expect(JSON.parse(text).error.message).toBe(INTERNAL_MESSAGE);
    expect(text).not.toMatch(/drizzle|select|stack/i);
  });

  it('healthz says the database is not answering, with 503', async () => {
    const res = await createApp(engine).fetch(new Request('http://test/healthz'));
    expect(res.status).toBe(503);
    expect(((await res.json()) as { ok: boolean }).ok).toBe(false);
  });
});
