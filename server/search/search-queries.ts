// Search by case code, unit-grid code or place name. Every branch is an indexed lookup or a scan
// of a small table (places, compounds, clinics: a few thousand rows); the 140k cases are only
// touched through the unique index on cases.code.
import { caseScopeSql, NOWHERE, type Scope } from '../auth/actor.ts';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { toBbox, type Bbox } from '../geo/bbox.ts';
import { extentColumns } from '../geo/bbox-sql.ts';
import { queryFailed } from '../query-error.ts';
import { currentGrid } from '../grids/grid-validity.ts';

export type SearchKind = 'case' | 'grid' | 'responsibilityGrid' | 'district' | 'township' | 'village' | 'community' | 'clinic';

export interface SearchHit {
  kind: SearchKind;
  /** The id the layer feeds use: the database id, or for districts, townships and villages
   *  (keyed by code) the feature index in code order, as in their feeds. */
  id: number;
  code: string;
  label: string;
  labelEn: string | null;
  bbox: Bbox;
}

type Row = { kind: SearchKind; id: number; code: string; label: string; label_en: string | null; w: number; s: number; e: number; n: number };

/** `caseScope`: the cases the asker may see (NOWHERE for a role that may not read cases). */
export async function search(db: Db, q: string, limit: number, caseScope: Scope): Promise<SearchHit[]> {
  const hits: Row[] = [];
  try {
    // a case by its exact code (codes are stored upper-case; the unique index answers)
    if (caseScope !== NOWHERE) {
      hits.push(
        ...(await rows<Row>(
          db,
          sql`select 'case' as kind, c.id::int as id, c.code, c.code as label, null as label_en, ${extentColumns(sql`c.geom`)}
              from cases c where c.code in (${q}, ${q.toUpperCase()}) and ${caseScopeSql(caseScope)}`,
        )),
      );
    }
    // unit grids by code prefix (6+ digits: at least a district)
    if (/^\d{6,15}$/.test(q)) {
      hits.push(
        ...(await rows<Row>(
          db,
          sql`select 'grid' as kind, id, code::text as code, code::text as label, null as label_en, ${extentColumns(sql`geom`)}
              from unit_grids g where ${currentGrid('g')} and code::text like ${`${q}%`} order by code limit ${limit}`,
        )),
      );
    }
    // places, compounds, clinics and responsibility grids by name (exact first, then shorter)
    const needle = q.toLowerCase();
    const has = (col: ReturnType<typeof sql>) => sql`strpos(lower(${col}), ${needle}) > 0`;
    hits.push(
      ...(await rows<Row>(
        db,
        sql`select kind, id, code, label, label_en, w, s, e, n from (
              select 'district' as kind, (row_number() over (order by code) - 1)::int as id, code::text as code, name as label, name_en as label_en,
                     ${extentColumns(sql`geom`)}, 1 as k from districts
              union all
              select 'township', (row_number() over (order by code) - 1)::int, code::text, name, null, ${extentColumns(sql`geom`)}, 2 from townships
              union all
              select 'village', (row_number() over (order by code) - 1)::int, code::text, name, null, ${extentColumns(sql`coalesce(area, geom)`)}, 3 from villages
              union all
              select 'community', id, id::text, name, null, ${extentColumns(sql`geom`)}, 4 from property_communities where ${has(sql`name`)}
              union all
              select 'clinic', id, code, name, null, ${extentColumns(sql`geom`)}, 5 from clinics where ${has(sql`name`)}
              union all
              select 'responsibilityGrid', id, code, name, null, ${extentColumns(sql`geom`)}, 6 from responsibility_grids where ${has(sql`name`)} or ${has(sql`code`)}
            ) x
            where ${has(sql`label`)} or ${has(sql`coalesce(label_en, '')`)} or (kind = 'responsibilityGrid')
            order by (lower(label) = ${needle} or lower(coalesce(label_en, '')) = ${needle}) desc, length(label), k, code
            limit ${limit}`,
      )),
    );
  } catch (err) {
    throw queryFailed('search', err);
  }
  return hits.slice(0, limit).map((h) => ({ kind: h.kind, id: h.id, code: h.code, label: h.label, labelEn: h.label_en, bbox: toBbox(h)! }));
}
