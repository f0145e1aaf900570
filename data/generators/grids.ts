// Unit grids (单元网格) tiling every village/community of the urban core with no gaps or
// overlaps, and responsibility grids (责任网格) grouping them. Synthetic shapes: illustrative.
//
// The cells are one coverage with the villages (docs/decisions/0027-grid-editor.md, seeded
// coverage): the sites of each village's cells are placed by sampled Lloyd (tessellate.ts); the
// Voronoi edges of every village's sites and the boundaries of all core villages are then noded
// together in one statement and polygonized, and each face goes to the village holding its
// interior point and, within it, to the nearest site (in the local metric plane: the Voronoi
// rule). A cell is the union of its faces, so neighbouring cells share identical vertices,
// within and across villages, every cell lies in its village and a village's cells add up to
// the village. Every statement is checked (docs/decisions/0003-pglite-geos-traps.md).
import { sphereArea } from '../../db/cell-area.ts';
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { apportion, createRandom, hashSeed, type Random } from './random.ts';
import { KX, KY, ORIGIN, localRegion, tessellate, toLngLat } from './tessellate.ts';
import { insertChecked } from './insert-checked.ts';
import { uniteTownships } from './places.ts';
import { personName } from './names.ts';
import { gridCode, gridNumbering } from '../../domain/codes.ts';

/** Published figures for the urban core (docs/domain-notes.md, Zhangzhou). */
export const GRID_TARGETS = { unitGrids: 4226, responsibilityGrids: 45, inspectors: 97, validFrom: '2021-12-01T00:00:00+08:00' };

/**
 * How far (degrees, ~0.2 m) each village's Voronoi edges run past its boundary before they are
 * clipped: every edge then crosses the boundary and is noded with it (an edge clipped exactly
 * at the boundary may end a rounding error short of it and leave its two cells one face). The
 * overshoot is a dangle that polygonizing drops.
 */
const EDGE_OVERSHOOT_DEG = 2e-6;

/** The height (degrees of latitude, ~111.32 km each) of one numbering row: one mean cell, given the core villages' total area in m². */
export function gridRowHeight(coreM2: number): number {
  return Math.sqrt(coreM2 / GRID_TARGETS.unitGrids) / 111_320;
}

export async function seedGrids(db: Db, seed: number): Promise<void> {
  const rnd = createRandom(seed).fork('grids');
  const villages = await rows<{ code: string; township_code: string; district_code: string; m2: number; top: number }>(
    db,
    sql`select code, township_code, district_code, ST_Area(area::geography)::float8 as m2, ST_YMax(area)::float8 as top
        from villages where in_core order by code`,
  );
  const counts = apportion(GRID_TARGETS.unitGrids, villages.map((v) => v.m2), 1);
  // Sites of each village's cells, in the local plane (metres).
  const site = { village: [] as string[], k: [] as number[], x: [] as number[], y: [] as number[] };
  for (let i = 0; i < villages.length; i++) {
    const t = await tessellate(db, sql`(select area from villages where code = ${villages[i].code})`, counts[i], hashSeed(seed, `grids:${villages[i].code}`));
    t?.xs.forEach((x, k) => {
      site.village.push(villages[i].code);
      site.k.push(k + 1);
      site.x.push(x);
      site.y.push(t.ys[k]);
    });
  }
  await db.execute(sql`create temp table grid_sites (village_code text, k int, x float8, y float8)`);
  await insertChecked(db, site.k.length, sql`
    insert into grid_sites select * from unnest(${sql.param(site.village)}::text[], ${sql.param(site.k)}::int[], ${sql.param(site.x)}::float8[], ${sql.param(site.y)}::float8[])`, 'unit grid sites');
  // One noded linework: the boundaries of all villages (their coverage, places.ts) and each core
  // village's Voronoi edges, noded in floating precision, so a Voronoi edge splits the boundary
  // where it crosses it without moving it (snap-rounding would bend the boundary by up to
  // ~0.1 mm). Every face goes to the village holding its interior point, and in a core village
  // to its nearest site.
  const localX = (p: SQL) => sql`((ST_X(${p}) - ${ORIGIN.lng}::float8) * ${KX}::float8)`;
  const localY = (p: SQL) => sql`((ST_Y(${p}) - ${ORIGIN.lat}::float8) * ${KY}::float8)`;
  await db.execute(sql`create index on grid_sites (village_code)`);
  await db.execute(sql`
    create temp table grid_faces as
    with edges as (
      select ST_Intersection(
               ${toLngLat(sql`ST_VoronoiLines(ST_Collect(ST_MakePoint(s.x, s.y) order by s.k), 0, ST_Expand(${localRegion(sql`(select area from villages where code = s.village_code)`)}, 1000))`)},
               ST_Buffer((select area from villages where code = s.village_code), ${EDGE_OVERSHOOT_DEG}::float8, 'quad_segs=2')) as g
      from grid_sites s group by s.village_code having count(*) > 1
      union all
      select ST_Boundary(area) from villages
    ),
    noded as (select ST_UnaryUnion(ST_Collect(g)) as g from edges),
    faces as (select ST_Polygonize(g) as g from noded)
    select v.code as village_code, v.in_core, s.k, f.face
    from faces p,
         lateral (select d.geom as face, ST_PointOnSurface(d.geom) as inner from ST_Dump(p.g) d) f,
         lateral (select v.code, v.in_core from villages v where v.area && f.inner and ST_Intersects(v.area, f.inner) order by v.code limit 1) v
         left join lateral (select s.k from grid_sites s where s.village_code = v.code
                  order by (s.x - ${localX(sql`f.inner`)}) ^ 2 + (s.y - ${localY(sql`f.inner`)}) ^ 2, s.k limit 1) s on true`);
  // The villages again from the same faces: the same shapes, now carrying the vertices where
  // cell edges meet their boundaries, so a cell and its village share them exactly.
  const [n] = await rows<{ villages: number }>(db, sql`select count(*)::int as villages from villages`);
  await insertChecked(db, n.villages, sql`
    update villages v set area = u.area
    from (select village_code, ST_Multi(ST_CollectionExtract(ST_UnaryUnion(ST_Collect(face)), 3)) as area from grid_faces group by village_code) u
    where u.village_code = v.code and not ST_IsEmpty(u.area)`, 'village territories (noded with the unit grids)');
  await uniteTownships(db);
  await db.execute(sql`create temp table grid_cells as
    select village_code, k, ST_Multi(ST_CollectionExtract(ST_UnaryUnion(ST_Collect(face)), 3)) as geom from grid_faces where in_core group by village_code, k`);
  const cells = await rows<{ village_code: string; k: number; x: number; y: number }>(
    db,
    sql`select village_code, k, ST_X(ST_Centroid(geom))::float8 as x, ST_Y(ST_Centroid(geom))::float8 as y
        from grid_cells where not ST_IsEmpty(geom) order by village_code, k`,
  );
  if (cells.length !== site.k.length) throw new Error(`Seeding unit grids: ${cells.length} of ${site.k.length} sites got a cell (a geometry operation failed)`);
  // Serials by the numbering rule (domain/codes.ts): rows one mean cell high counted down from
  // the village's northern edge, then west→east by centroid.
  const rowHeight = gridRowHeight(villages.reduce((a, v) => a + v.m2, 0));
  const codes = new Map<string, string>();
  for (const v of villages) {
    const own = cells.filter((c) => c.village_code === v.code).sort(gridNumbering(v.top, rowHeight));
    own.forEach((c, i) => codes.set(`${v.code}:${c.k}`, gridCode(v.code, i + 1)));
  }
  await insertChecked(db, cells.length, sql`
    insert into unit_grids (code, version, status, valid_from, village_code, township_code, district_code, area_m2, geom)
    select n.code, 1, 'active', ${GRID_TARGETS.validFrom}::timestamptz, v.code, v.township_code, v.district_code, ${sphereArea(sql`c.geom`)}, c.geom
    from grid_cells c
    join unnest(${sql.param(cells.map((c) => c.village_code))}::text[], ${sql.param(cells.map((c) => c.k))}::int[],
                ${sql.param(cells.map((c) => codes.get(`${c.village_code}:${c.k}`)!))}::text[]) as n(village_code, k, code)
      on n.village_code = c.village_code and n.k = c.k
    join villages v on v.code = c.village_code
    order by n.code`, 'unit grids');
  await db.execute(sql`drop table grid_cells, grid_faces, grid_sites`);
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
    from (select responsibility_grid_id as id, ST_Multi(ST_CollectionExtract(ST_UnaryUnion(ST_Collect(geom)), 3)) as geom
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
