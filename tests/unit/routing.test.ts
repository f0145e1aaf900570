import { describe, expect, it } from 'vitest';
import { routeCase, sortRules, type DispatchRule, type RouteFacts } from '../../domain/routing.ts';

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
