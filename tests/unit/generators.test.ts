import { describe, expect, it } from 'vitest';
import { apportion, createRandom, hashSeed } from '../../data/generators/random.ts';
import { readDistricts, readDivision } from '../../data/generators/sources.ts';
import { townshipKind, villageKind } from '../../domain/codes.ts';
import { districtPopulations, CENSUS_2020 } from '../../data/generators/places.ts';

describe('seeded random', () => {
  it('repeats exactly for the same seed and differs for another', () => {
    const a = createRandom(42), b = createRandom(42), c = createRandom(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
  });
  it('forks independent streams by label', () => {
    expect(createRandom(1).fork('a').next()).not.toBe(createRandom(1).fork('b').next());
    expect(hashSeed(1, 'x')).toBe(hashSeed(1, 'x'));
  });
});

describe('apportion', () => {
  it.each([
    [10, [1, 1, 1], 0, [4, 3, 3]],
    [7, [0, 0, 1], 0, [0, 0, 7]],
    [5, [5, 0, 0], 1, [3, 1, 1]],
    [0, [1, 2], 0, [0, 0]],
  ])('splits %i by %j (minimum %i) into %j', (total, w, min, expected) => {
    const out = apportion(total, w, min);
    expect(out.reduce((x, y) => x + y, 0)).toBe(total);
    expect(out).toEqual(expected);
  });
});

describe('registry sources', () => {
  it('reads the 11 districts with 2021 codes, converted from GCJ-02 to WGS-84', () => {
    const d = readDistricts();
    expect(d.map((x) => x.code)).toEqual(['350602', '350603', '350604', '350605', '350622', '350623', '350624', '350626', '350627', '350628', '350629']);
    expect(d.find((x) => x.code === '350604')!.name).toBe('龙海区');
    expect(d.find((x) => x.code === '350605')!.name).toBe('长泰区');
  });
  it('shifts coordinates by the GCJ-02 offset near Zhangzhou (~0.0048° west, ~0.0030° north)', async () => {
    const gcoord = (await import('gcoord')).default;
    const [lng, lat] = gcoord.transform([117.65, 24.51], gcoord.GCJ02, gcoord.WGS84) as [number, number];
    expect(117.65 - lng).toBeGreaterThan(0.004);
    expect(117.65 - lng).toBeLessThan(0.0056);
    expect(lat - 24.51).toBeGreaterThan(0.0022);
    expect(lat - 24.51).toBeLessThan(0.0038);
  });
  it('reads 146 townships and 2,135 villages/communities of Zhangzhou', () => {
    const { townships, villages } = readDivision();
    expect(townships).toHaveLength(146);
    expect(villages).toHaveLength(2135);
    expect(villages.filter((v) => villageKind(v.code) === 'community')).toHaveLength(524);
  });
  it.each([
    ['350602001', 'street'],
    ['350602100', 'town'],
    ['350604200', 'township'],
    ['350602400', 'other'],
  ])('township %s is a %s', (code, kind) => expect(townshipKind(code)).toBe(kind));
});

describe('census', () => {
  it('district populations sum to the published city total, exact figures kept', () => {
    const pops = districtPopulations();
    expect([...pops.values()].reduce((a, p) => a + p.population, 0)).toBe(CENSUS_2020.cityTotal);
    expect(pops.get('350602')).toEqual({ population: 638060, source: 'census2020' });
  });
});
