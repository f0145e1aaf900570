// The grid editor's reads and writes (docs/decisions/0027-grid-editor.md): the cells of an edit at
// full precision, a draft checked, a draft published in one transaction (communities locked, their
// revisions compared with the draft's base, checked again under the lock, versions written,
// responsibility-grid outlines redrawn, open site visits moved, the change announced), a cell's
// split and merge previews, its history, and a district's export. Geometry is GeoJSON in lng/lat
// (WGS-84, SRID 4326). Scope is checked in SQL: a coordinator edits only their own districts' cells.
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { districtScopeSql, type Actor, type Scope } from '../auth/actor.ts';
import { districtInScope, outOfScope } from '../auth/scope-check.ts';
import { queryFailed, refuse } from '../query-error.ts';
import { gridCode, gridNumbering, MAX_GRID_SERIAL } from '../../domain/codes.ts';
import { changeRef, type CellAttributes, type CellGeometry, type GridChange, type GridProblem, type GridRules } from '../../domain/grid-rules.ts';
import { messageOf } from '../../domain/messages.ts';
import { cellFromGeoJson, checkCells, geometryError, sphereArea, type Subject } from './grid-check-queries.ts';
import { currentGrid } from './grid-validity.ts';
import { appendEvent, type Notify } from '../dispatch/case-engine.ts';
import { taskAssignee, taskPermission } from '../dispatch/patrol-staff.ts';
import { GRID_CELL_EVENTS_CHANNEL } from '../live/live-channels.ts';

/** The most cells one edit loads (a district of the demo city has about 2,100). */
export const EDIT_AREA_MAX_CELLS = 3000;

export interface EditCell {
  id: number;
  code: string;
  version: number;
  villageCode: string;
  districtCode: string;
  editable: boolean;
  areaM2: number;
  landUse: string | null;
  managementLevel: string | null;
  responsibleParty: string | null;
  responsibilityGridId: number | null;
  geometry: CellGeometry;
}

/**
 * The current cells of a district (and the cells of other districts within `bbox` or touching the
 * district's, not editable), at full precision, with the district's communities (those without a
 * cell too: a coordinator draws their first) and those of the neighbours shown, and their grid
 * revisions (a draft's base).
 */
export async function editArea(db: Db, scope: Scope, input: { districtCode: string; bbox?: [number, number, number, number] }) {
  const box = input.bbox ? sql`ST_MakeEnvelope(${input.bbox[0]}, ${input.bbox[1]}, ${input.bbox[2]}, ${input.bbox[3]}, 4326)` : null;
  let count, cells, communities, responsibilityGrids;
  try {
    [count] = await rows<{ n: number }>(
      db,
      sql`select count(*)::int as n from unit_grids u where ${currentGrid('u')} and u.district_code = ${input.districtCode} ${box ? sql`and u.geom && ${box}` : sql``}`,
    );
    if (count.n > EDIT_AREA_MAX_CELLS) throw refuse('BAD_REQUEST', 'grid.areaTooLarge', { count: count.n, max: EDIT_AREA_MAX_CELLS });
    // the district's cells, and any other current cell touching them (shown, pinned)
    const own = sql`(select u.* from unit_grids u where ${currentGrid('u')} and u.district_code = ${input.districtCode} ${box ? sql`and u.geom && ${box}` : sql``})`;
    cells = await rows<{ id: number; code: string; version: number; village_code: string; district_code: string; area_m2: number; land_use: string | null; management_level: string | null; responsible_party: string | null; rg: number | null; geojson: string }>(
      db,
      sql`with own as materialized ${own},
          other as (select u.* from unit_grids u where ${currentGrid('u')} and u.district_code <> ${input.districtCode}
                    and exists (select 1 from own o where o.geom && u.geom and ST_Intersects(o.geom, u.geom)))
          select x.id, x.code::text as code, x.version, x.village_code::text as village_code, x.district_code::text as district_code, x.area_m2::float8 as area_m2,
                 x.land_use, x.management_level, x.responsible_party, x.responsibility_grid_id as rg, ST_AsGeoJSON(x.geom, 15) as geojson
          from (select * from own union all select * from other) x order by x.code`,
    );
    communities = await rows<{ code: string; name: string; district_code: string; revision: number; geojson: string }>(
      db,
      sql`select v.code::text as code, v.name, v.district_code::text as district_code, v.grid_revision as revision, ST_AsGeoJSON(v.area, 15) as geojson
          from villages v
          where v.area is not null
            and ((v.district_code = ${input.districtCode} ${box ? sql`and v.area && ${box}` : sql``})
                 or v.code = any(${sql.param([...new Set(cells.map((c) => c.village_code))])}::bpchar[]))
          order by v.code`,
    );
    responsibilityGrids = await rows<{ id: number; code: string; name: string }>(
      db,
      sql`select id, code, name from responsibility_grids where district_code = ${input.districtCode} order by code limit 500`,
    );
  } catch (err) {
    throw queryFailed('the cells to edit', err);
  }
  const editable = (d: string) => districtInScope(scope, d);
  return {
    districtCode: input.districtCode,
    cells: cells.map((c): EditCell => ({
      id: c.id, code: c.code, version: c.version, villageCode: c.village_code, districtCode: c.district_code, editable: editable(c.district_code),
      areaM2: c.area_m2, landUse: c.land_use, managementLevel: c.management_level, responsibleParty: c.responsible_party, responsibilityGridId: c.rg,
      geometry: JSON.parse(c.geojson),
    })),
    communities: communities.map((v) => ({ code: v.code, name: v.name, districtCode: v.district_code, editable: editable(v.district_code), revision: v.revision, geometry: JSON.parse(v.geojson) })),
    /** Community code → grid revision: the base a draft built on this answer carries. */
    revisions: Object.fromEntries(communities.map((v) => [v.code, v.revision])),
    /** The district's responsibility grids (a cell's responsibilityGridId is one of them). */
    responsibilityGrids,
  };
}

interface Target {
  id: number;
  code: string;
  version: number;
  current: boolean;
  village_code: string;
  district_code: string;
  geojson: string;
}

export interface DraftInput {
  districtCode: string;
  base: Record<string, number>;
  changes: GridChange[];
}

/** A draft resolved against the database: what it checks and writes. */
interface Resolved {
  targets: Map<number, Target>;
  /** The cells the draft adds or reshapes (checked). */
  subjects: Subject[];
  /** The ids whose geometry leaves the coverage (reshaped or retired). */
  gone: number[];
  /** Every id the draft writes a new version of or retires. */
  replaced: number[];
  /** Every community the draft touches (locked, revision bumped). */
  villages: string[];
  /** The communities whose coverage changes (their gaps are checked). */
  checked: string[];
}

/**
 * Reads the cells a draft changes and the communities it adds to; refuses a draft that names a
 * cell twice, a cell or community of another district, or a cell changed meanwhile.
 */
async function resolveDraft(db: Db, scope: Scope, input: DraftInput, lock: boolean): Promise<Resolved> {
  const ids = input.changes.flatMap((c) => (c.op === 'add' ? [] : [c.id]));
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice !== undefined) throw refuse('BAD_REQUEST', 'grid.changeTwice', { id: twice });
  const addVillages = [...new Set(input.changes.flatMap((c) => (c.op === 'add' ? [c.villageCode] : [])))];
  let targets: Target[], villages: { code: string; district_code: string }[];
  try {
    targets = await rows<Target>(
      db,
      sql`select u.id, u.code::text as code, u.version, (u.valid_to is null) as current, u.village_code::text as village_code, u.district_code::text as district_code,
                 ST_AsGeoJSON(u.geom, 15) as geojson
          from unit_grids u where u.id = any(${sql.param(ids)}::int[]) order by u.id`,
    );
    villages = await rows<{ code: string; district_code: string }>(
      db,
      sql`select v.code::text as code, v.district_code::text as district_code from villages v where v.code = any(${sql.param(addVillages)}::bpchar[]) and v.area is not null`,
    );
  } catch (err) {
    throw queryFailed('the cells of the draft', err);
  }
  const byId = new Map(targets.map((t) => [t.id, t]));
  for (const id of ids) if (!byId.has(id)) throw refuse('NOT_FOUND', 'notFound', { what: 'unit grid', id });
  for (const v of addVillages) if (!villages.some((x) => x.code === v)) throw refuse('NOT_FOUND', 'notFound', { what: 'village or community', id: v });
  for (const t of targets) {
    if (t.district_code !== input.districtCode) throw refuse('FORBIDDEN', 'grid.otherDistrict', { code: t.code, district: input.districtCode });
    if (!districtInScope(scope, t.district_code)) throw outOfScope({ what: 'unit grid', id: t.id }, scope, t.district_code);
  }
  for (const v of villages) {
    if (v.district_code !== input.districtCode) throw refuse('FORBIDDEN', 'grid.otherDistrict', { code: v.code, district: input.districtCode });
    if (!districtInScope(scope, v.district_code)) throw outOfScope({ what: 'village or community', id: v.code }, scope, v.district_code);
  }
  if (!lock) {
    // a validation may run on a draft a little behind; the publish refuses it under the lock
    for (const c of input.changes) {
      if (c.op === 'add') continue;
      const t = byId.get(c.id)!;
      if (!t.current || t.version !== c.version) throw refuse('CONFLICT', 'grid.changedMeanwhile', { code: t.code, current: t.current ? t.version : '—' });
    }
  }
  const subjects: Subject[] = [];
  const gone: number[] = [];
  for (const c of input.changes) {
    if (c.op === 'add') subjects.push({ ref: c.key, villageCode: c.villageCode, geometry: c.geometry });
    else if (c.op === 'retire' || c.geometry) {
      // an attribute-only update leaves the coverage as it is: nothing to check
      gone.push(c.id);
      if (c.op === 'update') subjects.push({ ref: changeRef(c), villageCode: byId.get(c.id)!.village_code, geometry: c.geometry! });
    }
  }
  const touched = [...new Set([...addVillages, ...targets.map((t) => t.village_code)])].sort();
  return { targets: byId, subjects, gone, replaced: ids, villages: touched, checked: [...new Set([...addVillages, ...gone.map((id) => byId.get(id)!.village_code)])].sort() };
}

/** The problems of a draft (nothing written). */
export async function validateDraft(db: Db, scope: Scope, rules: GridRules, input: DraftInput): Promise<{ problems: GridProblem[] }> {
  const r = await resolveDraft(db, scope, input, false);
  return { problems: await checkCells(db, rules, r.subjects, r.gone, r.checked, 'fast') };
}

export interface PublishInput extends DraftInput {
  note: string;
}

/**
 * Publishes a draft in the caller's transaction (a mutation's `ctx.db`). Refuses: a community of
 * the draft changed since its base (CONFLICT 'grid.stale', naming what changed), a problem left
 * (BAD_REQUEST 'grid.draftInvalid'), a serial run out ('grid.serialsExhausted').
 */
export async function publishDraft(db: Db, actor: Actor, rules: GridRules, input: PublishInput, now: Date, notify: Notify) {
  if (!input.changes.length) throw refuse('BAD_REQUEST', 'grid.nothingToPublish');
  const r = await resolveDraft(db, actor.scope, input, true);
  // lock the touched communities in code order (two publishes never wait on each other crosswise)
  let locked: { code: string; district_code: string; revision: number; top: number }[];
  try {
    locked = await rows(
      db,
      sql`select v.code::text as code, v.district_code::text as district_code, v.grid_revision as revision, ST_YMax(v.area)::float8 as top
          from villages v where v.code = any(${sql.param(r.villages)}::bpchar[]) and ${districtScopeSql(actor.scope, sql`v.district_code`)}
          order by v.code for update`,
    );
  } catch (err) {
    throw queryFailed('locking the communities', err);
  }
  if (locked.length !== r.villages.length) {
    const missing = r.villages.find((v) => !locked.some((l) => l.code === v))!;
    throw outOfScope({ what: 'village or community', id: missing }, actor.scope, missing.slice(0, 6));
  }
  const stale = locked.filter((l) => (input.base[l.code] ?? -1) !== l.revision);
  if (stale.length) throw await staleRefusal(db, stale.map((l) => ({ code: l.code, base: input.base[l.code] ?? -1 })));
  // the cells themselves (a base can be right while a row moved: checked anyway), in one statement
  const asRead = input.changes.flatMap((c) => (c.op === 'add' ? [] : [c]));
  const current = await rows<{ id: number; version: number; current: boolean; code: string }>(
    db,
    sql`select id, version, (valid_to is null) as current, code::text as code from unit_grids where id = any(${sql.param(asRead.map((c) => c.id))}::int[]) for update`,
  );
  for (const c of asRead) {
    const t = current.find((x) => x.id === c.id);
    if (!t?.current || t.version !== c.version) throw refuse('CONFLICT', 'grid.changedMeanwhile', { code: t?.code ?? String(c.id), current: t?.current ? t.version : '—' });
  }
  const problems = await checkCells(db, rules, r.subjects, r.gone, r.checked);
  if (problems.length) {
    const first = problems[0];
    throw refuse('BAD_REQUEST', 'grid.draftInvalid', { count: problems.length, first: messageOf(first.reason, first.params, 'zh') ?? first.reason });
  }
  return writeDraft(db, actor, input, r, locked, now, notify);
}

async function staleRefusal(db: Db, stale: { code: string; base: number }[]) {
  const since = await rows<{ village_code: string; revision: number; at: string; who: string | null; written: string[]; retired: string[] }>(
    db,
    sql`select g.village_code::text as village_code, g.revision, to_char(g.at at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') as at, u.display_name as who, g.written, g.retired
        from grid_changes g left join users u on u.id = g.user_id
        join unnest(${sql.param(stale.map((s) => s.code))}::text[], ${sql.param(stale.map((s) => s.base))}::int[]) as s(code, base) on s.code = g.village_code and g.revision > s.base
        order by g.at, g.id limit 20`,
  );
  const changes = since.map((c) => `${c.at} ${c.who ?? '—'}: +${c.written.join('/') || '0'} −${c.retired.join('/') || '0'}`).join('; ') || '—';
  return refuse('CONFLICT', 'grid.stale', { villages: stale.map((s) => s.code).join(', '), changes: changes.slice(0, 400) });
}

/** A responsibility grid a cell is given to must be one of the draft's district. */
async function checkResponsibilityGrids(db: Db, districtCode: string, ids: number[]): Promise<void> {
  if (!ids.length) return;
  const found = await rows<{ id: number }>(db, sql`select id from responsibility_grids where id = any(${sql.param(ids)}::int[]) and district_code = ${districtCode}`);
  const missing = ids.find((id) => !found.some((f) => f.id === id));
  if (missing !== undefined) throw refuse('BAD_REQUEST', 'grid.otherDistrict', { code: `R${missing}`, district: districtCode });
}

/** Writes the versions of a checked draft (caller holds the community locks). */
async function writeDraft(db: Db, actor: Actor, input: PublishInput, r: Resolved, locked: { code: string; revision: number; top: number }[], now: Date, notify: Notify) {
  const at = now.toISOString();
  const userId = actor.kind === 'user' ? actor.id : null;
  const updates = input.changes.filter((c): c is Extract<GridChange, { op: 'update' }> => c.op === 'update');
  const adds = input.changes.filter((c): c is Extract<GridChange, { op: 'add' }> => c.op === 'add');
  // 1. retire what the draft replaces or retires
  const retired = await rows<{ id: number }>(
    db,
    sql`update unit_grids set valid_to = ${at}::timestamptz, status = 'retired' where id = any(${sql.param(r.replaced)}::int[]) and valid_to is null returning id`,
  );
  if (retired.length !== r.replaced.length) throw refuse('CONFLICT', 'grid.changedMeanwhile', { code: '—', current: '—' });
  const written: { ref: string; id: number; code: string; version: number }[] = [];
  // 2. updates: the same code, the next version
  if (updates.length) {
    const attr = (c: { attributes?: CellAttributes }, k: 'landUse' | 'managementLevel' | 'responsibleParty') => (c.attributes && k in c.attributes ? c.attributes[k] ?? '' : null);
    await checkResponsibilityGrids(db, input.districtCode, updates.flatMap((c) => (c.attributes?.responsibilityGridId ? [c.attributes.responsibilityGridId] : [])));
    const rowsOut = await rows<{ id: number; code: string; version: number; old: number }>(
      db,
      sql`insert into unit_grids (code, version, status, valid_from, village_code, township_code, district_code, responsibility_grid_id, area_m2, geom,
                                  land_use, management_level, responsible_party, published_by)
          select o.code, o.version + 1, 'active', ${at}::timestamptz, o.village_code, o.township_code, o.district_code, coalesce(x.rg, o.responsibility_grid_id),
                 ${sphereArea(sql`n.g`)}, n.g,
                 case when x.land_use is null then o.land_use else nullif(x.land_use, '') end,
                 case when x.level is null then o.management_level else nullif(x.level, '') end,
                 case when x.party is null then o.responsible_party else nullif(x.party, '') end,
                 ${userId}
          from unnest(${sql.param(updates.map((c) => c.id))}::int[], ${sql.param(updates.map((c) => (c.geometry ? JSON.stringify(c.geometry) : null)))}::text[],
                      ${sql.param(updates.map((c) => attr(c, 'landUse')))}::text[], ${sql.param(updates.map((c) => attr(c, 'managementLevel')))}::text[],
                      ${sql.param(updates.map((c) => attr(c, 'responsibleParty')))}::text[],
                      ${sql.param(updates.map((c) => c.attributes?.responsibilityGridId ?? null))}::int[]) as x(id, gj, land_use, level, party, rg)
          join unit_grids o on o.id = x.id
          cross join lateral (select case when x.gj is null then o.geom else ${cellFromGeoJson(sql`x.gj`)} end as g) n
          returning id, code::text as code, version, 0 as old`,
    );
    if (rowsOut.length !== updates.length) throw refuse('BAD_REQUEST', 'grid.geometryFailed', { what: 'writing the changed cells' });
    for (const c of updates) {
      const t = r.targets.get(c.id)!;
      const w = rowsOut.find((x) => x.code === t.code)!;
      written.push({ ref: changeRef(c), id: w.id, code: w.code, version: w.version });
    }
  }
  // 3. adds: the next free serials of each community, in the numbering order among the new cells
  if (adds.length) {
    const centres = await rows<{ key: string; x: number; y: number; m2: number }>(
      db,
      sql`select x.key, ST_X(ST_PointOnSurface(g))::float8 as x, ST_Y(ST_PointOnSurface(g))::float8 as y, ${sphereArea(sql`g`)}::float8 as m2
          from unnest(${sql.param(adds.map((a) => a.key))}::text[], ${sql.param(adds.map((a) => JSON.stringify(a.geometry)))}::text[]) as x(key, gj)
          cross join lateral (select ${cellFromGeoJson(sql`x.gj`)} as g) c`,
    );
    await checkResponsibilityGrids(db, input.districtCode, adds.flatMap((a) => (a.attributes?.responsibilityGridId ? [a.attributes.responsibilityGridId] : [])));
    if (centres.length !== adds.length) throw refuse('BAD_REQUEST', 'grid.geometryFailed', { what: 'placing the new cells' });
    const serials = await rows<{ village: string; top: number }>(
      db,
      sql`select v.code::text as village, coalesce(max(substr(u.code, 13, 3)::int), 0) as top
          from villages v left join unit_grids u on u.village_code = v.code
          where v.code = any(${sql.param([...new Set(adds.map((a) => a.villageCode))])}::bpchar[]) group by v.code`,
    );
    const codes = new Map<string, string>();
    for (const s of serials) {
      const own = centres.filter((c) => adds.some((a) => a.key === c.key && a.villageCode === s.village));
      const top = locked.find((l) => l.code === s.village)!.top;
      const rowHeight = Math.sqrt(own.reduce((m, c) => m + c.m2, 0) / own.length) / 111_320;
      own.sort(gridNumbering(top, rowHeight));
      own.forEach((c, i) => {
        const serial = s.top + i + 1;
        if (serial > MAX_GRID_SERIAL) throw refuse('BAD_REQUEST', 'grid.serialsExhausted', { village: s.village });
        codes.set(c.key, gridCode(s.village, serial));
      });
    }
    const added = await rows<{ id: number; code: string; version: number }>(
      db,
      sql`insert into unit_grids (code, version, status, valid_from, village_code, township_code, district_code, responsibility_grid_id, area_m2, geom,
                                  land_use, management_level, responsible_party, published_by)
          select x.code, 1, 'active', ${at}::timestamptz, v.code, v.township_code, v.district_code,
                 -- the one asked for, else the responsibility grid of the cell it covers most (the retired one it came from, or a neighbour)
                 coalesce(x.rg, (select u.responsibility_grid_id from unit_grids u
                  where u.village_code = v.code and (u.valid_to is null or u.id = any(${sql.param(r.gone)}::int[])) and u.geom && n.g and u.responsibility_grid_id is not null
                  order by ST_Area(ST_Intersection(u.geom, n.g)) desc, ST_Distance(u.geom, n.g), u.id limit 1)),
                 ${sphereArea(sql`n.g`)}, n.g, nullif(x.land_use, ''), nullif(x.level, ''), nullif(x.party, ''), ${userId}
          from unnest(${sql.param(adds.map((a) => codes.get(a.key)!))}::text[], ${sql.param(adds.map((a) => a.villageCode))}::text[],
                      ${sql.param(adds.map((a) => JSON.stringify(a.geometry)))}::text[], ${sql.param(adds.map((a) => a.attributes?.landUse ?? null))}::text[],
                      ${sql.param(adds.map((a) => a.attributes?.managementLevel ?? null))}::text[], ${sql.param(adds.map((a) => a.attributes?.responsibleParty ?? null))}::text[],
                      ${sql.param(adds.map((a) => a.attributes?.responsibilityGridId ?? null))}::int[])
               as x(code, village, gj, land_use, level, party, rg)
          join villages v on v.code = x.village
          cross join lateral (select ${cellFromGeoJson(sql`x.gj`)} as g) n
          returning id, code::text as code, version`,
    );
    if (added.length !== adds.length) throw refuse('BAD_REQUEST', 'grid.geometryFailed', { what: 'writing the new cells' });
    for (const a of adds) {
      const w = added.find((x) => x.code === codes.get(a.key))!;
      written.push({ ref: a.key, id: w.id, code: w.code, version: w.version });
    }
  }
  // 4. the communities' revisions and the log
  const byVillage = new Map<string, { written: string[]; retired: string[] }>(r.villages.map((v) => [v, { written: [], retired: [] }]));
  for (const w of written) byVillage.get(w.code.slice(0, 12))?.written.push(w.code);
  for (const id of r.replaced) {
    const t = r.targets.get(id)!;
    if (!updates.some((u) => u.id === id)) byVillage.get(t.village_code)?.retired.push(t.code);
  }
  await db.execute(sql`update villages set grid_revision = grid_revision + 1 where code = any(${sql.param(r.villages)}::bpchar[])`);
  await db.execute(
    sql`insert into grid_changes (village_code, revision, at, user_id, note, written, retired)
        select v.code, v.grid_revision, ${at}::timestamptz, ${userId}, ${input.note}, string_to_array(x.w, ','), string_to_array(x.r, ',')
        from unnest(${sql.param([...byVillage.keys()])}::text[], ${sql.param([...byVillage.values()].map((b) => b.written.join(',')))}::text[],
                    ${sql.param([...byVillage.values()].map((b) => b.retired.join(',')))}::text[]) as x(code, w, r)
        join villages v on v.code = x.code`,
  );
  // 5. the responsibility grids' outlines (unions of their current cells)
  const rgs = await rows<{ id: number }>(
    db,
    sql`select distinct responsibility_grid_id as id from unit_grids
        where responsibility_grid_id is not null and (id = any(${sql.param(r.replaced)}::int[]) or id = any(${sql.param(written.map((w) => w.id))}::int[]))`,
  );
  if (rgs.length) {
    const redrawn = await rows<{ id: number }>(
      db,
      sql`update responsibility_grids r set geom = coalesce(
            (select ST_Multi(ST_CollectionExtract(ST_Union(u.geom), 3)) from unit_grids u where u.valid_to is null and u.responsibility_grid_id = r.id),
            ST_SetSRID('MULTIPOLYGON EMPTY'::geometry, 4326))
          where r.id = any(${sql.param(rgs.map((g) => g.id))}::int[]) returning r.id`,
    );
    if (redrawn.length !== rgs.length) throw refuse('BAD_REQUEST', 'grid.geometryFailed', { what: 'redrawing the responsibility grids' });
  }
  // 6. open site visits of retired cells go to the patrol staff of the cell that now holds the case
  const moved = await moveSiteVisits(db, actor, r.replaced, now, notify);
  // 7. announce (delivered at commit)
  await notify(db, GRID_CELL_EVENTS_CHANNEL, JSON.stringify({ districtCode: input.districtCode, villageCodes: r.villages, at }));
  return { written, retired: r.replaced, revisions: Object.fromEntries(locked.map((l) => [l.code, l.revision + 1])), siteVisitsMoved: moved };
}

/** Site visits (verify, check) of cases filed in a retired cell: to the patrol of the current cell at the case's point. */
async function moveSiteVisits(db: Db, actor: Actor, gone: number[], now: Date, notify: Notify): Promise<number> {
  if (!gone.length) return 0;
  const open = await rows<{ id: number; status: string; assignee: number | null; cell: number | null }>(
    db,
    sql`select c.id::int as id, c.status, c.assignee_user_id as assignee,
               (select u.id from unit_grids u where u.valid_to is null and ST_DWithin(u.geom, c.geom, 1e-9) order by u.code limit 1) as cell
        from cases c where c.unit_grid_id = any(${sql.param(gone)}::int[]) and c.status in ('verifying', 'handled')
        order by c.id for update of c`,
  );
  let n = 0;
  for (const c of open) {
    const person = await taskAssignee(db, c.cell, taskPermission(c.status));
    if (!person || person.id === c.assignee) continue;
    await db.execute(sql`update cases set assignee_user_id = ${person.id}, version = version + 1 where id = ${c.id}`);
    await appendEvent(db, notify, c.id, { name: actor.displayName, roleCode: actor.roleCode }, now, {
      type: 'assign', from: c.status as never, to: c.status as never, reason: '单元网格调整（grid changed）',
      payload: { assigneeId: person.id, assignee: person.displayName, previousAssigneeId: c.assignee, gridChange: true },
    });
    n++;
  }
  return n;
}

// ---- previews and reads

/** A cell a split or a merge works on: a published one (id and version) or one of the draft (its geometry). */
export type CellOperand = { id: number; version: number } | { geometry: CellGeometry };

const operandSql = (c: CellOperand) =>
  'geometry' in c ? sql`(select ${cellFromGeoJson(sql`${JSON.stringify(c.geometry)}::text`)} as geom, null::int as id)` : sql`(select u.geom, u.id from unit_grids u where u.id = ${c.id})`;

/**
 * The pieces of a cell cut by a line, north to south, west to east (not written: the draft retires
 * the cell and adds them). The cell is a published one (id and version: CONFLICT when it changed
 * meanwhile) or one of the draft, not yet published (its geometry).
 */
export async function splitPreview(db: Db, scope: Scope, input: CellOperand & { line: [number, number][] }) {
  const line = JSON.stringify({ type: 'LineString', coordinates: input.line });
  const published = 'id' in input ? input : null;
  let out: { current: boolean | null; version: number | null; district: string | null; pieces: string[] | null }[];
  try {
    out = await rows(
      db,
      sql`select ${published ? sql`(u.valid_to is null)` : sql`true`} as current, ${published ? sql`u.version` : sql`null::int`} as version,
                 ${published ? sql`u.district_code::text` : sql`null::text`} as district,
                 (select array_agg(ST_AsGeoJSON(d.geom, 15) order by ST_Y(ST_PointOnSurface(d.geom)) desc, ST_X(ST_PointOnSurface(d.geom)))
                  from ST_Dump(ST_CollectionExtract(ST_Split(ST_GeometryN(c.geom, 1), ST_SetSRID(ST_GeomFromGeoJSON(${line}), 4326)), 3)) d) as pieces
          from ${operandSql(input)} c ${published ? sql`join unit_grids u on u.id = c.id` : sql``}
          union all select null, null, null, null`,
    );
  } catch (err) {
    throw geometryError('the split', err);
  }
  if (!out.length || out[out.length - 1].current !== null) throw geometryError('the split');
  if (out.length !== 2) {
    if (published && out.length === 1) throw refuse('NOT_FOUND', 'notFound', { what: 'unit grid', id: published.id });
    throw geometryError('the split');
  }
  const c = out[0];
  if (published) {
    if (!districtInScope(scope, c.district!)) throw outOfScope({ what: 'unit grid', id: published.id }, scope, c.district);
    if (!c.current || c.version !== published.version) throw refuse('CONFLICT', 'grid.changedMeanwhile', { code: String(published.id), current: c.current ? c.version! : '—' });
  }
  if (!c.pieces || c.pieces.length < 2) throw refuse('BAD_REQUEST', 'grid.splitMiss');
  return { pieces: c.pieces.map((p) => JSON.parse(p) as CellGeometry) };
}

/**
 * The union of adjacent cells of one community (sharing an edge, not a corner), not written. Each
 * is a published cell (its id: all current, one community, in scope) or one of the draft (its
 * geometry: the draft's publish checks where it lies).
 */
export async function mergePreview(db: Db, scope: Scope, input: { ids: number[]; geometries?: CellGeometry[] }) {
  const geometries = input.geometries ?? [];
  const shapes = sql`(select u.geom, u.village_code, u.district_code, (u.valid_to is null) as current from unit_grids u where u.id = any(${sql.param(input.ids)}::int[])
                      union all select ${cellFromGeoJson(sql`x.gj`)}, null, null, true from unnest(${sql.param(geometries.map((g) => JSON.stringify(g)))}::text[]) as x(gj))`;
  let out: { n: number; villages: number; current: number; district: string | null; parts: number | null; geojson: string | null }[];
  try {
    out = await rows(
      db,
      sql`select count(*)::int as n, count(distinct village_code)::int as villages, count(*) filter (where current)::int as current,
                 min(district_code)::text as district, ST_NumGeometries(ST_Union(geom)) as parts, ST_AsGeoJSON(ST_Union(geom), 15) as geojson
          from ${shapes} s`,
    );
  } catch (err) {
    throw geometryError('the merge', err);
  }
  const m = out[0];
  if (!m) throw geometryError('the merge');
  if (m.n !== input.ids.length + geometries.length) throw refuse('NOT_FOUND', 'notFound', { what: 'unit grid', id: input.ids.join(', ') });
  if (input.ids.length && !districtInScope(scope, m.district!)) throw outOfScope({ what: 'unit grid', id: input.ids.join(', ') }, scope, m.district);
  if (m.current !== m.n) throw refuse('CONFLICT', 'grid.changedMeanwhile', { code: input.ids.join(', '), current: '—' });
  if (m.villages > 1 || m.parts !== 1 || !m.geojson) throw refuse('BAD_REQUEST', 'grid.mergeApart');
  const g = JSON.parse(m.geojson) as CellGeometry;
  return { geometry: g.type === 'MultiPolygon' ? ({ type: 'Polygon', coordinates: g.coordinates[0] } as CellGeometry) : g };
}

/** Every version of a code, oldest first. */
export async function cellHistory(db: Db, code: string) {
  let list;
  try {
    list = await rows<{ id: number; version: number; status: string; valid_from: string; valid_to: string | null; area_m2: number; who: string | null; geojson: string }>(
      db,
      sql`select u.id, u.version, u.status, to_char(u.valid_from at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as valid_from,
                 to_char(u.valid_to at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as valid_to, u.area_m2::float8 as area_m2, p.display_name as who,
                 ST_AsGeoJSON(u.geom, 9) as geojson
          from unit_grids u left join users p on p.id = u.published_by where u.code = ${code} order by u.version limit 200`,
    );
  } catch (err) {
    throw queryFailed('the history of a unit grid', err);
  }
  if (!list.length) throw refuse('NOT_FOUND', 'notFound', { what: 'unit grid', id: code });
  return {
    code,
    versions: list.map((v) => ({ id: v.id, version: v.version, status: v.status, validFrom: v.valid_from, validTo: v.valid_to, areaM2: v.area_m2, publishedBy: v.who, geometry: JSON.parse(v.geojson) as CellGeometry })),
  };
}

/** A district's current cells as a GeoJSON FeatureCollection (codes and the standard's attributes). */
export async function exportDistrict(db: Db, districtCode: string) {
  let list;
  try {
    list = await rows<{ id: number; code: string; version: number; village_code: string; valid_from: string; area_m2: number; land_use: string | null; management_level: string | null; responsible_party: string | null; rg: string | null; geojson: string }>(
      db,
      sql`select u.id, u.code::text as code, u.version, u.village_code::text as village_code, to_char(u.valid_from at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as valid_from,
                 u.area_m2::float8 as area_m2, u.land_use, u.management_level, u.responsible_party, r.code as rg, ST_AsGeoJSON(u.geom, 15) as geojson
          from unit_grids u left join responsibility_grids r on r.id = u.responsibility_grid_id
          where ${currentGrid('u')} and u.district_code = ${districtCode} order by u.code`,
    );
  } catch (err) {
    throw queryFailed('the export of a district', err);
  }
  return {
    type: 'FeatureCollection' as const,
    features: list.map((c) => ({
      type: 'Feature' as const,
      id: c.code,
      properties: { code: c.code, version: c.version, villageCode: c.village_code, validFrom: c.valid_from, areaM2: Math.round(c.area_m2 * 10) / 10, landUse: c.land_use, managementLevel: c.management_level, responsibleParty: c.responsible_party, responsibilityGrid: c.rg },
      geometry: JSON.parse(c.geojson) as CellGeometry,
    })),
  };
}

export interface ImportFeature {
  code?: string | null;
  geometry: CellGeometry;
  attributes?: CellAttributes;
}

/**
 * A desktop-GIS file of a district's cells turned into a draft: each vertex within `toleranceM`
 * metres of a vertex of the community boundaries or of the current cells around is moved onto
 * it, else onto the nearest such line (so a file's loose edges meet the boundary exactly), then a feature naming a current code of the district updates that cell, any other
 * is added to the community holding its inner point. Returns the changes, what was snapped
 * (vertices moved per feature) and the problems the draft still has; nothing is written.
 */
export async function importPreview(db: Db, scope: Scope, rules: GridRules, input: { districtCode: string; features: ImportFeature[]; toleranceM: number }) {
  const tolDeg = input.toleranceM / 111_320;
  const gj = input.features.map((f) => JSON.stringify(f.geometry));
  let out: { n: number; code: string | null; id: number | null; version: number | null; village: string | null; moved: number; geojson: string | null }[];
  try {
    out = await rows(
      db,
      sql`with f as materialized (
            select x.n, x.code, ${cellFromGeoJson(sql`x.gj`)} as g
            from unnest(${sql.param(gj)}::text[], ${sql.param(input.features.map((f) => f.code ?? null))}::text[]) with ordinality as x(gj, code, n)),
          -- what vertices snap to: the community boundaries and the current cells around (not those the file replaces)
          ref as materialized (
            select ST_Collect(b.g) as lines, ST_Collect(p.geom) as points
            from (select ST_Boundary(v.area) as g from villages v
                  where v.area is not null and v.area && (select ST_Expand(ST_Envelope(ST_Collect(g)), ${tolDeg}::float8) from f)
                  union all
                  select ST_Boundary(u.geom) from unit_grids u
                  where u.valid_to is null and u.geom && (select ST_Expand(ST_Envelope(ST_Collect(g)), ${tolDeg}::float8) from f)
                    and not exists (select 1 from f where f.code = u.code)) b
            cross join lateral ST_DumpPoints(b.g) p),
          -- each vertex: onto the nearest reference vertex within the tolerance, else onto the nearest reference line, else kept
          pts as (
            select f.n, d.path[1] as ring, d.path[2] as idx, d.geom as p,
                   case when ST_DWithin(d.geom, r.points, ${tolDeg}::float8) then ST_ClosestPoint(r.points, d.geom)
                        when ST_DWithin(d.geom, r.lines, ${tolDeg}::float8) then ST_ClosestPoint(r.lines, d.geom)
                        else d.geom end as q
            from f cross join ref r cross join lateral ST_DumpPoints(ST_GeometryN(f.g, 1)) d),
          rings as (select n, ring, ST_MakeLine(array_agg(q order by idx)) as line, count(*) filter (where not ST_Equals(p, q) and idx > 1)::int as moved from pts group by n, ring),
          snapped as (
            select f.n, f.code,
                   ST_Multi(ST_MakePolygon((select line from rings r where r.n = f.n and r.ring = 1),
                                           array(select line from rings r where r.n = f.n and r.ring > 1 order by r.ring))) as g,
                   (select sum(moved)::int from rings r where r.n = f.n) as moved
            from f)
          select s.n::int as n, s.code, u.id, u.version,
                 coalesce(u.village_code::text, (select v.code::text from villages v where v.area is not null and ST_Intersects(v.area, ST_PointOnSurface(s.g)) order by v.code limit 1)) as village,
                 s.moved,
                 ST_AsGeoJSON(s.g, 15) as geojson
          from snapped s left join unit_grids u on u.code = s.code and u.valid_to is null and u.district_code = ${input.districtCode}
          order by s.n`,
    );
  } catch (err) {
    throw geometryError('the import', err);
  }
  if (out.length !== input.features.length) throw refuse('BAD_REQUEST', 'grid.geometryFailed', { what: 'the import' });
  const changes: GridChange[] = [];
  const snapped: { ref: string; vertices: number }[] = [];
  for (const o of out) {
    const f = input.features[o.n - 1];
    const geometry = JSON.parse(o.geojson!) as CellGeometry;
    if (o.id !== null) changes.push({ op: 'update', id: o.id, version: o.version!, geometry, ...(f.attributes ? { attributes: f.attributes } : {}) });
    else {
      if (!o.village) throw refuse('BAD_REQUEST', 'grid.importOutside', { n: o.n });
      changes.push({ op: 'add', key: `import-${o.n}`, villageCode: o.village, geometry, ...(f.attributes ? { attributes: f.attributes } : {}) });
    }
    if (o.moved) snapped.push({ ref: changeRef(changes[changes.length - 1]), vertices: o.moved });
  }
  const base = Object.fromEntries(
    (await rows<{ code: string; revision: number }>(db, sql`select code::text as code, grid_revision as revision from villages where district_code = ${input.districtCode} and area is not null`)).map((v) => [v.code, v.revision]),
  );
  const { problems } = await validateDraft(db, scope, rules, { districtCode: input.districtCode, base, changes });
  return { changes, snapped, problems, base };
}
