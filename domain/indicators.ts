// The indicators, once: what each counts and how it is shown (docs/indicators.md). The engine
// (server/indicators) computes the COUNTS in SQL and every rate from this table; the report
// (server/indicators/report-cli.ts), the console and the wall read names, units, formats and
// the direction of "better" from here. Pure: imports nothing of ours outside domain/.
//
// Rates are over the cases DUE in the period (GB/T 30428.4 practice), not the cases created
// in it; a period is [from, to) and `asOf` (default `to`) is when the books are closed.

import type { Words } from './vocabulary.ts';

/** The per-group counts the engine computes (each a whole number of cases). */
export const COUNT_KEYS = [
  'accepted',
  'filed',
  'dispatched',
  'dispatchedAccurately',
  'dueForHandling',
  'handled',
  'handledOnTime',
  'dueForClosure',
  'closed',
  'closedOnTime',
  'reworked',
  'extended',
  'open',
  'overdue',
] as const;
export type CountKey = (typeof COUNT_KEYS)[number];
export type IndicatorCounts = Record<CountKey, number>;

/** What each count is, in the report's and the screens' words. */
export const COUNT_WORDS: Record<CountKey, Words & { what: string }> = {
  accepted: { zh: '受理数', en: 'Accepted', what: 'reported in the period' },
  filed: { zh: '立案数', en: 'Filed', what: 'reported in the period and filed by asOf' },
  dispatched: { zh: '派遣数', en: 'Dispatched', what: 'filed in the period and dispatched by asOf' },
  dispatchedAccurately: { zh: '准确派遣数', en: 'Dispatched accurately', what: 'dispatched without a return' },
  dueForHandling: { zh: '应处置数', en: 'Due for handling', what: 'handling due in the period' },
  handled: { zh: '处置数', en: 'Handled', what: 'due for handling and handled by asOf' },
  handledOnTime: { zh: '按期处置数', en: 'Handled on time', what: 'handled by its due time' },
  dueForClosure: { zh: '应结案数', en: 'Due for closure', what: 'closure due in the period' },
  closed: { zh: '结案数', en: 'Closed', what: 'due for closure and closed by asOf' },
  closedOnTime: { zh: '按期结案数', en: 'Closed on time', what: 'closed by its closure due time' },
  reworked: { zh: '返工数', en: 'Reworked', what: 'due for closure, with a rework' },
  extended: { zh: '延期数', en: 'Extended', what: 'due for closure, with an extension' },
  open: { zh: '在办数', en: 'Open', what: 'reported in the period and by asOf (or now), neither closed nor voided then' },
  overdue: { zh: '超期在办数', en: 'Open and overdue', what: 'open, past its handling due time and not handled by asOf' },
};

export interface RateDef {
  /** The API's key (a ratio in [0, 1] or null); the report's is `${key}Pct`. */
  key: string;
  zh: string;
  en: string;
  numerator: CountKey;
  denominator: CountKey;
  unit: '%';
  /** Digits after the point when shown as a percentage. */
  digits: number;
  /** Whether a larger value is better (rankings sort by it; the wall colours by it). */
  higherIsBetter: boolean;
}

/** The GB/T 30428.4 rates, in the order they are shown. */
export const RATES = [
  { key: 'filingRate', zh: '立案率', en: 'Filing rate', numerator: 'filed', denominator: 'accepted', unit: '%', digits: 2, higherIsBetter: true },
  { key: 'dispatchRate', zh: '派遣率', en: 'Dispatch rate', numerator: 'dispatched', denominator: 'filed', unit: '%', digits: 2, higherIsBetter: true },
  { key: 'dispatchAccuracy', zh: '派遣准确率', en: 'Dispatch accuracy', numerator: 'dispatchedAccurately', denominator: 'dispatched', unit: '%', digits: 2, higherIsBetter: true },
  { key: 'handlingRate', zh: '处置率', en: 'Handling rate', numerator: 'handled', denominator: 'dueForHandling', unit: '%', digits: 2, higherIsBetter: true },
  { key: 'handlingOnTimeRate', zh: '按期处置率', en: 'On-time handling', numerator: 'handledOnTime', denominator: 'dueForHandling', unit: '%', digits: 2, higherIsBetter: true },
  { key: 'closureRate', zh: '结案率', en: 'Closure rate', numerator: 'closed', denominator: 'dueForClosure', unit: '%', digits: 2, higherIsBetter: true },
  { key: 'closureOnTimeRate', zh: '按期结案率', en: 'On-time closure', numerator: 'closedOnTime', denominator: 'dueForClosure', unit: '%', digits: 2, higherIsBetter: true },
  { key: 'reworkRate', zh: '返工率', en: 'Rework rate', numerator: 'reworked', denominator: 'dueForClosure', unit: '%', digits: 2, higherIsBetter: false },
  { key: 'extensionRate', zh: '延期率', en: 'Extension rate', numerator: 'extended', denominator: 'dueForClosure', unit: '%', digits: 2, higherIsBetter: false },
] as const satisfies readonly RateDef[];
export type RateKey = (typeof RATES)[number]['key'];
/** Ratios in [0, 1]; null when the denominator is 0 (nothing was due). */
export type Rates = Record<RateKey, number | null>;

export const rateByKey = (key: RateKey): RateDef => RATES.find((r) => r.key === key)!;

/** The ratio num / den, or null when nothing was due. */
export const ratio = (num: number, den: number): number | null => (den === 0 ? null : num / den);

/**
 * num / den as a percentage rounded half up to `digits` decimals (98.82), or null when den is 0.
 * Computed from the whole counts (num·10^(digits+2) is exact), so 0.98825 is never 98.82 by a
 * binary-fraction accident.
 */
export function percent(num: number, den: number, digits = 2): number | null {
  if (den === 0) return null;
  const scale = 10 ** digits;
  return Math.round((num * 100 * scale) / den) / scale;
}

/** Every rate of a set of counts. */
export function ratesOf(c: IndicatorCounts): Rates {
  return Object.fromEntries(RATES.map((r) => [r.key, ratio(c[r.numerator], c[r.denominator])])) as Rates;
}

/** Every rate as a rounded percentage under `<key>Pct` (the report's JSON). */
export function percentsOf(c: IndicatorCounts): Record<`${RateKey}Pct`, number | null> {
  return Object.fromEntries(RATES.map((r) => [`${r.key}Pct`, percent(c[r.numerator], c[r.denominator], r.digits)])) as Record<`${RateKey}Pct`, number | null>;
}

export const zeroCounts = (): IndicatorCounts => Object.fromEntries(COUNT_KEYS.map((k) => [k, 0])) as IndicatorCounts;

/** How the figures may be split (each group is a value of a case's column at filing). */
export const GROUPINGS = ['district', 'township', 'grid', 'department', 'channel', 'category', 'day'] as const;
export type Grouping = (typeof GROUPINGS)[number];

export const GROUPING_WORDS: Record<Grouping, Words> = {
  district: { zh: '区县', en: 'District' },
  township: { zh: '乡镇街道', en: 'Township' },
  grid: { zh: '单元网格', en: 'Unit grid' },
  department: { zh: '处置部门', en: 'Department' },
  channel: { zh: '来源渠道', en: 'Channel' },
  category: { zh: '案件类别', en: 'Category' },
  /** The calendar day (China Standard Time, YYYY-MM-DD) the case was reported: the trend charts. */
  day: { zh: '上报日期', en: 'Day reported' },
};

/** A group whose column is empty (a case not yet placed or dispatched) is keyed ''. */
export const NO_GROUP = '';

// ---- composite scores and grades (综合评价) --------------------------------------------------
// City policy, so data with documented defaults (docs/indicators.md): one common department
// formula weighs the filed-count score 10 %, 结案率 30 %, 按期处置率 30 % and (100 − 返工率) 30 %.

export interface ScoreTerm {
  /** A rate (as a percentage), its complement (100 − rate), or the count score. */
  of: RateKey | 'countScore';
  invert?: boolean;
  weight: number;
}

export const SCORE_TERMS: readonly ScoreTerm[] = [
  { of: 'countScore', weight: 0.1 },
  { of: 'closureRate', weight: 0.3 },
  { of: 'handlingOnTimeRate', weight: 0.3 },
  { of: 'reworkRate', invert: true, weight: 0.3 },
];

/**
 * The count-to-score rule: a group's filed cases against the largest group's among those
 * compared, as 0–100 (the busiest scores 100; nothing filed anywhere scores 0).
 */
export const countScore = (filed: number, maxFiled: number): number => (maxFiled <= 0 ? 0 : (100 * filed) / maxFiled);

/** The weighted score 0–100 (a rate with nothing due counts as 100: nothing was late), rounded to 1 decimal. */
export function compositeScore(c: IndicatorCounts, maxFiled: number, terms: readonly ScoreTerm[] = SCORE_TERMS): number {
  let total = 0;
  for (const t of terms) {
    let v: number;
    if (t.of === 'countScore') v = countScore(c.filed, maxFiled);
    else {
      const r = rateByKey(t.of);
      v = percent(c[r.numerator], c[r.denominator], 6) ?? (r.higherIsBetter ? 100 : 0);
    }
    total += t.weight * (t.invert ? 100 - v : v);
  }
  return Math.round(total * 10) / 10;
}

export const GRADES = [
  { grade: 'A', min: 90, colour: 'green' },
  { grade: 'B', min: 75, colour: 'blue' },
  { grade: 'C', min: 60, colour: 'yellow' },
  { grade: 'D', min: 40, colour: 'red' },
  { grade: 'E', min: -Infinity, colour: 'black' },
] as const;
export type Grade = (typeof GRADES)[number]['grade'];

/** A–E by the bands above (A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, else E). */
export const gradeOf = (score: number): Grade => GRADES.find((g) => score >= g.min)!.grade;
