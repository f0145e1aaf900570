// Hostile input, generated from the router and the HTTP routes themselves (tests/support/hostile.ts):
// every procedure gets wrong types, integer boundaries, NaN/Infinity, dates at and beyond the
// accepted range, U+0000, lone surrogates, bidi overrides, 1 MB strings and deep nesting in each
// field; every HTTP route gets bad cookies, bad percent-encoding, bad and oversized bodies.
// Each answer must be a 4xx with a reason (tRPC: data.reason or data.issues; plain HTTP: reason)
// or, for an input that is valid, a 2xx — never a 5xx — and the server must be alive afterwards.
// Run as nobody, the command-centre viewer and the administrator over HTTP, and in-process as an
// actor with every permission. All of it in one transaction on the test city that is rolled
// back after the last test (tests/support/rolled-back.ts): the sign-ins are made once in it, and
// every case runs in a savepoint of it that is rolled back, so what a case changes — a mutation
// it passes, the audit row and sign-in attempt of a refusal (refusals are always recorded) —
// goes with it, and the shared test city is as it was (checked at the end: accounts, sessions,
// sign-in attempts, the audit log, tokens, rights, compounds, grids, cases). Cases run one at a
// time: a transaction is one connection, and savepoints nest, they do not interleave.
// auth.login (public, not in a transaction of its own) gets only inputs its schema refuses.
// A new procedure, field or layer is covered without editing this file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Hono } from 'hono';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { ZodError } from 'zod';
import { rows, type Engine } from '../db/engine.ts';
import { createApp } from '../server/app.ts';
import { appRouter } from '../server/router.ts';
import { createCallerFactory, zodIssues } from '../server/trpc.ts';
import { PublicError } from '../server/query-error.ts';
import { LAYER_FILES } from '../server/http/layers.ts';
import type { Actor } from '../server/auth/actor.ts';
import { actorOf, testEngine } from './support/test-db.ts';
import { rolledBackSuite } from './support/rolled-back.ts';
import { login, readSse, sseError, type HttpSession } from './support/http-session.ts';
import { callPath, listProcedures } from './support/procedures.ts';
import {
  BAD_COOKIES,
  hostileProcedures,
  layerCases,
  overJson,
  schemaAccepts,
  STATIC_CASES,
  trpcTransportCases,
  type Expect,
  type HostileCase,
  toJson,
  type ProcedureCases,
  type RawCase,
} from './support/hostile.ts';

const PROCEDURES = hostileProcedures();

interface Answer {
  status: number;
  reason: string | null;
  /** Number of input issues (zod failures). */
  issues: number;
  message: string;
}

/** What is wrong with an answer to a case, or null. */
function verdict(expectAs: Expect, a: Answer): string | null {
  if (a.status >= 500 || a.status < 100) return `${a.status} ${a.reason ?? ''} ${a.message}`.slice(0, 300);
  if (a.status >= 400 && !a.reason && !a.issues) return `${a.status} without a reason: ${a.message}`.slice(0, 300);
  if (expectAs === 'refuse' && a.status < 400) return `${a.status}: accepted`;
  return null;
}

const short = (x: unknown) => {
  const s = x === undefined ? 'undefined' : toJson(x);
  return s.length > 120 ? `${s.slice(0, 120)}… (${s.length} chars)` : s;
};

/** Asserts an empty failure list, naming every failure (one per line) in the message. */
function expectNone(failures: string[], title: string) {
  expect(failures.length, `${title}: ${failures.length} failure(s)\n  ${failures.join('\n  ')}\n`).toBe(0);
}

const suite = rolledBackSuite(testEngine);

/** Runs each task in a savepoint of its own that is rolled back, one after the other. */
async function eachRolledBack<T>(items: T[], f: (x: T) => Promise<void>) {
  for (const x of items) await suite.run(() => f(x));
}

// ---- in-process answers

function answerOfError(err: unknown): Answer {
  if (!(err instanceof TRPCError)) return { status: 0, reason: null, issues: 0, message: `thrown: ${String((err as Error)?.message ?? err).slice(0, 200)}` };
  const zod = err.cause instanceof ZodError ? err.cause : null;
  return {
    status: getHTTPStatusCodeFromError(err),
    reason: err instanceof PublicError ? err.reason : null,
    issues: zod ? zodIssues(zod).length : 0,
    message: `${err.code}: ${err.message.split('\n')[0].slice(0, 200)}`,
  };
}

// ---- HTTP answers

interface TrpcErrorBody {
  message?: string;
  code?: number;
  data?: { code?: string; httpStatus?: number; reason?: string | null; issues?: unknown[] | null };
}

async function answerOfResponse(res: Response): Promise<Answer> {
  const text = await res.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  // a tRPC batch answers an array: the worst item counts
  const items = Array.isArray(body) ? (body as unknown[]) : [body];
  let reason: string | null = null;
  let issues = 0;
  let message = text.slice(0, 200);
  for (const item of items) {
    const o = item as { error?: TrpcErrorBody & { reason?: string; error?: unknown }; reason?: string | null; error_?: unknown } | null;
    if (!o || typeof o !== 'object') continue;
    const e = o.error;
    if (e && typeof e === 'object') {
      // tRPC: { error: { message, data: { reason, issues } } }; plain HTTP: { error: '<text>', reason }
      reason = e.data?.reason ?? reason;
      issues = Math.max(issues, e.data?.issues?.length ?? 0);
      message = e.message ?? message;
      if (e.data?.httpStatus && e.data.httpStatus >= 500) return { status: e.data.httpStatus, reason, issues, message };
    }
    if (typeof o.reason === 'string') reason = o.reason;
    if (typeof e === 'string') message = e;
  }
  return { status: res.status, reason, issues, message: String(message).slice(0, 200) };
}

const engine: Engine = suite.engine;
let app: Hono;
let everything: Actor;
let inProcess: unknown;
const http: Record<'nobody' | 'viewer' | 'admin', { session: HttpSession | null; actions: ReadonlySet<string> }> = {
  nobody: { session: null, actions: new Set() },
  viewer: { session: null, actions: new Set() },
  admin: { session: null, actions: new Set() },
};
let before: unknown;

/** What the shared city holds that a mutation, a sign-in or a refusal could change (must be the same at the end). */
async function cityFingerprint(e: Engine) {
  return rows(
    e.db,
    sql`select (select count(*)::int from sessions) as sessions, (select count(*)::int from login_attempts) as login_attempts,
               (select count(*)::int from audit_log) as audit_rows, (select coalesce(sum(repeats), 0)::int from audit_log) as audit_repeats,
               (select count(*)::int from users) as users, (select coalesce(sum(version), 0)::int from users) as user_versions,
               (select count(*)::int from users where disabled_at is not null) as disabled, (select count(*)::int from users where must_change_password) as one_time,
               (select count(*)::int from display_tokens) as tokens, (select count(*)::int from display_tokens where revoked_at is not null) as revoked,
               (select count(*)::int from role_permissions) as grants,
               (select coalesce(sum(version), 0)::int from property_communities) as communities, (select md5(string_agg(name || households || coalesce(party_org_name, ''), ',' order by id)) from property_communities) as community_text,
               (select coalesce(sum(version), 0)::int from responsibility_grids) as rgrids, (select md5(string_agg(assignee_role || assignee_name, ',' order by id)) from responsibility_grids) as rgrid_text,
               (select coalesce(sum(version), 0)::int from cases) as cases`,
  );
}

beforeAll(async () => {
  // before the suite's transaction opens (the root handle is the suite's while it is open)
  before = await cityFingerprint(await testEngine());
  await suite.setup(async () => {
    app = createApp(engine);
    http.viewer = { session: await login(app, 'demo-viewer'), actions: (await actorOf('demo-viewer', engine)).actions };
    http.admin = { session: await login(app, 'demo-admin'), actions: (await actorOf('demo-admin', engine)).actions };
    const permissions = new Set(listProcedures().map((p) => p.meta.permission).filter((x): x is string => !!x));
    const admin = await actorOf('demo-admin', engine);
    everything = { ...admin, actions: new Set([...admin.actions, ...permissions]) };
    inProcess = createCallerFactory(appRouter)({ engine, actor: everything });
  });
}, 120_000);

afterAll(async () => {
  // the shared city is unchanged: every case, and the sign-ins, ran in the rolled-back transaction
  await suite.end();
  expect(await cityFingerprint(await testEngine())).toEqual(before);
});

/** Whether a case may be sent at all, and if not, why it fails by itself. */
function sendable(p: ProcedureCases, c: HostileCase, expectAs: Expect, input: unknown): { send: boolean; failure?: string } {
  // auth.login writes outside any transaction (attempts, throttle, audit): only inputs its schema refuses are sent
  if (p.type === 'mutation' && p.meta.public) {
    const accepted = schemaAccepts(p, input);
    if (!accepted) return { send: true };
    if (expectAs === 'refuse') return { send: false, failure: 'the input schema accepts it (not sent: a public mutation would act on it)' };
    return { send: false };
  }
  // a subscription whose input passes opens a live stream, which cannot LISTEN inside this
  // suite's rolled-back transaction (embedded engine): only what its schema refuses is sent here;
  // the valid stream over HTTP is tests/dispatch-commits.test.ts
  if (p.type === 'subscription' && schemaAccepts(p, input)) {
    return expectAs === 'refuse' ? { send: false, failure: 'the input schema accepts it' } : { send: false };
  }
  return { send: true };
}

describe('hostile input in-process (an actor with every permission; mutations rolled back)', () => {
  for (const p of PROCEDURES) {
    it(`${p.path}: ${p.cases.length} cases are refused with a reason or answered, never a 5xx`, async () => {
      const failures: string[] = [];
      const run = async (c: HostileCase) => {
        const s = sendable(p, c, c.expect, c.input);
        if (s.failure) failures.push(`${c.label}: ${s.failure}`);
        if (!s.send) return;
        let a: Answer;
        try {
          await callPath(inProcess, p.path, c.input);
          a = { status: 200, reason: null, issues: 0, message: 'ok' };
        } catch (err) {
          a = answerOfError(err);
        }
        const v = verdict(c.expect, a);
        if (v) failures.push(`${c.label} (${short(c.input)}): ${v}`);
      };
      await eachRolledBack(p.cases, run);
      expectNone(failures, `${p.path}`);
    });
  }
});

const ACTORS = ['nobody', 'viewer', 'admin'] as const;

function mayCall(who: (typeof ACTORS)[number], p: ProcedureCases): boolean {
  if (p.meta.public) return true;
  if (who === 'nobody') return false;
  return !p.meta.permission || http[who].actions.has(p.meta.permission);
}

async function send(who: (typeof ACTORS)[number], p: ProcedureCases, input: unknown): Promise<Answer> {
  const s = http[who].session;
  const headers: Record<string, string> = s ? { cookie: s.cookie } : {};
  let req: Request;
  if (p.type === 'subscription') {
    // a subscription (SSE) answers 200 and carries a refusal as its first message: read as the error body of a query
    const q = input === undefined ? '' : `?input=${encodeURIComponent(toJson(input))}`;
    const res = await app.fetch(new Request(`http://test/trpc/${p.path}${q}`, { headers: { ...headers, accept: 'text/event-stream' } }));
    const body = sseError(await readSse(res));
    return answerOfResponse(new Response(JSON.stringify(body), { status: body.error ? body.error.data.httpStatus : res.status }));
  }
  if (p.type === 'query') {
    const q = input === undefined ? '' : `?input=${encodeURIComponent(toJson(input))}`;
    req = new Request(`http://test/trpc/${p.path}${q}`, { headers });
  } else {
    if (s) headers['x-csrf-token'] = s.csrf;
    req = new Request(`http://test/trpc/${p.path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: input === undefined ? undefined : toJson(input) });
  }
  return answerOfResponse(await app.fetch(req));
}

describe('hostile input over HTTP (tRPC), as nobody, the viewer and the administrator', () => {
  for (const who of ACTORS) {
    for (const p of PROCEDURES) {
      it(`${p.path} as ${who}`, async () => {
        const failures: string[] = [];
        // all cases where the actor may call it; else a sample (refused before the input is read)
        // (mutations: every case that must be refused, and a few valid ones — the in-process run sends them all)
        const all = p.type === 'mutation' ? [...p.cases.filter((c) => c.expect === 'refuse'), ...p.cases.filter((c) => c.expect === 'either').slice(0, 6)] : p.cases;
        const cases = mayCall(who, p) ? all : [...p.cases.filter((c) => !c.heavy).slice(0, 3), ...p.cases.filter((c) => c.heavy).slice(0, 1)];
        const run = async (c: HostileCase) => {
          const j = overJson(c);
          const s = sendable(p, c, j.expect, j.input);
          if (s.failure) failures.push(`${c.label}: ${s.failure}`);
          if (!s.send) return;
          const a = await send(who, p, j.input);
          // an actor who may not call it must be refused whatever the input (a 200 to nobody is a bypass)
          const v = verdict(mayCall(who, p) ? j.expect : 'refuse', a);
          if (v) failures.push(`${c.label}${j.changed ? ' (sent as JSON null)' : ''} (${short(j.input)}): ${v}`);
        };
        await eachRolledBack(cases, run);
        expectNone(failures, `${p.path} as ${who}`);
      });
    }
  }
});

/** One raw request, in a savepoint of its own that is rolled back (the answer is read inside it). */
function sendRaw(c: RawCase, cookie?: string): Promise<Answer & { body?: string }> {
  return suite.run(async () => {
    const headers: Record<string, string> = { ...(c.headers ?? {}) };
    if (cookie) headers.cookie = cookie;
    const init: RequestInit & { duplex?: 'half' } = { method: c.method, headers, body: c.body };
    if (c.body instanceof ReadableStream) init.duplex = 'half';
    const res = await app.fetch(new Request(`http://test${c.path}`, init));
    const copy = res.clone();
    const a = await answerOfResponse(res);
    return { ...a, body: (await copy.text()).slice(0, 4000) };
  });
}

describe('hostile HTTP requests no schema sees', () => {
  const routes = ['/trpc/places.summary', '/trpc/auth.me', '/api/layers/districts.bin', '/api/layers/cases.bin', '/healthz'];
  it.each(BAD_COOKIES)('a bad cookie (%s: %s) is answered with a 4xx and a reason, or as nobody', async (cookie, _what) => {
    const failures: string[] = [];
    for (const path of routes) {
      const a = await sendRaw({ label: path, method: 'GET', path, expect: 'either' }, cookie);
      // protected routes: 401 (nobody) or 400 (request.badCookie); auth.me and healthz may answer 200
      const must: Expect = path === '/trpc/auth.me' || path === '/healthz' ? 'either' : 'refuse';
      const v = verdict(must, a);
      if (v) failures.push(`${path}: ${v}`);
    }
    // a cookie on a change (POST) too
    const a = await sendRaw({ label: 'logout', method: 'POST', path: '/trpc/auth.logout', headers: { 'content-type': 'application/json' }, expect: 'refuse' }, cookie);
    const v = verdict('refuse', a);
    if (v) failures.push(`POST /trpc/auth.logout: ${v}`);
    expectNone(failures, expect.getState().currentTestName ?? '');
  });

  it('a raw U+0000 in a cookie or header cannot even be sent (the fetch API refuses it)', () => {
    expect(() => new Request('http://test/trpc/auth.me', { headers: { cookie: 'cg_session=a\u0000b' } })).toThrow();
    expect(() => new Request('http://test/trpc/auth.me', { headers: { 'x-display-token': 'a\u0000b' } })).toThrow();
  });

  it('a hostile display-token header is answered as nobody', async () => {
    const failures: string[] = [];
    for (const token of ['%', '%E0%A4%A', 'a'.repeat(10_240), 'ÿþ', ' ', 'null', '\u00e9\u00e8']) {
      for (const path of ['/trpc/places.summary', '/api/layers/cases.bin']) {
        const a = await sendRaw({ label: path, method: 'GET', path, headers: { 'x-display-token': token }, expect: 'refuse' });
        const v = verdict('refuse', a);
        if (v) failures.push(`${path} with x-display-token ${short(token)}: ${v}`);
      }
    }
    expectNone(failures, expect.getState().currentTestName ?? '');
  });

  for (const who of ACTORS) {
    it(`the layer feeds (${LAYER_FILES.join(', ')}) with bent parameters and paths, as ${who}`, async () => {
      const failures: string[] = [];
      const cookie = http[who].session?.cookie;
      for (const c of layerCases(LAYER_FILES)) {
        const a = await sendRaw(c, cookie);
        // nobody is refused before the parameters are read: always a 4xx
        const v = verdict(who === 'nobody' ? 'refuse' : c.expect, a);
        if (v) failures.push(`${c.label} (${c.path.slice(0, 100)}): ${v}`);
      }
      expectNone(failures, expect.getState().currentTestName ?? '');
    });

    it(`the tRPC transport (query strings, bodies, batches, methods, paths), as ${who}`, async () => {
      const failures: string[] = [];
      const s = http[who].session;
      for (const c of trpcTransportCases('search.query', 'auth.login', { q: 'abc' }, 'places.districts', { code: '350602' })) {
        const headers = { ...(c.headers ?? {}), ...(s && c.method === 'POST' ? { 'x-csrf-token': s.csrf } : {}) };
        const a = await sendRaw({ ...c, headers }, s?.cookie);
        const v = verdict(c.expect, a);
        if (v) failures.push(`${c.label}: ${v}`);
      }
      expectNone(failures, expect.getState().currentTestName ?? '');
    });
  }

  it('static files and unknown paths: never a 5xx, nothing outside the client folder, a reason with any 4xx', async () => {
    const failures: string[] = [];
    for (const c of STATIC_CASES) {
      const a = await sendRaw(c);
      const v = verdict(c.expect, a);
      if (v) failures.push(`${c.label} (${c.path.slice(0, 80)}): ${v}`);
      if (/"name":\s*"citygrid"|root:x:0:0/.test(a.body ?? '')) failures.push(`${c.label}: served a file outside the client folder`);
    }
    expectNone(failures, expect.getState().currentTestName ?? '');
  });
});

describe('after all of it', () => {
  it('the server is alive: /healthz answers 200 and a normal query still works', () =>
    suite.run(async () => {
      expect((await app.fetch(new Request('http://test/healthz'))).status).toBe(200);
      const res = await app.fetch(new Request('http://test/trpc/places.summary', { headers: { cookie: http.viewer.session!.cookie } }));
      expect(res.status).toBe(200);
      const again = await app.fetch(new Request(`http://test/trpc/search.query?input=${encodeURIComponent(JSON.stringify({ q: '芗城' }))}`, { headers: { cookie: http.viewer.session!.cookie } }));
      expect(again.status).toBe(200);
      // and a fresh sign-in still works (nothing above locked the address or an account)
      await login(createApp(engine), 'demo-viewer');
    }));
});
