// Unit grids (单元网格) tiling every village/community of the urban core with no gaps or
// overlaps, and responsibility grids (责任网格) grouping them. Synthetic shapes: illustrative.
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { apportion, createRandom, hashSeed, type Random } from './random.ts';
import { tessellate, tessellationCells } from './tessellate.ts';
import { insertChecked } from './insert-checked.ts';
import { personName } from './names.ts';
import { gridCode } from '../../domain/codes.ts';

/** Published figures for the urban core (docs/domain-notes.md, Zhangzhou). */
export const GRID_TARGETS = { unitGrids: 4226, responsibilityGrids: 45, inspectors: 97, validFrom: '2021-12-01T00:00:00+08:00' };

export async function seedGrids(db: Db, seed: number): Promise<void> {
  const rnd = createRandom(seed).fork('grids');
  const villages = await rows<{ code: string; township_code: string; district_code: string; m2: number }>(
    db,
    sql`select code, township_code, district_code, ST_Area(area::geography)::float8 as m2 from villages where in_core order by code`,
  );
  const counts = apportion(GRID_TARGETS.unitGrids, villages.map((v) => v.m2), 1);
  // Rows of cells for W→E, N→S numbering are about one cell high (in degrees of latitude).
  const meanCellM = Math.sqrt(villages.reduce((a, v) => a + v.m2, 0) / GRID_TARGETS.unitGrids);
  const bandDeg = meanCellM / 111_320;
  for (let i = 0; i < villages.length; i++) {
    const v = villages[i];
    const region = sql`(select area from villages where code = ${v.code})`;
    const t = await tessellate(db, region, counts[i], hashSeed(seed, `grids:${v.code}`));
    if (!t) continue;
    // serials by the numbering rule of domain/codes.ts (gridNumbering), codes by its gridCode
    const codes = Array.from({ length: counts[i] }, (_, k) => gridCode(v.code, k + 1));
    await insertChecked(db, counts[i], sql`
      insert into unit_grids (code, version, status, valid_from, village_code, township_code, district_code, area_m2, geom)
      select (${sql.param(codes)}::text[])[row_number() over (order by floor((top.y - ST_Y(ST_Centroid(c.cell))) / ${bandDeg}), ST_X(ST_Centroid(c.cell)))],
             1, 'active', ${GRID_TARGETS.validFrom}::timestamptz, ${v.code}, ${v.township_code}, ${v.district_code},
             ST_Area(c.cell::geography), c.cell
      from ${tessellationCells(region, t)}, (select ST_YMax(area) as y from villages where code = ${v.code}) top`, `unit grids of ${v.code}`);
  }
  await seedResponsibilityGrids(db, rnd);
}

async function seedResponsibilityGrids(db: Db, rnd: Random): Promise<void> {
  const cells = await rows<{ id: number; township_code: string; district_code: string; x: number; y: number }>(
    db,
    sql`select id, township_code, district_code, ST_X(ST_Centroid(geom)) as x, ST_Y(ST_Centroid(geom)) as y from unit_grids order by code`,
  );
  const townships = [...new Set(cells.map((c) => c.township_code))].sort();
  const per = apportion(GRID_TARGETS.responsibilityGrids, townships.map((t) => cells.filter((c) => c.township_code === t).length), 1);
  const inspectors = apportion(GRID_TARGETS.inspectors, per);
  const assignments: { gridId: number; rgCode: string }[] = [];
  const rgs: { code: string; name: string; district: string; assignee: string; township: string }[] = [];
  const names = await rows<{ code: string; name: string }>(db, sql`select code, name from townships where in_core order by code`);
  townships.forEach((t, ti) => {
    const own = cells.filter((c) => c.township_code === t);
    const labels = kMeans(own.map((c) => [c.x, c.y]), per[ti], rnd);
    const order = orderClusters(own, labels, per[ti]);
    for (let k = 0; k < per[ti]; k++) {
      const code = `${t}R${String(k + 1).padStart(2, '0')}`;
      const tname = names.find((n) => n.code === t)?.name ?? t;
      const team = Math.max(1, Math.round(inspectors[ti] / per[ti]));
      rgs.push({ code, name: `${tname}第${k + 1}责任网格`, district: own[0].district_code, assignee: team > 1 ? `${personName(rnd)} 等${team}人` : personName(rnd), township: t });
      own.forEach((c, i) => {
        if (order[labels[i]] === k) assignments.push({ gridId: c.id, rgCode: code });
      });
    }
  });
  await insertChecked(db, rgs.length, sql`
    insert into responsibility_grids (code, name, district_code, assignee_role, assignee_name, geom)
    select r.code, r.name, r.district, 'inspector', r.assignee, ST_GeomFromText('MULTIPOLYGON EMPTY', 4326)
    from unnest(${sql.param(rgs.map((r) => r.code))}::text[], ${sql.param(rgs.map((r) => r.name))}::text[],
                ${sql.param(rgs.map((r) => r.district))}::text[], ${sql.param(rgs.map((r) => r.assignee))}::text[]) as r(code, name, district, assignee)`, 'responsibility grids');
  await db.execute(sql`
    update unit_grids g set responsibility_grid_id = r.id
    from unnest(${sql.param(assignments.map((a) => a.gridId))}::int[], ${sql.param(assignments.map((a) => a.rgCode))}::text[]) as a(grid_id, rg_code)
    join responsibility_grids r on r.code = a.rg_code
    where g.id = a.grid_id`);
  await db.execute(sql`
    update responsibility_grids r set geom = u.geom
    from (select responsibility_grid_id as id, ST_Multi(ST_CollectionExtract(ST_Union(geom, 1e-9), 3)) as geom
          from unit_grids group by responsibility_grid_id) u
    where u.id = r.id`);
  // the embedded engine answers a failed union with no rows rather than an error: check
  const [empty] = await rows<{ n: number }>(db, sql`select count(*)::int as n from responsibility_grids where ST_IsEmpty(geom)`);
  if (empty.n > 0) throw new Error(`Seeding responsibility grids: ${empty.n} have no geometry (a geometry operation failed)`);
}

/** Lloyd's k-means on lng/lat (fine at this scale), deterministic from the seeded stream. */
export function kMeans(points: [number, number][], k: number, rnd: Random, iterations = 25): number[] {
  const centres = rnd.shuffle(points.map((_, i) => i)).slice(0, k).map((i) => [...points[i]] as [number, number]);
  const labels = new Array<number>(points.length).fill(0);
  for (let it = 0; it < iterations; it++) {
    points.forEach((p, i) => {
      let best = 0;
      let bd = Infinity;
      centres.forEach((c, j) => {
        const d = (p[0] - c[0]) ** 2 + (p[1] - c[1]) ** 2;
        if (d < bd) [bd, best] = [d, j];
      });
      labels[i] = best;
    });
    for (let j = 0; j < k; j++) {
      const members = points.filter((_, i) => labels[i] === j);
      if (members.length) centres[j] = [members.reduce((a, p) => a + p[0], 0) / members.length, members.reduce((a, p) => a + p[1], 0) / members.length];
    }
  }
  return labels;
}

/** Renumbers clusters north→south, west→east by their centroid so codes read like a map. */
function orderClusters(cells: { x: number; y: number }[], labels: number[], k: number): number[] {
  const centre = Array.from({ length: k }, (_, j) => {
    const m = cells.filter((_, i) => labels[i] === j);
    return { j, x: m.reduce((a, c) => a + c.x, 0) / (m.length || 1), y: m.reduce((a, c) => a + c.y, 0) / (m.length || 1) };
  });
  centre.sort((a, b) => b.y - a.y || a.x - b.x);
  const order = new Array<number>(k);
  centre.forEach((c, rank) => (order[c.j] = rank));
  return order;
}
