import { describe, expect, it } from 'vitest';
import { candidateRoutes, explainRoute, routeCase, ruleReport, rulesValidAt, sortRules, type DispatchRule, type RouteFacts } from '../../domain/routing.ts';

const rule = (r: Partial<DispatchRule> & { id: number; priority: number }): DispatchRule => ({
  categoryCode: null, majorKind: null, majorCode: null, districtCode: null, townshipCode: null, villageCode: null,
  inPropertyCommunity: null, departmentId: null, resolve: null, ...r,
});
const rules = sortRules([
  rule({ id: 3, priority: 10, resolve: 'territorial' }),
  rule({ id: 1, priority: 100, majorKind: 'event', majorCode: '09', inPropertyCommunity: true, resolve: 'property' }),
  rule({ id: 2, priority: 50, categoryCode: 'C0106', departmentId: 7 }),
  rule({ id: 4, priority: 60, categoryCode: 'C0106', districtCode: '350603', departmentId: 8 }),
]);
const facts = (f: Partial<RouteFacts>): RouteFacts => ({
  categoryCode: 'E0102', categoryKind: 'event', majorCode: '01', districtCode: '350602', townshipCode: '350602001',
  villageCode: '350602001001', propertyDepartmentId: null, territorialDepartmentId: 100, ...f,
});

describe('routeCase', () => {
  it.each([
    ['no owner: territorial government (属地管理)', facts({}), 100, 3],
    ['a component with an owner goes to the owner', facts({ categoryCode: 'C0106', categoryKind: 'component', majorCode: '01' }), 7, 2],
    ['a district-specific rule outranks the city rule', facts({ categoryCode: 'C0106', categoryKind: 'component', districtCode: '350603' }), 8, 4],
    ['a property matter inside a compound goes to its company', facts({ categoryCode: 'E0901', majorCode: '09', propertyDepartmentId: 55 }), 55, 1],
    ['a property matter outside any compound is territorial', facts({ categoryCode: 'E0901', majorCode: '09' }), 100, 3],
  ])('%s', (_t, f, dept, ruleId) => {
    expect(routeCase(rules, f)).toEqual({ departmentId: dept, ruleId });
  });

  it('gives null when no rule can resolve (no government for the place)', () => {
    expect(routeCase(rules, facts({ territorialDepartmentId: null }))).toBeNull();
  });

  it('breaks a priority tie by the lower rule id', () => {
    const tie = sortRules([rule({ id: 9, priority: 5, departmentId: 1 }), rule({ id: 2, priority: 5, departmentId: 2 })]);
    expect(routeCase(tie, facts({}))?.ruleId).toBe(2);
  });
});

describe('candidateRoutes', () => {
  it('lists every rule that applies and resolves, in the order tried; the first is the route', () => {
    const f = facts({ categoryCode: 'C0106', categoryKind: 'component', districtCode: '350603' });
    expect(candidateRoutes(rules, f)).toEqual([{ departmentId: 8, ruleId: 4 }, { departmentId: 7, ruleId: 2 }, { departmentId: 100, ruleId: 3 }]);
    expect(candidateRoutes(rules, f, 1)).toEqual([routeCase(rules, f)]);
  });

  it('leaves out a rule that applies but cannot resolve here', () => {
    expect(candidateRoutes(rules, facts({ categoryCode: 'E0901', majorCode: '09' })).map((r) => r.ruleId)).toEqual([3]);
  });
});

describe('the rules report', () => {
  const majorOf = (code: string) => ({ kind: code.startsWith('C') ? 'component' : 'event', major: code.slice(1, 3) });
  it('a rule under a wider rule of higher priority that always resolves is shadowed', () => {
    const r = ruleReport([rule({ id: 1, priority: 50, categoryCode: 'E0104', departmentId: 7 }), rule({ id: 2, priority: 40, categoryCode: 'E0104', departmentId: 8 })], majorOf);
    expect(r.shadowed).toEqual([{ ruleId: 2, by: 1 }]);
  });
  it('a narrower rule of higher priority does not shadow a wider one', () => {
    const r = ruleReport([rule({ id: 1, priority: 60, categoryCode: 'E0104', districtCode: '350602', departmentId: 7 }), rule({ id: 2, priority: 50, categoryCode: 'E0104', departmentId: 8 })], majorOf);
    expect(r.shadowed).toEqual([]);
  });
  it('a property rule shadows only rules for cases inside a compound (outside it, it resolves nothing)', () => {
    const prop = rule({ id: 1, priority: 100, majorKind: 'event', majorCode: '09', resolve: 'property' });
    expect(ruleReport([prop, rule({ id: 2, priority: 50, categoryCode: 'E0901', departmentId: 3 })], majorOf).shadowed).toEqual([]);
    expect(ruleReport([prop, rule({ id: 2, priority: 50, categoryCode: 'E0901', inPropertyCommunity: true, departmentId: 3 })], majorOf).shadowed).toEqual([{ ruleId: 2, by: 1 }]);
  });
  it('a major-class rule covers a category of that class', () => {
    const r = ruleReport([rule({ id: 1, priority: 70, majorKind: 'event', majorCode: '01', departmentId: 7 }), rule({ id: 2, priority: 50, categoryCode: 'E0104', departmentId: 8 })], majorOf);
    expect(r.shadowed).toEqual([{ ruleId: 2, by: 1 }]);
  });
  it('two rules of one priority that can match one case and name different units are ambiguous', () => {
    const r = ruleReport([rule({ id: 1, priority: 50, categoryCode: 'E0104', departmentId: 7 }), rule({ id: 2, priority: 50, districtCode: '350602', departmentId: 8 })], majorOf);
    expect(r.ambiguous).toEqual([{ ruleIds: [1, 2] }]);
  });
  it('rules for different channels never overlap', () => {
    const r = ruleReport([rule({ id: 1, priority: 50, channel: '110', departmentId: 7 }), rule({ id: 2, priority: 50, channel: '12345', departmentId: 8 })], majorOf);
    expect(r).toEqual({ shadowed: [], ambiguous: [] });
  });
});

describe('versions and explanations', () => {
  it('a rule routes the cases of its own time only', () => {
    const v = [rule({ id: 1, priority: 60, validFrom: Date.parse('2023-01-01T00:00:00+08:00'), departmentId: 9 }), rule({ id: 2, priority: 10, resolve: 'territorial' })];
    expect(routeCase(sortRules(rulesValidAt(v, Date.parse('2022-06-01T00:00:00Z'))), facts({}))?.ruleId).toBe(2);
    expect(routeCase(sortRules(rulesValidAt(v, Date.parse('2024-06-01T00:00:00Z'))), facts({}))?.ruleId).toBe(1);
  });
  it('a channel or area-class condition must hold', () => {
    const r = sortRules([rule({ id: 1, priority: 60, channel: '110', departmentId: 9 }), rule({ id: 2, priority: 10, resolve: 'territorial' })]);
    expect(routeCase(r, facts({ channel: '110' }))?.ruleId).toBe(1);
    expect(routeCase(r, facts({ channel: '12345' }))?.ruleId).toBe(2);
  });
  it('says what the rule matched on and where the case goes, in both languages', () => {
    const r = rule({ id: 7, priority: 60, categoryCode: 'E0102', districtCode: '350602', departmentId: 9 });
    expect(explainRoute(r, { category: '暴露垃圾', district: '芗城区', department: '芗城区环卫站' }, 'zh')).toBe('规则 7：暴露垃圾 · 芗城区 → 芗城区环卫站');
    expect(explainRoute(r, { category: 'Exposed rubbish', district: 'Xiangcheng', department: 'Sanitation station' }, 'en')).toBe('rule 7: Exposed rubbish · Xiangcheng → Sanitation station');
  });
});
