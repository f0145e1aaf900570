// SQL fragments for a feature's extent and a point to fly to (WGS-84 degrees), read with
// toBbox() from bbox.ts: columns w, s, e, n, lng, lat.
import { sql, type SQL } from 'drizzle-orm';

/** `geom` is an expression from our own code, never user input. */
export const extentColumns = (geom: SQL) =>
  sql`ST_XMin(${geom})::float8 as w, ST_YMin(${geom})::float8 as s, ST_XMax(${geom})::float8 as e, ST_YMax(${geom})::float8 as n`;

/** A point inside the feature (ST_PointOnSurface), as lng/lat. */
export const labelColumns = (geom: SQL) => sql`ST_X(ST_PointOnSurface(${geom}))::float8 as lng, ST_Y(ST_PointOnSurface(${geom}))::float8 as lat`;
