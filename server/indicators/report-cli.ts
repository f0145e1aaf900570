// `npm run report -- [--from <ISO instant>] [--to <ISO instant>]`: the standard indicators of a
// period, city-wide, as plain text (default: the seeded Jan–Aug 2022). Read-only; the figures
// are periodIndicators' (the same as the console's, docs/indicators.md). While a CityGrid
// server holds the embedded data folder it goes through that server (db/cli.ts,
// docs/decisions/0011); otherwise it opens the database itself. Audited either way, with how.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { Db } from '../../db/engine.ts';
import { isMain, runCommand, type CliCommand } from '../../db/cli.ts';
import { ConfigError } from '../../db/config-error.ts';
import { writeAudit } from '../audit/audit-queries.ts';
import { CITY } from '../auth/actor.ts';
import { checkPeriodOrder } from '../geo/period.ts';
import { instant } from '../inputs.ts';
import { periodIndicators, type IndicatorCounts, type Indicators } from './indicators-queries.ts';

/** The seeded period (the city's published figures, Jan–Aug 2022). */
export const REPORT_DEFAULT = { from: '2022-01-01T00:00:00+08:00', to: '2022-09-01T00:00:00+08:00' } as const;

const input = z
  .object({ from: instant('from'), to: instant('to') })
  .strict()
  .check((ctx) => checkPeriodOrder(ctx, ctx.value.from, ctx.value.to));

const COUNTS: [keyof IndicatorCounts, string][] = [
  ['accepted', 'accepted (reported in the period)'],
  ['filed', 'filed'],
  ['dispatched', 'dispatched (filed in the period)'],
  ['dispatchedAccurately', 'dispatched without a return'],
  ['dueForHandling', 'due for handling in the period'],
  ['handled', 'handled'],
  ['handledOnTime', 'handled on time'],
  ['dueForClosure', 'due for closure in the period'],
  ['closed', 'closed'],
  ['closedOnTime', 'closed on time'],
  ['reworked', 'reworked'],
  ['extended', 'extended'],
];

const RATES: [keyof Indicators['rates'], string, string, keyof IndicatorCounts, keyof IndicatorCounts][] = [
  ['filingRate', '立案率', 'filing rate', 'filed', 'accepted'],
  ['dispatchRate', '派遣率', 'dispatch rate', 'dispatched', 'filed'],
  ['dispatchAccuracy', '派遣准确率', 'dispatch accuracy', 'dispatchedAccurately', 'dispatched'],
  ['handlingRate', '处置率', 'handling rate', 'handled', 'dueForHandling'],
  ['handlingOnTimeRate', '按期处置率', 'on-time handling', 'handledOnTime', 'dueForHandling'],
  ['closureRate', '结案率', 'closure rate', 'closed', 'dueForClosure'],
  ['closureOnTimeRate', '按期结案率', 'on-time closure', 'closedOnTime', 'dueForClosure'],
  ['reworkRate', '返工率', 'rework rate', 'reworked', 'dueForClosure'],
  ['extensionRate', '延期率', 'extension rate', 'extended', 'dueForClosure'],
];

/** The report's lines (plain text, fixed columns; a rate over nothing due is '—'). */
export function reportLines(r: Indicators): string[] {
  const n = (v: number) => v.toLocaleString('en').padStart(9);
  const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(2)} %`).padStart(9);
  return [
    `CityGrid indicators, city-wide: cases of [${r.from}, ${r.to}), as of ${r.asOf}`,
    '',
    'Counts',
    ...COUNTS.map(([k, label]) => `  ${label.padEnd(36)}${n(r.counts[k])}`),
    '',
    'Rates (docs/indicators.md)',
    ...RATES.map(([k, zh, en, num, den]) => `  ${en.padEnd(20)}${pct(r.rates[k])}   ${`${r.counts[num].toLocaleString('en')} / ${r.counts[den].toLocaleString('en')}`.padEnd(21)} ${zh}`),
  ];
}

/** The body of the command, for the command line and the server's local route alike. */
export async function indicatorsReport(db: Db, period: { from: string; to: string }, ctx: { via: string; now: Date; ip?: string }): Promise<string[]> {
  const r = await periodIndicators(db, { from: period.from, to: period.to, scope: CITY });
  await writeAudit(db, { actor: { name: 'system' }, action: 'system.report', ip: ctx.ip, note: { detail: { via: ctx.via, report: 'indicators', from: period.from, to: period.to } }, now: ctx.now });
  return reportLines(r);
}

export const reportCommand: CliCommand<z.infer<typeof input>> = {
  name: 'report',
  what: 'Report',
  args(argv) {
    let values;
    try {
      ({ values } = parseArgs({ args: argv, options: { from: { type: 'string' }, to: { type: 'string' } }, strict: true, allowPositionals: false }));
    } catch (err) {
      throw new ConfigError(`${(err as Error).message.split('. ')[0]}. It takes --from and --to, ISO date-times with an offset (default ${REPORT_DEFAULT.from} … ${REPORT_DEFAULT.to}).`);
    }
    return { from: values.from ?? REPORT_DEFAULT.from, to: values.to ?? REPORT_DEFAULT.to };
  },
  input,
  run: (db, period, ctx) => indicatorsReport(db, period, ctx),
};

if (isMain(import.meta.url)) await runCommand(reportCommand);
