// Coordinate systems of what people send us, and the one we store. Chinese map apps and phone
// SDKs report positions in GCJ-02 (the state's obfuscated datum, a shift of ~490 m near
// Zhangzhou) or Baidu's BD-09 on top of it; GPS receivers, our database and our map speak
// WGS-84. Every position is converted once, on the way in, through gcoord (the registry
// package; pure, no network), and the stored geometry is always WGS-84 — the raw position and
// its system are kept beside it (cases.orig_lng/orig_lat/orig_crs). Pure: used by the server,
// the generator and the browser alike. Outside China gcoord leaves positions as they are (the
// GCJ-02 shift applies only inside the country).
import gcoord from 'gcoord';

/** The systems an input may name, as the API spells them. WGS-84 is the default. */
export const INPUT_CRS = ['wgs84', 'gcj02', 'bd09'] as const;
export type InputCrs = (typeof INPUT_CRS)[number];

/** As stored in cases.orig_crs. */
export const STORED_CRS = { wgs84: 'WGS84', gcj02: 'GCJ02', bd09: 'BD09' } as const satisfies Record<InputCrs, string>;

const GCOORD = { wgs84: gcoord.WGS84, gcj02: gcoord.GCJ02, bd09: gcoord.BD09 } as const;

export type LngLat = [lng: number, lat: number];

/** A position in `from` as WGS-84 (unchanged for WGS-84). */
export function toWgs84(position: LngLat, from: InputCrs): LngLat {
  if (from === 'wgs84') return [position[0], position[1]];
  const [lng, lat] = gcoord.transform([position[0], position[1]], GCOORD[from], gcoord.WGS84);
  return [lng, lat];
}

/** A WGS-84 position as `to` would report it (what a phone app in that system sends for it). */
export function fromWgs84(position: LngLat, to: InputCrs): LngLat {
  if (to === 'wgs84') return [position[0], position[1]];
  const [lng, lat] = gcoord.transform([position[0], position[1]], gcoord.WGS84, GCOORD[to]);
  return [lng, lat];
}

/** A GeoJSON object's coordinates from one system to another (a new object; the input is untouched). */
export function transformGeoJson<T extends object>(geojson: T, from: InputCrs, to: InputCrs): T {
  if (from === to) return geojson;
  return gcoord.transform(structuredClone(geojson) as never, GCOORD[from], GCOORD[to]) as unknown as T;
}

/**
 * The demo city's area with a margin (Zhangzhou spans about 116.9–118.2 °E, 23.5–25.2 °N; the
 * GCJ-02 and BD-09 shifts are under 1 km, well inside the margin). A sanity check for typed
 * coordinates only: whether a point is really in the city is the server's answer (route.outsideCity).
 */
export const CITY_AREA = { west: 116.5, south: 23.2, east: 118.6, north: 25.6 } as const;

const inArea = (lng: number, lat: number) => lng >= CITY_AREA.west && lng <= CITY_AREA.east && lat >= CITY_AREA.south && lat <= CITY_AREA.north;

/**
 * What a typed pair looks like: 'ok' (in the city's area), 'swapped' (longitude and latitude
 * typed the other way round: swapping them lands in the city), 'outside' (neither way round),
 * 'incomplete' (not two finite numbers).
 */
export function coordsCheck(lng: number, lat: number): 'ok' | 'swapped' | 'outside' | 'incomplete' {
  if (!Number.isFinite(lng) || !Number.isFinite(lat)) return 'incomplete';
  if (inArea(lng, lat)) return 'ok';
  return inArea(lat, lng) ? 'swapped' : 'outside';
}
