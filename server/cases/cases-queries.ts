import { sql, type SQL } from 'drizzle-orm';
import { CLOCKED_STATUSES, CLOSED_STATUS, FINISHED_STATUSES, isClocked } from '../../domain/workflow.ts';
import { CLOSED_LATE, CLOSED_NONE, CLOSED_ON_TIME } from '../../domain/case-light.ts';
import { currentStatementTag, idSlices, rows, textArray, withStatementTag, type Db } from '../../db/engine.ts';
import type { WorkingCalendar } from '../../domain/working-clock.ts';
import { clockSettings as settingsClock } from '../settings/settings.ts';
import { toBbox, type Bbox } from '../geo/bbox.ts';
import { queryFailed, refuse } from '../query-error.ts';
import { lightOf } from '../../domain/case-clock.ts';
import { photosOfCase } from '../photos/photos-queries.ts';
import { caseScopeSql, type Scope } from '../auth/actor.ts';
import { maskName, maskPhone } from '../../domain/masking.ts';

const FINISHED: ReadonlySet<string> = new Set(FINISHED_STATUSES);

/** Cases of the period the asker may see: count, extent, by source, by status, open. One statement per FEED_SLICE ids. */
export async function casesSummary(db: Db, p: Period & { scope: Scope }) {
  return withStatementTag({ priority: 'heavy', who: currentStatementTag()?.who ?? 'cases.summary' }, async () => {
    const range = await caseIdRange(db);
    const bySource: Record<string, number> = {};
    const byStatus: Record<string, number> = {};
    let count = 0;
    let open = 0;
    let bbox: Bbox | null = null;
    try {
      for (const [lo, hi] of range ? idSlices(range[0], range[1], FEED_SLICE) : []) {
        const groups = await rows<{ source: string; status: string; n: number; w: number | null; s: number | null; e: number | null; nn: number | null }>(
          db,
          sql`select x.source, x.status, x.n, ST_XMin(x.b)::float8 as w, ST_YMin(x.b)::float8 as s, ST_XMax(x.b)::float8 as e, ST_YMax(x.b)::float8 as nn
              from (select source, status, count(*)::int as n, ST_Extent(geom)::geometry as b from cases c
                    where c.id between ${lo} and ${hi} and ${inPeriod(p)} group by source, status) x`,
        );
        for (const g of groups) {
          count += g.n;
          bySource[g.source] = (bySource[g.source] ?? 0) + g.n;
          byStatus[g.status] = (byStatus[g.status] ?? 0) + g.n;
          if (!FINISHED.has(g.status)) open += g.n;
          const b = toBbox({ w: g.w, s: g.s, e: g.e, n: g.nn });
          if (b) bbox = bbox ? [Math.min(bbox[0], b[0]), Math.min(bbox[1], b[1]), Math.max(bbox[2], b[2]), Math.max(bbox[3], b[3])] : b;
        }
      }
    } catch (err) {
      throw queryFailed('case summary', err);
    }
    return { count, bbox, bySource, byStatus, open };
  });
}

// ---- the cases feed (server/http/layers.ts): one row per case, sorted by id -------------------

/** Offsets in the feeds are from this origin (lng, lat; WGS-84 degrees). */
export const FEED_ORIGIN: [number, number] = [117.6, 24.5];

export interface Period {
  /** ISO instants; the period is [from, to). */
  from?: string;
  to?: string;
  /** Only the cases the asker may see (server/auth/actor.ts): always given — CITY or NOWHERE are named values, never a missing one. */
  scope: Scope;
}

const inPeriod = (p: Period) =>
  sql`${p.from ? sql`c.reported_at >= ${p.from}::timestamptz` : sql`true`} and ${p.to ? sql`c.reported_at < ${p.to}::timestamptz` : sql`true`} and ${caseScopeSql(p.scope)}`;

/**
 * The cases of the period as columns, sorted by id. PostgreSQL packs each column into one
 * bytea (string_agg of int4send/float4send…: big-endian), so ~10 values cross to JS instead of
 * 140k row objects. One statement per slice of FEED_SLICE case ids (10k: each well under
 * 250 ms on the embedded engine, where one statement over all cases took ~1 s and held every
 * other request), concatenated here.
 * Dictionary columns are 1-based positions (0 = none) in `statuses`/`sources` (the lists the
 * caller knows, then any other value found, in the order found), and in all category /
 * district codes ordered by code.
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

/** Case ids per statement of the feed. */
export const FEED_SLICE = 10_000;

/** Inclusive id range of all cases (null when there are none): two index lookups. */
export async function caseIdRange(db: Db): Promise<[number, number] | null> {
  let r;
  try {
    [r] = await rows<{ lo: string | number | null; hi: string | number | null }>(db, sql`select min(id) as lo, max(id) as hi from cases`);
  } catch (err) {
    throw queryFailed('case id range', err);
  }
  return r.lo === null ? null : [Number(r.lo), Number(r.hi)];
}

export async function caseFeedColumns(db: Db, p: Period, opts: { withCodes?: boolean; slice?: number; statuses?: string[]; sources?: string[] } = {}): Promise<CaseFeedColumns> {
  return withStatementTag({ priority: 'heavy', who: currentStatementTag()?.who ?? 'cases feed' }, async () => {
    const range = await caseIdRange(db);
    const dict = { statuses: [...(opts.statuses ?? [])], sources: [...(opts.sources ?? [])] };
    const parts: CaseFeedColumns[] = [];
    for (const [lo, hi] of range ? idSlices(range[0], range[1], opts.slice ?? FEED_SLICE) : []) parts.push(await caseFeedSlice(db, p, lo, hi, dict, !!opts.withCodes));
    return concatFeedColumns(parts, !!opts.withCodes);
  });
}

/** Bytes per case of a slice's packed records (see caseFeedSlice). */
const RECORD = 30;

/**
 * One slice as one bytea of fixed-width records in id order (id int4, x y float4, t int8,
 * status source category district closed int2; big-endian): a single string_agg, about half
 * the cost of one per column on the embedded engine. Status and source positions are in the
 * lists of `dict`; a value not in them yet is added and the slice read again (rare: a status
 * outside the known workflow).
 */
async function caseFeedSlice(db: Db, p: Period, lo: number, hi: number, dict: { statuses: string[]; sources: string[] }, withCodes: boolean): Promise<CaseFeedColumns> {
  const pos = (list: SQL, value: SQL) => sql`int2send(coalesce(array_position(${list}, ${value}), 0)::int2)`;
  for (;;) {
    const statuses = sql`${sql.param(dict.statuses)}::text[]`;
    const sources = sql`${sql.param(dict.sources)}::text[]`;
    let r;
    try {
      [r] = await rows<{ n: number; rec: Uint8Array; new_statuses: string[] | string | null; new_sources: string[] | string | null; codes: string | null }>(
        db,
        sql`select count(*)::int as n,
                   coalesce(string_agg(int4send(id::int4)
                     || float4send((ST_X(geom) - ${FEED_ORIGIN[0]}::float8)::float4)
                     || float4send((ST_Y(geom) - ${FEED_ORIGIN[1]}::float8)::float4)
                     || int8send(floor(extract(epoch from reported_at))::int8)
                     || ${pos(statuses, sql`status`)}
                     || ${pos(sources, sql`source`)}
                     || ${pos(sql`(select array_agg(code order by code) from case_categories)`, sql`category_code`)}
                     || ${pos(sql`(select array_agg(code::text order by code) from districts)`, sql`district_code::text`)}
                     || int2send((case when status <> ${CLOSED_STATUS}::text or closed_at is null or close_due_at is null then ${CLOSED_NONE}::int when closed_at <= close_due_at then ${CLOSED_ON_TIME}::int else ${CLOSED_LATE}::int end)::int2),
                     ''::bytea order by id), ''::bytea) as rec,
                   array_agg(distinct status) filter (where status is not null and array_position(${statuses}, status) is null)::text[] as new_statuses,
                   array_agg(distinct source) filter (where source is not null and array_position(${sources}, source) is null)::text[] as new_sources,
                   ${withCodes ? sql`string_agg(code, ',' order by id)` : sql`null`} as codes
            from (select * from cases c where c.id between ${lo} and ${hi} and ${inPeriod(p)}) s`,
      );
    } catch (err) {
      throw queryFailed('cases feed', err);
    }
    const extraStatuses = textArray(r.new_statuses);
    const extraSources = textArray(r.new_sources);
    if (extraStatuses.length || extraSources.length) {
      dict.statuses.push(...extraStatuses.sort());
      dict.sources.push(...extraSources.sort());
      continue;
    }
    const n = r.n;
    if (r.rec.byteLength !== n * RECORD) throw new Error(`cases feed: expected ${n * RECORD} bytes, got ${r.rec.byteLength}`);
    const v = new DataView(r.rec.buffer, r.rec.byteOffset, r.rec.byteLength);
    const out: CaseFeedColumns = {
      n,
      id: new Uint32Array(n),
      x: new Float32Array(n),
      y: new Float32Array(n),
      t: new Uint32Array(n),
      statuses: [...dict.statuses],
      status: new Uint16Array(n),
      sources: [...dict.sources],
      source: new Uint16Array(n),
      category: new Uint16Array(n),
      district: new Uint16Array(n),
      closed: new Uint16Array(n),
      codes: withCodes ? (r.codes ? r.codes.split(',') : []) : undefined,
    };
    for (let i = 0, o = 0; i < n; i++, o += RECORD) {
      out.id[i] = v.getUint32(o);
      out.x[i] = v.getFloat32(o + 4);
      out.y[i] = v.getFloat32(o + 8);
      out.t[i] = Number(v.getBigInt64(o + 12));
      out.status[i] = v.getUint16(o + 20);
      out.source[i] = v.getUint16(o + 22);
      out.category[i] = v.getUint16(o + 24);
      out.district[i] = v.getUint16(o + 26);
      out.closed[i] = v.getUint16(o + 28);
    }
    return out;
  }
}

/** Slices in id order → one set of columns; each slice's status/source positions are mapped onto the union of their lists. */
export function concatFeedColumns(parts: CaseFeedColumns[], withCodes: boolean): CaseFeedColumns {
  const n = parts.reduce((a, s) => a + s.n, 0);
  const out: CaseFeedColumns = {
    n,
    id: new Uint32Array(n),
    x: new Float32Array(n),
    y: new Float32Array(n),
    t: new Uint32Array(n),
    statuses: [],
    status: new Uint16Array(n),
    sources: [],
    source: new Uint16Array(n),
    category: new Uint16Array(n),
    district: new Uint16Array(n),
    closed: new Uint16Array(n),
    codes: withCodes ? [] : undefined,
  };
  const union = (list: string[], add: string[]) => add.map((v) => {
    let i = list.indexOf(v);
    if (i < 0) i = list.push(v) - 1;
    return i + 1;
  });
  let at = 0;
  for (const s of parts) {
    out.id.set(s.id, at);
    out.x.set(s.x, at);
    out.y.set(s.y, at);
    out.t.set(s.t, at);
    out.category.set(s.category, at);
    out.district.set(s.district, at);
    out.closed.set(s.closed, at);
    const st = [0, ...union(out.statuses, s.statuses)];
    const so = [0, ...union(out.sources, s.sources)];
    for (let i = 0; i < s.n; i++) {
      out.status[at + i] = st[s.status[i]] ?? 0;
      out.source[at + i] = so[s.source[i]] ?? 0;
    }
    if (withCodes) for (const c of s.codes ?? []) out.codes!.push(c);
    at += s.n;
  }
  for (let i = 1; i < n; i++) if (out.id[i] <= out.id[i - 1]) throw new Error('cases feed: the database returned the cases out of id order');
  return out;
}

/**
 * Throws NOT_FOUND unless the case exists inside the scope. A case outside the asker's scope
 * answers exactly like a missing one: whether a case exists, and in which district, is itself
 * case data the asker may not see.
 */
export async function caseInScope(db: Db, id: number, scope: Scope): Promise<void> {
  let r;
  try {
    [r] = await rows<{ id: number }>(db, sql`select c.id from cases c where c.id = ${id} and ${caseScopeSql(scope)}`);
  } catch (err) {
    throw queryFailed('case scope', err);
  }
  if (!r) throw refuse('NOT_FOUND', 'notFound', { what: 'case', id });
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

export async function openCaseClocks(db: Db, p: Period): Promise<OpenCaseClockRow[]> {
  const ms = (col: SQL) => sql`(extract(epoch from ${col}) * 1000)::float8`;
  try {
    // per case, a lateral aggregate over its events (the (case_id, seq) index): ~12 ms for the
    // demo city's few hundred open cases, where a grouped join hashed all ~1M events (~0.35 s)
    return await rows<OpenCaseClockRow>(
      db,
      sql`select c.id::int as id, c.status,
                 ${ms(sql`e.dispatched`)} as dispatched_ms, ${ms(sql`e.handled`)} as handled_ms,
                 ${ms(sql`c.handle_due_at`)} as handle_due_ms, ${ms(sql`c.close_due_at`)} as close_due_ms
          from cases c
          cross join lateral (select max(e.at) filter (where e.type = 'dispatch') as dispatched, max(e.at) filter (where e.type = 'handle') as handled
                              from case_events e where e.case_id = c.id) e
          where c.status = any(${sql.param([...CLOCKED_STATUSES])}::text[]) and ${inPeriod(p)}
          order by c.id`,
    );
  } catch (err) {
    throw queryFailed('case clocks', err);
  }
}

/** The working calendar and the warning share (server/settings/settings.ts: a bad stored share is refused, never replaced). */
export async function clockSettings(db: Db): Promise<{ calendar: WorkingCalendar; warnRatio: number }> {
  return settingsClock(db);
}

/**
 * Changes whenever a case changes, cheaply (two index lookups, not a count over 140k rows):
 * every change to a case appends an event, so max(case_events.id) moves; cases are never
 * deleted (their events are append-only and reference them); max(cases.id) covers an insert
 * made without an event. Plus the reference stamp (migration 0017: renewed by every write to the
 * settings, the working calendar and the categories — the clock settings the marks depend on and
 * the category names the feed carries), and the districts' table (their names travel in it too).
 */
export async function caseFeedStamp(db: Db): Promise<string> {
  try {
    const [r] = await rows<{ stamp: string }>(
      db,
      sql`select concat_ws(':', (select max(id) from case_events), (select max(id) from cases),
                           (select stamp from reference_stamp where id = 1),
                           (select concat(count(*), '/', max(xmin::text::bigint)) from districts)) as stamp`,
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

/** The most a wall's ticker (or any list of the newest cases) asks for at once. */
export const LATEST_MAX = 50;

/**
 * The newest cases the asker may see, newest first (by report time, then id): what a wall's
 * ticker shows before the next report arrives. Code, time, district and category only: no
 * personal data, nothing a display token may not see. One backward walk of cases_reported_idx.
 */
export async function latestCases(db: Db, p: { scope: Scope; limit: number }): Promise<{ id: number; code: string; at: string; districtCode: string | null; categoryCode: string }[]> {
  try {
    const found = await rows<{ id: number; code: string; at_ms: number; district_code: string | null; category_code: string }>(
      db,
      sql`select c.id::int as id, c.code, ${msOf(sql`c.reported_at`)} as at_ms, c.district_code::text as district_code, c.category_code
          from cases c where ${caseScopeSql(p.scope)} order by c.reported_at desc, c.id desc limit ${Math.min(p.limit, LATEST_MAX)}`,
    );
    return found.map((c) => ({ id: c.id, code: c.code, at: isoOf(Number(c.at_ms))!, districtCode: c.district_code, categoryCode: c.category_code }));
  } catch (err) {
    throw queryFailed('latest cases', err);
  }
}

export async function caseById(db: Db, id: number, now: Date, scope: Scope) {
  await caseInScope(db, id, scope);
  let c, events;
  try {
    [[c], events] = await Promise.all([
      rows<{
        id: number; code: string; category_code: string; category_name: string; category_name_en: string; major: string; source: string; channel: string;
        status: string; urgency: string; dept_id: number | null; dept_name: string | null; dept_name_en: string | null;
        reported_ms: number; handle_due_ms: number | null; close_due_ms: number | null; closed_ms: number | null; address: string; description: string;
        lng: number; lat: number; district_code: string | null; district_name: string | null; district_name_en: string | null;
        township_code: string | null; township_name: string | null; village_code: string | null; village_name: string | null; grid_code: string | null;
        community_id: number | null; community_name: string | null; assignee_id: number | null; assignee_name: string | null;
        version: number; pending: string | null; pending_detail: { amount?: number; unit?: string; reason?: string } | null; check_passed: boolean | null; stage: string | null;
        stage_due_ms: number | null; sugg_id: number | null; sugg_name: string | null; sugg_name_en: string | null; route_reason: string | null; route_reason_en: string | null;
        replied_ms: number | null; satisfaction: string | null;
      }>(
        db,
        sql`select c.id::int as id, c.code, c.category_code, cc.name as category_name, cc.name_en as category_name_en, cc.major_name as major,
                   c.source, c.channel, c.status, c.urgency, d.id as dept_id, d.name as dept_name, d.name_en as dept_name_en,
                   ${msOf(sql`c.reported_at`)} as reported_ms, ${msOf(sql`c.handle_due_at`)} as handle_due_ms, ${msOf(sql`c.close_due_at`)} as close_due_ms,
                   ${msOf(sql`c.closed_at`)} as closed_ms, c.address, c.description, ST_X(c.geom)::float8 as lng, ST_Y(c.geom)::float8 as lat,
                   di.code::text as district_code, di.name as district_name, di.name_en as district_name_en, t.code::text as township_code, t.name as township_name,
                   v.code::text as village_code, v.name as village_name, c.grid_code::text as grid_code, pc.id as community_id, pc.name as community_name,
                   u.id as assignee_id, u.display_name as assignee_name,
                   c.version, c.pending, c.pending_detail, c.check_passed, c.stage, ${msOf(sql`c.stage_due_at`)} as stage_due_ms,
                   sd.id as sugg_id, sd.name as sugg_name, sd.name_en as sugg_name_en, c.route_reason, c.route_reason_en, ${msOf(sql`c.replied_at`)} as replied_ms, c.satisfaction
            from cases c
            left join users u on u.id = c.assignee_user_id
            left join departments sd on sd.id = c.suggested_department_id
            join case_categories cc on cc.code = c.category_code
            left join departments d on d.id = c.department_id
            left join districts di on di.code = c.district_code
            left join townships t on t.code = c.township_code
            left join villages v on v.code = c.village_code
            left join property_communities pc on pc.id = c.property_community_id
            where c.id = ${id}`,
      ),
      rows<{ seq: number; at_ms: number; type: string; to_status: string; actor_role: string; reason: string | null; actor_name: string | null; detail: EventDetail | null }>(
        db,
        // the person by their display name (an account; system actors keep their label), and what of the payload a timeline shows
        sql`select e.seq, ${msOf(sql`e.at`)} as at_ms, e.type, e.to_status, e.actor_role, e.reason, coalesce(a.display_name, e.actor) as actor_name,
                   case when e.payload is null then null else jsonb_strip_nulls(jsonb_build_object(
                     'departmentId', e.payload->'departmentId', 'departmentName', (select name from departments where id = (e.payload->>'departmentId')::int),
                     'suggestedDepartmentName', (select name from departments where id = (e.payload->>'suggestedDepartmentId')::int),
                     'override', e.payload->'override', 'reasonCode', e.payload->'reasonCode', 'assignee', e.payload->'assignee', 'passed', e.payload->'passed',
                     'amount', e.payload->'amount', 'unit', e.payload->'unit', 'satisfaction', e.payload->'satisfaction', 'distanceMeters', e.payload->'distanceMeters',
                     'far', e.payload->'far', 'farMeters', e.payload->'farMeters', 'afterPhoto', e.payload->'afterPhoto', 'photos', e.payload->'photos', 'level', e.payload->'level')) end as detail
            from case_events e left join users a on a.username = e.actor where e.case_id = ${id} order by e.seq`,
      ),
    ]);
  } catch (err) {
    throw queryFailed('case details', err);
  }
  if (!c) throw refuse('NOT_FOUND', 'notFound', { what: 'case', id });
  const date = (ms: number | null) => (ms === null ? null : new Date(ms));
  // the stage clocks start at the latest dispatch and the latest handling: read off the events
  // already fetched (what openCaseClocks computes in SQL for the feed)
  const latest = (type: string) => events.reduce<number | null>((m, e) => (e.type === type && (m === null || e.at_ms > m) ? e.at_ms : m), null);
  const stage = isClocked(c.status) ? { dispatched_ms: latest('dispatch'), handled_ms: latest('handle') } : { dispatched_ms: null, handled_ms: null };
  const { calendar, warnRatio } = await clockSettings(db);
  // the rule the browser applies to the feed's marks (domain/case-light.ts), so both agree
  const light = lightOf(
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
    /** Whose site visit the case waits for (its patrol grid's inspector), while it is verifying or handled. */
    assignee: c.assignee_id === null ? null : { id: c.assignee_id, displayName: c.assignee_name! },
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
    version: c.version,
    pending: c.pending,
    pendingDetail: c.pending_detail,
    checkPassed: c.check_passed,
    stage: c.stage,
    stageDueAt: isoOf(c.stage_due_ms),
    suggestedDepartment: c.sugg_id === null ? null : { id: c.sugg_id, name: c.sugg_name!, nameEn: c.sugg_name_en! },
    routeReason: c.route_reason,
    routeReasonEn: c.route_reason_en,
    repliedAt: isoOf(c.replied_ms),
    satisfaction: c.satisfaction,
    photos: await photosOfCase(db, id),
    events: events.map((e) => ({ seq: e.seq, at: isoOf(e.at_ms)!, type: e.type, toStatus: e.to_status, actorRole: e.actor_role, actorName: e.actor_name, reason: e.reason, detail: e.detail ?? {} })),
  };
}

/** What a case's timeline shows of an event's payload (names resolved; nothing personal about the reporter). */
export interface EventDetail {
  departmentId?: number;
  departmentName?: string;
  suggestedDepartmentName?: string;
  override?: boolean;
  reasonCode?: string;
  assignee?: string;
  passed?: boolean;
  amount?: number;
  unit?: string;
  satisfaction?: string;
  distanceMeters?: number;
  far?: boolean;
  farMeters?: number;
  afterPhoto?: string;
  photos?: string[];
  level?: number;
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
