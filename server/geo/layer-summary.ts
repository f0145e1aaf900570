// Count and extent of one spatial table: the first thing every layer's router returns.
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { toBbox, type Bbox } from './bbox.ts';
import { queryFailed } from '../query-error.ts';

export interface LayerSummary {
  count: number;
  bbox: Bbox | null;
}

/** `table` and `geom` are identifiers from our own code, never user input. */
export async function layerSummary(db: Db, table: string, geom = 'geom', where: SQL = sql`true`): Promise<LayerSummary> {
  try {
    const [r] = await rows<{ count: number; w: number | null; s: number | null; e: number | null; n: number | null }>(
      db,
      sql`select x.count, ST_XMin(x.b)::float8 as w, ST_YMin(x.b)::float8 as s, ST_XMax(x.b)::float8 as e, ST_YMax(x.b)::float8 as n
          from (select count(*)::int as count, ST_Extent(${sql.identifier(geom)})::geometry as b from ${sql.identifier(table)} where ${where}) x`,
    );
    return r ? { count: r.count, bbox: toBbox(r) } : { count: 0, bbox: null };
  } catch (err) {
    throw queryFailed(`summary of ${table}`, err);
  }
}
