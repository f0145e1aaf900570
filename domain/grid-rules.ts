// The rules of a unit grid (单元网格) coverage, for the server (the authority, in PostGIS), the
// browser (the instant check while drawing) and the seed alike (docs/decisions/0027-grid-editor.md).
// The thresholds are settings (grid.*, domain/settings-policy.ts); what a problem is called is
// here; the words are in domain/messages.ts. Geometry is GeoJSON in lng/lat (WGS-84).
// Pure: imports nothing of ours.

/** The thresholds in force (settings grid.*): areas in m² on the ellipsoid, angles in degrees. */
export interface GridRules {
  /** Overlap between two cells, or a cell outside its community, up to this area passes (rounding). */
  overlapToleranceM2: number;
  /** A part of a community no cell covers is reported once larger than this. */
  minGapM2: number;
  /** A corner sharper than this is a spike. */
  spikeDegrees: number;
  minAreaM2: number;
  maxAreaM2: number;
}

/** What can be wrong with a draft: each a message code in domain/messages.ts. */
export const GRID_PROBLEMS = [
  'grid.selfIntersection',
  'grid.invalid',
  'grid.parts',
  'grid.spike',
  'grid.tooSmall',
  'grid.tooLarge',
  'grid.outsideCommunity',
  'grid.overlap',
  'grid.gap',
] as const;
export type GridProblemReason = (typeof GRID_PROBLEMS)[number];

export type Position = [number, number];
export type PolygonCoords = Position[][];
export type CellGeometry = { type: 'Polygon'; coordinates: PolygonCoords } | { type: 'MultiPolygon'; coordinates: PolygonCoords[] };

/** A problem found in a draft (or in a district's published cells). */
export interface GridProblem {
  reason: GridProblemReason;
  params: Record<string, string | number>;
  /** The change (its key, or `id:<cell id>`) or published cell (its code) it is about. */
  ref: string;
  /** Where, for the map to highlight: a point, a polygon or a multipolygon (GeoJSON, lng/lat). */
  where: { type: string; coordinates: unknown } | null;
}

/** The standard's attributes of a cell (GB/T 30428.1), their vocabularies as data. */
export const LAND_USES = {
  residential: { zh: '居住', en: 'Residential' },
  commercial: { zh: '商业服务', en: 'Commercial' },
  industrial: { zh: '工业仓储', en: 'Industrial and storage' },
  public: { zh: '公共管理与服务', en: 'Public services' },
  green: { zh: '绿地与广场', en: 'Green space and squares' },
  road: { zh: '道路与交通', en: 'Roads and transport' },
  water: { zh: '水域', en: 'Water' },
  mixed: { zh: '混合', en: 'Mixed' },
  other: { zh: '其他', en: 'Other' },
} as const;
export type LandUse = keyof typeof LAND_USES;

/** Management level: how closely a cell is kept (key streets and squares first). */
export const MANAGEMENT_LEVELS = {
  '1': { zh: '一级（重点区域）', en: 'Level 1 (key area)' },
  '2': { zh: '二级（一般区域）', en: 'Level 2 (general)' },
  '3': { zh: '三级（边缘区域）', en: 'Level 3 (outskirts)' },
} as const;
export type ManagementLevel = keyof typeof MANAGEMENT_LEVELS;

export interface CellAttributes {
  landUse?: LandUse | null;
  managementLevel?: ManagementLevel | null;
  /** The responsible party (责任主体); none means the territory's office. */
  responsibleParty?: string | null;
  /** The responsibility grid (责任网格) the cell belongs to (one of its district's). */
  responsibilityGridId?: number;
}

/** One change of a draft (ADR 0027). */
export type GridChange =
  | { op: 'update'; id: number; version: number; geometry?: CellGeometry; attributes?: CellAttributes }
  | { op: 'add'; key: string; villageCode: string; geometry: CellGeometry; attributes?: CellAttributes }
  | { op: 'retire'; id: number; version: number };

/** How a change is named in problems and answers. */
export const changeRef = (c: GridChange): string => (c.op === 'add' ? c.key : `id:${c.id}`);

/** Bounds on one request (what one draft may cost; 100,000 positions at full precision fit BODY_LIMITS.gridDraft). */
export const DRAFT_LIMITS = { changes: 400, verticesPerCell: 4000, vertices: 100_000, importFeatures: 3000 } as const;

/** Metres per degree (spherical, good to 0.5 % over a city: enough for angles and snapping distances). */
const M_PER_DEG = 111_320;

/**
 * The corners of a ring sharper than `maxDegrees` (a spike: the outline runs out and straight
 * back). The ring is closed (first = last); repeated points are skipped. Angles are measured in a
 * local plane (longitudes scaled by cos latitude). Returns the spike vertices with their angle.
 */
export function spikes(ring: readonly Position[], maxDegrees: number): { at: Position; degrees: number }[] {
  const pts = distinctRing(ring);
  const n = pts.length;
  if (n < 3) return [];
  const k = Math.cos((pts[0][1] * Math.PI) / 180);
  const out: { at: Position; degrees: number }[] = [];
  for (let i = 0; i < n; i++) {
    const p = pts[(i + n - 1) % n], q = pts[i], r = pts[(i + 1) % n];
    const ax = (p[0] - q[0]) * k, ay = p[1] - q[1], bx = (r[0] - q[0]) * k, by = r[1] - q[1];
    const la = Math.hypot(ax, ay), lb = Math.hypot(bx, by);
    if (la === 0 || lb === 0) continue;
    const cos = Math.max(-1, Math.min(1, (ax * bx + ay * by) / (la * lb)));
    const deg = (Math.acos(cos) * 180) / Math.PI;
    if (deg < maxDegrees) out.push({ at: q, degrees: Math.round(deg * 1000) / 1000 });
  }
  return out;
}

/** A closed ring's vertices without the closing one and without consecutive repeats. */
export function distinctRing(ring: readonly Position[]): Position[] {
  const out: Position[] = [];
  for (const p of ring) {
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  if (out.length > 1 && out[0][0] === out[out.length - 1][0] && out[0][1] === out[out.length - 1][1]) out.pop();
  return out;
}

/** Every ring of a cell geometry. */
export const ringsOf = (g: CellGeometry): PolygonCoords => (g.type === 'Polygon' ? g.coordinates : g.coordinates.flat());

/** Distance in metres between two lng/lat positions (local plane; for snapping tolerances). */
export function metresBetween(a: Position, b: Position): number {
  const k = Math.cos((((a[1] + b[1]) / 2) * Math.PI) / 180);
  return Math.hypot((a[0] - b[0]) * k, a[1] - b[1]) * M_PER_DEG;
}

/** Degrees of latitude for `m` metres (and of longitude at latitude `lat`). */
export const degreesFor = (m: number, lat: number) => ({ lat: m / M_PER_DEG, lng: m / (M_PER_DEG * Math.cos((lat * Math.PI) / 180)) });
