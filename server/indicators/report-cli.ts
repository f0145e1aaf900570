// `npm run report -- [--from 2022-01-01] [--to 2022-08-31] [--by district] [--format text|json|csv]`:
// the indicators of a period, city-wide, whole and optionally one row per group (default: the
// seeded Jan–Aug 2022, as text). Dates are China Standard Time (UTC+8) calendar days, both
// ends inclusive; ISO instants with an offset are still taken (then `to` is exclusive). The
// counts and rates are groupedIndicators' (the same as the console's and the wall's), named
// and shown from domain/indicators.ts. Read-only. While a CityGrid server holds the embedded
// data folder it goes through that server (db/cli.ts, docs/decisions/0011); otherwise it opens
// the database itself, and says which on stderr. Audited either way, with how.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { Db } from '../../db/engine.ts';
import { isMain, runCommand, type CliCommand } from '../../db/cli.ts';
import { ConfigError } from '../../db/config-error.ts';
import { writeAudit } from '../audit/audit-queries.ts';
import { CITY } from '../auth/actor.ts';
import { checkPeriodOrder } from '../geo/period.ts';
import { instant } from '../inputs.ts';
import { groupedIndicators, periodIndicators, type Indicators } from './indicators-queries.ts';
import { COUNT_KEYS, COUNT_WORDS, GROUPINGS, RATES, percent, type Grouping, type IndicatorCounts } from '../../domain/indicators.ts';
import { reportCsv, reportJson } from '../../domain/indicators-report.ts';

export type { ReportJson } from '../../domain/indicators-report.ts';

/** The seeded period (the city's published figures, Jan–Aug 2022). */
export const REPORT_DEFAULT = { from: '2022-01-01T00:00:00+08:00', to: '2022-09-01T00:00:00+08:00' } as const;
export const FORMATS = ['text', 'json', 'csv'] as const;
export type ReportFormat = (typeof FORMATS)[number];

const input = z
  .object({
    from: instant('from'),
    to: instant('to'),
    by: z.enum(GROUPINGS, { message: `by is one of ${GROUPINGS.join(', ')}` }).optional(),
    format: z.enum(FORMATS, { message: `format is one of ${FORMATS.join(', ')}` }).optional(),
  })
  .strict()
  .check((ctx) => checkPeriodOrder(ctx, ctx.value.from, ctx.value.to));
type ReportInput = z.infer<typeof input>;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A command-line end of the period as an instant: a calendar date is midnight China time at its
 * start (`from`) or at the start of the next day (`to`, so the date is included); anything else
 * is passed on for the instant check.
 */
export function periodEnd(value: string, end: 'from' | 'to'): string {
  const m = DATE.exec(value);
  if (!m) return value;
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (day.toISOString().slice(0, 10) !== value) throw new ConfigError(`--${end} ${value} is not a calendar date (YYYY-MM-DD).`);
  if (end === 'to') day.setUTCDate(day.getUTCDate() + 1);
  return `${day.toISOString().slice(0, 10)}T00:00:00+08:00`;
}

/** The report as plain text (fixed columns; a rate over nothing due is '—'). */
export function reportLines(r: Indicators, by: Grouping | null = null, groups: { key: string; name: string; counts: IndicatorCounts }[] = []): string[] {
  const n = (v: number) => v.toLocaleString('en').padStart(9);
  const pct = (v: number | null) => (v === null ? '—' : `${v.toFixed(2)} %`).padStart(9);
  const lines = [
    `CityGrid indicators, city-wide: cases of [${r.from}, ${r.to}), as of ${r.asOf}`,
    '',
    'Counts',
    ...COUNT_KEYS.map((k) => `  ${`${COUNT_WORDS[k].en.toLowerCase()} (${COUNT_WORDS[k].what})`.slice(0, 60).padEnd(62)}${n(r.counts[k])}`),
    '',
    'Rates (docs/indicators.md)',
    ...RATES.map((d) => {
      const [num, den] = [r.counts[d.numerator], r.counts[d.denominator]];
      return `  ${d.en.toLowerCase().padEnd(20)}${pct(percent(num, den, d.digits))}   ${`${num.toLocaleString('en')} / ${den.toLocaleString('en')}`.padEnd(21)} ${d.zh}`;
    }),
  ];
  if (!by) return lines;
  const cols = RATES.filter((d) => ['handlingRate', 'handlingOnTimeRate', 'closureRate', 'closureOnTimeRate'].includes(d.key));
  lines.push('', `By ${by}`, `  ${'group'.padEnd(28)}${'accepted'.padStart(9)}${'open'.padStart(9)}${cols.map((d) => d.en.toLowerCase().padStart(18)).join('')}`);
  for (const g of groups) {
    lines.push(`  ${`${g.key || '—'} ${g.name}`.slice(0, 26).padEnd(28)}${n(g.counts.accepted)}${n(g.counts.open)}${cols.map((d) => pct(percent(g.counts[d.numerator], g.counts[d.denominator], d.digits)).padStart(18)).join('')}`);
  }
  return lines;
}

/** The body of the command, for the command line and the server's local route alike. */
export async function indicatorsReport(db: Db, q: ReportInput, ctx: { via: string; now: Date; ip?: string }): Promise<string[]> {
  const by = q.by ?? null;
  const period = { from: q.from, to: q.to, scope: CITY };
  const r = by ? await groupedIndicators(db, { ...period, by }) : { ...(await periodIndicators(db, period)), groups: [] };
  await writeAudit(db, { actor: { name: 'system' }, action: 'system.report', ip: ctx.ip, note: { detail: { via: ctx.via, report: 'indicators', from: q.from, to: q.to, by, format: q.format ?? 'text' } }, now: ctx.now });
  switch (q.format ?? 'text') {
    case 'json':
      return [JSON.stringify(reportJson(r, by, r.groups, 'city'), null, 2)];
    case 'csv':
      return reportCsv(reportJson(r, by, r.groups, 'city'));
    default:
      return reportLines(r, by, r.groups);
  }
}

export const reportCommand: CliCommand<ReportInput> = {
  name: 'report',
  what: 'Report',
  args(argv) {
    let values;
    try {
      ({ values } = parseArgs({
        args: argv,
        options: { from: { type: 'string' }, to: { type: 'string' }, by: { type: 'string' }, format: { type: 'string' } },
        strict: true,
        allowPositionals: false,
      }));
    } catch (err) {
      throw new ConfigError(
        `${(err as Error).message.split('. ')[0]}. It takes --from and --to (dates YYYY-MM-DD in China time, both included, or ISO date-times with an offset; default 2022-01-01 … 2022-08-31), --by (${GROUPINGS.join(', ')}) and --format (${FORMATS.join(', ')}).`,
      );
    }
    return {
      from: values.from === undefined ? REPORT_DEFAULT.from : periodEnd(values.from, 'from'),
      to: values.to === undefined ? REPORT_DEFAULT.to : periodEnd(values.to, 'to'),
      ...(values.by === undefined ? {} : { by: values.by }),
      ...(values.format === undefined ? {} : { format: values.format }),
    };
  },
  input,
  run: (db, q, ctx) => indicatorsReport(db, q, ctx),
};

if (isMain(import.meta.url)) await runCommand(reportCommand);
