// The live hub's channels, one per domain, and how a domain announces a published change: a
// NOTIFY inside the change's own transaction (delivered at commit, never after a rollback). The
// payload is a hint: what changed and where, never a person's name.
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/engine.ts';
import { CASE_EVENTS_CHANNEL } from '../dispatch/case-engine.ts';

export { CASE_EVENTS_CHANNEL };
export const GRID_EVENTS_CHANNEL = 'grid_events';
/** The grid editor's publishes (server/grids/grid-edit-queries.ts): the district and communities whose unit grids changed. */
export const GRID_CELL_EVENTS_CHANNEL = 'grid_cell_events';
export const COMMUNITY_EVENTS_CHANNEL = 'community_events';

/** Announces a responsibility grid's change (its id, district, new version), in `db`'s transaction. */
export async function announceGrid(db: Db, id: number): Promise<void> {
  await db.execute(
    sql`select pg_notify(${GRID_EVENTS_CHANNEL}, json_build_object('id', r.id, 'districtCode', r.district_code::text, 'version', r.version)::text)
        from responsibility_grids r where r.id = ${id}`,
  );
}

/** Announces a compound's change (its id, district, new version), in `db`'s transaction. */
export async function announceCommunity(db: Db, id: number): Promise<void> {
  await db.execute(
    sql`select pg_notify(${COMMUNITY_EVENTS_CHANNEL}, json_build_object('id', p.id, 'districtCode', substr(p.village_code, 1, 6), 'version', p.version)::text)
        from property_communities p where p.id = ${id}`,
  );
}
