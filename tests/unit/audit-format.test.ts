// The audit log in words: every action code the server can write has a label in both languages
// (the procedures' paths from the router itself, and the actions written outside tRPC, read from
// the server's source), every right the migrations ship has one, and a row's note reads as
// key/value text in the UI's language, not as JSON.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTION_LABELS, PERMISSION_LABELS, ROLE_LABELS } from '../../domain/actions.ts';
import { auditDetailItems, auditDetailText, outcomeText, targetText } from '../../client/features/admin/audit-format.ts';
import { listProcedures } from '../support/procedures.ts';

const root = resolve(import.meta.dirname, '../..');
const CJK = /[\u4e00-\u9fff]/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}
const serverSource = sources(resolve(root, 'server')).map((f) => readFileSync(f, 'utf8'));
const migrations = readdirSync(resolve(root, 'db/migrations')).filter((f) => f.endsWith('.sql')).map((f) => readFileSync(resolve(root, 'db/migrations', f), 'utf8'));

/** The actions written by name outside a mutation (`action: 'system.report'` in a writeAudit call). */
const writtenByName = [...new Set(serverSource.flatMap((s) => [...s.matchAll(/\baction: '([a-zA-Z]+\.[a-zA-Z.]+)'/g)].map((m) => m[1])))];
/** Every mutation is audited under its procedure path (server/trpc.ts `mutation`), and auth.login under its own. */
const procedurePaths = listProcedures().filter((p) => p.type === 'mutation').map((p) => p.path);
/** The rights the migrations insert into permissions (role_permissions names them). */
const shippedRights = [...new Set(migrations.flatMap((m) => [...m.matchAll(/INSERT INTO permissions[^;]*/g)].flatMap((block) => [...block[0].matchAll(/\(\s*'([a-z.]+)'\s*,/g)].map((x) => x[1]))))];
const shippedRoles = [...new Set(migrations.flatMap((m) => [...m.matchAll(/INSERT INTO roles[^;]*/g)].flatMap((block) => [...block[0].matchAll(/\(\s*'([a-z_]+)'\s*,/g)].map((x) => x[1]))))];

describe('every action code the server can write has a label', () => {
  it('the lists read from the router, the source and the migrations are not empty', () => {
    expect(procedurePaths).toContain('admin.createUser');
    expect(writtenByName).toEqual(expect.arrayContaining(['auth.login', 'system.firstAdmin', 'system.localCli']));
    expect(shippedRights).toEqual(expect.arrayContaining(['case.read', 'user.manage', 'token.manage']));
    expect(shippedRoles).toEqual(expect.arrayContaining(['admin', 'wall_display']));
  });
  it.each([...new Set([...procedurePaths, ...writtenByName])])('action %s', (code) => {
    const label = ACTION_LABELS[code];
    expect(label, `no label for the audit action '${code}' in domain/actions.ts`).toBeDefined();
    expect(label.zh).toMatch(CJK);
    expect(label.en).toMatch(/^[A-Z]/);
  });
  it.each(shippedRights)('right %s', (code) => {
    expect(PERMISSION_LABELS[code]?.zh).toMatch(CJK);
    expect(PERMISSION_LABELS[code]?.en).toMatch(/^[A-Z]/);
  });
  it.each(shippedRoles)('role %s', (code) => {
    expect(ROLE_LABELS[code]?.zh).toMatch(CJK);
    expect(ROLE_LABELS[code]?.en).toMatch(/^[A-Z]/);
  });
  it('the rights keep the words the migrations give them', () => {
    for (const m of migrations)
      for (const [, code, zh, en] of m.matchAll(/\(\s*'([a-z.]+)',\s*'([^']+)',\s*'((?:[^']|'')+)'\)/g)) {
        if (!PERMISSION_LABELS[code]) continue;
        expect(PERMISSION_LABELS[code]).toEqual({ zh, en: en.replaceAll("''", "'") });
      }
  });
});

describe('an audit note as key/value text', () => {
  const denied = {
    input: { username: 'xx-user', roleCode: 'inspector', districtCodes: ['350602', '350603'], departmentId: null, password: '***' },
    params: { role: 'district_coordinator', action: 'user.manage' },
    reason: 'auth.lacksPermission',
    message: "Your role (district_coordinator) does not have the permission 'user.manage'. Ask an administrator if you need it.",
    outcome: 'denied',
  };

  it('a refusal: outcome and reason first, in Chinese, the English message left out, each input field on its own', () => {
    const items = auditDetailItems(denied, 'zh');
    expect(items.map((i) => i.key)).toEqual(['outcome', 'reason', 'input.username', 'input.roleCode', 'input.districtCodes', 'input.departmentId', 'input.password']);
    expect(items[0]).toEqual({ key: 'outcome', label: '结果', value: '被拒绝' });
    expect(items[1].value).toBe('您的角色（区县网格管理员）没有“管理用户与角色”权限，如需请联系管理员');
    expect(items.find((i) => i.key === 'input.roleCode')?.value).toBe('监督员');
    expect(items.find((i) => i.key === 'input.districtCodes')?.value).toBe('350602、350603');
    expect(items.find((i) => i.key === 'input.departmentId')?.value).toBe('—');
    const text = auditDetailText(denied, 'zh');
    expect(text).not.toMatch(/[{}"]|Your role|auth\.lacksPermission/);
    expect(text).toContain('用户名：xx-user');
  });

  it('the same note in English', () => {
    const text = auditDetailText(denied, 'en');
    expect(text).toMatch(/^Outcome: denied; Reason: Your role \(district_coordinator\) does not have the permission 'user\.manage'/);
    expect(text).toContain('Role: Inspector');
    expect(text).toContain('Districts: 350602, 350603');
  });

  it('a refusal recorded before reasons had parameters keeps its message; a tRPC code reads as its kind', () => {
    expect(auditDetailText({ outcome: 'denied', reason: 'FORBIDDEN', message: 'Not yours.' }, 'zh')).toBe('结果：被拒绝；原因：无权执行此操作。');
    expect(auditDetailText({ outcome: 'denied', reason: 'something.unknown', message: 'As written.' }, 'en')).toBe('Outcome: denied; Reason: something.unknown; Message: As written.');
  });

  it('sign-ins, the first run and the command line', () => {
    expect(auditDetailText({ outcome: 'throttled' }, 'zh')).toBe('结果：已锁定');
    // the row's own outcome column says it already; a finer outcome than the column's is kept
    expect(auditDetailText({ outcome: 'ok' }, 'zh', 'ok')).toBe('');
    expect(auditDetailText({ outcome: 'busy' }, 'zh', 'failed')).toBe('结果：服务器忙');
    expect(auditDetailText({ outcome: 'demo refused' }, 'en')).toBe('Outcome: demo account refused');
    expect(auditDetailText({ from: 'one-time password' }, 'zh')).toBe('来源：一次性密码');
    expect(auditDetailText({ created: ['demo-intake', 'demo-admin'] }, 'zh')).toBe('已创建：demo-intake、demo-admin');
    expect(auditDetailText({ outcome: 'denied', reason: 'cli.badSecret', command: 'report' }, 'zh')).toMatch(/^结果：被拒绝；原因：命令行密钥缺失或错误.*；命令：report$/);
  });

  it('changes: booleans and known codes in words, an oversized input as its summary', () => {
    expect(auditDetailText({ input: { roleCode: 'shift_lead', permission: 'case.close', granted: false } }, 'zh')).toBe('角色：值班长；权限：结案或返工；授予：否');
    expect(auditDetailText({ input: { id: 3, assigneeRole: 'grid_worker', assigneeName: '张三' } }, 'en')).toBe('Id: 3; Assignee role: grid worker; Assignee: 张三');
    const summary = { summary: true, chars: 3_400_000, keyCount: 100_006, keys: ['id', 'version'], items: null, excerpt: '{"id":1,…' };
    expect(auditDetailText({ outcome: 'denied', reason: 'auth.lacksPermission', params: { role: 'command_viewer', action: 'community.edit' }, input: summary }, 'zh')).toBe(
      '结果：被拒绝；原因：您的角色（指挥中心观察员）没有“编辑物业小区”权限，如需请联系管理员；输入：过大，仅存摘要：3400000 个字符，100006 个键（id、version…）',
    );
  });

  it('nothing, a long value, an unknown key', () => {
    expect(auditDetailItems(null, 'zh')).toEqual([]);
    const long = auditDetailText({ note: 'x'.repeat(500) }, 'en');
    expect(long).toBe(`note: ${'x'.repeat(200)}…`);
  });

  it('outcomes in words, the finer ones of sign-ins too', () => {
    expect(['ok', 'denied', 'failed', 'throttled', 'busy', 'disabled', 'demo refused'].map((o) => outcomeText(o, 'zh'))).toEqual(['成功', '被拒绝', '失败', '已锁定', '服务器忙', '账户已停用', '演示账户被拒']);
  });

  it('targets in words', () => {
    expect(targetText('displayToken', '4', 'zh')).toBe('大屏令牌 4');
    expect(targetText('responsibilityGrid', '12', 'en')).toBe('responsibility grid 12');
    expect(targetText(null, null, 'zh')).toBe('');
    expect(targetText('something', '1', 'zh')).toBe('something 1');
  });
});
