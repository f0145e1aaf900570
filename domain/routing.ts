// Case routing (派遣对象): which department a case goes to, by the dispatch_rules table.
// Pure: the caller supplies the rules and the case's facts (category, location, compound).
// Every rule whose conditions all hold is a candidate; the highest priority wins (ties: the
// lower rule id). A rule names a department, or resolves one from the location:
// 'property' → the compound's property company, 'territorial' → the township/street
// government (属地管理). A candidate that cannot resolve (no compound, no government) is skipped.
export interface DispatchRule {
  id: number;
  priority: number;
  categoryCode: string | null;
  majorKind: string | null;
  majorCode: string | null;
  districtCode: string | null;
  townshipCode: string | null;
  villageCode: string | null;
  inPropertyCommunity: boolean | null;
  departmentId: number | null;
  resolve: string | null;
}

export interface RouteFacts {
  categoryCode: string;
  categoryKind: string;
  majorCode: string;
  districtCode: string | null;
  townshipCode: string | null;
  villageCode: string | null;
  /** The property company's department when the case lies in a managed compound. */
  propertyDepartmentId: number | null;
  /** The township/street government's department. */
  territorialDepartmentId: number | null;
}

export interface Route {
  departmentId: number;
  ruleId: number;
}

/** Rules sorted once: highest priority first, then id. */
export function sortRules(rules: readonly DispatchRule[]): DispatchRule[] {
  return [...rules].sort((a, b) => b.priority - a.priority || a.id - b.id);
}

export function routeCase(sortedRules: readonly DispatchRule[], f: RouteFacts): Route | null {
  for (const r of sortedRules) {
    if (r.categoryCode !== null && r.categoryCode !== f.categoryCode) continue;
    if (r.majorKind !== null && r.majorKind !== f.categoryKind) continue;
    if (r.majorCode !== null && r.majorCode !== f.majorCode) continue;
    if (r.districtCode !== null && r.districtCode !== f.districtCode) continue;
    if (r.townshipCode !== null && r.townshipCode !== f.townshipCode) continue;
    if (r.villageCode !== null && r.villageCode !== f.villageCode) continue;
    if (r.inPropertyCommunity !== null && r.inPropertyCommunity !== (f.propertyDepartmentId !== null)) continue;
    const departmentId =
      r.resolve === 'property' ? f.propertyDepartmentId : r.resolve === 'territorial' ? f.territorialDepartmentId : r.departmentId;
    if (departmentId !== null) return { departmentId, ruleId: r.id };
  }
  return null;
}
