// Typed PostGIS geometry columns for drizzle. drizzle's built-in geometry() ignores SRID and
// type (see docs/decisions/0002-geometry-columns.md), so every geometry column here is declared
// through this helper: SRID 4326 (WGS-84, lng/lat degrees) and an explicit geometry type.
// Values are read with ST_AsGeoJSON in queries; the column value itself stays hex EWKB.
import { customType } from 'drizzle-orm/pg-core';

export type GeometryKind = 'Point' | 'Polygon' | 'MultiPolygon' | 'Geometry';

export function geometry(name: string, kind: GeometryKind) {
  return customType<{ data: string; driverData: string }>({
    dataType: () => `geometry(${kind},4326)`,
  })(name);
}
