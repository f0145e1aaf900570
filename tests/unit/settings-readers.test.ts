// One reader of the settings (docs/decisions/0021-settings-once.md): no server source but
// server/settings/settings-store.ts reads app_meta, calendar_days or working_periods (the live
// events and photos read theirs through server/settings/settings.ts like everyone else).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));

const THE_READER = 'server/settings/settings-store.ts';
/** A read of a settings table in SQL (a write — insert, update, delete — is not a read). */
const READ = /(?<!delete\s+)\b(?:from|join)\s+(?:app_meta|calendar_days|working_periods)\b/i;

/** The lines of a source that read a settings table, comments left out. */
function reads(text: string): string[] {
  return text.split('\n').filter((l) => !/^\s*(\/\/|\*|\/\*)/.test(l) && READ.test(l));
}

describe('the settings have one reader', () => {
  const files = [...sources(resolve(root, 'server')), ...sources(resolve(root, 'domain'))].map((f) => ({ file: relative(root, f), lines: reads(readFileSync(f, 'utf8')) }));
  it('the scan finds the reader (so it can see a read)', () => {
    expect(files.find((f) => f.file === THE_READER)?.lines.length).toBeGreaterThan(0);
  });
  it('no other server or domain source reads app_meta or the working calendar', () => {
    expect(files.filter((f) => f.lines.length && f.file !== THE_READER).map((f) => `${f.file}: ${f.lines[0].trim()}`)).toEqual([]);
  });
});
