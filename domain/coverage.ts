// The clinic coverage rule, once, for the server's SQL (server/coverage/coverage-queries.ts
// mirrors it), the client's what-if while dragging and the solver: travel time is the
// great-circle distance × a detour factor ÷ the mode's speed, and a place is covered when its
// travel time to the nearest clinic is at most the threshold (inclusive, ≤).
//
// Distance: great circle on the sphere of the WGS-84 ellipsoid's mean radius R1 (6,371,008.7714 m),
// which is what PostGIS's ST_Distance(geography, geography, false) computes. Not the ellipsoid:
// the client's spatial index (geokdbush) and any browser code would otherwise need a geodesic
// library, and the sphere differs from the ellipsoid by < 0.5 % (≈ 4 m at 865 m), far inside the
// detour factor's own uncertainty. Both sides use this same formula, so they agree to millimetres
// (tests/coverage.test.ts holds them within 1 m).
//
// The ≤ comparison is made on whole millimetres (round(distance × 1000) ≤ round(reach × 1000)),
// so a place put exactly at the threshold is covered on both engines and in the browser, whatever
// the last bits of their floating point. Modes and their speeds are data (city policy: studies
// use 15 min walking, 30–60 min motorised).
import type { Words } from './vocabulary.ts';

/** Mean radius R1 of the WGS-84 ellipsoid, metres (PostGIS's sphere for geography without spheroid). */
export const EARTH_RADIUS_METRES = 6_371_008.7714;

/** Paths are longer than the straight line: roads wind (a common planning default; data, not law). */
export const DETOUR_FACTOR = 1.3;

export const TRAVEL_MODES = ['walking', 'ebike', 'car'] as const;
export type TravelMode = (typeof TRAVEL_MODES)[number];

/** Speeds in km/h (defaults as city data) and their words. */
export const MODE_SPEEDS_KMH: Record<TravelMode, number> = { walking: 4.5, ebike: 15, car: 30 };
export const MODE_WORDS: Record<TravelMode, Words> = {
  walking: { zh: '步行', en: 'Walking' },
  ebike: { zh: '电动自行车', en: 'E-bike' },
  car: { zh: '汽车', en: 'Car' },
};

/** The national target: a 15-minute health service circle. */
export const DEFAULT_THRESHOLD_MINUTES = 15;
/** Thresholds a request may ask for, in whole minutes (0 would cover nobody; beyond 2 h is no longer a clinic's reach). */
export const THRESHOLD_MINUTES = { min: 1, max: 120 } as const;

/** The model that answered (network travel over roads, pgRouting, comes later). */
export const COVERAGE_MODEL = 'great-circle × detour' as const;

const RAD = Math.PI / 180;

/** Great-circle distance in metres between two WGS-84 points (haversine on the R1 sphere). */
export function greatCircleMetres(lng1: number, lat1: number, lng2: number, lat2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLng = (lng2 - lng1) * RAD;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Metres per minute of a mode. */
export const metresPerMinute = (mode: TravelMode) => (MODE_SPEEDS_KMH[mode] * 1000) / 60;

/** Travel minutes for a great-circle distance. */
export const travelMinutes = (mode: TravelMode, metres: number) => (metres * DETOUR_FACTOR) / metresPerMinute(mode);

/** The great-circle distance (metres) reachable within `minutes`: the threshold as a radius. */
export const reachMetres = (mode: TravelMode, minutes: number) => (minutes * metresPerMinute(mode)) / DETOUR_FACTOR;

/** The reach in whole millimetres: what a distance is compared with (≤). */
export const reachMm = (mode: TravelMode, minutes: number) => Math.round(reachMetres(mode, minutes) * 1000);

/** Whether a place `metres` (great circle) from its nearest clinic is covered: inclusive, on whole millimetres. */
export const isCovered = (metres: number, reachMillimetres: number) => Math.round(metres * 1000) <= reachMillimetres;

/** The point `metres` from (lng, lat) on the R1 sphere towards `bearingDeg` (0 = north): fixtures at a known distance. */
export function destination(lng: number, lat: number, metres: number, bearingDeg: number): [number, number] {
  const d = metres / EARTH_RADIUS_METRES;
  const b = bearingDeg * RAD;
  const p1 = lat * RAD;
  const l1 = lng * RAD;
  const p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(b));
  const l2 = l1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
  return [l2 / RAD, p2 / RAD];
}
