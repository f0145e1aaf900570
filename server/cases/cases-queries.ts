import { sql, type SQL } from 'drizzle-orm';
import { rows, textArray, type Db } from '../../db/engine.ts';
import { createCalendar, type WorkingCalendar } from '../../db/domain/working-clock.ts';
import { layerSummary } from '../geo/layer-summary.ts';
import { TRPCError } from '@trpc/server';
import { PublicError, queryFailed } from '../query-error.ts';
import { isClocked, trafficLight } from './traffic-light.ts';
import { caseScopeSql, type Scope } from '../auth/actor.ts';
import { outOfScope } from '../auth/scope-check.ts';
import { maskName, maskPhone } from './mask.ts';

export async function casesSummary(db: Db, p: Period & { scope: Scope }) {
  const where = sql`id in (select c.id from cases c where ${inPeriod(p)})`;
  try {
    const [all, groups] = await Promise.all([
      layerSummary(db, 'cases', 'geom', where),
      rows<{ dim: string; key: string; n: number }>(
        db,
        sql`select 'source' as dim, source as key, count(*)::int as n from cases where ${where} group by source
            union all select 'status', status, count(*)::int from cases where ${where} group by status
            union all select 'open', (status not in ('closed', 'voided'))::text, count(*)::int from cases where ${where} group by 1, 2`,
      ),
    ]);
    const pick = (dim: string) => Object.fromEntries(groups.filter((g) => g.dim === dim).map((g) => [g.key, g.n]));
    return { ...all, bySource: pick('source'), byStatus: pick('status'), open: pick('open').true ?? 0 };
  } catch (err) {
    throw queryFailed('case summary', err);
  }
}

// ---- the cases feed (server/http/layers.ts): one row per case, sorted by id -------------------

/** Offsets in the feeds are from this origin (lng, lat; WGS-84 degrees). */
export const FEED_ORIGIN: [number, number] = [117.6, 24.5];

export interface Period {
  /** ISO instants; the period is [from, to). */
  from?: string;
  to?: string;
  /** Only the cases the asker may see (server/auth/actor.ts); absent = all (internal use). */
  scope?: Scope;
}

const inPeriod = (p: Period) =>
  sql`${p.from ? sql`c.reported_at >= ${p.from}::timestamptz` : sql`true`} and ${p.to ? sql`c.reported_at < ${p.to}::timestamptz` : sql`true`} and ${p.scope ? caseScopeSql(p.scope) : sql`true`}`;

/**
 * The cases of the period as columns, sorted by id. PostgreSQL packs each column into one
 * bytea (string_agg of int4send/float4send…: big-endian), so ~10 values cross to JS instead of
 * 140k row objects: on the embedded engine ~0.3 s instead of ~4 s.
 * Dictionary columns are 1-based positions (0 = none) in `statuses`/`sources` (distinct values
 * of the period, as found), and in all category / district codes ordered by code.
 */
export interface CaseFeedColumns {
  n: number;
  id: Uint32Array;
  /** Offsets from FEED_ORIGIN, degrees (rounded to float32 in SQL). */
  x: Float32Array;
  y: Float32Array;
  /** reported_at, unix seconds. */
  t: Uint32Array;
  statuses: string[];
  status: Uint16Array;
  sources: string[];
  source: Uint16Array;
  category: Uint16Array;
  district: Uint16Array;
  /** 0 not closed (or no due date), 1 closed on time (closed_at ≤ close_due_at), 2 closed late. */
  closed: Uint16Array;
  /** Only when asked for (the GeoJSON baseline). */
  codes?: string[];
}

export async function caseFeedColumns(db: Db, p: Period, opts: { withCodes?: boolean } = {}): Promise<CaseFeedColumns> {
  // every aggregate orders by id itself (an order inherited from a sorted subquery is not
  // guaranteed by SQL); PostgreSQL 16+ (the embedded engine) sorts once for all of them
  const agg = (send: SQL) => sql`coalesce(string_agg(${send}, ''::bytea order by id), ''::bytea)`;
  const pos = (list: SQL, value: SQL) => sql`int2send(coalesce(array_position(${list}, ${value}), 0)::int2)`;
  const statuses = sql`(select coalesce(array_agg(distinct status), '{}') from cases c where ${inPeriod(p)})`;
  const sources = sql`(select coalesce(array_agg(distinct source), '{}') from cases c where ${inPeriod(p)})`;
  let r;
  try {
    [r] = await rows<Record<'id' | 'x' | 'y' | 't' | 'status' | 'source' | 'category' | 'district' | 'closed', Uint8Array> & { n: number; statuses: string[] | string; sources: string[] | string; codes: string | null }>(
      db,
      sql`select count(*)::int as n, ${statuses}::text[] as statuses, ${sources}::text[] as sources,
                 ${agg(sql`int4send(id::int4)`)} as id,
                 ${agg(sql`float4send((ST_X(geom) - ${FEED_ORIGIN[0]}::float8)::float4)`)} as x,
                 ${agg(sql`float4send((ST_Y(geom) - ${FEED_ORIGIN[1]}::float8)::float4)`)} as y,
                 ${agg(sql`int8send(floor(extract(epoch from reported_at))::int8)`)} as t,
                 ${agg(pos(statuses, sql`status`))} as status,
                 ${agg(pos(sources, sql`source`))} as source,
                 ${agg(pos(sql`(select array_agg(code order by code) from case_categories)`, sql`category_code`))} as category,
                 ${agg(pos(sql`(select array_agg(code::text order by code) from districts)`, sql`district_code::text`))} as district,
                 ${agg(sql`int2send((case when status <> 'closed' or closed_at is null or close_due_at is null then 0 when closed_at <= close_due_at then 1 else 2 end)::int2)`)} as closed,
                 ${opts.withCodes ? sql`string_agg(code, ',' order by id)` : sql`null`} as codes
          from (select * from cases c where ${inPeriod(p)}) s`,
    );
  } catch (err) {
    throw queryFailed('cases feed', err);
  }
  const n = r.n;
  const view = (b: Uint8Array, width: number) => {
    if (b.byteLength !== n * width) throw new Error(`cases feed: expected ${n * width} bytes, got ${b.byteLength}`);
    return new DataView(b.buffer, b.byteOffset, b.byteLength);
  };
  const u32 = (b: Uint8Array) => {
    const v = view(b, 4);
    const out = new Uint32Array(n);
    for (let i = 0; i < n; i++) out[i] = v.getUint32(4 * i);
    return out;
  };
  const f32 = (b: Uint8Array) => {
    const v = view(b, 4);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = v.getFloat32(4 * i);
    return out;
  };
  const u16 = (b: Uint8Array) => {
    const v = view(b, 2);
    const out = new Uint16Array(n);
    for (let i = 0; i < n; i++) out[i] = v.getUint16(2 * i);
    return out;
  };
  const tv = view(r.t, 8);
  const t = new Uint32Array(n);
  for (let i = 0; i < n; i++) t[i] = Number(tv.getBigInt64(8 * i));
  const id = u32(r.id);
  for (let i = 1; i < n; i++) if (id[i] <= id[i - 1]) throw new Error('cases feed: the database returned the cases out of id order');
  return {
    n,
    id,
    x: f32(r.x),
    y: f32(r.y),
    t,
    statuses: textArray(r.statuses),
    status: u16(r.status),
    sources: textArray(r.sources),
    source: u16(r.source),
    category: u16(r.category),
    district: u16(r.district),
    closed: u16(r.closed),
    codes: opts.withCodes ? (r.codes ? r.codes.split(',') : []) : undefined,
  };
}


/** Throws NOT_FOUND for no such case, FORBIDDEN (naming why) for a case outside the scope. */
export async function caseInScope(db: Db, id: number, scope: Scope): Promise<void> {
  let r;
  try {
    [r] = await rows<{ inside: boolean; district_code: string | null; department_id: number | null }>(
      db,
      sql`select ${caseScopeSql(scope)} as inside, c.district_code::text as district_code, c.department_id from cases c where c.id = ${id}`,
    );
  } catch (err) {
    throw queryFailed('case scope', err);
  }
  if (!r) throw new TRPCError({ code: 'NOT_FOUND', message: `No case with id ${id}.` });
  if (!r.inside) throw outOfScope(`Case ${id}`, scope, r.district_code);
}

/** Stage clocks of the open, clocked cases of the period (a few hundred): ms since epoch. */
export interface OpenCaseClockRow {
  id: number;
  status: string;
  dispatched_ms: number | null;
  handled_ms: number | null;
  handle_due_ms: number | null;
  close_due_ms: number | null;
}

export async function openCaseClocks(db: Db, p: Period, ids?: number[]): Promise<OpenCaseClockRow[]> {
  const ms = (col: SQL) => sql`(extract(epoch from ${col}) * 1000)::float8`;
  try {
    // a grouped join (not a correlated subquery per case): PGlite plans it well
    return await rows<OpenCaseClockRow>(
      db,
      sql`select c.id::int as id, c.status,
                 ${ms(sql`max(e.at) filter (where e.type = 'dispatch')`)} as dispatched_ms,
                 ${ms(sql`max(e.at) filter (where e.type = 'handle')`)} as handled_ms,
                 ${ms(sql`c.handle_due_at`)} as handle_due_ms, ${ms(sql`c.close_due_at`)} as close_due_ms
          from cases c join case_events e on e.case_id = c.id
          where c.status in ('dispatched', 'returned', 'handled', 'checked') and ${inPeriod(p)}
            ${ids ? sql`and c.id = any(${sql.param(ids)}::bigint[])` : sql``}
          group by c.id`,
    );
  } catch (err) {
    throw queryFailed('case clocks', err);
  }
}

/** The working calendar (calendar_days, working_periods) and the warning ratio (app_meta). */
export async function clockSettings(db: Db): Promise<{ calendar: WorkingCalendar; warnRatio: number }> {
  let days, periods, meta;
  try {
    [days, periods, meta] = await Promise.all([
      rows<{ day: string; kind: string }>(db, sql`select to_char(day, 'YYYY-MM-DD') as day, kind from calendar_days`),
      rows<{ startsAt: string; endsAt: string }>(db, sql`select to_char(starts_at, 'HH24:MI') as "startsAt", to_char(ends_at, 'HH24:MI') as "endsAt" from working_periods order by starts_at`),
      rows<{ value: string }>(db, sql`select value from app_meta where key = 'clock.warn_ratio'`),
    ]);
  } catch (err) {
    throw queryFailed('working calendar', err);
  }
  const warnRatio = Number(meta[0]?.value);
  if (!(warnRatio > 0 && warnRatio < 1)) {
    throw new PublicError({ code: 'INTERNAL_SERVER_ERROR', message: `app_meta 'clock.warn_ratio' must be a fraction between 0 and 1, found ${JSON.stringify(meta[0]?.value ?? null)}.` });
  }
  return { calendar: createCalendar(days, periods), warnRatio };
}

/**
 * Changes whenever a case changes, cheaply (two index lookups, not a count over 140k rows):
 * every change to a case appends an event, so max(case_events.id) moves; cases are never
 * deleted (their events are append-only and reference them); max(cases.id) covers an insert
 * made without an event. Plus the clock settings the lights depend on.
 */
export async function caseFeedStamp(db: Db): Promise<string> {
  try {
    const [r] = await rows<{ stamp: string }>(
      db,
      sql`select concat_ws(':', (select max(id) from case_events), (select max(id) from cases),
                           (select value from app_meta where key = 'clock.warn_ratio'),
                           (select concat(count(*), '/', max(xmin::text::bigint)) from calendar_days),
                           (select concat(count(*), '/', max(xmin::text::bigint)) from working_periods)) as stamp`,
    );
    return r.stamp;
  } catch (err) {
    throw queryFailed('cases feed stamp', err);
  }
}

export interface FeedDictionaries {
  categories: { code: string; name: string; nameEn: string; major: string }[];
  districts: { code: string; name: string; nameEn: string }[];
}

export async function caseFeedDictionaries(db: Db): Promise<FeedDictionaries> {
  try {
    const [categories, districts] = await Promise.all([
      rows<{ code: string; name: string; nameEn: string; major: string }>(db, sql`select code, name, name_en as "nameEn", major_name as major from case_categories order by code`),
      rows<{ code: string; name: string; nameEn: string }>(db, sql`select code::text as code, name, name_en as "nameEn" from districts order by code`),
    ]);
    return { categories, districts };
  } catch (err) {
    throw queryFailed('case dictionaries', err);
  }
}

// ---- one case in full (cases.byId). Never the reporter's personal data (case_reporters).

const isoOf = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const msOf = (col: SQL) => sql`(extract(epoch from ${col}) * 1000)::float8`;

export async function caseById(db: Db, id: number, now: Date, scope: Scope) {
  await caseInScope(db, id, scope);
  let c, events, clock;
  try {
    [[c], events] = await Promise.all([
      rows<{
        id: number; code: string; category_code: string; category_name: string; category_name_en: string; major: string; source: string; channel: string;
        status: string; urgency: string; dept_id: number | null; dept_name: string | null; dept_name_en: string | null;
        reported_ms: number; handle_due_ms: number | null; close_due_ms: number | null; closed_ms: number | null; address: string; description: string;
        lng: number; lat: number; district_code: string | null; district_name: string | null; district_name_en: string | null;
        township_code: string | null; township_name: string | null; village_code: string | null; village_name: string | null; grid_code: string | null;
        community_id: number | null; community_name: string | null;
      }>(
        db,
        sql`select c.id::int as id, c.code, c.category_code, cc.name as category_name, cc.name_en as category_name_en, cc.major_name as major,
                   c.source, c.channel, c.status, c.urgency, d.id as dept_id, d.name as dept_name, d.name_en as dept_name_en,
                   ${msOf(sql`c.reported_at`)} as reported_ms, ${msOf(sql`c.handle_due_at`)} as handle_due_ms, ${msOf(sql`c.close_due_at`)} as close_due_ms,
                   ${msOf(sql`c.closed_at`)} as closed_ms, c.address, c.description, ST_X(c.geom)::float8 as lng, ST_Y(c.geom)::float8 as lat,
                   di.code::text as district_code, di.name as district_name, di.name_en as district_name_en, t.code::text as township_code, t.name as township_name,
                   v.code::text as village_code, v.name as village_name, c.grid_code::text as grid_code, pc.id as community_id, pc.name as community_name
            from cases c
            join case_categories cc on cc.code = c.category_code
            left join departments d on d.id = c.department_id
            left join districts di on di.code = c.district_code
            left join townships t on t.code = c.township_code
            left join villages v on v.code = c.village_code
            left join property_communities pc on pc.id = c.property_community_id
            where c.id = ${id}`,
      ),
      rows<{ seq: number; at_ms: number; type: string; to_status: string; actor_role: string; reason: string | null }>(
        db,
        sql`select seq, ${msOf(sql`at`)} as at_ms, type, to_status, actor_role, reason from case_events where case_id = ${id} order by seq`,
      ),
    ]);
  } catch (err) {
    throw queryFailed('case details', err);
  }
  if (!c) throw new TRPCError({ code: 'NOT_FOUND', message: `No case with id ${id}.` });
  const date = (ms: number | null) => (ms === null ? null : new Date(ms));
  let stage = { dispatched_ms: null as number | null, handled_ms: null as number | null };
  if (isClocked(c.status)) [clock] = await openCaseClocks(db, {}, [id]);
  if (clock) stage = clock;
  const { calendar, warnRatio } = await clockSettings(db);
  const light = trafficLight(
    { status: c.status, dispatchedAt: date(stage.dispatched_ms), handledAt: date(stage.handled_ms), handleDueAt: date(c.handle_due_ms), closeDueAt: date(c.close_due_ms), closedAt: date(c.closed_ms) },
    now,
    warnRatio,
    calendar,
  );
  return {
    id: c.id,
    code: c.code,
    categoryCode: c.category_code,
    categoryName: c.category_name,
    categoryNameEn: c.category_name_en,
    major: c.major,
    source: c.source,
    channel: c.channel,
    status: c.status,
    urgency: c.urgency,
    light,
    department: c.dept_id === null ? null : { id: c.dept_id, name: c.dept_name!, nameEn: c.dept_name_en! },
    reportedAt: isoOf(c.reported_ms)!,
    handleDueAt: isoOf(c.handle_due_ms),
    closeDueAt: isoOf(c.close_due_ms),
    closedAt: isoOf(c.closed_ms),
    address: c.address,
    description: c.description,
    lng: c.lng,
    lat: c.lat,
    location: {
      district: c.district_code ? { code: c.district_code, name: c.district_name!, nameEn: c.district_name_en! } : null,
      township: c.township_code ? { code: c.township_code, name: c.township_name! } : null,
      village: c.village_code ? { code: c.village_code, name: c.village_name! } : null,
      gridCode: c.grid_code,
      community: c.community_id === null ? null : { id: c.community_id, name: c.community_name! },
    },
    events: events.map((e) => ({ seq: e.seq, at: isoOf(e.at_ms)!, type: e.type, toStatus: e.to_status, actorRole: e.actor_role, reason: e.reason })),
  };
}

export interface Reporter {
  name: string | null;
  phone: string | null;
  anonymous: boolean;
  masked: boolean;
}

/** The reporter of a public case (null for other sources), masked unless `reveal`. The scope is checked first. */
export async function caseReporter(db: Db, id: number, scope: Scope, reveal: boolean): Promise<Reporter | null> {
  await caseInScope(db, id, scope);
  let r;
  try {
    [r] = await rows<{ name: string | null; phone: string | null; anonymous: string }>(db, sql`select name, phone, anonymous from case_reporters where case_id = ${id}`);
  } catch (err) {
    throw queryFailed('case reporter', err);
  }
  if (!r) return null;
  return reveal
    ? { name: r.name, phone: r.phone, anonymous: r.anonymous === 'Y', masked: false }
    : { name: maskName(r.name), phone: maskPhone(r.phone), anonymous: r.anonymous === 'Y', masked: true };
}
