// The input primitives every procedure and HTTP route validates with, so a value the database
// would reject never reaches it: ids and versions as positive int32 (PostgreSQL `integer`),
// instants with an offset inside 2000-01-01 … 2100-01-01 (year 0000 or 275760 would fail in
// SQL), bounded periods, and text with a maximum length and no U+0000 (PostgreSQL text cannot
// hold it), no lone surrogates, and — in names — no bidi overrides (a name must read as stored).
// Each refusal is a zod issue carrying `params.reason` (a key of domain/messages.ts), so the
// client translates it; the English text comes from the same entry.
import { z } from 'zod';
import { messageOf, type MessageParams, type Reason } from '../domain/messages.ts';

export const INT32_MAX = 2_147_483_647;
/** Instants outside this range are refused (UTC bounds, inclusive start, exclusive end). */
export const INSTANT_MIN = '2000-01-01T00:00:00Z';
export const INSTANT_MAX = '2100-01-01T00:00:00Z';
const MIN_MS = Date.parse(INSTANT_MIN);
const MAX_MS = Date.parse(INSTANT_MAX);

/** A custom issue that names its reason (and says it in English, derived from the catalogue). */
export function issue(ctx: { issues: unknown[]; value: unknown }, reason: Reason, params: MessageParams = {}) {
  ctx.issues.push({ code: 'custom', message: messageOf(reason, { field: 'value', ...params }) ?? reason, input: ctx.value, params: { reason, ...params } });
}

/** A database id or version: a whole number 1 … 2³¹−1. */
export const int32Id = (field = 'id') =>
  z.number({ error: messageOf('input.idRange', { field, max: INT32_MAX })! }).check((ctx) => {
    if (!Number.isInteger(ctx.value) || ctx.value < 1 || ctx.value > INT32_MAX) issue(ctx, 'input.idRange', { field, max: INT32_MAX });
  });

/** `{ id }` — the input of every byId, revoke and reset. */
export const idInput = z.object({ id: int32Id('id') });

/** A whole number in [min, max] (counts, limits, page sizes). */
export const boundedInt = (min: number, max: number) => z.int().min(min).max(max);

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):?(\d{2}))$/;

/**
 * Whether an ISO date-time names a real instant the way PostgreSQL reads it: JavaScript's
 * Date.parse accepts 2022-02-30 (rolling over to March) and offsets up to ±23:59, PostgreSQL
 * refuses both; real offsets lie within ±14:00.
 */
function realInstant(v: string): boolean {
  const m = ISO.exec(v);
  if (!m) return false;
  const [y, mo, d, h, mi, sec = '0', oh = '0', om = '0'] = m.slice(1).map((x) => x ?? '0');
  const [Y, MO, D, H, MI, S, OH, OM] = [y, mo, d, h, mi, sec, oh, om].map(Number);
  if (MO < 1 || MO > 12 || D < 1 || H > 23 || MI > 59 || S > 59 || OM > 59 || OH * 60 + OM > 14 * 60) return false;
  const day = new Date(Date.UTC(Y, MO - 1, D));
  return day.getUTCFullYear() === Y && day.getUTCMonth() === MO - 1 && day.getUTCDate() === D;
}

/** An ISO date-time with an offset, inside [2000-01-01, 2100-01-01). */
export const instant = (field: string) =>
  z.string().check((ctx) => {
    const v = ctx.value;
    if (v.length > 40 || !realInstant(v) || Number.isNaN(Date.parse(v))) return issue(ctx, 'input.instantFormat', { field });
    const ms = Date.parse(v);
    if (ms < MIN_MS || ms >= MAX_MS) issue(ctx, 'input.instantRange', { field, min: INSTANT_MIN.slice(0, 10), max: INSTANT_MAX.slice(0, 10) });
  });

/** A local calendar date YYYY-MM-DD that exists, inside [2000-01-01, 2100-01-01). */
export const localDate = (field: string) =>
  z.string().check((ctx) => {
    const v = ctx.value;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || !realInstant(`${v}T00:00:00Z`)) return issue(ctx, 'input.dateFormat', { field });
    const ms = Date.parse(`${v}T00:00:00Z`);
    if (ms < MIN_MS || ms >= MAX_MS) issue(ctx, 'input.instantRange', { field, min: INSTANT_MIN.slice(0, 10), max: INSTANT_MAX.slice(0, 10) });
  });

/** Reporting periods are at most this long (a year and a bit: a year-on-year comparison fits). */
export const MAX_PERIOD_DAYS = 400;

/** A period [from, to), both optional; when both are given, from < to and at most MAX_PERIOD_DAYS apart. */
export const periodInput = z
  .object({ from: instant('from').optional(), to: instant('to').optional() })
  .check((ctx) => checkPeriod(ctx, ctx.value.from, ctx.value.to));

/** A period with both ends (indicators). */
export const closedPeriodInput = z
  .object({ from: instant('from'), to: instant('to') })
  .check((ctx) => checkPeriod(ctx, ctx.value.from, ctx.value.to));

function checkPeriod(ctx: Parameters<typeof issue>[0], from: string | undefined, to: string | undefined) {
  if (!from || !to) return;
  const span = Date.parse(to) - Date.parse(from);
  if (span <= 0) issue(ctx, 'input.periodOrder');
  else if (span > MAX_PERIOD_DAYS * 86_400_000) issue(ctx, 'input.periodTooLong', { maxDays: MAX_PERIOD_DAYS });
}

// eslint-disable-next-line no-control-regex
const NUL = /\u0000/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Embeddings and overrides (LRE RLE PDF LRO RLO, LRI RLI FSI PDI): they make a name read differently from how it is stored. */
const BIDI = /[\u202A-\u202E\u2066-\u2069]/;

/**
 * Text: trimmed, at most `max` characters, no U+0000 and no lone surrogates; `name: true` also
 * refuses bidi overrides; `min` (default 0) for required fields.
 */
export const text = (field: string, max: number, opts: { min?: number; name?: boolean; trim?: boolean } = {}) =>
  z
    .string()
    .transform((v) => (opts.trim === false ? v : v.trim()))
    .check((ctx) => {
      const v = ctx.value;
      if (v.length > max) return issue(ctx, 'input.textTooLong', { field, max });
      if (NUL.test(v)) return issue(ctx, 'input.textNul', { field });
      if (LONE_SURROGATE.test(v)) return issue(ctx, 'input.textSurrogate', { field });
      if (opts.name && BIDI.test(v)) return issue(ctx, 'input.textBidi', { field });
      if (v.length < (opts.min ?? 0)) issue(ctx, 'input.textEmpty', { field });
    });

/** A secret (password): never trimmed, no U+0000, bounded. */
export const secret = (field: string, max: number) => text(field, max, { trim: false });

/** Digits of a fixed length (district 6, township 9, village 12, grid 15). */
export const digits = (field: string, n: number) => z.string().regex(new RegExp(`^\\d{${n}}$`), messageOf('zod.invalid_format', { field, format: `${n} digits` })!);

/** Whether a raw value is a string the database can store (for values that bypass zod, e.g. headers). */
export const storableText = (v: string, max: number) => v.length <= max && !NUL.test(v) && !LONE_SURROGATE.test(v);
