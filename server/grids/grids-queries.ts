import { FINISHED_STATUSES } from '../../domain/workflow.ts';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { layerSummary } from '../geo/layer-summary.ts';
import { caseScopeSql, districtScopeSql, type Scope } from '../auth/actor.ts';
import { explainMissedUpdate } from '../auth/scope-check.ts';
import { queryFailed } from '../query-error.ts';
import { toBbox } from '../geo/bbox.ts';
import { extentColumns, labelColumns } from '../geo/bbox-sql.ts';
import type { PolygonRow } from '../geo/polygon-feed.ts';
import { refuse } from '../query-error.ts';
import { refreshPatrolLabels } from '../../db/patrol-labels.ts';
import { fitForVisitsSql } from '../dispatch/patrol-staff.ts';
import { currentGrid } from './grid-validity.ts';

export async function gridsSummary(db: Db) {
  const [unitGrids, responsibilityGrids, area] = await Promise.all([
    layerSummary(db, 'unit_grids', 'geom', currentGrid('unit_grids')),
    layerSummary(db, 'responsibility_grids'),
    rows<{ km2: number; mean_m2: number }>(db, sql`select coalesce(sum(area_m2), 0)::float8 / 1e6 as km2, coalesce(avg(area_m2), 0)::float8 as mean_m2 from unit_grids g where ${currentGrid('g')}`),
  ]);
  return { unitGrids: { ...unitGrids, areaKm2: area[0].km2, meanAreaM2: area[0].mean_m2 }, responsibilityGrids };
}

// ---- layer feeds (server/http/layers.ts)

export async function unitGridFeedRows(db: Db): Promise<PolygonRow[]> {
  try {
    const list = await rows<{ id: number; code: string; village_code: string; village_name: string; rg_code: string | null; area_m2: number; lng: number; lat: number; geojson: string }>(
      db,
      sql`select g.id, g.code::text as code, g.village_code::text as village_code, v.name as village_name, r.code as rg_code, g.area_m2::float8 as area_m2,
                 ST_X(g.l)::float8 as lng, ST_Y(g.l)::float8 as lat, ST_AsGeoJSON(g.geom) as geojson
          from (select *, ST_PointOnSurface(geom) as l from unit_grids u where ${currentGrid('u')}) g
          join villages v on v.code = g.village_code
          left join responsibility_grids r on r.id = g.responsibility_grid_id
          order by g.code`,
    );
    return list.map((r) => ({
      id: r.id,
      code: r.code,
      name: r.code,
      lng: r.lng,
      lat: r.lat,
      geojson: r.geojson,
      props: { villageCode: r.village_code, villageName: r.village_name, responsibilityGridCode: r.rg_code, areaM2: Math.round(r.area_m2 * 10) / 10 },
    }));
  } catch (err) {
    throw queryFailed('unit grids feed', err);
  }
}

export async function responsibilityGridFeedRows(db: Db): Promise<PolygonRow[]> {
  try {
    const list = await rows<{ id: number; code: string; name: string; district_code: string; assignee_role: string; assignee_name: string; grid_count: number; lng: number; lat: number; geojson: string }>(
      db,
      sql`select r.id, r.code, r.name, r.district_code::text as district_code, r.assignee_role, r.assignee_name, coalesce(n.grid_count, 0)::int as grid_count,
                 ST_X(ST_PointOnSurface(r.geom))::float8 as lng, ST_Y(ST_PointOnSurface(r.geom))::float8 as lat, ST_AsGeoJSON(r.geom) as geojson
          from responsibility_grids r
          left join (select responsibility_grid_id, count(*) as grid_count from unit_grids u where ${currentGrid('u')} group by 1) n on n.responsibility_grid_id = r.id
          order by r.code`,
    );
    return list.map((r) => ({
      id: r.id,
      code: r.code,
      name: r.name,
      lng: r.lng,
      lat: r.lat,
      geojson: r.geojson,
      props: { districtCode: r.district_code, assigneeRole: r.assignee_role, assigneeName: r.assignee_name, gridCount: r.grid_count },
    }));
  } catch (err) {
    throw queryFailed('responsibility grids feed', err);
  }
}

// ---- details (grids.byId, grids.responsibilityById)

type Extent = { w: number; s: number; e: number; n: number; lng: number; lat: number };

/** `scope`: the case counts are of the cases the asker may see. */
export async function unitGridById(db: Db, id: number, scope: Scope) {
  let g, counts;
  try {
    [[g], [counts]] = await Promise.all([
      rows<Extent & {
        id: number; code: string; version: number; status: string; area_m2: number; village_code: string; village_name: string; township_code: string; township_name: string;
        district_code: string; district_name: string; district_name_en: string; rg_id: number | null; rg_code: string | null; rg_role: string | null; rg_name: string | null;
      }>(
        db,
        sql`select g.id, g.code::text as code, g.version, g.status, g.area_m2::float8 as area_m2, v.code::text as village_code, v.name as village_name,
                   t.code::text as township_code, t.name as township_name, d.code::text as district_code, d.name as district_name, d.name_en as district_name_en,
                   r.id as rg_id, r.code as rg_code, r.assignee_role as rg_role, r.assignee_name as rg_name,
                   ${extentColumns(sql`g.geom`)}, ${labelColumns(sql`g.geom`)}
            from unit_grids g join villages v on v.code = g.village_code join townships t on t.code = g.township_code join districts d on d.code = g.district_code
            left join responsibility_grids r on r.id = g.responsibility_grid_id
            where g.id = ${id}`,
      ),
      // cases filed in this grid: the grid each case keeps (not the polygon it lies in, so a point on
      // an edge shared by two grids counts once, and a case keeps its grid when grids are re-versioned)
      rows<{ total: number; open: number }>(
        db,
        sql`select count(*)::int as total, count(*) filter (where not (c.status = any(${sql.param([...FINISHED_STATUSES])}::text[])))::int as open
            from cases c where c.unit_grid_id = ${id} and ${caseScopeSql(scope)}`,
      ),
    ]);
  } catch (err) {
    throw queryFailed('unit grid details', err);
  }
  if (!g) throw refuse('NOT_FOUND', 'notFound', { what: 'unit grid', id });
  return {
    id: g.id,
    code: g.code,
    version: g.version,
    status: g.status,
    areaM2: g.area_m2,
    village: { code: g.village_code, name: g.village_name },
    township: { code: g.township_code, name: g.township_name },
    district: { code: g.district_code, name: g.district_name, nameEn: g.district_name_en },
    // inspector: whoever patrols it (an inspector 监督员 or a grid worker 网格员, see assigneeRole)
    responsibilityGrid: g.rg_id === null ? null : { id: g.rg_id, code: g.rg_code!, inspector: g.rg_name!, assigneeRole: g.rg_role!, assigneeName: g.rg_name! },
    cases: { total: counts?.total ?? 0, open: counts?.open ?? 0 },
    lng: g.lng,
    lat: g.lat,
    bbox: toBbox(g),
  };
}

export async function responsibilityGridById(db: Db, id: number) {
  let r, staff;
  try {
    [r] = await rows<Extent & { id: number; code: string; name: string; district_code: string; district_name: string; district_name_en: string; assignee_role: string; assignee_name: string; grid_count: number; version: number }>(
      db,
      sql`select r.id, r.code, r.name, r.version, d.code::text as district_code, d.name as district_name, d.name_en as district_name_en, r.assignee_role, r.assignee_name,
                 (select count(*)::int from unit_grids g where g.responsibility_grid_id = r.id and ${currentGrid('g')}) as grid_count,
                 ${extentColumns(sql`r.geom`)}, ${labelColumns(sql`r.geom`)}
          from responsibility_grids r join districts d on d.code = r.district_code where r.id = ${id}`,
    );
    staff = await rows<{ id: number; displayName: string; roleCode: string }>(
      db,
      sql`select u.id, u.display_name as "displayName", u.role_code as "roleCode" from responsibility_grid_staff s join users u on u.id = s.user_id
          where s.responsibility_grid_id = ${id} and u.disabled_at is null order by u.role_code, u.id`,
    );
  } catch (err) {
    throw queryFailed('responsibility grid details', err);
  }
  if (!r) throw refuse('NOT_FOUND', 'notFound', { what: 'responsibility grid', id });
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    district: { code: r.district_code, name: r.district_name, nameEn: r.district_name_en },
    assigneeRole: r.assignee_role,
    assigneeName: r.assignee_name,
    version: r.version,
    /** Whoever patrols it (see assigneeRole). */
    inspector: r.assignee_name,
    /** The people bound to it (accounts): its site visits go to them. */
    staff,
    gridCount: r.grid_count,
    lng: r.lng,
    lat: r.lat,
    bbox: toBbox(r),
  };
}

export interface ResponsibilityAssignment {
  id: number;
  version: number;
  assigneeRole: string;
  assigneeName: string;
}

/** Who patrols a responsibility grid; only inside the editor's districts (checked in the UPDATE). */
export async function assignResponsibilityGrid(db: Db, scope: Scope, a: ResponsibilityAssignment) {
  let done, current;
  try {
    done = await rows<{ id: number; version: number }>(
      db,
      sql`update responsibility_grids r set assignee_role = ${a.assigneeRole}, assignee_name = ${a.assigneeName}, version = r.version + 1
          where r.id = ${a.id} and r.version = ${a.version} and ${districtScopeSql(scope, sql`r.district_code`)}
          returning r.id, r.version`,
    );
    if (!done.length) [current] = await rows<{ version: number; district_code: string }>(db, sql`select version, district_code::text as district_code from responsibility_grids where id = ${a.id}`);
  } catch (err) {
    throw queryFailed('assign responsibility grid', err);
  }
  if (!done.length) throw explainMissedUpdate({ what: 'responsibility grid', id: a.id }, scope, current, a.version);
  return done[0];
}

/** At most this many people patrol one responsibility grid. */
export const STAFF_MAX = 20;

/**
 * Who patrols a responsibility grid, as accounts (replaces its staff; `version` as read): each an
 * active person whose role may verify and whose districts cover the grid's. Inside the editor's
 * districts. The grid's label (assignee_name) follows.
 */
export async function setPatrolStaff(db: Db, scope: Scope, a: { id: number; version: number; userIds: number[] }) {
  let locked: { district_code: string } | undefined;
  let current: { version: number; district_code: string } | undefined;
  let unfit: { id: number; name: string | null }[] = [];
  try {
    [locked] = await rows<{ district_code: string }>(
      db,
      sql`select r.district_code::text as district_code from responsibility_grids r
          where r.id = ${a.id} and r.version = ${a.version} and ${districtScopeSql(scope, sql`r.district_code`)} for update`,
    );
    if (!locked) [current] = await rows<{ version: number; district_code: string }>(db, sql`select version, district_code::text as district_code from responsibility_grids where id = ${a.id}`);
    else {
      unfit = await rows<{ id: number; name: string | null }>(
        db,
        sql`select x.id, u.display_name as name from unnest(${sql.param(a.userIds)}::int[]) as x(id)
            left join users u on u.id = x.id left join roles r on r.code = u.role_code
            where u.id is null or not ${fitForVisitsSql('case.verify', locked.district_code)}
            order by x.id limit 1`,
      );
      if (!unfit.length) {
        await db.execute(sql`delete from responsibility_grid_staff where responsibility_grid_id = ${a.id}`);
        await db.execute(sql`insert into responsibility_grid_staff (responsibility_grid_id, user_id) select ${a.id}, x from unnest(${sql.param(a.userIds)}::int[]) as x`);
        await db.execute(sql`update responsibility_grids set version = version + 1 where id = ${a.id}`);
        await refreshPatrolLabels(db, [a.id]);
      }
    }
  } catch (err) {
    throw queryFailed('set the patrol staff', err);
  }
  if (!locked) throw explainMissedUpdate({ what: 'responsibility grid', id: a.id }, scope, current, a.version);
  if (unfit.length) {
    const u = unfit[0];
    if (u.name === null) throw refuse('BAD_REQUEST', 'notFound', { what: 'user', id: u.id });
    throw refuse('BAD_REQUEST', 'grid.staffUnfit', { name: u.name });
  }
  return { id: a.id, version: a.version + 1, userIds: a.userIds };
}
