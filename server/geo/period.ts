// A reporting period [from, to) as ISO instants with an offset; shared by tRPC inputs and the
// HTTP layer feeds so both reject the same mistakes with the same messages. Built from the
// shared primitives (server/inputs.ts): instants inside 2000-01-01 … 2100-01-01, at most
// MAX_PERIOD_DAYS long. A wrong order or length is reported on `to` (the field a user fixes).
import { z } from 'zod';
import { instant, issue, MAX_PERIOD_DAYS } from '../inputs.ts';

type CheckCtx = Parameters<typeof issue>[0];

/** from < to and (unless `bounded: false`) at most MAX_PERIOD_DAYS apart, when both are given; the issue names `to`. */
export function checkPeriodOrder(ctx: CheckCtx, from: string | undefined, to: string | undefined, opts: { bounded?: boolean } = {}) {
  if (!from || !to) return;
  const span = Date.parse(to) - Date.parse(from);
  const at = ctx.issues.length;
  if (span <= 0) issue(ctx, 'input.periodOrder');
  else if (opts.bounded !== false && span > MAX_PERIOD_DAYS * 86_400_000) issue(ctx, 'input.periodTooLong', { maxDays: MAX_PERIOD_DAYS });
  for (const i of ctx.issues.slice(at)) (i as { path?: PropertyKey[] }).path = ['to'];
}

/** Both ends optional (an open-ended period). */
export const periodSchema = z
  .object({ from: instant('from').optional(), to: instant('to').optional() })
  .check((ctx) => checkPeriodOrder(ctx, ctx.value.from, ctx.value.to));

