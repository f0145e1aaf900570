// Known answers from data/fixtures/geometry.ts on the engine under test: a point on the line
// between two districts belongs to the one district its case stores (the geometry cannot
// decide: the point is on both boundaries), and a village exactly at the clinic reach is served
// (≤), one millimetre further is not. (The grid edge and corner: tests/grid-case-count.test.ts.)
// The cases are written in transactions that are rolled back.
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows, type Engine } from '../db/engine.ts';
import { casesSummary } from '../server/cases/cases-queries.ts';
import { CITY, type Scope } from '../server/auth/actor.ts';
import {
  CLINIC_REACH_METRES,
  CLINIC_REACH_MM,
  clinicDistanceMm,
  clinicsInReach,
  districtLinePoint,
  pointSql,
  villageAtClinicReach,
  type DistrictLinePoint,
  type VillageAtClinicReach,
} from '../data/fixtures/geometry.ts';
import { testEngine } from './support/test-db.ts';
import { inRolledBackTransaction } from './support/rolled-back.ts';

let engine: Engine;
let line: DistrictLinePoint;
let reach: VillageAtClinicReach;

beforeAll(async () => {
  engine = await testEngine();
  line = await districtLinePoint(engine.db);
  reach = await villageAtClinicReach(engine.db);
}, 120_000);

const district = (code: string): Scope => ({ kind: 'district', districts: [code], departmentId: null });
/** A period no seeded case is in: the fixture's case is the only one counted. */
const EMPTY_PERIOD = { from: '2031-01-01T00:00:00Z', to: '2031-01-02T00:00:00Z' };

describe('a point on the line between two districts', () => {
  it('is on both districts’ boundaries and inside neither (the geometry cannot say whose it is)', async () => {
    const found = await rows<{ code: string; inside: boolean }>(
      engine.db,
      sql`select code::text as code, ST_Contains(geom, ${pointSql(line.point)}) as inside from districts where ST_Covers(geom, ${pointSql(line.point)}) order by code`,
    );
    expect(found).toEqual([{ code: line.a, inside: false }, { code: line.b, inside: false }]);
  });
  it.each(['a', 'b'] as const)('a case there counts in exactly the district it stores (stored: %s)', async (side) => {
    const stored = line[side];
    const other = side === 'a' ? line.b : line.a;
    await inRolledBackTransaction(engine, async (tx) => {
      const count = async (code: string) => (await casesSummary(tx, { ...EMPTY_PERIOD, scope: district(code) })).count;
      expect([await count(stored), await count(other)]).toEqual([0, 0]);
      await tx.execute(
        sql`insert into cases (code, source, channel, category_code, geom, orig_lng, orig_lat, orig_crs, status, reported_at, district_code)
            values ('DISTRICT-LINE-FIXTURE', 'inspector', 'patrol', (select min(code) from case_categories), ${pointSql(line.point)},
                    ${line.point.lng}, ${line.point.lat}, 'WGS84', 'reported', ${EMPTY_PERIOD.from}::timestamptz + interval '1 hour', ${stored})`,
      );
      expect([await count(stored), await count(other)]).toEqual([1, 0]);
      // and city-wide it is one case, not two
      expect((await casesSummary(tx, { ...EMPTY_PERIOD, scope: CITY })).count).toBe(1);
    });
  });
});

describe(`a village exactly ${CLINIC_REACH_METRES} m from a clinic (the clinic reach)`, () => {
  it('is at exactly the reach in whole millimetres, and 1 mm nearer or further is 1 mm off', async () => {
    expect(await clinicDistanceMm(engine.db, reach.clinicId, reach.village)).toBe(CLINIC_REACH_MM);
    expect(await clinicDistanceMm(engine.db, reach.clinicId, reach.nearer)).toBe(CLINIC_REACH_MM - 1);
    expect(await clinicDistanceMm(engine.db, reach.clinicId, reach.further)).toBe(CLINIC_REACH_MM + 1);
  });
  it('is served by the clinic (the reach is inclusive); a strict comparison would leave it out', async () => {
    expect(await clinicsInReach(engine.db, reach.village)).toContain(reach.clinicId);
    expect(await clinicsInReach(engine.db, reach.village, { strict: true })).not.toContain(reach.clinicId);
  });
  it('1 mm nearer is served either way; 1 mm further is not served', async () => {
    expect(await clinicsInReach(engine.db, reach.nearer)).toContain(reach.clinicId);
    expect(await clinicsInReach(engine.db, reach.nearer, { strict: true })).toContain(reach.clinicId);
    expect(await clinicsInReach(engine.db, reach.further)).not.toContain(reach.clinicId);
  });
});
