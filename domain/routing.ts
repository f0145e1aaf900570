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
  /** The intake channel (12319, 12345, 110, app, wechat, patrol, survey), or any. */
  channel?: string | null;
  /** core or general, or any. */
  areaClass?: string | null;
  departmentId: number | null;
  resolve: string | null;
  /** Versions (unix ms): a rule routes cases at instants in [validFrom, validTo); absent: always. */
  validFrom?: number | null;
  validTo?: number | null;
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
  channel?: string | null;
  areaClass?: string | null;
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
  return candidateRoutes(sortedRules, f, 1)[0] ?? null;
}

/**
 * Every rule that applies to the case and names a department, in the order they are tried
 * (at most `limit`): the first is the route; the rest are the units the rules also allow,
 * which decide whether a return's suggested owner "matches a rule".
 */
export function candidateRoutes(sortedRules: readonly DispatchRule[], f: RouteFacts, limit = Infinity): Route[] {
  const out: Route[] = [];
  for (const r of sortedRules) {
    if (out.length >= limit) break;
    if (r.categoryCode !== null && r.categoryCode !== f.categoryCode) continue;
    if (r.majorKind !== null && r.majorKind !== f.categoryKind) continue;
    if (r.majorCode !== null && r.majorCode !== f.majorCode) continue;
    if (r.districtCode !== null && r.districtCode !== f.districtCode) continue;
    if (r.townshipCode !== null && r.townshipCode !== f.townshipCode) continue;
    if (r.villageCode !== null && r.villageCode !== f.villageCode) continue;
    if (r.inPropertyCommunity !== null && r.inPropertyCommunity !== (f.propertyDepartmentId !== null)) continue;
    if (r.channel != null && r.channel !== f.channel) continue;
    if (r.areaClass != null && r.areaClass !== f.areaClass) continue;
    const departmentId =
      r.resolve === 'property' ? f.propertyDepartmentId : r.resolve === 'territorial' ? f.territorialDepartmentId : r.departmentId;
    if (departmentId !== null) out.push({ departmentId, ruleId: r.id });
  }
  return out;
}

/** The rules in force at an instant (unix ms): a rule edited later keeps routing the cases of its time. */
export const rulesValidAt = (rules: readonly DispatchRule[], atMs: number) =>
  rules.filter((r) => (r.validFrom == null || r.validFrom <= atMs) && (r.validTo == null || atMs < r.validTo));

const CONDITIONS = ['categoryCode', 'majorKind', 'majorCode', 'districtCode', 'townshipCode', 'villageCode', 'inPropertyCommunity', 'channel', 'areaClass'] as const;
const cond = (r: DispatchRule, k: (typeof CONDITIONS)[number]) => r[k] ?? null;

/** Every case that `b` matches, `a` matches too (a's conditions are b's or wider). A category implies its kind and major class. */
function covers(a: DispatchRule, b: DispatchRule, majorOf: (category: string) => { kind: string; major: string } | undefined): boolean {
  for (const k of CONDITIONS) {
    const av = cond(a, k);
    if (av === null) continue;
    let bv = cond(b, k);
    if (bv === null && b.categoryCode && (k === 'majorKind' || k === 'majorCode')) {
      const m = majorOf(b.categoryCode);
      bv = m ? (k === 'majorKind' ? m.kind : m.major) : null;
    }
    if (bv !== av) return false;
  }
  return true;
}

/** Some case can match both: no condition disagrees. */
function overlaps(a: DispatchRule, b: DispatchRule, majorOf: (category: string) => { kind: string; major: string } | undefined): boolean {
  for (const k of CONDITIONS) {
    let av = cond(a, k);
    let bv = cond(b, k);
    if (k === 'majorKind' || k === 'majorCode') {
      if (av === null && a.categoryCode) av = majorOf(a.categoryCode)?.[k === 'majorKind' ? 'kind' : 'major'] ?? null;
      if (bv === null && b.categoryCode) bv = majorOf(b.categoryCode)?.[k === 'majorKind' ? 'kind' : 'major'] ?? null;
    }
    if (av !== null && bv !== null && av !== bv) return false;
  }
  return true;
}

/** Whether a rule always names a department when its conditions hold ('property' only inside a compound). */
const alwaysResolves = (r: DispatchRule, forCase: DispatchRule) =>
  r.resolve === null ? r.departmentId !== null : r.resolve === 'territorial' ? true : r.resolve === 'property' ? forCase.inPropertyCommunity === true : false;

export interface RuleReport {
  /** Rules that can never fire: an earlier rule (higher priority, or equal and lower id) takes every case they match. */
  shadowed: { ruleId: number; by: number }[];
  /** Rules of equal priority that can match one case and name different targets: the lower id wins, which is seldom meant. */
  ambiguous: { ruleIds: [number, number] }[];
}

/**
 * Shadowed and ambiguous rules, for the rules report. A 'territorial' rule counts as always
 * resolving (every township has an office in the seed); a 'property' rule only for cases inside
 * a compound.
 */
export function ruleReport(rules: readonly DispatchRule[], majorOf: (category: string) => { kind: string; major: string } | undefined): RuleReport {
  const sorted = sortRules(rules);
  const shadowed: RuleReport['shadowed'] = [];
  const ambiguous: RuleReport['ambiguous'] = [];
  sorted.forEach((b, i) => {
    const by = sorted.slice(0, i).find((a) => covers(a, b, majorOf) && alwaysResolves(a, b));
    if (by) shadowed.push({ ruleId: b.id, by: by.id });
    for (const a of sorted.slice(0, i)) {
      if (a.priority !== b.priority || !overlaps(a, b, majorOf)) continue;
      const same = a.resolve === b.resolve && a.departmentId === b.departmentId;
      if (!same && !(by && by.id === a.id)) ambiguous.push({ ruleIds: [a.id, b.id] });
    }
  });
  return { shadowed, ambiguous };
}

/** The names a routing explanation uses. */
export interface RouteNames {
  category?: string;
  district?: string;
  township?: string;
  village?: string;
  department: string;
}

/**
 * Why a case went where it went, in both languages: "规则 7：暴露垃圾 · 芗城区 → 芗城区环卫所".
 * The conditions listed are the rule's own (what it matched on), with the place names of the case.
 */
export function explainRoute(r: DispatchRule, n: RouteNames, lang: 'zh' | 'en'): string {
  const parts: string[] = [];
  if (r.categoryCode) parts.push(n.category ?? r.categoryCode);
  else if (r.majorCode) parts.push(lang === 'zh' ? `${r.majorKind === 'component' ? '部件' : '事件'}大类 ${r.majorCode}` : `${r.majorKind ?? ''} class ${r.majorCode}`.trim());
  if (r.districtCode) parts.push(n.district ?? r.districtCode);
  if (r.townshipCode) parts.push(n.township ?? r.townshipCode);
  if (r.villageCode) parts.push(n.village ?? r.villageCode);
  if (r.inPropertyCommunity === true) parts.push(lang === 'zh' ? '物业小区内' : 'inside a managed compound');
  if (r.inPropertyCommunity === false) parts.push(lang === 'zh' ? '物业小区外' : 'outside managed compounds');
  if (r.channel) parts.push(lang === 'zh' ? `渠道 ${r.channel}` : `channel ${r.channel}`);
  if (r.areaClass) parts.push(lang === 'zh' ? (r.areaClass === 'core' ? '核心区' : '一般区') : `${r.areaClass} area`);
  if (r.resolve === 'territorial') parts.push(lang === 'zh' ? '属地管理' : 'territorial responsibility');
  if (r.resolve === 'property') parts.push(lang === 'zh' ? '物业公司负责' : "the compound's property company");
  const what = parts.length ? parts.join(' · ') : lang === 'zh' ? '任何案件' : 'any case';
  return lang === 'zh' ? `规则 ${r.id}：${what} → ${n.department}` : `rule ${r.id}: ${what} → ${n.department}`;
}
