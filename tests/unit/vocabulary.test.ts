// The city's vocabularies (domain/vocabulary.ts) are complete in both languages and defined
// once: every channel, role, status, event and field has its Chinese and English words; the
// roles say what the migrations ship; and the console keeps no second copy (no local tables of
// statuses, roles, channels or field labels, none of the old string helpers t/ta/td/tf/tData).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHANNELS, CHANNEL_WORDS, EVENTS, EVENT_WORDS, FIELD_WORDS, REPORT_FIELDS, ROLES, ROLE_WORDS, STATUS_WORDS, VOCABULARIES, wordOf } from '../../domain/vocabulary.ts';
import { STATUSES } from '../../domain/workflow.ts';
import { FIELD_KINDS, SYSTEM_EVENTS, TRANSITIONS } from '../../domain/transitions.ts';
import { messageOf } from '../../domain/messages.ts';
import { roleLabel } from '../../domain/actions.ts';

const root = resolve(import.meta.dirname, '../..');
const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : /\.tsx?$/.test(name) ? [p] : [];
  });

describe('vocabularies: every code in Chinese and English', () => {
  it('each vocabulary has a non-empty zh and en word for every code', () => {
    for (const [name, table] of Object.entries(VOCABULARIES)) {
      for (const [code, w] of Object.entries(table as Record<string, { zh: string; en: string }>)) {
        expect(w.zh.trim(), `${name} ${code} zh`).not.toBe('');
        expect(w.en.trim(), `${name} ${code} en`).not.toBe('');
        expect(/[\u4e00-\u9fff]/.test(w.zh) || /^[A-Z0-9 ]+$/.test(w.zh), `${name} ${code} zh is Chinese: ${w.zh}`).toBe(true);
      }
    }
  });
  it('the lists and their words cover the same codes', () => {
    expect(Object.keys(CHANNEL_WORDS).sort()).toEqual([...CHANNELS].sort());
    expect(Object.keys(ROLE_WORDS).sort()).toEqual([...ROLES].sort());
    expect(Object.keys(STATUS_WORDS).sort()).toEqual([...STATUSES].sort());
    for (const f of [...Object.keys(FIELD_KINDS), ...REPORT_FIELDS]) expect(FIELD_WORDS, f).toHaveProperty(f);
    for (const e of [...TRANSITIONS.map((x) => x.action), ...SYSTEM_EVENTS]) expect(EVENTS, e).toContain(e);
    expect(Object.keys(EVENT_WORDS)).toEqual(EVENTS);
  });
  it('the roles say what the migrations ship (roles.name, roles.name_en)', () => {
    const sql = readdirSync(join(root, 'db/migrations')).filter((f) => f.endsWith('.sql')).map((f) => readFileSync(join(root, 'db/migrations', f), 'utf8')).join('\n');
    const shipped = [...sql.matchAll(/\('([a-z_]+)',\s*'([^']*[\u4e00-\u9fff][^']*)',\s*'([^']+)'/g)].map((m) => ({ code: m[1], zh: m[2], en: m[3] }));
    expect(shipped.length).toBeGreaterThanOrEqual(11);
    for (const r of shipped) expect(ROLE_WORDS[r.code as keyof typeof ROLE_WORDS], r.code).toEqual({ zh: r.zh, en: r.en });
  });
  it('the refusals and the audit log speak the same words', () => {
    expect(roleLabel('department_handler', 'zh')).toBe(ROLE_WORDS.department_handler.zh);
    // a field named in a refusal is the form's label
    expect(messageOf('input.textTooLong', { field: 'result', max: 500 }, 'zh')).toContain(FIELD_WORDS.result.zh);
    expect(messageOf('workflow.illegal', { id: 1, status: 'dispatched', action: 'close', version: 1 }, 'zh') ?? '').toContain(STATUS_WORDS.dispatched.zh);
    expect(wordOf('status', 'nonesuch', 'en')).toBe('nonesuch');
  });
});

describe('vocabularies: the console keeps no second copy', () => {
  const client = filesUnder(join(root, 'client')).map((p) => ({ p: p.slice(root.length + 1), text: readFileSync(p, 'utf8') }));
  it('no client table of statuses, roles, channels or events (`status_x: { zh`), nor of field labels', () => {
    for (const { p, text } of client) {
      expect(text, p).not.toMatch(/\b(status|role|channel|event)_[A-Za-z0-9_]+: \{ zh:/);
      expect(text, p).not.toMatch(/FIELD_LABELS/);
      expect(text, p).not.toMatch(/['"]12345['"], ['"]12319['"]/);
      expect(text, p).not.toMatch(/处理结果|zh: '专业部门'/);
    }
  });
  it('the old string helpers (t, ta, td, tf, tData, taData) are neither defined nor imported', () => {
    const old = new Set(['t', 'ta', 'td', 'tf', 'tData', 'taData']);
    for (const { p, text } of client) {
      expect(text, p).not.toMatch(/\b(?:const|function) (?:t|ta|td|tf|tData|taData)\b\s*(?:=\s*(?:\(lang|defineStrings)|\(lang)/);
      for (const m of text.matchAll(/import \{([^}]*)\} from '[^']*'/g)) {
        const names = m[1].split(',').map((x) => x.trim()).filter(Boolean);
        expect(names.filter((n) => old.has(n)), `${p} imports an old helper`).toEqual([]);
      }
    }
  });
});
