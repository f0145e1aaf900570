// The codes places and grids carry (docs/domain-notes.md, codes), defined once for the
// generator, the server (the grid editor and routing validate against them) and the browser.
// Pure: imports nothing of ours.
//
// Statistical division codes are prefixes of one another: district (county) 6 digits,
// township or street 9, community or village 12. A unit grid's code is its village's 12-digit
// code followed by a 3-digit serial, 15 digits in all; serials run west→east along rows that
// run north→south (GB/T 30428.1).

export const DISTRICT_CODE = /^\d{6}$/;
export const TOWNSHIP_CODE = /^\d{9}$/;
export const VILLAGE_CODE = /^\d{12}$/;
export const GRID_CODE = /^\d{15}$/;
/** Digits of a unit grid's serial within its village, and so the most grids one village can hold. */
export const GRID_SERIAL_DIGITS = 3;
export const MAX_GRID_SERIAL = 10 ** GRID_SERIAL_DIGITS - 1;

export type TownshipKind = 'street' | 'town' | 'township' | 'other';
export type VillageKind = 'community' | 'village' | 'other';

/** The township segment (digits 7–9) says the kind: 000–099 street (街道), 100–199 town (镇), 200–299 township (乡). */
export function townshipKind(townshipCode: string): TownshipKind {
  const n = Number(townshipCode.slice(6, 9));
  return n < 100 ? 'street' : n < 200 ? 'town' : n < 300 ? 'township' : 'other';
}

/** The village segment (digits 10–12): 001–199 a community (居委会), 200–399 a village (村委会). */
export function villageKind(villageCode: string): VillageKind {
  const n = Number(villageCode.slice(9, 12));
  return n < 200 ? 'community' : n < 400 ? 'village' : 'other';
}

/** The code of the `serial`-th unit grid (1-based) of a village. Throws on a malformed village code or serial. */
export function gridCode(villageCode: string, serial: number): string {
  if (!VILLAGE_CODE.test(villageCode)) throw new RangeError(`not a 12-digit village code: ${villageCode}`);
  if (!Number.isInteger(serial) || serial < 1 || serial > MAX_GRID_SERIAL) throw new RangeError(`grid serial ${serial} is outside 1…${MAX_GRID_SERIAL}`);
  return villageCode + String(serial).padStart(GRID_SERIAL_DIGITS, '0');
}

export interface GridCodeParts {
  districtCode: string;
  townshipCode: string;
  villageCode: string;
  serial: number;
}

/** The places a grid code names, or null when it is not a grid code (15 digits, serial ≥ 001). */
export function parseGridCode(code: string): GridCodeParts | null {
  if (!GRID_CODE.test(code)) return null;
  const serial = Number(code.slice(12));
  if (serial < 1) return null;
  return { districtCode: code.slice(0, 6), townshipCode: code.slice(0, 9), villageCode: code.slice(0, 12), serial };
}

/**
 * The numbering order of a village's grids: by row (rows `rowHeight` degrees of latitude high,
 * counted down from the village's northern edge `top`), then west→east by centroid. Returns
 * a comparator for cells described by their centroids.
 */
export function gridNumbering(top: number, rowHeight: number): (a: { x: number; y: number }, b: { x: number; y: number }) => number {
  const row = (c: { y: number }) => Math.floor((top - c.y) / rowHeight);
  return (a, b) => row(a) - row(b) || a.x - b.x;
}
