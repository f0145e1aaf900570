// The area of a unit grid, one measure for the seed, the editor's checks and the browser (turf):
// m² on the sphere of radius 6,371,008.8 m, as the planar area in degrees scaled at the shape's
// middle latitude (exact to well under 0.01 % for a cell or a community). Not ST_Area(geography):
// on the spheroid it differs from turf's sphere by 0.2 % at Zhangzhou's latitude, and with
// use_spheroid = false its spherical excess loses all precision on the thin slivers an overlap or a
// gap check measures (a 1e-12 deg² sliver read as 46,000 m²).
import { sql, type SQL } from 'drizzle-orm';

const M2_PER_DEG2 = ((Math.PI / 180) * 6_371_008.8) ** 2;

export const sphereArea = (g: SQL) => sql`(ST_Area(${g}) * ${M2_PER_DEG2}::float8 * cos(radians((ST_YMin(${g}) + ST_YMax(${g})) / 2)))`;
