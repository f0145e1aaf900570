// Which version of a unit grid is in force, said once for routing, feeds, search and the editor
// (docs/decisions/0027-grid-editor.md): a version holds from valid_from (inclusive) to valid_to
// (exclusive); the current one has no valid_to (and status 'active': a constraint keeps the two
// in step). Cases keep the row they were filed in; routing at an instant uses the row valid then.
import { sql, type SQL } from 'drizzle-orm';

/** `<alias>` is the version in force now. */
export const currentGrid = (alias: string): SQL => sql`${sql.raw(alias)}.valid_to is null`;

/** `<alias>` was the version in force at `at`. */
export const gridValidAt = (alias: string, at: Date): SQL =>
  sql`(${sql.raw(alias)}.valid_from <= ${at.toISOString()}::timestamptz and (${sql.raw(alias)}.valid_to is null or ${sql.raw(alias)}.valid_to > ${at.toISOString()}::timestamptz))`;
