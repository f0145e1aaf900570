// A cheap data stamp for a layer's feed cache: per table, the row count and the newest row
// version (xmin, the id of the transaction that last wrote a row). An insert or update raises
// the max xmin, a delete changes the count. No geometry is read. `tables` are identifiers from
// our own code, never user input.
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/engine.ts';
import { queryFailed } from '../query-error.ts';

export async function tableStamp(db: Db, tables: string[]): Promise<string> {
  const parts = tables.map((t) => sql`(select concat(count(*), '/', max(xmin::text::bigint)) from ${sql.identifier(t)})`);
  try {
    const [r] = await rows<{ stamp: string }>(db, sql`select concat_ws(':', ${sql.join(parts, sql`, `)}) as stamp`);
    return r.stamp;
  } catch (err) {
    throw queryFailed(`data stamp of ${tables.join(', ')}`, err);
  }
}
