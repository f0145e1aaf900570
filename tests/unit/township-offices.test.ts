// Township and street offices (the departments territorial cases go to) are named, in both
// languages: they were seeded with a code for an English name ("350602007 street office"),
// which the case panel showed as the unit in English. Migration 0014 repairs databases
// seeded before.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { townshipOfficeName } from '../../data/generators/catalogue.ts';
import { readDivision } from '../../data/generators/sources.ts';
import { townshipKind } from '../../domain/codes.ts';

describe('townshipOfficeName', () => {
  it('names an office "<English name> Street Office" where the township has an English name', () => {
    expect(townshipOfficeName({ name: '香桥街道', kind: 'street', nameEn: 'Xiangqiao' })).toEqual({ name: '香桥街道办事处', nameEn: 'Xiangqiao Street Office' });
    expect(townshipOfficeName({ name: '天宝镇', kind: 'town', nameEn: 'Tianbao' })).toEqual({ name: '天宝镇人民政府', nameEn: 'Tianbao Town Government' });
    expect(townshipOfficeName({ name: '坂里乡', kind: 'township', nameEn: 'Banli' })).toEqual({ name: '坂里乡人民政府', nameEn: 'Banli Township Government' });
    expect(townshipOfficeName({ name: '天宝林场', kind: 'other', nameEn: 'Tianbao Forest Farm' })).toEqual({ name: '天宝林场管委会', nameEn: 'Tianbao Forest Farm Management Committee' });
  });
  it('falls back to the Chinese office name, never a code, where it has none', () => {
    expect(townshipOfficeName({ name: '西桥街道', kind: 'street' })).toEqual({ name: '西桥街道办事处', nameEn: '西桥街道办事处' });
    expect(townshipOfficeName({ name: '西桥街道', kind: 'street', nameEn: '  ' }).nameEn).toBe('西桥街道办事处');
    expect(townshipOfficeName({ name: '西桥街道', kind: 'street', nameEn: null }).nameEn).toBe('西桥街道办事处');
  });
  it('names every township of the demo city, with no code in either name', () => {
    const { townships } = readDivision();
    expect(townships.length).toBeGreaterThan(100);
    for (const t of townships) {
      const office = townshipOfficeName({ name: t.name, kind: townshipKind(t.code) });
      expect(office.name.startsWith(t.name)).toBe(true);
      expect(office.nameEn).not.toMatch(/\d{6}/);
      expect(office.nameEn).not.toMatch(/office$/);
    }
  });
});

describe('migration 0014 (databases seeded before)', () => {
  const text = readFileSync(resolve(import.meta.dirname, '../../db/migrations/0014_township_office_names.sql'), 'utf8');
  const pattern = /name_en ~ '([^']+)'/.exec(text)?.[1];
  it('matches every name the old seed generated, and nothing an administrator would type', () => {
    expect(pattern).toBeDefined();
    const re = new RegExp(pattern!); // a POSIX ERE that JavaScript reads the same
    const { townships } = readDivision();
    for (const t of townships) expect(re.test(`${t.code} ${townshipKind(t.code)} office`)).toBe(true); // the old SQL: code || ' ' || kind || ' office'
    expect(re.test('Xiqiao Street Office')).toBe(false);
    expect(re.test('西桥街道办事处')).toBe(false);
  });
  it('gives them the Chinese office name, as the seed does now', () => {
    expect(text).toMatch(/UPDATE departments SET name_en = name\s+WHERE kind = 'township_gov'/);
  });
});
