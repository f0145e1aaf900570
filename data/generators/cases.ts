// 141,818 cases for 2022-01-01 … 2022-08-31 with full event histories, and a few hundred open
// cases "now" for the live views. Counts by source, the category mix and the outcome rates
// follow docs/domain-notes.md; positions, times and people are synthetic.
//
// Every history is a walk through the workflow table (domain/transitions.ts): an event names
// its action and the table gives the status it leads to, refusing any move it does not allow,
// so the generator holds no second copy of the workflow. Steps the 2022 outcome does not
// depend on (sign-for, the request before an extension, the failed check before a rework,
// reply and callback) draw their times from a stream of their own, so adding them left every
// other draw, and so every case id and indicator, as it was.
//
// The outcome is solved, not hoped for: after every case has a provisional timeline, the
// generator counts the cases due for handling / closure in the period (the same rules as
// db/indicators, see docs/indicators.md) and delays just enough of them past the period end
// that 处置率 and 结案率 come out at the published 98.82 % and 98.85 %.
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { addWorkingTime, createCalendar, isWorkingDay, type LimitUnit, type WorkingCalendar } from '../../domain/working-clock.ts';
import { apportion, createRandom, hashSeed, type Random } from './random.ts';
import { bulkInsert, insertChecked, reserveIds, withBulkLoad } from './insert-checked.ts';
import { personName } from './names.ts';
import { routeCase, rulesValidAt, sortRules, type DispatchRule } from '../../domain/routing.ts';
import { CLOSED_STATUS, FIRST_STATUS, type Status } from '../../domain/workflow.ts';
import { walk } from '../../domain/transitions.ts';
import { explainRoute } from '../../domain/routing.ts';
import { fromWgs84, STORED_CRS, type LngLat } from '../../domain/coords.ts';

/** Published figures (docs/domain-notes.md, Zhangzhou): Jan–Aug 2022. */
export const CASE_TARGETS = {
  periodStart: '2022-01-01T00:00:00+08:00',
  periodEnd: '2022-09-01T00:00:00+08:00',
  sources: { inspector: 122675, public: 1250, survey: 17893 },
  handledRate: 0.9882,
  closedRate: 0.9885,
  openNow: 400,
};

/** Seed policy (not published figures): shares and rates that shape a believable history. */
export const CASE_POLICY = {
  coreShare: 0.88,
  hotspots: 28,
  hotspotShare: 2.5,
  publicChannels: { '12319': 0.35, '12345': 0.4, '110': 0.05, app: 0.12, wechat: 0.08 } as Record<string, number>,
  voidRate: { inspector: 0.006, survey: 0.004, public: 0.06 } as Record<string, number>,
  urgentRate: 0.04,
  returnRate: 0.012,
  extensionRate: 0.008,
  reworkRate: 0.014,
  lateRate: 0.03,
  propertyCategoryShare: 0.25,
  gcjShare: { public: 0.9, inspector: 0, survey: 0 } as Record<string, number>,
};

const HOUR = 3_600_000;
/** Set CITYGRID_SEED_TRACE=1 to print where case seeding spends its time. */
const trace = (() => {
  let last = performance.now();
  return (label: string) => {
    const t = performance.now();
    if (process.env.CITYGRID_SEED_TRACE) console.error(`  cases: ${label} ${Math.round(t - last)} ms`);
    last = t;
  };
})();
const MIN = 60_000;

interface Ev {
  at: number;
  /** The action (domain/transitions.ts), or 'report' for the first event. */
  type: string;
  from: Status | null;
  to: Status;
  actor: string;
  role: string;
  reason?: string;
  /** 'route' = the routed department, 'wrong' = a wrong first department. */
  dept?: 'route' | 'wrong';
  /** Extra payload fields (a check's verdict, a callback's satisfaction). */
  extra?: Record<string, unknown>;
  handleDue?: number;
  closeDue?: number;
}

interface CaseDraft {
  code: string;
  source: string;
  channel: string;
  category: string;
  urgency: string;
  areaClass: string;
  point: number;
  reportedAt: number;
  events: Ev[];
  status: Status;
  handleDue?: number;
  closeDue?: number;
  handledAt?: number;
  closedAt?: number;
  open: boolean;
  /** The user names of the inspectors who patrol the case's grid (none outside the patrol grids). */
  team?: string[];
}

export interface CaseSeedOptions {
  seed: number;
  /** "Now" for the open cases; the 2022 history does not depend on it. */
  now: Date;
}

export async function seedCases(db: Db, opts: CaseSeedOptions): Promise<{ cases: number; events: number }> {
  const rnd = createRandom(opts.seed).fork('cases');
  const cal = createCalendar(
    await rows<{ day: string; kind: string }>(db, sql`select to_char(day, 'YYYY-MM-DD') as day, kind from calendar_days`),
    await rows<{ startsAt: string; endsAt: string }>(db, sql`select to_char(starts_at, 'HH24:MI') as "startsAt", to_char(ends_at, 'HH24:MI') as "endsAt" from working_periods order by starts_at`),
  );
  const categories = await rows<{ code: string; major_code: string; kind: string; weight: number }>(
    db,
    sql`select code, major_code, kind, demo_weight::float8 as weight from case_categories where active order by code`,
  );
  const limitRows = await rows<{ category_code: string; stage: string; urgency: string; area_class: string; amount: number; unit: LimitUnit }>(
    db,
    sql`select category_code, stage, urgency, area_class, amount::float8 as amount, unit from category_time_limits`,
  );
  const limits = new Map(limitRows.map((l) => [`${l.category_code}|${l.stage}|${l.urgency}|${l.area_class}`, l]));
  const limit = (c: CaseDraft, stage: string) => limits.get(`${c.category}|${stage}|${c.urgency}|${c.areaClass}`)!;

  // ---- where: points per core grid (hotspots raise density) and per county-seat village
  trace('setup');
  const grids = await rows<{ id: number; code: string; x: number; y: number; area: number; compound: boolean }>(
    db,
    sql`select g.id, g.code, ST_X(ST_Centroid(g.geom)) as x, ST_Y(ST_Centroid(g.geom)) as y, g.area_m2 as area,
               exists (select 1 from property_communities p where ST_Intersects(p.geom, g.geom) and p.village_code = g.village_code) as compound
        from unit_grids g where g.status = 'active' order by g.code`,
  );
  const seats = await rows<{ code: string; population: number }>(
    db,
    sql`select v.code, v.population from villages v
        where not v.in_core and v.township_code in (
          select min(code) from townships where kind = 'town' group by district_code)
        order by v.code`,
  );
  trace('grids+seats fetched');
  const total2022 = CASE_TARGETS.sources.inspector + CASE_TARGETS.sources.public + CASE_TARGETS.sources.survey;
  const totalAll = total2022 + CASE_TARGETS.openNow;
  const nCore = Math.round(totalAll * CASE_POLICY.coreShare);
  const hot = Array.from({ length: CASE_POLICY.hotspots }, () => ({ g: rnd.pick(grids), sigma: rnd.range(0.0012, 0.0035), a: rnd.range(0.5, 1.5) }));
  const gridWeights = grids.map((g) => g.area * (1 + CASE_POLICY.hotspotShare * hot.reduce((s, h) => s + h.a * Math.exp(-((g.x - h.g.x) ** 2 + (g.y - h.g.y) ** 2) / (2 * h.sigma ** 2)), 0)));
  const gridCounts = apportion(nCore, gridWeights);
  const seatCounts = apportion(totalAll - nCore, seats.map((s) => s.population));
  await db.execute(sql`drop table if exists case_points`);
  await db.execute(sql`create temp table case_points (n int primary key, geom geometry(Point, 4326) not null, grid_id int, village_code text not null, compound boolean not null)`);
  const pointSeed = hashSeed(opts.seed, 'case-points');
  await insertChecked(db, nCore, sql`
    insert into case_points (n, geom, grid_id, village_code, compound)
    select row_number() over (order by x.ord, p.k), p.geom, g.id, g.village_code, x.compound
    from unnest(${sql.param(grids.map((g) => g.id))}::int[], ${sql.param(gridCounts)}::int[], ${sql.param(grids.map((g) => g.compound))}::boolean[]) with ordinality as x(id, cnt, compound, ord)
    join unit_grids g on g.id = x.id
    cross join lateral (
      select d.geom, row_number() over (order by d.path) as k
      from ST_Dump(ST_GeneratePoints(g.geom, x.cnt + 2, ${pointSeed} + g.id)) d
    ) p
    where x.cnt > 0 and p.k <= x.cnt`, 'core case points');
  await insertChecked(db, totalAll - nCore, sql`
    insert into case_points (n, geom, grid_id, village_code, compound)
    select ${nCore} + row_number() over (order by x.ord, p.k), p.geom, null, v.code, false
    from unnest(${sql.param(seats.map((s) => s.code))}::text[], ${sql.param(seatCounts)}::int[]) with ordinality as x(code, cnt, ord)
    join villages v on v.code = x.code
    cross join lateral (
      select d.geom, row_number() over (order by d.path) as k
      from ST_Dump(ST_GeneratePoints(v.area, x.cnt + 2, ${pointSeed} + x.ord::int)) d
    ) p
    where x.cnt > 0 and p.k <= x.cnt`, 'county case points');
  trace('points generated');
  const pointGrid: number[] = []; // point index (0-based) → grid index or -1
  gridCounts.forEach((c, gi) => {
    for (let i = 0; i < c; i++) pointGrid.push(gi);
  });
  while (pointGrid.length < totalAll) pointGrid.push(-1);
  // the inspectors of each grid's patrol grid (data/generators/staff.ts): they report, verify and check there
  const teams = new Map((await rows<{ grid_id: number; team: string[] }>(
    db,
    sql`select g.id as grid_id, array_agg(u.username order by u.id) as team
        from unit_grids g join responsibility_grid_staff s on s.responsibility_grid_id = g.responsibility_grid_id
        join users u on u.id = s.user_id and u.role_code = 'inspector' group by g.id`,
  )).map((r) => [r.grid_id, r.team]));
  const teamAt = (point: number) => (pointGrid[point - 1] >= 0 ? teams.get(grids[pointGrid[point - 1]].id) : undefined);
  const order = rnd.shuffle(Array.from({ length: totalAll }, (_, i) => i));

  // ---- when and what
  const start = Date.parse(CASE_TARGETS.periodStart);
  const end = Date.parse(CASE_TARGETS.periodEnd);
  const days = Math.round((end - start) / 86_400_000);
  const dayWeights = Array.from({ length: days }, (_, d) => {
    const date = new Date(start + d * 86_400_000 + cal.utcOffsetMinutes * MIN).toISOString().slice(0, 10);
    const working = isWorkingDay(cal, date);
    return (working ? 1 : 0.45) * (1 + (0.25 * d) / days);
  });
  const catWeights = categories.map((c) => c.weight);
  const nonProperty = categories.map((c) => (c.major_code === '09' && c.kind === 'event' ? 0 : c.weight));
  const propertyCats = categories.filter((c) => c.major_code === '09' && c.kind === 'event');
  const sources: string[] = [];
  for (const [src, n] of Object.entries(CASE_TARGETS.sources)) for (let i = 0; i < n; i++) sources.push(src);
  const channels = Object.entries(CASE_POLICY.publicChannels);

  const drafts: CaseDraft[] = [];
  const pick = (i: number) => pointGrid[order[i]];
  for (let i = 0; i < total2022; i++) {
    const src = sources[i];
    const gi = pick(i);
    const inCompound = gi >= 0 && grids[gi].compound;
    const category =
      inCompound && rnd.next() < CASE_POLICY.propertyCategoryShare
        ? rnd.pick(propertyCats).code
        : categories[rnd.weighted(inCompound ? catWeights : nonProperty)].code;
    const day = rnd.weighted(dayWeights);
    const minuteOfDay = src === 'public' ? rnd.int(7 * 60, 22 * 60 + 59) : rnd.int(8 * 60, 17 * 60 + 30);
    const reportedAt = start + day * 86_400_000 + minuteOfDay * MIN + rnd.int(0, 59) * 1000;
    drafts.push({
      code: '',
      source: src,
      channel: src === 'public' ? channels[rnd.weighted(channels.map((c) => c[1]))][0] : src === 'survey' ? 'survey' : 'patrol',
      category,
      urgency: rnd.next() < CASE_POLICY.urgentRate ? 'urgent' : 'normal',
      areaClass: gi >= 0 ? 'core' : 'general',
      point: order[i] + 1,
      reportedAt,
      events: [],
      status: FIRST_STATUS,
      open: false,
    });
  }
  trace('drafts');
  for (const c of drafts) {
    c.team = teamAt(c.point);
    buildHistory(c, rnd, cal, limit);
  }
  trace('histories');
  solveOutcomes(drafts, rnd, cal, limit, start, end);

  trace('solved');
  // ---- open cases "now"
  const now = opts.now.getTime();
  for (let i = total2022; i < totalAll; i++) {
    const gi = pick(i);
    const src = rnd.next() < 0.85 ? 'inspector' : 'public';
    const c: CaseDraft = {
      code: '',
      source: src,
      channel: src === 'public' ? channels[rnd.weighted(channels.map((x) => x[1]))][0] : 'patrol',
      category: categories[rnd.weighted(nonProperty)].code,
      urgency: rnd.next() < CASE_POLICY.urgentRate * 2 ? 'urgent' : 'normal',
      areaClass: gi >= 0 ? 'core' : 'general',
      point: order[i] + 1,
      // most of today's work is recent; a tail of older, some overdue, cases
      reportedAt: now - 5 * MIN - Math.floor((rnd.next() < 0.7 ? rnd.range(0, 1) : rnd.range(1, 7)) * 86_400_000),
      events: [],
      status: FIRST_STATUS,
      open: true,
    };
    c.team = teamAt(c.point);
    buildHistory(c, rnd, cal, limit);
    truncateAt(c, now);
    drafts.push(c);
  }

  // ---- a few open cases made to be in the states chance may leave empty (overdue in handling,
  // returned, waiting for an extension or parking, parked), from a stream of their own: the live
  // views and the tests find every stage on both engines (their PostGIS versions place points
  // differently, which moves the main stream)
  const srnd = rnd.fork('open-scenarios');
  for (const [i, sc] of OPEN_SCENARIOS.entries()) {
    const c: CaseDraft = {
      code: '', source: 'inspector', channel: 'patrol', category: categories[srnd.weighted(nonProperty)].code, urgency: 'normal', areaClass: 'core',
      point: order[(i * 7919) % nCore] + 1, reportedAt: now - sc.hoursAgo * HOUR, events: [], status: FIRST_STATUS, open: true,
    };
    c.team = teamAt(c.point);
    buildHistory(c, srnd, cal, limit);
    const cut = c.events.findIndex((e) => e.type === sc.stop);
    if (cut < 0) continue;
    c.events.splice(cut + 1);
    let t = c.events[cut].at;
    for (const step of sc.then) {
      t += 20 * MIN;
      appendStep(c.events, { at: t, type: step, actor: step === 'park' ? 'dispatcher:01' : 'department', role: step === 'park' ? 'dispatcher' : 'department_handler', dept: step === 'park' ? undefined : 'route', reason: SCENARIO_REASONS[step], extra: step === 'return' ? { reasonCode: 'notOurDuty' } : step === 'requestExtension' ? { amount: 1, unit: 'working_day' } : undefined });
    }
    c.closedAt = undefined;
    truncateAt(c, now);
    drafts.push(c);
  }

  // ---- codes: local date + serial within the day
  drafts.sort((a, b) => a.reportedAt - b.reportedAt);
  const perDay = new Map<string, number>();
  for (const c of drafts) {
    const day = new Date(c.reportedAt + cal.utcOffsetMinutes * MIN).toISOString().slice(0, 10).replaceAll('-', '');
    const n = (perDay.get(day) ?? 0) + 1;
    perDay.set(day, n);
    c.code = `${day}${String(n).padStart(5, '0')}`;
  }
  trace('open cases and codes');
  return insertCases(db, drafts, rnd, new Map(grids.map((g) => [g.id, g.code])));
}

/** Open cases made to be in given states: how long ago reported, the step to stop after, the steps that follow it. */
const OPEN_SCENARIOS: { hoursAgo: number; stop: string; then: string[] }[] = [
  { hoursAgo: 400, stop: 'signFor', then: [] }, // overdue in handling: red
  { hoursAgo: 300, stop: 'signFor', then: [] },
  { hoursAgo: 30, stop: 'dispatch', then: ['return'] },
  { hoursAgo: 20, stop: 'signFor', then: ['requestExtension'] },
  { hoursAgo: 60, stop: 'signFor', then: ['requestPark', 'park'] },
  { hoursAgo: 8, stop: 'signFor', then: ['requestPark'] },
];
const SCENARIO_REASONS: Record<string, string> = { return: '不属于本单位职责', requestExtension: '需协调多部门，申请延期', requestPark: '需待管线迁改后处置', park: '同意挂账' };

/** A provisional, complete history: report … close (or void). */
function buildHistory(c: CaseDraft, rnd: Random, cal: WorkingCalendar, limit: (c: CaseDraft, s: string) => { amount: number; unit: LimitUnit }): void {
  const ev = c.events;
  // one draw as before (the stream, and so the calibrated history, stays the same); it picks within the grid's team
  const k = rnd.int(1, 97);
  const inspector = c.team?.length ? c.team[(k - 1) % c.team.length] : `inspector:${String(k).padStart(3, '0')}`;
  const operator = `operator:${String(rnd.int(1, 12)).padStart(2, '0')}`;
  const lead = `shift_lead:${String(rnd.int(1, 6)).padStart(2, '0')}`;
  const dispatcher = `dispatcher:${String(rnd.int(1, 8)).padStart(2, '0')}`;
  const side = stepRandom(c);
  let t = c.reportedAt;
  const push = (e: Step) => {
    appendStep(ev, e);
    t = e.at;
  };
  if (c.source === 'public') {
    push({ at: t, type: 'report', actor: `public:${c.channel}`, role: 'reporter' });
    push({ at: t + rnd.int(3, 30) * MIN, type: 'accept', actor: operator, role: 'intake_operator' });
    const v = limit(c, 'verify');
    push({ at: addWorkingTime(cal, new Date(t), v.amount * rnd.range(0.1, 0.9), v.unit).getTime(), type: 'verify', actor: inspector, role: 'inspector' });
  } else {
    push({ at: t, type: 'report', actor: inspector, role: 'inspector' });
  }
  if (rnd.next() < CASE_POLICY.voidRate[c.source]) {
    push({ at: t + rnd.int(5, 40) * MIN, type: 'void', actor: lead, role: 'shift_lead', reason: '不符合立案条件' });
    c.status = ev[ev.length - 1].to;
    return;
  }
  push({ at: t + rnd.int(5, 40) * MIN, type: 'file', actor: lead, role: 'shift_lead' });
  const h = limit(c, 'handle');
  const chk = limit(c, 'check');
  const dispatch = (at: number, dept: 'route' | 'wrong', type = 'dispatch') => {
    const due = addWorkingTime(cal, new Date(at), h.amount, h.unit).getTime();
    const closeDue = addWorkingTime(cal, new Date(due), chk.amount, chk.unit).getTime();
    push({ at, type, actor: dispatcher, role: 'dispatcher', dept, handleDue: due, closeDue });
    c.handleDue = due;
    c.closeDue = closeDue;
    return at;
  };
  if (rnd.next() < CASE_POLICY.returnRate) {
    dispatch(t + rnd.int(5, 60) * MIN, 'wrong');
    push({ at: addWorkingTime(cal, new Date(t), rnd.range(0.3, 3), 'working_hour').getTime(), type: 'return', actor: 'department', role: 'department_handler', reason: '不属于本单位职责', dept: 'wrong', extra: { reasonCode: 'notOurDuty' } });
  }
  const dispatchedAt = dispatch(t + rnd.int(5, 60) * MIN, 'route');
  // the department signs for it (签收) within minutes
  push({ at: dispatchedAt + side.int(1, 12) * MIN, type: 'signFor', actor: 'department', role: 'department_handler', dept: 'route' });
  if (rnd.next() < CASE_POLICY.extensionRate) {
    const due = addWorkingTime(cal, new Date(c.handleDue!), h.amount, h.unit).getTime();
    const closeDue = addWorkingTime(cal, new Date(due), chk.amount, chk.unit).getTime();
    const at = Math.max(t + 2 * MIN, dispatchedAt + Math.floor((c.handleDue! - dispatchedAt) * rnd.range(0.3, 0.8)));
    push({ at: Math.max(t + MIN, at - side.int(10, 90) * MIN), type: 'requestExtension', actor: 'department', role: 'department_handler', reason: '需协调多部门，申请延期', dept: 'route', extra: { amount: h.amount, unit: h.unit } });
    push({ at, type: 'extend', actor: dispatcher, role: 'dispatcher', reason: '同意延期', handleDue: due, closeDue });
    c.handleDue = due;
    c.closeDue = closeDue;
  }
  const late = rnd.next() < CASE_POLICY.lateRate;
  const frac = late ? rnd.range(1.05, 2) : 0.12 + 0.8 * rnd.next() ** 1.4;
  const handledAt = Math.max(t + 5 * MIN, dispatchedAt + Math.floor((c.handleDue! - dispatchedAt) * frac));
  finishFrom(c, rnd, cal, handledAt, { inspector, lead, dispatcher });
}

/** handle → check → (rework → handle → check) → close, from a given handling time. */
interface FinishOptions {
  /** Working hours from handling to the check; random when absent. */
  checkDelayWh?: number;
  /** The check happens no earlier than this instant. */
  checkNotBefore?: number;
  noRework?: boolean;
}

function finishFrom(c: CaseDraft, rnd: Random, cal: WorkingCalendar, handledAtWanted: number, who: { inspector: string; lead: string; dispatcher: string }, opt: FinishOptions = {}): void {
  const ev = c.events;
  const firstHandle = ev.findIndex((e) => e.type === 'handle');
  if (firstHandle >= 0) ev.splice(firstHandle);
  const side = stepRandom(c, 'finish');
  const push = (e: Step) => appendStep(ev, e);
  // never before the event it follows
  const handledAt = Math.max(handledAtWanted, ev[ev.length - 1].at + MIN);
  push({ at: handledAt, type: 'handle', actor: 'department', role: 'department_handler', reason: '已处置，附处置后照片' });
  c.handledAt = handledAt;
  let t = handledAt;
  const checkAt = () => Math.max(addWorkingTime(cal, new Date(t), opt.checkDelayWh ?? rnd.range(0.2, 3), 'working_hour').getTime(), opt.checkNotBefore ?? 0);
  if (!opt.noRework && rnd.next() < CASE_POLICY.reworkRate) {
    t = checkAt();
    push({ at: t, type: 'check', actor: who.inspector, role: 'inspector', reason: '核查未通过', extra: { passed: false } });
    t += side.int(3, 30) * MIN;
    push({ at: t, type: 'rework', actor: who.lead, role: 'shift_lead', reason: '核查未通过，返工', dept: 'route' });
    t = addWorkingTime(cal, new Date(t), rnd.range(1, 6), 'working_hour').getTime();
    push({ at: t, type: 'handle', actor: 'department', role: 'department_handler', reason: '返工完成' });
  }
  t = checkAt();
  push({ at: t, type: 'check', actor: who.inspector, role: 'inspector', extra: { passed: true } });
  t += rnd.int(3, 40) * MIN;
  push({ at: t, type: 'close', actor: who.lead, role: 'shift_lead' });
  c.closedAt = t;
  c.status = CLOSED_STATUS;
  // a public report closes the loop: the reporter is told the result, and called back the next day (回复/回访)
  if (c.source === 'public') {
    push({ at: t + side.int(20, 240) * MIN, type: 'reply', actor: 'operator:01', role: 'intake_operator', reason: '已将处置结果告知举报人' });
    const satisfaction = side.next() < 0.86 ? 'satisfied' : side.next() < 0.8 ? 'basic' : 'unsatisfied';
    push({ at: addWorkingTime(cal, new Date(t), 8, 'working_hour').getTime() + side.int(0, 120) * MIN, type: 'callback', actor: 'operator:01', role: 'intake_operator', extra: { satisfaction } });
  }
}

type Step = Omit<Ev, 'from' | 'to'>;

/** The stage each status runs (the engine's names, server/dispatch/case-engine.ts). */
const STAGE_OF: Partial<Record<Status, string>> = { verifying: 'verify', verified: 'file', filed: 'dispatch', returned: 'dispatch', dispatched: 'accept', accepted: 'handle', handled: 'check', checked: 'close', parked: 'parked' };

interface Projection {
  pending: string | null;
  checkPassed: boolean | null;
  stage: string | null;
  stageStartedAt?: number;
  stageDueAt?: number;
  repliedAt?: number;
  satisfaction: string | null;
}
const projections = new WeakMap<CaseDraft, Projection>();

/** What the engine keeps on the case row besides its status, read off the history as the engine's moves set it. */
function projection(c: CaseDraft): Projection {
  const known = projections.get(c);
  if (known) return known;
  const p: Projection = { pending: null, checkPassed: null, stage: null, satisfaction: null };
  for (const e of c.events) {
    if (e.type === 'requestExtension') p.pending = 'extension';
    else if (e.type === 'requestPark') p.pending = 'park';
    else if (['extend', 'refuseExtension', 'park', 'refusePark'].includes(e.type)) p.pending = null;
    if (e.type === 'check') p.checkPassed = e.extra?.passed === true;
    else if (['handle', 'rework', 'dispatch'].includes(e.type)) p.checkPassed = null;
    if (e.type === 'reply') p.repliedAt = e.at;
    if (e.type === 'callback') p.satisfaction = String(e.extra?.satisfaction);
  }
  const last = c.events[c.events.length - 1];
  const stage = STAGE_OF[c.status] ?? (c.status === 'reported' && c.source !== 'public' ? 'file' : null);
  if (stage) {
    p.stage = stage;
    p.stageStartedAt = last.at;
    p.stageDueAt = stage === 'handle' ? c.handleDue : stage === 'check' || stage === 'close' ? c.closeDue : undefined;
  }
  projections.set(c, p);
  return p;
}

/** Appends a step, its status given by the workflow table (which refuses a move it does not allow); never before the step it follows. */
function appendStep(ev: Ev[], e: Step): void {
  const last = ev[ev.length - 1];
  const from = last ? last.to : null;
  ev.push({ ...e, at: last ? Math.max(e.at, last.at + 1000) : e.at, from, to: from === null ? FIRST_STATUS : walk(from, e.type) });
}

/** The stream of the steps the outcome does not depend on: one per case and purpose, so no other draw moves. */
const stepRandom = (c: CaseDraft, purpose = 'steps') => createRandom(hashSeed(c.reportedAt, `${purpose}:${c.point}`));

/**
 * Makes the period's 处置率 and 结案率 come out at the targets, by the rules in
 * docs/indicators.md: due for handling = handle due in [start, end); handled = handled by end;
 * due for closure = close due in [start, end); closed = closed by end.
 */
function solveOutcomes(drafts: CaseDraft[], rnd: Random, cal: WorkingCalendar, limit: (c: CaseDraft, s: string) => { amount: number; unit: LimitUnit }, start: number, end: number): void {
  const inH = (c: CaseDraft) => c.handleDue !== undefined && c.handleDue >= start && c.handleDue < end;
  const inC = (c: CaseDraft) => c.closeDue !== undefined && c.closeDue >= start && c.closeDue < end;
  const who = (c: CaseDraft) => ({ inspector: c.events[0].role === 'inspector' ? c.events[0].actor : c.events.find((e) => e.type === 'verify')?.actor ?? c.team?.[0] ?? 'inspector:001', lead: 'shift_lead:01', dispatcher: 'dispatcher:01' });
  const H = drafts.filter(inH);
  const C = drafts.filter(inC);
  const fH = H.length - Math.round(CASE_TARGETS.handledRate * H.length);
  const fC = C.length - Math.round(CASE_TARGETS.closedRate * C.length);
  // natural failures: pull back all but what the targets allow
  const lateH = H.filter((c) => c.handledAt! >= end);
  for (const c of lateH.slice(Math.max(fH, 0))) finishFrom(c, rnd, cal, end - rnd.int(2, 48) * HOUR, who(c), { checkDelayWh: 0.2, noRework: true });
  let natH = H.filter((c) => c.handledAt! >= end).length;
  // delay handling of x cases that are also due for closure and y that are not
  const eligibleHC = rnd.shuffle(H.filter((c) => inC(c) && c.closedAt! < end));
  const eligibleHnotC = rnd.shuffle(H.filter((c) => !inC(c) && c.handledAt! < end));
  const natC0 = C.filter((c) => c.closedAt! >= end).length;
  const need = fH - natH;
  let x = Math.max(0, Math.min(need, Math.round((fC - natC0) * 0.6), eligibleHC.length));
  let y = need - x;
  if (y > eligibleHnotC.length) {
    x += y - eligibleHnotC.length;
    y = eligibleHnotC.length;
  }
  const delay = (c: CaseDraft) => finishFrom(c, rnd, cal, Math.max(end, c.handleDue!) + rnd.int(6, 20 * 24) * HOUR, who(c));
  eligibleHC.slice(0, x).forEach(delay);
  eligibleHnotC.slice(0, y).forEach(delay);
  natH = H.filter((c) => c.handledAt! >= end).length;
  // closure: delay checks (handled in time, checked late) or pull late closures back
  let natC = C.filter((c) => c.closedAt! >= end).length;
  if (natC < fC) {
    const pool = rnd.shuffle(C.filter((c) => c.closedAt! < end && c.handledAt! < end));
    for (const c of pool.slice(0, fC - natC)) finishFrom(c, rnd, cal, c.handledAt!, who(c), { checkNotBefore: end + rnd.int(1, 72) * HOUR, noRework: true });
  } else if (natC > fC) {
    const pool = C.filter((c) => c.closedAt! >= end && c.handledAt! < end - 8 * HOUR);
    for (const c of pool.slice(0, natC - fC)) finishFrom(c, rnd, cal, c.handledAt!, who(c), { checkDelayWh: 0.1, noRework: true });
  }
  natC = C.filter((c) => c.closedAt! >= end).length;
  void limit;
  if (natH !== fH || natC !== fC) {
    throw new Error(`Case outcome solver missed its targets: handling failures ${natH}/${fH}, closure failures ${natC}/${fC}`);
  }
}

/** Keeps only what has happened by `now` (open cases). */
function truncateAt(c: CaseDraft, now: number): void {
  c.events = c.events.filter((e) => e.at <= now);
  if (c.events.length === 0) c.events.push({ at: c.reportedAt, type: 'report', from: null, to: FIRST_STATUS, actor: c.team?.[0] ?? 'inspector:001', role: 'inspector' });
  c.status = c.events[c.events.length - 1].to;
  if (c.status !== CLOSED_STATUS) c.closedAt = undefined;
  // due dates as the kept events set them (the same rule as the case_facts view)
  c.handleDue = undefined;
  c.closeDue = undefined;
  for (const e of c.events) {
    if (e.type === 'handle') break;
    if (e.handleDue !== undefined) [c.handleDue, c.closeDue] = [e.handleDue, e.closeDue];
  }
  if (!c.events.some((e) => e.type === 'handle')) c.handledAt = undefined;
}

async function insertCases(db: Db, drafts: CaseDraft[], rnd: Random, gridCodes: Map<number, string>): Promise<{ cases: number; events: number }> {
  const iso = (t?: number) => (t === undefined ? null : new Date(t).toISOString());
  // where each point lies: PostGIS answers only the managed compound (a point in a grid that
  // holds one: case_points.compound); the village's township and district, the address, the
  // grid's code and the departments come from small lookups here, not from a join per point
  const points = await rows<{ n: number; x: number; y: number; grid_id: number | null; village_code: string; compound_id: number | null; company_id: number | null }>(
    db,
    sql`select pt.n, ST_X(pt.geom) as x, ST_Y(pt.geom) as y, pt.grid_id, pt.village_code, pc.id as compound_id, pc.company_id
        from case_points pt
        left join lateral (select p.id, p.company_id from property_communities p
                           where pt.compound and p.village_code = pt.village_code and ST_Intersects(p.geom, pt.geom) order by p.id limit 1) pc on true
        order by pt.n`,
  );
  const villages = new Map((await rows<{ code: string; township_code: string; district_code: string; name: string }>(db, sql`select code, township_code, district_code, name from villages`)).map((v) => [v.code, v]));
  // the names of every place by code (the address here, the routing reasons below)
  const names = async (q: ReturnType<typeof sql>) => new Map((await rows<{ code: string; name: string; name_en: string }>(db, q)).map((r) => [String(r.code), r]));
  const placeNames = await names(sql`select code::text as code, name, name as name_en from districts union all select code::text, name, name from townships union all select code::text, name, name from villages`);
  const companyDepartments = new Map((await rows<{ id: number; department_id: number | null }>(db, sql`select id, department_id from property_companies`)).map((c) => [c.id, c.department_id]));
  // a township's government (the first by id, as a join would have met it: one per township)
  const townshipGovs = new Map<string, number>();
  for (const d of await rows<{ id: number; township_code: string }>(db, sql`select id, township_code from departments where kind = 'township_gov' order by id`)) if (!townshipGovs.has(d.township_code)) townshipGovs.set(d.township_code, d.id);
  const facts = points.map((pt) => {
    const v = villages.get(pt.village_code)!;
    return {
      x: pt.x, y: pt.y, grid_id: pt.grid_id, grid_code: pt.grid_id == null ? null : gridCodes.get(pt.grid_id) ?? null,
      village_code: v.code, township_code: v.township_code, district_code: v.district_code,
      address: `${placeNames.get(v.district_code)?.name}${placeNames.get(v.township_code)?.name}${v.name}`,
      compound_id: pt.compound_id, property_department_id: pt.company_id == null ? null : companyDepartments.get(pt.company_id) ?? null,
      territorial_department_id: townshipGovs.get(v.township_code) ?? null,
    };
  });
  trace('points placed');
  const categories = new Map((await rows<{ code: string; kind: string; major_code: string }>(db, sql`select code, kind, major_code from case_categories`)).map((c) => [c.code, c]));
  const allRules = await rows<DispatchRule>(
    db,
    sql`select id, priority, category_code as "categoryCode", major_kind as "majorKind", major_code as "majorCode", district_code as "districtCode",
               township_code as "townshipCode", village_code as "villageCode", in_property_community as "inPropertyCommunity", channel, area_class as "areaClass",
               department_id as "departmentId", resolve, (extract(epoch from valid_from) * 1000)::float8 as "validFrom", (extract(epoch from valid_to) * 1000)::float8 as "validTo"
        from dispatch_rules`,
  );
  // the rules in force at each case's report (versions): one sorted list per stretch between rule changes
  const changes = [...new Set(allRules.flatMap((r) => [r.validFrom, r.validTo]).filter((x): x is number => x != null))].sort((a, b) => a - b);
  const ruleSets = new Map<number, DispatchRule[]>();
  // … and per category, the rules that can apply to it, in the same order: routeCase skips any
  // other rule, so the route is the same, tried against a handful of rules instead of all
  const ruleSetsByCategory = new Map<string, DispatchRule[]>();
  const rulesAt = (t: number, category: string) => {
    const k = changes.filter((x) => x <= t).length;
    if (!ruleSets.has(k)) ruleSets.set(k, sortRules(rulesValidAt(allRules, t)));
    const key = `${k}|${category}`;
    if (!ruleSetsByCategory.has(key)) ruleSetsByCategory.set(key, ruleSets.get(k)!.filter((r) => r.categoryCode == null || r.categoryCode === category));
    return ruleSetsByCategory.get(key)!;
  };
  const deptNames = await names(sql`select id::text as code, name, name_en from departments`);
  const catNames = await names(sql`select code, name, name_en from case_categories`);
  const at = (c: CaseDraft) => facts[c.point - 1];
  const reasons = new Map<string, [string, string]>();
  const routes = drafts.map((c) => {
    const f = at(c);
    const k = categories.get(c.category)!;
    const rules = rulesAt(c.reportedAt, c.category);
    const route = routeCase(rules, {
      categoryCode: c.category, categoryKind: k.kind, majorCode: k.major_code, districtCode: f.district_code, townshipCode: f.township_code,
      villageCode: f.village_code, propertyDepartmentId: f.property_department_id, territorialDepartmentId: f.territorial_department_id,
      channel: c.channel, areaClass: c.areaClass,
    });
    if (!route) throw new Error(`No dispatch rule routes case ${c.code} (${c.category} in ${f.village_code})`);
    // the stored decision and why, as the engine writes it (server/dispatch/dispatch-queries.ts)
    const rule = rules.find((r) => r.id === route.ruleId)!;
    const key = `${rule.id}|${route.departmentId}|${c.category}|${rule.districtCode ? f.district_code : ''}|${rule.townshipCode ? f.township_code : ''}|${rule.villageCode ? f.village_code : ''}`;
    if (!reasons.has(key)) {
      const dept = deptNames.get(String(route.departmentId))!;
      const cat = catNames.get(c.category)!;
      const n = { district: placeNames.get(f.district_code)?.name, township: placeNames.get(f.township_code)?.name, village: placeNames.get(f.village_code)?.name };
      reasons.set(key, [explainRoute(rule, { ...n, category: cat.name, department: dept.name }, 'zh'), explainRoute(rule, { ...n, category: cat.name_en, department: dept.name_en }, 'en')]);
    }
    return { departmentId: route.departmentId, ruleId: route.ruleId, reason: reasons.get(key)! };
  });
  const departments = routes.map((r) => r.departmentId);
  trace('routed');
  const received = drafts.map((c): LngLat => (c.source === 'public' ? fromWgs84([at(c).x, at(c).y], 'gcj02') : [at(c).x, at(c).y]));
  const col = (name: string, type: string, f: (c: CaseDraft, i: number) => string | number | null | undefined) => ({ name, type, values: drafts.map((c, i) => f(c, i) ?? null) });
  trace('case rows built');
  // Straight into cases with one COPY (ids in the drafts' order, reported_at order, on both
  // engines): every column is known here, the point included — written as EWKT from the
  // coordinates read back from case_points (float8 text is exact both ways, so the same point).
  // ids taken from the sequence at once, in the drafts' order (as one nextval a row would
  // have given them): the events below know their case's id without reading the cases back
  const firstCaseId = await reserveIds(db, 'cases', 'id', drafts.length);
  const caseColumns = [
    col('id', 'bigint', (_, i) => firstCaseId + i),
    col('code', 'text', (c) => c.code), col('source', 'text', (c) => c.source), col('channel', 'text', (c) => c.channel),
    col('external_id', 'text', (c) => (c.source === 'public' ? `${c.channel}-${c.code}` : null)),
    col('category_code', 'text', (c) => c.category), col('urgency', 'text', (c) => c.urgency), col('area_class', 'text', (c) => c.areaClass),
    col('description', 'text', (c) => catNames.get(c.category)!.name), col('address', 'text', (c) => at(c).address),
    col('geom', 'geometry', (c) => `SRID=4326;POINT(${at(c).x} ${at(c).y})`),
    col('orig_lng', 'float8', (_, i) => received[i][0]), col('orig_lat', 'float8', (_, i) => received[i][1]),
    col('orig_crs', 'text', (c) => (c.source === 'public' ? STORED_CRS.gcj02 : STORED_CRS.wgs84)),
    col('status', 'text', (c) => c.status), col('version', 'int', (c) => c.events.length),
    col('unit_grid_id', 'int', (c) => at(c).grid_id), col('grid_code', 'text', (c) => at(c).grid_code),
    col('village_code', 'text', (c) => at(c).village_code), col('township_code', 'text', (c) => at(c).township_code),
    col('district_code', 'text', (c) => at(c).district_code), col('property_community_id', 'int', (c) => at(c).compound_id),
    col('department_id', 'int', (_, i) => departments[i]),
    col('reported_at', 'timestamptz', (c) => iso(c.reportedAt)), col('handle_due_at', 'timestamptz', (c) => iso(c.handleDue)),
    col('close_due_at', 'timestamptz', (c) => iso(c.closeDue)), col('closed_at', 'timestamptz', (c) => iso(c.closedAt)),
    col('suggested_department_id', 'int', (_, i) => departments[i]),
    col('route_rule_id', 'int', (_, i) => routes[i].ruleId), col('route_reason', 'text', (_, i) => routes[i].reason[0]), col('route_reason_en', 'text', (_, i) => routes[i].reason[1]),
    col('pending', 'text', (c) => projection(c).pending), col('check_passed', 'boolean', (c) => projection(c).checkPassed as unknown as string),
    col('stage', 'text', (c) => projection(c).stage), col('stage_started_at', 'timestamptz', (c) => iso(projection(c).stageStartedAt)),
    col('stage_due_at', 'timestamptz', (c) => iso(projection(c).stageDueAt)), col('next_escalation_at', 'timestamptz', (c) => iso(projection(c).stageDueAt)),
    col('replied_at', 'timestamptz', (c) => iso(projection(c).repliedAt)), col('satisfaction', 'text', (c) => projection(c).satisfaction),
  ];
  trace('case columns');
  await withBulkLoad(db, 'cases', () => bulkInsert(db, 'cases', caseColumns));
  const [landedCases] = await rows<{ n: number }>(db, sql`select count(*)::int as n from cases`);
  if (landedCases.n !== drafts.length) throw new Error(`Seeding cases: ${landedCases.n} of ${drafts.length} rows were inserted`);
  trace('cases inserted');

  const municipal = (await rows<{ id: number }>(db, sql`select id from departments where kind = 'municipal' order by id`)).map((d) => d.id);
  // a wrongly dispatched case first went to another municipal department
  const firstEventId = await reserveIds(db, 'case_events', 'id', drafts.reduce((n, c) => n + c.events.length, 0));
  const cols = { id: [] as number[], case: [] as number[], seq: [] as number[], at: [] as string[], type: [] as string[], from: [] as (string | null)[], to: [] as string[], actor: [] as string[], role: [] as string[], reason: [] as (string | null)[], payload: [] as (string | null)[] };
  drafts.forEach((c, k) => {
    const r = { id: firstCaseId + k, department_id: departments[k], wrong_id: municipal.find((m) => m !== departments[k])! };
    c.events.forEach((e, i) => {
      cols.id.push(firstEventId + cols.id.length);
      cols.case.push(r.id);
      cols.seq.push(i + 1);
      cols.at.push(new Date(e.at).toISOString());
      cols.type.push(e.type);
      cols.from.push(e.from);
      cols.to.push(e.to);
      cols.actor.push(e.actor === 'department' ? `department:${e.dept === 'wrong' ? r.wrong_id : r.department_id}` : e.actor);
      cols.role.push(e.role);
      cols.reason.push(e.reason ?? null);
      const payload = {
        ...(e.dept ? { departmentId: e.dept === 'wrong' ? r.wrong_id : r.department_id } : {}),
        ...(e.handleDue ? { handleDueAt: new Date(e.handleDue).toISOString(), closeDueAt: new Date(e.closeDue!).toISOString() } : {}),
        ...e.extra,
        // a return names the unit it thinks should have it: the routed one
        ...(e.type === 'return' ? { suggestedDepartmentId: r.department_id } : {}),
      };
      cols.payload.push(Object.keys(payload).length ? JSON.stringify(payload) : null);
    });
  });
  trace('events built');
  const count = cols.case.length;
  await withBulkLoad(db, 'case_events', async () => {
    trace('events: constraints dropped');
    const CHUNK = 250_000;
    for (let from = 0; from < count; from += CHUNK) {
      const part = <T>(a: T[]) => a.slice(from, from + CHUNK);
      await bulkInsert(db, 'case_events', [
        { name: 'id', type: 'bigint', values: part(cols.id) },
        { name: 'case_id', type: 'bigint', values: part(cols.case) },
        { name: 'seq', type: 'int', values: part(cols.seq) },
        { name: 'at', type: 'timestamptz', values: part(cols.at) },
        { name: 'type', type: 'text', values: part(cols.type) },
        { name: 'from_status', type: 'text', values: part(cols.from) },
        { name: 'to_status', type: 'text', values: part(cols.to) },
        { name: 'actor', type: 'text', values: part(cols.actor) },
        { name: 'actor_role', type: 'text', values: part(cols.role) },
        { name: 'reason', type: 'text', values: part(cols.reason) },
        { name: 'payload', type: 'jsonb', values: part(cols.payload) },
      ]);
      trace(`events chunk ${from}`);
    }
  });
  trace('events: constraints restored');
  const [landed] = await rows<{ n: number }>(db, sql`select count(*)::int as n from case_events`);
  if (landed.n !== count) throw new Error(`Seeding case events: ${landed.n} of ${count} rows were inserted`);
  trace('events inserted');
  // reporters of public cases: personal data kept apart (masked on every read: domain/masking.ts)
  const pub = drafts.filter((c) => c.source === 'public');
  await insertChecked(db, pub.length, sql`
    insert into case_reporters (case_id, name, phone, anonymous)
    select c.id, case when r.anon then null else r.name end, r.phone, case when r.anon then 'Y' else 'N' end
    from unnest(${sql.param(pub.map((c) => c.code))}::text[], ${sql.param(pub.map(() => personName(rnd)))}::text[],
                ${sql.param(pub.map(() => `1${rnd.pick(['3', '5', '8', '9'])}${String(rnd.int(0, 999999999)).padStart(9, '0')}`))}::text[],
                ${sql.param(pub.map(() => rnd.next() < 0.2))}::boolean[]) as r(code, name, phone, anon)
    join cases c on c.code = r.code`, 'case reporters');
  trace('reporters');
  // today's site visits (verifying a report, checking a handling) are tasks of the grid's
  // patrol people, as the engine assigns them (server/dispatch/patrol-staff.ts); spread by case id
  await db.execute(sql`
    update cases c set assignee_user_id = t.team[1 + (c.id % cardinality(t.team))::int]
    from (select g.id as grid_id, array_agg(u.id order by u.id) as team
          from unit_grids g join responsibility_grids r on r.id = g.responsibility_grid_id
          join responsibility_grid_staff s on s.responsibility_grid_id = r.id
          join users u on u.id = s.user_id and u.role_code = r.assignee_role group by g.id) t
    where t.grid_id = c.unit_grid_id and c.status in ('verifying', 'handled')`);
  await db.execute(sql`drop table case_points`);
  return { cases: drafts.length, events: count };
}
