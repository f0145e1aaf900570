// Failures reach the client as messages written for people: never SQL, never a stack.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import { createApp } from '../server/app.ts';
import { INTERNAL_MESSAGE } from '../server/query-error.ts';
import type { Engine } from '../db/engine.ts';
import { ensureDemoAccounts } from '../server/auth/first-run.ts';
import { freshEngine, migratedEngine } from './support/test-db.ts';
import { login } from './support/http-session.ts';

describe('API errors on a database without the schema (real engine, nothing migrated)', () => {
  let engine: Engine;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ engine, dispose } = await freshEngine('citygrid_api_errors'));
  });
  afterAll(() => dispose());

  it('a request that cannot be authenticated says so with 503, without SQL', async () => {
    const res = await createApp(engine).fetch(new Request('http://test/trpc/places.summary', { headers: { cookie: 'cg_session=abc' } }));
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(text).toContain('Cannot check who you are right now');
    expect(text).not.toMatch(/select|relation|stack/i);
  });

  it('healthz says the database is not answering, with 503', async () => {
    const res = await createApp(engine).fetch(new Request('http://test/healthz'));
    expect(res.status).toBe(503);
    expect(((await res.json()) as { ok: boolean }).ok).toBe(false);
  });
});

describe('API errors when tables go missing under a signed-in user (real engine)', () => {
  let engine: Engine;
  let dispose: () => Promise<void>;
  let cookie: string;
  const call = async (path: string) => {
    const res = await createApp(engine).fetch(new Request(`http://test/trpc/${path}`, { headers: { cookie } }));
    return { status: res.status, text: await res.text() };
  };
  beforeAll(async () => {
    ({ engine, dispose } = await migratedEngine('citygrid_api_errors_b'));
    await ensureDemoAccounts(engine.db);
    ({ cookie } = await login(createApp(engine), 'demo-viewer'));
    await engine.db.execute(sql`alter table districts rename to districts_moved`);
    await engine.db.execute(sql`alter table drizzle.__drizzle_migrations rename to migrations_moved`);
  }, 120_000);
  afterAll(() => dispose());

  it('a failed query names what failed and hides the SQL; the server log says the database\'s reason and code', async () => {
    const logged: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
    try {
      const { status, text } = await call('places.summary');
      expect(status).toBe(500);
      expect(text).toContain('The database could not answer (summary of districts)');
      expect(text).not.toMatch(/select|relation|stack|SQLSTATE/i);
    } finally {
      spy.mockRestore();
    }
    // 42P01: undefined_table — the operator reads why, not only "Failed query: <SQL>"
    expect(logged.join('\n')).toMatch(/summary of districts failed: SQLSTATE 42P01: relation "districts" does not exist/);
  });

  it('an unexpected failure shows the generic message only', async () => {
    const { status, text } = await call('system.info');
    expect(status).toBe(500);
    expect(JSON.parse(text).error.message).toBe(INTERNAL_MESSAGE);
    expect(text).not.toMatch(/drizzle|select|stack/i);
  });

  it('nobody signed in gets 401 and a message saying to sign in, before any query runs', async () => {
    const res = await createApp(engine).fetch(new Request('http://test/trpc/places.summary'));
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('Sign in first');
  });
});
