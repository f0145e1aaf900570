// Every refusal the console can show reads in the UI's language: the server names a reason
// (domain/messages.ts) and the console says it with errorText (client/lib/i18n.ts), so a
// Chinese screen never shows the server's English ("Invalid input: households: …", "Case … is
// not assigned to your department.", a revoked wall-screen token). Run over HTTP against the
// test city, as the console calls it: wrong inputs for every procedure (generated from the
// router, tests/support/hostile.ts) as the administrator, who gets past the rights to the input
// checks; a revoked and an unknown display token on tRPC and the feeds; an edit outside one's
// districts; a form's wrong number. Everything runs in one rolled-back transaction.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Hono } from 'hono';
import { rows, type Engine } from '../db/engine.ts';
import { createApp } from '../server/app.ts';
import { describeIssues, isReason, MESSAGES, type InputIssue, type MessageParams } from '../domain/messages.ts';
import { errorText } from '../client/lib/i18n.ts';
import { testEngine } from './support/test-db.ts';
import { rolledBackSuite } from './support/rolled-back.ts';
import { login, readSse, sseError, trpcGet, trpcPost, type HttpSession } from './support/http-session.ts';
import { hostileProcedures, overJson, schemaAccepts, toJson, type ProcedureCases } from './support/hostile.ts';

const CJK = /[\u4e00-\u9fff]/;
/** A reason code or zod code shown as it is: the text was not found. */
const RAW_CODE = /\b(?:zod|input|refused|auth|admin|request|scope|db)\.[a-zA-Z_]+\b/;

const suite = rolledBackSuite(testEngine);
const engine: Engine = suite.engine;
let app: Hono;
let admin: HttpSession;
let coordinator: HttpSession;

beforeAll(() =>
  suite.setup(async () => {
    app = createApp(engine);
    admin = await login(app, 'demo-admin');
    coordinator = await login(app, 'demo-coordinator');
  }), 120_000);
afterAll(() => suite.end());

interface TrpcError {
  message: string;
  data: { code: string; httpStatus: number; reason?: string | null; params?: MessageParams; issues?: InputIssue[] | null };
}

/** What is wrong with a refusal as the Chinese console would show it, or null. */
function untranslated(err: TrpcError): string | null {
  const reason = err.data?.reason;
  if (!reason || !isReason(reason)) return `no known reason (${String(reason)}): ${err.message}`;
  for (const i of err.data.issues ?? []) {
    if (!isReason(i.reason)) return `input issue '${i.path}' has no known reason (${i.reason})`;
    // the field comes first (or after 请填写): in Chinese it is named in Chinese
    const one = describeIssues([i], 'zh');
    if (/^(?:请填写 )?[A-Za-z]/.test(one)) return `the field is not named in Chinese: ${one}`;
  }
  const zh = errorText({ message: err.message, data: err.data }, 'zh');
  if (!CJK.test(zh)) return `not Chinese: ${zh}`;
  if (RAW_CODE.test(zh)) return `a code shows: ${zh}`;
  if (zh === err.message) return `the server's English shows: ${zh}`;
  return null;
}

async function send(p: ProcedureCases, input: unknown): Promise<TrpcError[]> {
  const headers: Record<string, string> = { cookie: admin.cookie };
  if (p.type === 'subscription') {
    // SSE: the refusal is the stream's first message
    const sse = await app.request(`/trpc/${p.path}${input === undefined ? '' : `?input=${encodeURIComponent(toJson(input))}`}`, { headers: { ...headers, accept: 'text/event-stream' } });
    const b = sseError(await readSse(sse));
    return b.error ? [b.error as unknown as TrpcError] : [];
  }
  const res =
    p.type === 'query'
      ? await app.request(`/trpc/${p.path}${input === undefined ? '' : `?input=${encodeURIComponent(toJson(input))}`}`, { headers })
      : await app.request(`/trpc/${p.path}`, { method: 'POST', headers: { ...headers, 'x-csrf-token': admin.csrf, 'content-type': 'application/json' }, body: input === undefined ? undefined : toJson(input) });
  const body = (await res.json()) as { error?: TrpcError } | { error?: TrpcError }[];
  return (Array.isArray(body) ? body : [body]).flatMap((b) => (b.error ? [b.error] : []));
}

describe('every reason has its text in both languages', () => {
  it.each(Object.keys(MESSAGES))('%s', (reason) => {
    const entry = MESSAGES[reason as keyof typeof MESSAGES] as { zh: (p: object) => string; en: (p: object) => string };
    const params = { field: 'households', what: 'case', id: 1, role: 'inspector', action: 'case.read', detail: 'x', details: 'x', max: 1, min: 1 };
    expect(entry.zh(params)).toMatch(CJK);
    expect(entry.en(params)).toMatch(/^[A-Za-z'(]/);
  });
});

describe('every refusal of every procedure (wrong inputs, as the administrator over HTTP) reads in Chinese', () => {
  for (const p of hostileProcedures()) {
    it(p.path, async () => {
      const failures: string[] = [];
      // the cases that must be refused, light ones only (the hostile-input suite sends the rest)
      const cases = p.cases.filter((c) => c.expect === 'refuse' && !c.heavy);
      for (const c of cases) {
        const j = overJson(c);
        // auth.login acts outside any transaction: only what its schema refuses is sent
        if (p.meta.public && p.type === 'mutation' && schemaAccepts(p, j.input)) continue;
        await suite.run(async () => {
          for (const err of await send(p, j.input)) {
            const wrong = untranslated(err);
            if (wrong) failures.push(`${c.label}: ${wrong}`);
          }
        });
      }
      expect(failures, failures.join('\n')).toEqual([]);
    });
  }
});

describe('refusals a user meets', () => {
  it('a revoked or unknown wall-screen token is told so (not "sign in"), on tRPC and on the feeds, in both languages', () =>
    suite.run(async () => {
      const made = await trpcPost(app, 'admin.createToken', { name: 'refusal-texts wall' }, { cookie: admin.cookie, 'x-csrf-token': admin.csrf });
      const { id, token } = made.body.result!.data as { id: number; token: string };
      expect((await trpcGet(app, 'places.summary', undefined, { 'x-display-token': token })).res.status).toBe(200);
      await trpcPost(app, 'admin.revokeToken', { id }, { cookie: admin.cookie, 'x-csrf-token': admin.csrf });
      for (const t of [token, 'bogus']) {
        const rpc = await trpcGet(app, 'places.summary', undefined, { 'x-display-token': t });
        expect(rpc.res.status).toBe(401);
        const err = rpc.body.error as unknown as TrpcError;
        expect(err.data.reason).toBe('auth.displayTokenInvalid');
        expect(errorText(err, 'zh')).toBe('大屏显示令牌无效或已撤销：请使用管理员提供的新大屏地址。');
        expect(errorText(err, 'en')).toMatch(/display token is not valid or was revoked/);
        const feed = await app.request(`/api/layers/districts.bin?display=${t}`);
        expect(feed.status).toBe(401);
        const body = (await feed.json()) as { error: string; reason: string; params: Record<string, unknown> };
        expect(body.reason).toBe('auth.displayTokenInvalid');
        expect(errorText(Object.assign(new Error(`401 ${body.error}`), body), 'zh')).toMatch(/^大屏显示令牌无效/);
      }
      // no token at all is still "sign in first"
      expect((await trpcGet(app, 'places.summary', undefined)).body.error!.data).toMatchObject({ reason: 'auth.signInFirst' });
    }));

  it('an edit outside one\'s districts names the districts in Chinese', () =>
    suite.run(async (tx) => {
      const [g] = await rows<{ id: number; version: number }>(tx, sql`select id, version from responsibility_grids where district_code = '350603' order by id limit 1`);
      const r = await trpcPost(app, 'grids.assignResponsibility', { id: g.id, version: g.version, assigneeRole: 'inspector', assigneeName: '测试' }, { cookie: coordinator.cookie, 'x-csrf-token': coordinator.csrf });
      const err = r.body.error as unknown as TrpcError;
      expect(err.data.reason).toBe('scope.outsideDistricts');
      expect(untranslated(err)).toBeNull();
      expect(errorText(err, 'zh')).toMatch(/^责任网格 \d+ 位于区县 350603，不在您负责的区县（350602）内。$/);
    }));

  it('a wrong number in a form names the field in Chinese, the English message only in English', () =>
    suite.run(async (tx) => {
      const [c] = await rows<{ id: number; version: number; name: string }>(tx, sql`select id, version, name from property_communities where substr(village_code, 1, 6) = '350602' order by id limit 1`);
      const input = { id: c.id, version: c.version, name: c.name, households: null, partyOrgName: null, partyOrgKind: 'none' };
      const r = await trpcPost(app, 'communities.update', input, { cookie: coordinator.cookie, 'x-csrf-token': coordinator.csrf });
      const err = r.body.error as unknown as TrpcError;
      expect(err.message).toMatch(/^Invalid input: households: households is a whole number/);
      expect(errorText(err, 'zh')).toBe('输入有误：户数：类型应为数字');
      expect(errorText(err, 'en')).toBe(err.message);
    }));

  it('a right the role lacks is named in words in Chinese', () =>
    suite.run(async () => {
      const r = await trpcGet(app, 'admin.users', undefined, { cookie: coordinator.cookie });
      const err = r.body.error as unknown as TrpcError;
      expect(err.data.reason).toBe('auth.lacksPermission');
      expect(errorText(err, 'zh')).toBe('您的角色（区县网格管理员）没有“管理用户与角色”权限，如需请联系管理员');
    }));
});
