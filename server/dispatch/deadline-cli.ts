// `npm run calendar:correct -- --day 2026-12-04 [--day …] --kind holiday|workday|normal --name 名称 [--apply]`:
// a correction of the working calendar (a holiday announced late, a swapped working day, a day
// given back as ordinary). Without --apply it is a dry run: it lists the open cases whose due
// instants the change would move, old → new, and changes nothing. With --apply it writes the days
// and moves those dues, each case with a 'deadlineCorrected' event, in one transaction
// (server/dispatch/deadline-correction.ts). While a CityGrid server holds the embedded data
// folder it goes through that server (db/cli.ts, docs/decisions/0011); otherwise it opens the
// database itself. Audited either way, with how.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { Db } from '../../db/engine.ts';
import { isMain, runCommand, type CliCommand } from '../../db/cli.ts';
import { ConfigError } from '../../db/config-error.ts';
import { writeAudit } from '../audit/audit-queries.ts';
import { localDate, text } from '../inputs.ts';
import { correctDeadlines, type CorrectionResult } from './deadline-correction.ts';

/** At most this many days in one correction (a month: the longest holiday and its swaps). */
const MAX_DAYS = 31;
const input = z
  .object({
    days: z.array(localDate('day')).min(1).max(MAX_DAYS),
    kind: z.enum(['holiday', 'workday', 'normal']),
    name: text('name', 40),
    apply: z.boolean(),
  })
  .strict();

/** At most this many cases are listed one per line; the count is always whole. */
const LISTED = 500;
const FIELDS = { handleDueAt: 'handling due', closeDueAt: 'closing due', stageDueAt: 'stage due' } as const;

export function correctionLines(r: CorrectionResult, kind: string): string[] {
  if (!r.days.length) return [`Nothing to correct: every day given is already a ${kind === 'normal' ? 'normal day' : kind}.`];
  const what = `${r.days.join(', ')} → ${kind}`;
  const head = r.dryRun
    ? `Dry run (${what}): ${r.corrected.length} open cases would get new due instants (nothing changed; --apply to correct them).`
    : `Corrected (${what}): the calendar, and ${r.corrected.length} open cases' due instants, each with a 'deadlineCorrected' event.`;
  const lines = r.corrected.slice(0, LISTED).map((c) =>
    `  ${c.code}  ${c.status.padEnd(10)} ${Object.entries(c.changes).map(([k, [a, b]]) => `${FIELDS[k as keyof typeof FIELDS]} ${a} → ${b}`).join('; ')}`);
  if (r.corrected.length > LISTED) lines.push(`  … and ${r.corrected.length - LISTED} more`);
  return [head, ...(lines.length ? ['', ...lines] : [])];
}

export async function correctDeadlinesRun(db: Db, v: z.infer<typeof input>, ctx: { via: string; now: Date; ip?: string }): Promise<string[]> {
  const run = async (tx: Db) => {
    const r = await correctDeadlines(tx, { days: v.days, kind: v.kind, name: v.name }, { now: ctx.now, dryRun: !v.apply });
    await writeAudit(tx, { actor: { name: 'system' }, action: 'system.correctDeadlines', ip: ctx.ip, note: { detail: { via: ctx.via, dryRun: r.dryRun, days: r.days, kind: v.kind, corrected: r.corrected.length } }, now: ctx.now });
    return r;
  };
  const r = v.apply ? await db.transaction((t) => run(t as unknown as Db)) : await run(db);
  return correctionLines(r, v.kind);
}

export const correctDeadlinesCommand: CliCommand<z.infer<typeof input>> = {
  name: 'calendar:correct',
  what: 'Calendar correction (nothing was changed)',
  args(argv) {
    let values;
    try {
      ({ values } = parseArgs({ args: argv, options: { day: { type: 'string', multiple: true }, kind: { type: 'string' }, name: { type: 'string' }, apply: { type: 'boolean' } }, strict: true, allowPositionals: false }));
    } catch (err) {
      throw new ConfigError(`${(err as Error).message.split('. ')[0]}. It takes --day YYYY-MM-DD (once per day), --kind holiday|workday|normal, --name and, to make the change, --apply.`);
    }
    if (!values.day?.length || !values.kind) throw new ConfigError('it needs at least one --day YYYY-MM-DD and a --kind (holiday, workday or normal).');
    return { days: values.day, kind: values.kind, name: values.name ?? '', apply: values.apply === true };
  },
  input,
  run: (db, v, ctx) => correctDeadlinesRun(db, v, ctx),
};

if (isMain(import.meta.url)) await runCommand(correctDeadlinesCommand);
