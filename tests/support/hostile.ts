// Hostile inputs, generated from the router itself: each procedure's zod input schema is walked
// to find its fields and their kinds (id/number, text, instant, digits, enum, boolean, array,
// object), and each field gets a representative set of hostile values — wrong types, integer
// boundaries, NaN/Infinity, dates at and beyond the accepted range, U+0000, lone surrogates,
// bidi overrides, 1 MB strings, deep nesting — on top of a valid baseline input, so that each
// value is the only thing wrong (and reaches the database if the schema lets it through).
// Each case says whether it must be refused ('refuse') or may be answered either way ('either',
// e.g. 2³¹−1 is a valid id that does not exist). The same module gives the largest allowed
// input of a procedure (the bench's heaviest requests) and a few raw HTTP requests (cookies,
// percent-encoding, bodies) that no schema sees.
import type { z } from 'zod';
import { appRouter } from '../../server/router.ts';
import { listProcedures, type ProcedureInfo } from './procedures.ts';

export const INT32_MAX = 2 ** 31 - 1;

export type Expect = 'refuse' | 'either';

export interface HostileCase {
  /** What is hostile, e.g. `id = 2147483648` or `input = 10,000-deep array`. */
  label: string;
  /** The field (dotted path) or '(input)'. */
  field: string;
  /** `undefined` means: call without an input. */
  input: unknown;
  expect: Expect;
  /** Large (≥ 1 MB, or 10,000 items/levels): sent once per procedure and actor, not more. */
  heavy?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Walking a zod 4 schema

type AnyZod = z.ZodType;
interface Def {
  type: string;
  innerType?: AnyZod;
  shape?: Record<string, AnyZod>;
  options?: AnyZod[];
  element?: AnyZod;
  entries?: Record<string, string | number>;
  values?: unknown[];
  in?: AnyZod;
  out?: AnyZod;
  items?: AnyZod[];
}
const defOf = (s: AnyZod): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

export type Spec =
  | { kind: 'object'; fields: Record<string, Field> }
  | { kind: 'union'; options: Spec[]; schema: AnyZod }
  | { kind: 'array'; element: Spec; schema: AnyZod }
  | { kind: 'tuple'; items: Spec[]; schema: AnyZod }
  | { kind: 'number'; schema: AnyZod }
  | { kind: 'boolean'; schema: AnyZod }
  | { kind: 'enum'; values: unknown[]; schema: AnyZod }
  | { kind: 'string'; str: StringKind; schema: AnyZod }
  | { kind: 'unknown'; schema: AnyZod };

export type StringKind = { of: 'text'; max: number | null } | { of: 'instant' } | { of: 'digits'; n: number; upTo?: boolean } | { of: 'other' };

export interface Field {
  /** The field's own schema (optional/nullable layers included). */
  schema: AnyZod;
  spec: Spec;
  optional: boolean;
  nullable: boolean;
  /** A name a person types (display name, compound name, assignee…): bidi overrides must be refused. */
  name: boolean;
}

const ok = (s: AnyZod, v: unknown) => s.safeParse(v).success;

/** Unwraps optional/nullable/default/pipe layers, noting which apply. */
function unwrap(s: AnyZod): { core: AnyZod; optional: boolean; nullable: boolean } {
  let optional = false;
  let nullable = false;
  let core = s;
  for (let i = 0; i < 20; i++) {
    const d = defOf(core);
    if (d.type === 'optional' || d.type === 'default' || d.type === 'prefault') {
      optional = true;
      core = d.innerType!;
    } else if (d.type === 'nullable') {
      nullable = true;
      core = d.innerType!;
    } else if (d.type === 'pipe' && d.in && defOf(d.in).type !== 'transform') {
      core = d.in;
    } else if (d.type === 'readonly' || d.type === 'catch' || d.type === 'nonoptional') {
      core = d.innerType!;
    } else break;
  }
  return { core, optional, nullable };
}

const SAMPLE_INSTANT = '2022-03-01T00:00:00+08:00';

function stringKind(field: AnyZod): StringKind {
  if (ok(field, 'abc')) {
    // the largest length 'a'×n accepted (2²⁰ accepted: unbounded)
    if (ok(field, 'a'.repeat(2 ** 20))) return { of: 'text', max: null };
    let lo = 3;
    let hi = 2 ** 20;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (ok(field, 'a'.repeat(mid))) lo = mid;
      else hi = mid;
    }
    return { of: 'text', max: lo };
  }
  if (ok(field, SAMPLE_INSTANT)) return { of: 'instant' };
  // a number as a string of up to n digits (an event id): 1 digit and 15 pass, 16 do not
  if (ok(field, '3') && ok(field, '3'.repeat(15)) && !ok(field, '3'.repeat(16))) return { of: 'digits', n: 15, upTo: true };
  for (const n of [6, 9, 12, 15, 4, 8, 10, 11, 18]) if (ok(field, '3'.repeat(n))) return { of: 'digits', n };
  return { of: 'other' };
}

export function specOf(s: AnyZod): Spec {
  const { core } = unwrap(s);
  const d = defOf(core);
  switch (d.type) {
    case 'object': {
      const fields: Record<string, Field> = {};
      for (const [k, v] of Object.entries(d.shape ?? {})) {
        const u = unwrap(v);
        fields[k] = { schema: v, spec: specOf(v), optional: u.optional, nullable: u.nullable, name: /name$/i.test(k) && !/^user_?name$/i.test(k) };
      }
      return { kind: 'object', fields };
    }
    case 'union':
      return { kind: 'union', options: (d.options ?? []).map(specOf), schema: core };
    case 'array':
      return { kind: 'array', element: specOf(d.element!), schema: core };
    case 'tuple':
      return { kind: 'tuple', items: (d.items ?? []).map(specOf), schema: core };
    case 'number':
    case 'int':
    case 'bigint':
      return { kind: 'number', schema: core };
    case 'boolean':
      return { kind: 'boolean', schema: core };
    case 'enum':
      return { kind: 'enum', values: Object.values(d.entries ?? {}), schema: core };
    case 'literal':
      return { kind: 'enum', values: d.values ?? [], schema: core };
    case 'string':
      return { kind: 'string', str: stringKind(s), schema: core };
    case 'pipe': // a transform first (e.g. text(): trim, then check): judge it by what it accepts
      if (ok(s, 'abc') || ok(s, SAMPLE_INSTANT) || ok(s, '350602')) return { kind: 'string', str: stringKind(s), schema: s };
      return { kind: 'unknown', schema: s };
    default:
      return { kind: 'unknown', schema: core };
  }
}

// ---------------------------------------------------------------------------------------------
// Valid examples

/**
 * Values of the demo city for fields that name something that must exist (a role, a permission,
 * a district), so that a hostile value in another field is the only thing wrong. A field not
 * named here gets a value of its kind; a new procedure works without an entry (less deeply).
 */
export const KNOWN_VALUES: Record<string, unknown> = { roleCode: 'command_viewer', permission: 'case.read', districtCodes: ['350602'], code: '350602' };

/** A valid value for a spec; instants are handed out in order (from < to ≤ asOf). */
function example(spec: Spec, clock: { day: number }): unknown {
  switch (spec.kind) {
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const [k, f] of Object.entries(spec.fields)) {
        if (f.optional) continue;
        const known = KNOWN_VALUES[k];
        o[k] = known !== undefined && ok(f.schema, known) ? known : example(f.spec, clock);
      }
      return o;
    }
    case 'union':
      return example(spec.options[0], clock);
    case 'array':
      return ok(spec.schema, []) ? [] : [example(spec.element, clock)];
    case 'tuple':
      return spec.items.map((i) => example(i, clock));
    case 'number':
      return [1, 0, 10, 100].find((n) => ok(spec.schema, n)) ?? 1;
    case 'boolean':
      return false;
    case 'enum':
      return spec.values[0];
    case 'string':
      if (spec.str.of === 'instant') return new Date(Date.UTC(2022, 2, 1 + clock.day++) - 8 * 3600_000).toISOString().replace('.000Z', 'Z');
      if (spec.str.of === 'digits') return '350602000000000'.slice(0, spec.str.n).padEnd(spec.str.n, '0');
      return 'abc';
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Hostile values per kind

export const MB = 'x'.repeat(1 << 20);
/** A 10,000-deep array: [[[[…]]]] (one shared instance, so that toJson can spot it). */
export const DEEP_DEPTH = 10_000;
const DEEP: unknown = (() => {
  let a: unknown = [];
  for (let i = 0; i < DEEP_DEPTH; i++) a = [a];
  return a;
})();
export const deepArray = () => DEEP;
const DEEP_MARK = '\u0001deep\u0001';

/**
 * JSON text of an input, as a client would send it. JSON.stringify itself overflows the stack on
 * a 10,000-deep array (Node 20), so the deep array is written out as text.
 */
export function toJson(x: unknown): string {
  const text = JSON.stringify(x, (_k, val: unknown) => (val === DEEP ? DEEP_MARK : val));
  return text.replaceAll(JSON.stringify(DEEP_MARK), `${'['.repeat(DEEP_DEPTH + 1)}${']'.repeat(DEEP_DEPTH + 1)}`);
}

type Value = { label: string; value: unknown; expect: Expect; heavy?: boolean };
const v = (label: string, value: unknown, expect: Expect, heavy?: boolean): Value => ({ label, value, expect, heavy });

function numberValues(): Value[] {
  return [
    v('0', 0, 'either'),
    v('-1', -1, 'either'),
    v('1.5', 1.5, 'either'),
    v('-0', -0, 'either'),
    v('2³¹−1', INT32_MAX, 'either'),
    v('2³¹', 2 ** 31, 'refuse'),
    v('−2³¹−1', -(2 ** 31) - 1, 'refuse'),
    v('2⁵³', 2 ** 53, 'refuse'),
    v('1e308', 1e308, 'refuse'),
    v('NaN', NaN, 'refuse'),
    v('Infinity', Infinity, 'refuse'),
    v('-Infinity', -Infinity, 'refuse'),
    v("'1' (string)", '1', 'refuse'),
    v("'NaN' (string)", 'NaN', 'refuse'),
    v("'Infinity' (string)", 'Infinity', 'refuse'),
    v("'2147483648' (string)", '2147483648', 'refuse'),
    v('true', true, 'refuse'),
    v('{}', {}, 'refuse'),
  ];
}

/** Strings every kind of string field gets. */
function commonStringValues(name: boolean): Value[] {
  return [
    v('U+0000 inside', 'a\u0000b', 'refuse'),
    v('only U+0000', '\u0000', 'refuse'),
    v('lone high surrogate', 'a\uD800', 'refuse'),
    v('lone low surrogate', '\uDC00b', 'refuse'),
    v('bidi override U+202E', 'ab\u202Ecd', name ? 'refuse' : 'either'),
    v('bidi isolate U+2066', 'ab\u2066cd', name ? 'refuse' : 'either'),
    v('1 MB', MB, 'refuse', true),
    v('number 42', 42, 'refuse'),
    v('array', ['abc'], 'refuse'),
    v('object', { toString: 'abc' }, 'refuse'),
    v('boolean', false, 'refuse'),
  ];
}

function textValues(max: number | null): Value[] {
  const out = [
    v("''", '', 'either'),
    v('spaces', '   ', 'either'),
    v('SQL-ish', "'; select pg_sleep(5); --", 'either'),
    v('LIKE metacharacters', '%_\\%', 'either'),
    v('emoji', '😀🏙️', 'either'),
    v('CJK', '漳州市芗城区', 'either'),
    v('control characters', 'a\u0001\u001f\u007fb', 'either'),
    v('newline', 'a\nb\r\n', 'either'),
  ];
  if (max !== null) {
    out.push(v(`at max length (${max})`, 'a'.repeat(max), 'either'), v(`max + 1 (${max + 1})`, 'a'.repeat(max + 1), 'refuse'));
    out.push(v(`max length in emoji (${max} × 2 units)`, '😀'.repeat(max), 'either'));
  }
  return out;
}

function instantValues(): Value[] {
  return [
    v('2000-01-01 (lower bound)', '2000-01-01T00:00:00Z', 'either'),
    v('2099-12-31T23:59:59.999Z (last instant)', '2099-12-31T23:59:59.999Z', 'either'),
    v('1999-12-31', '1999-12-31T23:59:59Z', 'refuse'),
    v('0000-01-01', '0000-01-01T00:00:00Z', 'refuse'),
    v('0000-01-01 with offset', '0000-01-01T00:00:00+08:00', 'refuse'),
    v('2100-01-01', '2100-01-01T00:00:00Z', 'refuse'),
    v('9999-12-31', '9999-12-31T23:59:59Z', 'refuse'),
    v('+275760-09-13', '+275760-09-13T00:00:00Z', 'refuse'),
    v('-000001-01-01', '-000001-01-01T00:00:00Z', 'refuse'),
    v('February 30', '2022-02-30T00:00:00+08:00', 'refuse'),
    v('April 31', '2022-04-31T00:00:00Z', 'refuse'),
    v('offset +16:00', '2022-01-01T00:00:00+16:00', 'refuse'),
    v('offset -99:99', '2022-01-01T00:00:00-99:99', 'refuse'),
    v('offset +15:59', '2022-01-01T00:00:00+15:59', 'either'),
    v('24:00', '2022-01-01T24:00:00Z', 'either'),
    v('second 60', '2022-12-31T23:59:60Z', 'either'),
    v('9 fractional digits', '2022-01-01T00:00:00.123456789Z', 'either'),
    v('date only', '2022-01-01', 'refuse'),
    v('no offset', '2022-01-01T00:00:00', 'refuse'),
    v("'yesterday'", 'yesterday', 'refuse'),
    v("''", '', 'refuse'),
    v('U+0000 before Z', '2022-01-01T00:00:00\u0000Z', 'refuse'),
    v('epoch ms number', 1_640_995_200_000, 'refuse'),
  ];
}

function digitsValues(n: number): Value[] {
  return [
    v(`${n} zeros`, '0'.repeat(n), 'either'),
    v(`${n} nines`, '9'.repeat(n), 'either'),
    v(`${n + 1} digits`, '3'.repeat(n + 1), 'refuse'),
    v(`${n - 1} digits`, '3'.repeat(n - 1), 'refuse'),
    v('full-width digits', '３'.repeat(n), 'refuse'),
    v('Arabic-Indic digits', '٣'.repeat(n), 'refuse'),
    v('digits + U+0000', `${'3'.repeat(n - 1)}\u0000`, 'refuse'),
    v('digits + newline', `${'3'.repeat(n)}\n`, 'refuse'),
    v('as a number', Number('3'.repeat(n)), 'refuse'),
  ];
}

function valuesFor(f: Field): Value[] {
  const s = f.spec;
  const wrong: Value[] = [v('null', null, f.nullable ? 'either' : 'refuse')];
  switch (s.kind) {
    case 'number':
      return [...wrong, ...numberValues()];
    case 'boolean':
      return [...wrong, v("'true' (string)", 'true', 'refuse'), v('1', 1, 'refuse'), v('{}', {}, 'refuse')];
    case 'enum': {
      const first = String(s.values[0]);
      const out = [...wrong, v("'nope'", 'nope', 'refuse'), v('value + U+0000', `${first}\u0000`, 'refuse'), v('1 MB', MB, 'refuse', true), v('number', 1, 'refuse')];
      if (first.toUpperCase() !== first) out.push(v('upper case', first.toUpperCase(), 'refuse'));
      return out;
    }
    case 'string': {
      const common = commonStringValues(f.name);
      if (s.str.of === 'instant') return [...wrong, ...instantValues(), ...common.filter((c) => c.label !== 'bidi isolate U+2066')];
      if (s.str.of === 'digits') return [...wrong, ...digitsValues(s.str.n).filter((x) => !(s.str.of === 'digits' && s.str.upTo && x.label === `${s.str.n - 1} digits`)), ...common];
      if (s.str.of === 'text') return [...wrong, ...textValues(s.str.max), ...common];
      return [...wrong, ...common];
    }
    case 'array': {
      const el = s.element;
      const out = [
        ...wrong,
        v('10,000-deep array', deepArray(), 'refuse', true),
        v('10,000 items', Array.from({ length: 10_000 }, () => example(el, { day: 0 })), 'refuse', true),
        v('a string', 'abc', 'refuse'),
        v('an object', { 0: 'abc' }, 'refuse'),
      ];
      if (el.kind === 'string') out.push(v('item with U+0000', ['a\u0000'], 'refuse'), v('item lone surrogate', ['\uD800'], 'refuse'), v('item 1 MB', [MB], 'refuse', true));
      if (el.kind === 'number') out.push(v('item 2³¹', [2 ** 31], 'refuse'), v('item NaN', [NaN], 'refuse'));
      return out;
    }
    case 'object':
      return [...wrong, v('10,000-deep array', deepArray(), 'refuse', true), v('a string', 'abc', 'refuse')];
    default:
      return [...wrong, v('10,000-deep array', deepArray(), 'refuse', true), v('U+0000', '\u0000', 'either'), v('1 MB', MB, 'either', true)];
  }
}

// ---------------------------------------------------------------------------------------------
// Cases per procedure

export interface ProcedureCases extends ProcedureInfo {
  /** The procedure's input schemas (tRPC merges them); empty: takes no input. */
  schemas: AnyZod[];
  spec: Spec | null;
  /** A valid input (all required fields), or undefined if none could be derived. */
  baseline: unknown;
  cases: HostileCase[];
}

const procs = () => (appRouter._def as unknown as { procedures: Record<string, { _def: { inputs: AnyZod[] } }> }).procedures;

/** Whether the procedure's own schemas accept an input (what tRPC would let through). */
export function schemaAccepts(p: { schemas: AnyZod[] }, input: unknown): boolean {
  return p.schemas.every((s) => s.safeParse(input).success);
}

function instantFields(spec: Spec): string[] {
  return spec.kind === 'object' ? Object.entries(spec.fields).filter(([, f]) => f.spec.kind === 'string' && f.spec.str.of === 'instant').map(([k]) => k) : [];
}

export function casesFor(info: ProcedureInfo): ProcedureCases {
  const schemas = procs()[info.path]._def.inputs ?? [];
  const spec = schemas.length ? specOf(schemas[0]) : null;
  const cases: HostileCase[] = [];
  const add = (c: HostileCase) => cases.push(c);
  let baseline: unknown = undefined;
  if (spec) {
    baseline = example(spec, { day: 0 });
    if (!schemaAccepts({ schemas }, baseline)) baseline = spec.kind === 'object' ? {} : undefined;
    if (baseline !== undefined && !schemaAccepts({ schemas }, baseline)) baseline = undefined;
  }
  const noInput = !spec;
  const whole = (label: string, input: unknown, expect: Expect, heavy?: boolean) => add({ label: `input = ${label}`, field: '(input)', input, expect: noInput ? 'either' : expect, heavy });
  // the whole input
  whole('none', undefined, 'either');
  whole('null', null, 'either');
  whole("'abc'", 'abc', 'refuse');
  whole('42', 42, 'refuse');
  whole('[]', [], 'refuse');
  whole('10,000-deep array', deepArray(), 'refuse', true);
  whole('1 MB string', MB, 'refuse', true);
  whole('{"__proto__": {"admin": true}}', JSON.parse('{"__proto__": {"admin": true}}'), spec?.kind === 'object' ? 'either' : 'refuse');
  if (spec?.kind === 'object' && baseline && typeof baseline === 'object') {
    whole('baseline + unknown key holding U+0000', { ...baseline, unknownKey: 'a\u0000' }, 'either');
    whole('baseline + unknown key holding a lone surrogate', { ...baseline, unknownKey: 'a\uD800' }, 'either');
    whole('baseline + unknown key named with U+0000', { ...baseline, ['k\u0000']: 1 }, 'either');
    whole('baseline + constructor key', { ...baseline, constructor: { prototype: { x: 1 } } }, 'either');
    whole('10,000 unknown keys', Object.fromEntries([...Object.entries(baseline), ...Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i])]), 'either', true);
  }
  // each field of an object input (of each option of a union), one at a time on the baseline
  const objects: { spec: Extract<Spec, { kind: 'object' }>; base: Record<string, unknown> }[] = [];
  if (spec?.kind === 'object') objects.push({ spec, base: (baseline as Record<string, unknown>) ?? {} });
  if (spec?.kind === 'union') for (const o of spec.options) if (o.kind === 'object') objects.push({ spec: o, base: example(o, { day: 0 }) as Record<string, unknown> });
  for (const { spec: obj, base } of objects) {
    for (const [key, field] of Object.entries(obj.fields)) {
      for (const hv of valuesFor(field)) add({ label: `${key} = ${hv.label}`, field: key, input: { ...base, [key]: hv.value }, expect: hv.expect, heavy: hv.heavy });
      if (field.spec.kind === 'object') {
        for (const [sub, sf] of Object.entries(field.spec.fields)) {
          for (const hv of valuesFor(sf)) add({ label: `${key}.${sub} = ${hv.label}`, field: `${key}.${sub}`, input: { ...base, [key]: { ...(base[key] as object), [sub]: hv.value } }, expect: hv.expect, heavy: hv.heavy });
        }
      }
    }
    // periods: two instants named from/to
    const inst = instantFields(obj);
    if (inst.includes('from') && inst.includes('to')) {
      const p = (label: string, from: string, to: string, expect: Expect) => add({ label: `period ${label}`, field: 'from,to', input: { ...base, from, to }, expect });
      p('reversed', '2022-06-01T00:00:00+08:00', '2022-03-01T00:00:00+08:00', 'refuse');
      p('empty (from = to)', '2022-03-01T00:00:00+08:00', '2022-03-01T00:00:00+08:00', 'refuse');
      p('the whole accepted range', '2000-01-01T00:00:00Z', '2099-12-31T23:59:59Z', 'either');
      p('0000 … 9999', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', 'refuse');
      p('401 days', '2021-01-01T00:00:00Z', '2022-02-06T00:00:00Z', 'either');
      p('1 ms', '2022-03-01T00:00:00.000Z', '2022-03-01T00:00:00.001Z', 'either');
    }
  }
  // a union's wrong shapes
  if (spec?.kind === 'union') {
    whole('both shapes of the union at once', Object.assign({}, ...spec.options.map((o) => example(o, { day: 0 }))), 'either');
    whole('{}', {}, 'refuse');
  }
  return { ...info, schemas, spec, baseline, cases };
}

/** Every procedure of the router with its hostile cases. */
export function hostileProcedures(): ProcedureCases[] {
  return listProcedures().map(casesFor);
}

/** How a case's input arrives over HTTP: JSON turns NaN/±Infinity into null, drops undefined. */
export function overJson(c: HostileCase): { input: unknown; expect: Expect; changed: boolean } {
  if (c.input === undefined) return { input: undefined, expect: c.expect, changed: false };
  // a value JSON cannot carry (NaN → null) may become a valid one (a nullable field); walked
  // without recursion (inputs nest 10,000 deep)
  let changed = false;
  const stack: unknown[] = [c.input];
  while (stack.length && !changed) {
    const x = stack.pop();
    if (typeof x === 'number' && !Number.isFinite(x)) changed = true;
    else if (x && typeof x === 'object' && x !== DEEP) stack.push(...Object.values(x));
  }
  return { input: changed ? (JSON.parse(toJson(c.input)) as unknown) : c.input, expect: changed ? 'either' : c.expect, changed };
}

// ---------------------------------------------------------------------------------------------
// The largest allowed input (for the abuse bench)

/**
 * The heaviest input a schema accepts, derived from its fields: periods as long as accepted
 * (found by bisection, shifted by `vary` days to defeat caches), whole numbers at their largest
 * accepted value (limits, page sizes), texts at a short common needle and at their maximum length.
 * Returns several variants (texts both ways); undefined when the procedure takes no input.
 */
export function largestInputs(p: ProcedureCases, vary = 0): { label: string; input: unknown }[] {
  const spec = p.spec;
  if (!spec) return [{ label: '(no input)', input: undefined }];
  if (spec.kind !== 'object') return p.baseline === undefined ? [] : [{ label: 'baseline', input: p.baseline }];
  const base: Record<string, unknown> = { ...((p.baseline as Record<string, unknown>) ?? {}) };
  const accepts = (x: unknown) => schemaAccepts(p, x);
  const labels: string[] = [];
  const inst = instantFields(spec);
  if (inst.includes('from') && inst.includes('to')) {
    const start = Date.UTC(2022, 0, 1) - 8 * 3600_000 + vary * 86_400_000;
    const at = (days: number) => new Date(start + days * 86_400_000).toISOString();
    let lo = 1;
    let hi = 365 * 100;
    if (!accepts({ ...base, from: at(0), to: at(lo) })) return [];
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (accepts({ ...base, from: at(0), to: at(mid) })) lo = mid;
      else hi = mid;
    }
    base.from = at(0);
    base.to = at(lo);
    if (inst.includes('asOf')) base.asOf = at(lo);
    labels.push(`period ${lo} days from ${at(0).slice(0, 10)}`);
  }
  for (const [key, f] of Object.entries(spec.fields)) {
    if (f.spec.kind !== 'number' || /id$|version$/i.test(key)) continue;
    let lo = 0;
    let hi = INT32_MAX;
    if (!accepts({ ...base, [key]: 1 })) continue;
    lo = 1;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (accepts({ ...base, [key]: mid })) lo = mid;
      else hi = mid;
    }
    base[key] = lo;
    labels.push(`${key} = ${lo}`);
  }
  const texts = Object.entries(spec.fields).filter(([, f]) => f.spec.kind === 'string' && f.spec.str.of === 'text' && !f.optional);
  if (!texts.length) return [{ label: labels.join(', ') || 'baseline', input: base }];
  const out: { label: string; input: unknown }[] = [];
  for (const [needle, note] of [
    ['村', "a one-character needle matching many names ('村')"],
    ['1', "a one-digit needle ('1')"],
  ] as const) {
    const x = { ...base, ...Object.fromEntries(texts.map(([k]) => [k, needle])) };
    if (accepts(x)) out.push({ label: [...labels, note].join(', '), input: x });
  }
  const longest = { ...base, ...Object.fromEntries(texts.map(([k, f]) => [k, '村'.repeat((f.spec as { str: { max: number | null } }).str.max ?? 1000)])) };
  if (accepts(longest)) out.push({ label: [...labels, 'texts at their maximum length'].join(', '), input: longest });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP requests no schema sees

export interface RawCase {
  label: string;
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: BodyInit;
  /** 'refuse': must be 4xx with a reason; 'either': any non-5xx (4xx with a reason). */
  expect: Expect;
  /** Only with a session (the cookie is replaced by the case's own). */
  replacesCookie?: boolean;
}

export const BAD_COOKIES: [string, string][] = [
  ['cg_session=%', 'a lone %'],
  ['cg_session=%E0%A4%A', 'truncated percent-encoding'],
  ['cg_session=%FF%FE', 'percent-encoded bytes that are not UTF-8'],
  [`cg_session=${'a'.repeat(10_240)}`, 'a 10 KB session cookie'],
  [`cg_session=${encodeURIComponent('\u0000')}abc`, 'a percent-encoded NUL in the cookie'],
  ['cg_session=%ED%A0%80', 'a percent-encoded lone surrogate'],
  ['cg_session=a; cg_session=b; cg_session=%', 'the cookie three times'],
  ['cg_session=', 'an empty session cookie'],
  ['=; ;;cg_session', 'cookie syntax garbage'],
];

/** The layer files' query parameters and paths, bent. */
export function layerCases(files: string[]): RawCase[] {
  const out: RawCase[] = [];
  for (const f of files) {
    const g = (label: string, query: string, expect: Expect): RawCase => ({ label: `${f}: ${label}`, method: 'GET', path: `/api/layers/${f}${query}`, expect });
    out.push(g('no parameters', '', 'either'), g('unknown parameter', '?nope=1', 'refuse'), g('bad percent-encoding', '?from=%E0%A4%A', 'refuse'), g('a lone %', '?from=%', 'refuse'));
    if (f.startsWith('cases.')) {
      const q = (from: string, to?: string) => `?from=${encodeURIComponent(from)}${to ? `&to=${encodeURIComponent(to)}` : ''}`;
      out.push(
        g('from year 0000', q('0000-01-01T00:00:00Z'), 'refuse'),
        g('from +275760', q('+275760-09-13T00:00:00Z'), 'refuse'),
        g('from 1999-12-31', q('1999-12-31T23:59:59Z'), 'refuse'),
        g('to 2100-01-01', `?to=${encodeURIComponent('2100-01-01T00:00:00Z')}`, 'refuse'),
        g('February 30', q('2022-02-30T00:00:00+08:00'), 'refuse'),
        g('offset +16:00', q('2022-01-01T00:00:00+16:00'), 'refuse'),
        g('from with U+0000', q('2022-01-01T00:00:00\u0000Z'), 'refuse'),
        g('reversed', q('2022-06-01T00:00:00+08:00', '2022-03-01T00:00:00+08:00'), 'refuse'),
        g('the whole accepted range', q('2000-01-01T00:00:00Z', '2099-12-31T23:59:59Z'), 'either'),
        g('from twice', `${q('2022-01-01T00:00:00Z')}&from=${encodeURIComponent('2022-02-01T00:00:00Z')}`, 'either'),
        g('from 1 MB', `?from=${'9'.repeat(1 << 20)}`, 'refuse'),
      );
    }
  }
  out.push(
    { label: 'unknown layer', method: 'GET', path: '/api/layers/rivers.bin', expect: 'refuse' },
    { label: 'layer name with bad percent-encoding', method: 'GET', path: '/api/layers/%E0%A4%A', expect: 'refuse' },
    { label: 'layer name with encoded NUL', method: 'GET', path: '/api/layers/cases.bin%00', expect: 'refuse' },
    { label: 'layer name __proto__', method: 'GET', path: '/api/layers/__proto__', expect: 'refuse' },
    { label: 'layer name constructor', method: 'GET', path: '/api/layers/constructor', expect: 'refuse' },
    { label: 'layer path traversal', method: 'GET', path: '/api/layers/..%2F..%2Fpackage.json', expect: 'refuse' },
    { label: 'display token with NUL', method: 'GET', path: '/api/layers/districts.bin?display=%00', expect: 'refuse' },
    { label: 'display token bad percent-encoding', method: 'GET', path: '/api/layers/districts.bin?display=%E0%A4%A', expect: 'refuse' },
    { label: 'display token 10 KB', method: 'GET', path: `/api/layers/districts.bin?display=${'a'.repeat(10_240)}`, expect: 'refuse' },
  );
  return out;
}

/**
 * tRPC transport: bad query strings, bodies, batches, methods. `mutationPath` (auth.login) gets
 * only bodies its schema refuses (it would act on others); `batchPath` is a cheap query.
 */
export function trpcTransportCases(queryPath: string, mutationPath: string, queryInput: unknown, batchPath: string, batchInput: unknown): RawCase[] {
  const TWO_MB = 2 * 1024 * 1024;
  const json = { 'content-type': 'application/json' };
  const qi = encodeURIComponent(JSON.stringify(queryInput));
  return [
    { label: `${queryPath}: input= with a lone %`, method: 'GET', path: `/trpc/${queryPath}?input=%`, expect: 'refuse' },
    { label: `${queryPath}: input= with truncated percent-encoding`, method: 'GET', path: `/trpc/${queryPath}?input=%E0%A4%A`, expect: 'refuse' },
    { label: `${queryPath}: input= with %FF bytes`, method: 'GET', path: `/trpc/${queryPath}?input=%22%FF%FE%22`, expect: 'refuse' },
    { label: `${queryPath}: input= not JSON`, method: 'GET', path: `/trpc/${queryPath}?input={"q":`, expect: 'refuse' },
    { label: `${queryPath}: input= raw lone surrogate escape`, method: 'GET', path: `/trpc/${queryPath}?input=${encodeURIComponent('{"q":"\\ud800"}')}`, expect: 'refuse' },
    { label: `${queryPath}: input= twice`, method: 'GET', path: `/trpc/${queryPath}?input=${qi}&input=${qi}`, expect: 'either' },
    { label: `${queryPath}: 10,000-deep array in input=`, method: 'GET', path: `/trpc/${queryPath}?input=${'['.repeat(10_000)}${']'.repeat(10_000)}`, expect: 'refuse' },
    { label: `${queryPath}: 100,000-deep array in input=`, method: 'GET', path: `/trpc/${queryPath}?input=${'['.repeat(100_000)}${']'.repeat(100_000)}`, expect: 'refuse' },
    { label: `${queryPath}: 1 MB input=`, method: 'GET', path: `/trpc/${queryPath}?input=${encodeURIComponent(JSON.stringify({ q: MB }))}`, expect: 'refuse' },
    { label: `${batchPath}: batch of 1,000 calls`, method: 'GET', path: `/trpc/${Array(1000).fill(batchPath).join(',')}?batch=1&input=${encodeURIComponent(JSON.stringify(Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [i, batchInput]))))}`, expect: 'refuse' },
    { label: `${batchPath}: batch input not an object`, method: 'GET', path: `/trpc/${batchPath}?batch=1&input=[1,2]`, expect: 'either' },
    { label: `${batchPath}: batch input with 10,000 keys for one call`, method: 'GET', path: `/trpc/${batchPath}?batch=1&input=${encodeURIComponent(JSON.stringify(Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [i, batchInput]))))}`, expect: 'either' },
    { label: 'unknown procedure', method: 'GET', path: '/trpc/nope.nothing', expect: 'refuse' },
    { label: 'procedure path __proto__', method: 'GET', path: '/trpc/__proto__', expect: 'refuse' },
    { label: 'procedure path with bad percent-encoding', method: 'GET', path: '/trpc/%E0%A4%A', expect: 'refuse' },
    { label: 'procedure path constructor.name', method: 'GET', path: '/trpc/constructor.name', expect: 'refuse' },
    { label: `${queryPath}: POST to a query`, method: 'POST', path: `/trpc/${queryPath}`, headers: json, body: JSON.stringify(queryInput), expect: 'refuse' },
    { label: `${mutationPath}: GET of a mutation`, method: 'GET', path: `/trpc/${mutationPath}`, expect: 'refuse' },
    { label: `${mutationPath}: body not JSON`, method: 'POST', path: `/trpc/${mutationPath}`, headers: json, body: '{"username":', expect: 'refuse' },
    { label: `${mutationPath}: body with invalid UTF-8`, method: 'POST', path: `/trpc/${mutationPath}`, headers: json, body: new Uint8Array([0x7b, 0x22, 0x75, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), expect: 'refuse' },
    { label: `${mutationPath}: raw JSON with "\\ud800"`, method: 'POST', path: `/trpc/${mutationPath}`, headers: json, body: '{"username":"\\ud800","password":"\\udfff"}', expect: 'refuse' },
    { label: `${mutationPath}: raw JSON with "\\u0000"`, method: 'POST', path: `/trpc/${mutationPath}`, headers: json, body: '{"username":"a\\u0000","password":"b\\u0000"}', expect: 'refuse' },
    { label: `${mutationPath}: 10,000-deep array body`, method: 'POST', path: `/trpc/${mutationPath}`, headers: json, body: `${'['.repeat(10_000)}${']'.repeat(10_000)}`, expect: 'refuse' },
    { label: `${mutationPath}: 2 MB JSON body`, method: 'POST', path: `/trpc/${mutationPath}`, headers: json, body: JSON.stringify({ username: 'x'.repeat(TWO_MB), password: 'y' }), expect: 'refuse' },
    { label: `${mutationPath}: 2 MB body, no content-length, not JSON`, method: 'POST', path: `/trpc/${mutationPath}`, headers: { 'content-type': 'text/plain' }, body: new Blob(['z'.repeat(TWO_MB)]).stream(), expect: 'refuse' },
    { label: `${mutationPath}: 2 MB body, lying content-length`, method: 'POST', path: `/trpc/${mutationPath}`, headers: { ...json, 'content-length': '10' }, body: JSON.stringify({ username: 'x'.repeat(TWO_MB), password: 'y' }), expect: 'refuse' },
    // every item invalid (an empty user name): refused whether or not batches are limited
    { label: `${mutationPath}: batch with 1,000 calls`, method: 'POST', path: `/trpc/${Array(1000).fill(mutationPath).join(',')}?batch=1`, headers: json, body: JSON.stringify(Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [i, { username: '', password: '' }]))), expect: 'refuse' },
    { label: `${mutationPath}: batched with a query`, method: 'POST', path: `/trpc/${mutationPath},${batchPath}?batch=1`, headers: json, body: JSON.stringify({ 0: { username: '', password: '' }, 1: batchInput }), expect: 'refuse' },
  ];
}

/** Static files and unknown paths. */
export const STATIC_CASES: RawCase[] = [
  { label: 'the root', method: 'GET', path: '/', expect: 'either' },
  { label: 'index.html', method: 'GET', path: '/index.html', expect: 'either' },
  { label: 'a client route', method: 'GET', path: '/dispatch?sel=case:1', expect: 'either' },
  { label: 'path traversal (encoded)', method: 'GET', path: '/..%2F..%2Fpackage.json', expect: 'either' },
  { label: 'path traversal (double-encoded)', method: 'GET', path: '/%252e%252e/%252e%252e/etc/passwd', expect: 'either' },
  { label: 'path traversal (backslash)', method: 'GET', path: '/assets/..%5C..%5Cpackage.json', expect: 'either' },
  { label: 'encoded NUL in a path', method: 'GET', path: '/assets/%00.js', expect: 'either' },
  { label: 'bad percent-encoding in a path', method: 'GET', path: '/%E0%A4%A', expect: 'either' },
  { label: 'a lone % in a path', method: 'GET', path: '/%', expect: 'either' },
  { label: 'a 10 KB path', method: 'GET', path: `/${'a'.repeat(10_240)}`, expect: 'either' },
  { label: 'healthz with garbage query', method: 'GET', path: '/healthz?%E0%A4%A=%', expect: 'either' },
  { label: 'POST to healthz', method: 'POST', path: '/healthz', body: 'x', expect: 'either' },
];
