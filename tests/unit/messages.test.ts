// Refusals are codes with a text in each language (docs/decisions/0008): every reason the
// server's source can throw exists in domain/messages.ts with Chinese and English text; no
// refusal is built without one (no bare TRPCError or PublicError, no zod refinement with only an
// English message); every zod issue code and every tRPC error code the formatter may meet
// resolves to a reason; and the console's errorText says refusals, feed failures and a lost
// network in the UI's language.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import type { $ZodIssueCode } from 'zod/v4/core';
import { describeIssues, isReason, messageOf, MESSAGES } from '../../domain/messages.ts';
import { errorText } from '../../client/lib/i18n.ts';
import { publicProcedure, router } from '../../server/trpc.ts';

const root = resolve(import.meta.dirname, '../..');
const CJK = /[\u4e00-\u9fff]/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}
const server = sources(resolve(root, 'server')).map((f) => ({ file: relative(root, f), text: readFileSync(f, 'utf8') }));

describe('every reason the server can throw has its text in both languages', () => {
  const thrown = [
    ...new Set(
      server.flatMap(({ text }) => [
        ...[...text.matchAll(/refuse\(\s*'[A-Z_]+',\s*'([^']+)'/g)].map((m) => m[1]),
        ...[...text.matchAll(/issue\(\s*ctx,\s*'([^']+)'/g)].map((m) => m[1]),
        ...[...text.matchAll(/trpcRefusal\(\s*c,\s*\d+,\s*'([^']+)'/g)].map((m) => m[1]),
        ...[...text.matchAll(/reason: '([a-z]+\.[A-Za-z_]+)'/g)].map((m) => m[1]),
      ]),
    ),
  ];
  it('the source names reasons (the scan finds them)', () => {
    expect(thrown).toEqual(expect.arrayContaining(['notFound', 'auth.signInFirst', 'scope.notYourDepartment', 'auth.displayTokenInvalid', 'settings.badStored', 'request.tooLarge']));
  });
  it.each(thrown)('%s', (reason) => {
    expect(isReason(reason), `'${reason}' is thrown but has no entry in domain/messages.ts`).toBe(true);
    expect(messageOf(reason, {}, 'zh')).toMatch(CJK);
    expect(messageOf(reason, {}, 'en')).not.toMatch(CJK);
  });
  it.each(Object.keys(MESSAGES))('%s: Chinese and English', (reason) => {
    expect(messageOf(reason, { what: 'case', id: 7, field: 'households', detail: 'x' }, 'zh')).toMatch(CJK);
    expect(messageOf(reason, { what: 'case', id: 7, field: 'households', detail: 'x' }, 'en')).not.toMatch(CJK);
  });
});

describe('no refusal without a reason', () => {
  it('errors for the client are built by refuse() only (server/query-error.ts), never as a bare TRPCError or PublicError', () => {
    const bare = server.filter(({ file, text }) => file !== 'server/query-error.ts' && /new (TRPCError|PublicError)\(/.test(text)).map((s) => s.file);
    expect(bare).toEqual([]);
  });
  it('input checks name a reason (issue(ctx, reason)), never a zod refinement with only an English message', () => {
    const refined = server.filter(({ text }) => /\.(refine|superRefine)\(/.test(text)).map((s) => s.file);
    expect(refined).toEqual([]);
  });
  it('every zod issue code has its reason', () => {
    const codes = ['invalid_type', 'too_big', 'too_small', 'invalid_format', 'not_multiple_of', 'unrecognized_keys', 'invalid_union', 'invalid_key', 'invalid_element', 'invalid_value', 'custom'] as const satisfies readonly $ZodIssueCode[];
    // a new zod code fails to compile here until it is listed (and then below until it has a text)
    const all: Exclude<$ZodIssueCode, (typeof codes)[number]> extends never ? true : false = true;
    expect(all).toBe(true);
    for (const c of codes) expect(isReason(`zod.${c}`), `zod.${c}`).toBe(true);
  });
  it.each(Object.keys(TRPC_ERROR_CODES_BY_KEY))('a bare %s (thrown by tRPC itself) is answered with a reason that has Chinese text', async (code) => {
    const app = router({ fail: publicProcedure.query(() => { throw new TRPCError({ code: code as TRPCError['code'], message: 'As written by the server.' }); }) });
    const res = await fetchRequestHandler({ endpoint: '/trpc', req: new Request('http://test/trpc/fail'), router: app, createContext: () => ({ engine: null as never, actor: null }) });
    const body = (await res.json()) as { error: { message: string; data: { reason: string; params: Record<string, unknown> } } };
    expect(isReason(body.error.data.reason), body.error.data.reason).toBe(true);
    expect(errorText(body.error, 'zh')).toMatch(CJK);
  });
});

describe('the console says it in the UI\'s language (errorText)', () => {
  const refusal = { message: 'Case 142100 is not assigned to your department.', data: { reason: 'scope.notYourDepartment', params: { what: 'case', id: 142100 } } };
  it('a tRPC refusal', () => {
    expect(errorText(refusal, 'zh')).toBe('案件 142100 未分派给您的部门。');
    expect(errorText(refusal, 'en')).toBe('Case 142100 is not assigned to your department.');
  });
  it('input issues, the field named in Chinese', () => {
    const err = { message: 'Invalid input: households: households is a whole number', data: { reason: 'input.invalid', issues: [{ path: 'households', reason: 'zod.invalid_type', params: { expected: 'number', message: 'households is a whole number' } }] } };
    expect(errorText(err, 'zh')).toBe('输入有误：户数：类型应为数字');
    expect(errorText(err, 'en')).toBe('Invalid input: households: households is a whole number');
    expect(describeIssues([{ path: 'districtCodes.2', reason: 'input.districtCode', params: {} }], 'zh')).toBe('区县代码为 6 位数字');
    expect(describeIssues([{ path: 'name', reason: 'zod.too_small', params: { minimum: '1', origin: 'string' } }], 'zh')).toBe('名称：至少 1 个字符');
    expect(describeIssues([{ path: 'districtCodes.2', reason: 'zod.invalid_type', params: { expected: 'string' } }], 'zh')).toBe('区县·第 3 项：类型应为文字');
  });
  it('a right and a role in words', () => {
    expect(errorText({ data: { reason: 'auth.lacksPermission', params: { role: 'health_planner', action: 'case.read' } } }, 'zh')).toBe('您的角色（卫生规划人员）没有“查看案件”权限，如需请联系管理员');
  });
  it('a feed refusal (plain HTTP: reason and params on the error), and a feed the console cannot read', () => {
    expect(errorText(Object.assign(new Error('401 Sign in first'), { reason: 'auth.displayTokenInvalid', params: {} }), 'zh')).toMatch(/^大屏显示令牌无效或已撤销/);
    expect(errorText(Object.assign(new Error('bad magic'), { reason: 'feed.malformed', params: { detail: 'bad magic' } }), 'zh')).toBe('图层数据无法读取（bad magic）');
  });
  it('no answer at all: the network, not the browser\'s English', () => {
    expect(errorText(new TypeError('Failed to fetch'), 'zh')).toBe('无法连接服务器：请检查网络后重试。');
    expect(errorText(Object.assign(new Error('Failed to fetch'), { cause: new TypeError('Failed to fetch') }), 'en')).toBe('Cannot reach the server: check the network and try again.');
    // a programming error is not the network
    expect(errorText(new TypeError("Cannot read properties of undefined (reading 'x')"), 'zh')).toBe("Cannot read properties of undefined (reading 'x')");
  });
  it('an error without a reason keeps its own text (a proxy\'s answer, a test double)', () => {
    expect(errorText(new Error('503 townships are unavailable (test)'), 'zh')).toBe('503 townships are unavailable (test)');
  });
});
