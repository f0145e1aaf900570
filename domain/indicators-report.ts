// The indicators report's shapes, one definition for the command line (`npm run report`,
// server/indicators/report-cli.ts) and the console's download and printable page
// (client/features/report/): JSON with every count at the top level and each rate once as a
// percentage rounded to 2 decimals (`handlingRatePct`), and CSV (a header, the whole, a line per group).
import { COUNT_KEYS, RATES, percentsOf, type Grouping, type IndicatorCounts } from './indicators.ts';

/** The report's figures as one flat object: counts, then each rate once as a rounded percentage (`handlingRatePct`). */
function flat(c: IndicatorCounts): Record<string, number | null> {
  return { ...Object.fromEntries(COUNT_KEYS.map((k) => [k, c[k]])), ...percentsOf(c) };
}

export interface ReportJson {
  from: string;
  to: string;
  asOf: string;
  /** Whose cases: 'city', or the asker's scope in words (a console user's districts or department). */
  scope: string;
  by: Grouping | null;
  groups?: ({ key: string; name: string; nameEn: string } & Record<string, number | null | string>)[];
  [figure: string]: unknown;
}

export function reportJson(r: { from: string; to: string; asOf: string; counts: IndicatorCounts }, by: Grouping | null, groups: { key: string; name: string; nameEn: string; counts: IndicatorCounts }[] = [], scope = 'city'): ReportJson {
  return {
    from: r.from,
    to: r.to,
    asOf: r.asOf,
    scope,
    by,
    ...flat(r.counts),
    ...(by ? { groups: groups.map((g) => ({ key: g.key, name: g.name, nameEn: g.nameEn, ...flat(g.counts) })) } : {}),
  };
}

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** One header line, the whole (group `*`: the city, or the asker's scope), then one line per group. */
export function reportCsv(j: ReportJson): string[] {
  const figures = [...COUNT_KEYS, ...RATES.map((r) => `${r.key}Pct`)];
  const head = ['group', 'key', 'name', 'nameEn', ...figures];
  const line = (group: string, key: string, name: string, nameEn: string, o: Record<string, unknown>) => [group, key, name, nameEn, ...figures.map((f) => o[f])].map(csvCell).join(',');
  const whole = j.scope === 'city' ? line('city', '*', '全市', 'City', j) : line('scope', '*', j.scope, j.scope, j);
  return [head.join(','), whole, ...(j.groups ?? []).map((g) => line(j.by!, g.key, g.name, g.nameEn, g))];
}

