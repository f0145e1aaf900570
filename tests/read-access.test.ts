// Every read endpoint × every role (plus a display token and nobody): allowed exactly when the
// role's permissions (data) say so, and never a reporter's name or phone number in the JSON
// (reveal is a separate, audited mutation). Inputs come from a table that must name every query.
// In one transaction on the test city that is rolled back after the last test
// (tests/support/rolled-back.ts): the actors (users, sessions, a display token) are made once in
// it, each cell runs in a savepoint of it (rolled back), and nothing is left in the shared city.
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../db/engine.ts';
import { appRouter } from '../server/router.ts';
import { createCallerFactory } from '../server/trpc.ts';
import { CASE_TARGETS } from '../data/generators/cases.ts';
import { testEngine } from './support/test-db.ts';
import { rolledBackSuite } from './support/rolled-back.ts';
import { callPath, listProcedures, outcome } from './support/procedures.ts';
import { ACTOR_LABELS, HANDLER_DEPARTMENT, IN_DISTRICT, roleActors, type RoleActor } from './support/role-actors.ts';

const suite = rolledBackSuite(testEngine);
let actors: RoleActor[] = [];
/** Public cases in the test district, assigned to the test department: every case reader in the matrix may see them. */
let reporters: { id: number; code: string; name: string | null; phone: string }[] = [];
const ids = {} as {
  grid: number; rgrid: number; community: number; clinic: number;
  gridVersion: number; gridCode: string; gridBox: [number, number, number, number]; gridCut: [number, number][]; gridGeometry: unknown; pair: number[];
};

const queries = listProcedures().filter((p) => p.type === 'query');

/** Inputs per query (several for cases.byId: reporters of many cases are scanned). */
const SAMPLES: Record<string, () => unknown[]> = {
  'auth.me': () => [undefined],
  'admin.users': () => [undefined],
  'admin.options': () => [undefined],
  'admin.tokens': () => [undefined],
  'admin.settings': () => [undefined],
  'admin.apiKeys': () => [undefined],
  'audit.list': () => [{ limit: 200 }],
  'system.info': () => [undefined],
  'places.summary': () => [undefined],
  'places.districts': () => [undefined],
  'places.villageById': () => [{ id: 0 }],
  'grids.summary': () => [undefined],
  'grids.byId': () => [{ id: ids.grid }],
  'grids.responsibilityById': () => [{ id: ids.rgrid }],
  // the grid editor (a coordinator's reads, in their district; the previews write nothing)
  'grids.patrolCandidates': () => [{ id: ids.rgrid }],
  'grids.editArea': () => [{ districtCode: IN_DISTRICT, bbox: ids.gridBox }],
  'grids.validate': () => [{ districtCode: IN_DISTRICT, base: {}, changes: [{ op: 'update', id: ids.grid, version: ids.gridVersion, attributes: { landUse: 'mixed' } }] }],
  'grids.report': () => [{ districtCode: IN_DISTRICT }],
  'grids.split': () => [{ id: ids.grid, version: ids.gridVersion, line: ids.gridCut }],
  'grids.merge': () => [{ ids: ids.pair }],
  'grids.history': () => [{ code: ids.gridCode }],
  'grids.exportDistrict': () => [{ districtCode: IN_DISTRICT }],
  'grids.importPreview': () => [{ districtCode: IN_DISTRICT, toleranceM: 0.5, features: [{ code: ids.gridCode, geometry: ids.gridGeometry }] }],
  'communities.summary': () => [undefined],
  'communities.byId': () => [{ id: ids.community }],
  'clinics.summary': () => [undefined],
  'clinics.byId': () => [{ id: ids.clinic }],
  'cases.summary': () => [{ from: CASE_TARGETS.periodStart, to: CASE_TARGETS.periodEnd }],
  'cases.byId': () => reporters.map((r) => ({ id: r.id })),
  'cases.latest': () => [{ limit: 8 }],
  'indicators.period': () => [{ from: '2022-03-01T00:00:00+08:00', to: '2022-04-01T00:00:00+08:00' }],
  'indicators.grouped': () => [{ from: '2022-03-01T00:00:00+08:00', to: '2022-04-01T00:00:00+08:00', by: 'district' }],
  'indicators.groupedSet': () => [{ from: '2022-03-01T00:00:00+08:00', to: '2022-04-01T00:00:00+08:00', by: ['district', 'channel'] }],
  // the planner's measures, cells and suggestions (numbers of residents and places: no person in them)
  'coverage.summary': () => [{}],
  'coverage.cells': () => [undefined],
  'coverage.suggest': () => [{ k: 2 }],
  'search.query': () => reporters.slice(0, 3).map((r) => ({ q: r.code })),
  // public: a citizen's app asks who will handle a report at a place (no case, no person in the answer)
  'dispatch.route': () => [{ lng: 117.65, lat: 24.51, category: 'E0104' }],
  'dispatch.rulesReport': () => [undefined],
  'dispatch.rules': () => [undefined, { history: true }],
  'dispatch.myTasks': () => [undefined],
  // the work screens: each person's queue (scoped, no reporter in it), the intake's preview (a place, a unit, nearby open cases), the pickers
  'dispatch.queue': () => [undefined, { actions: ['dispatch', 'close'] }],
  'dispatch.intakePreview': () => [{ lng: 117.65, lat: 24.51, category: 'E0102' }],
  'dispatch.categories': () => [undefined],
  'dispatch.departments': () => [undefined],
  'dispatch.visitStaff': () => reporters.slice(0, 1).map((r) => ({ id: r.id })),
  'dispatch.disputes': () => [{ from: CASE_TARGETS.periodStart, to: CASE_TARGETS.periodEnd }],
};

beforeAll(() => suite.setup(async (db, engine) => {
  actors = await roleActors(engine, `read${process.pid}${Date.now() % 100000}`);
  reporters = await rows(
    db,
    sql`select c.id::int as id, c.code, r.name, r.phone from cases c join case_reporters r on r.case_id = c.id join departments d on d.id = c.department_id
        where c.district_code = ${IN_DISTRICT} and d.code = ${HANDLER_DEPARTMENT} and r.phone is not null order by c.id limit 12`,
  );
  const first = async (q: ReturnType<typeof sql>) => (await rows<{ id: number }>(db, q))[0].id;
  ids.grid = await first(sql`select id from unit_grids where district_code = ${IN_DISTRICT} order by id limit 1`);
  const [g] = await rows<{ version: number; code: string; w: number; s: number; e: number; n: number; geojson: string }>(
    db,
    sql`select version, code::text as code, ST_XMin(geom) as w, ST_YMin(geom) as s, ST_XMax(geom) as e, ST_YMax(geom) as n, ST_AsGeoJSON(geom, 15) as geojson from unit_grids where id = ${ids.grid}`,
  );
  Object.assign(ids, { gridVersion: g.version, gridCode: g.code, gridBox: [g.w, g.s, g.e, g.n], gridCut: [[g.w - 0.001, (g.s + g.n) / 2], [g.e + 0.001, (g.s + g.n) / 2]], gridGeometry: JSON.parse(g.geojson) });
  ids.pair = Object.values(
    (await rows<{ a: number; b: number }>(
      db,
      sql`select a.id as a, b.id as b from unit_grids a join unit_grids b on b.village_code = a.village_code and a.id < b.id and a.geom && b.geom and ST_Relate(a.geom, b.geom, '****1****')
          where a.district_code = ${IN_DISTRICT} and a.valid_to is null and b.valid_to is null order by a.id, b.id limit 1`,
    ))[0],
  );
  ids.rgrid = await first(sql`select id from responsibility_grids where district_code = ${IN_DISTRICT} order by id limit 1`);
  ids.community = await first(sql`select id from property_communities order by id limit 1`);
  ids.clinic = await first(sql`select id from clinics order by id limit 1`);
}), 120_000);

describe('the table covers the API', () => {
  it('names inputs for every query', () => {
    expect(queries.map((q) => q.path).filter((p) => !SAMPLES[p])).toEqual([]);
  });
  it('has reporters with names and phone numbers to look for', () => {
    expect(reporters.length).toBe(12);
    expect(reporters.filter((r) => r.name).length).toBeGreaterThan(0);
  });
  it('only auth.me and the routing dry-run are public queries', () => {
    expect(queries.filter((q) => q.meta.public).map((q) => q.path)).toEqual(['auth.me', 'dispatch.route']);
  });
});

const createCaller = createCallerFactory(appRouter);

describe.each(queries)('$path', (q) => {
  it.each(ACTOR_LABELS)('%s: allowed as the data says, and no personal data in the answer', (label) =>
    suite.run(async (_tx, engine) => {
      const who = actors.find((a) => a.label === label)!;
      const want = q.meta.public ? 'OK' : !who.actor ? 'UNAUTHORIZED' : !q.meta.permission || who.grants.has(q.meta.permission) ? 'OK' : 'FORBIDDEN';
      const caller = createCaller({ engine, actor: who.actor });
      for (const input of SAMPLES[q.path]()) {
        const got = await outcome(callPath(caller, q.path, input));
        expect({ who: who.label, input, code: got.code, message: got.message }).toMatchObject({ who: who.label, input, code: want });
        const json = JSON.stringify(got.value ?? null);
        for (const r of reporters) {
          expect(json, `${q.path} as ${who.label} leaks the phone of case ${r.code}`).not.toContain(r.phone);
          if (r.name && r.name.length > 1) expect(json, `${q.path} as ${who.label} leaks the name of case ${r.code}`).not.toContain(r.name);
        }
        // the masked reporter is there for people who read cases, so this scan can fail; a wall
        // screen's token gets no reporter field at all (not even masked), (a company's business phone is not personal data)
        if (q.path === 'cases.byId' && want === 'OK' && who.actor?.kind === 'user') expect((got.value as { reporter: { phone: string } | null }).reporter?.phone).toMatch(/^1\d{2}\*{4}\d{4}$/);
        if (who.actor?.kind === 'display') expect(json).not.toMatch(/"reporter"\s*:/);
      }
    }));
});
