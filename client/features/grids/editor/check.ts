// The instant check of a cell while it is drawn or dragged (docs/decisions/0027-grid-editor.md):
// the rules of domain/grid-rules.ts applied with turf in the browser, for feedback within a frame.
// The server checks the same rules in PostGIS and is the authority (grids.validate, and again on
// publish); the problem codes are the server's, so one message table (domain/messages.ts) words both.
// Geometry is GeoJSON lng/lat (WGS-84); areas are m² on turf's sphere (R = 6,371,008.8 m; the
// server measures the same way, db/cell-area.ts); angles are degrees in a local plane (spikes()).
// Gaps (a part of a community no cell covers) need the whole community: the server reports them.
import turfArea from '@turf/area';
import turfDifference from '@turf/difference';
import turfIntersect from '@turf/intersect';
import turfKinks from '@turf/kinks';
import { ringsOf, spikes, type CellGeometry, type GridProblem, type GridRules, type Position } from '../../../../domain/grid-rules.ts';

export interface CheckNeighbour {
  /** How problems name it: a change's ref (a key, `id:<id>`) or a published cell's code. */
  ref: string;
  geometry: CellGeometry;
}

export interface CheckInput {
  /** The change's ref (its key, or `id:<cell id>`). */
  ref: string;
  geometry: CellGeometry;
  /** Cells near it (topology.neighbours): only their overlap with this cell is measured. */
  neighbours: readonly CheckNeighbour[];
  /** Its community's outline, or null when not known (then not checked). */
  community: CellGeometry | null;
}

type Box = [number, number, number, number];

const feature = (g: CellGeometry): GeoJSON.Feature<GeoJSON.Polygon | GeoJSON.MultiPolygon> => ({ type: 'Feature', properties: {}, geometry: g as GeoJSON.Polygon | GeoJSON.MultiPolygon });
const pair = (a: CellGeometry, b: CellGeometry): GeoJSON.FeatureCollection<GeoJSON.Polygon | GeoJSON.MultiPolygon> => ({ type: 'FeatureCollection', features: [feature(a), feature(b)] });
/** m² to two decimals, as the messages show them. */
const m2 = (x: number) => Math.round(x * 100) / 100;

function boxOf(g: CellGeometry): Box {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  for (const ring of ringsOf(g)) for (const [x, y] of ring) {
    if (x < w) w = x;
    if (x > e) e = x;
    if (y < s) s = y;
    if (y > n) n = y;
  }
  return [w, s, e, n];
}

/** Whether two boxes share more than a line (cells sharing only an edge along a meridian need no intersection). */
const boxesOverlap = (a: Box, b: Box) => a[0] < b[2] && a[2] > b[0] && a[1] < b[3] && a[3] > b[1];

/**
 * Every problem of one cell: self-intersection (then nothing else is measured: areas of a
 * bow-tie mean nothing), spikes, area out of bounds, overlap with each neighbour beyond the
 * tolerance, and the part outside its community beyond the tolerance.
 */
export function checkCell(input: CheckInput, rules: GridRules): GridProblem[] {
  const { ref, geometry } = input;
  const out: GridProblem[] = [];
  const f = feature(geometry);
  const kinks = turfKinks(f as GeoJSON.Feature<GeoJSON.Polygon>).features;
  if (kinks.length) {
    out.push({ reason: 'grid.selfIntersection', params: { count: kinks.length }, ref, where: { type: 'MultiPoint', coordinates: kinks.map((k) => k.geometry.coordinates) } });
    return out;
  }
  const sharp = ringsOf(geometry).flatMap((ring) => spikes(ring, rules.spikeDegrees));
  for (const s of sharp) out.push({ reason: 'grid.spike', params: { degrees: s.degrees, max: rules.spikeDegrees }, ref, where: { type: 'Point', coordinates: s.at } });

  const area = turfArea(f);
  if (area < rules.minAreaM2) out.push({ reason: 'grid.tooSmall', params: { m2: Math.round(area), min: rules.minAreaM2 }, ref, where: geometry });
  else if (area > rules.maxAreaM2) out.push({ reason: 'grid.tooLarge', params: { m2: Math.round(area), max: rules.maxAreaM2 }, ref, where: geometry });

  const box = boxOf(geometry);
  for (const nb of input.neighbours) {
    if (!boxesOverlap(box, boxOf(nb.geometry)) || !mayOverlap(geometry, nb.geometry)) continue;
    const shared = safe(() => turfIntersect(pair(geometry, nb.geometry)));
    if (!shared) continue;
    const a = turfArea(shared);
    if (a > rules.overlapToleranceM2) out.push({ reason: 'grid.overlap', params: { m2: m2(a), other: nb.ref }, ref, where: shared.geometry });
  }
  if (input.community && mayLeave(geometry, input.community)) {
    const outside = safe(() => turfDifference(pair(geometry, input.community!)));
    const a = outside ? turfArea(outside) : 0;
    if (outside && a > rules.overlapToleranceM2) out.push({ reason: 'grid.outsideCommunity', params: { m2: m2(a) }, ref, where: outside.geometry });
  }
  return out;
}

/** Within this many degrees (about 1 µm) a point counts as on an outline: an overlap it could make is far below any tolerance. */
const ON_LINE_DEG = 1e-11;

/**
 * Whether two cells' interiors may overlap, without clipping (an intersection costs ~0.3 ms, and a
 * dragged cell has ~20 neighbours that share its edges): false only when no edges cross properly,
 * no vertex or edge midpoint of either lies strictly inside the other, and no edge they share has
 * both interiors on the same side. Conservative: a
 * near-collinear shared edge says "may", and then the clipping decides. (It could say "no" only
 * for an edge whose midpoint lies exactly on the other's outline while the rest of it is inside:
 * then the server's check still finds it.)
 */
export function mayOverlap(a: CellGeometry, b: CellGeometry): boolean {
  const ra = ringsOf(a), rb = ringsOf(b);
  for (const r of ra) for (let i = 0; i + 1 < r.length; i++) for (const s of rb) for (let j = 0; j + 1 < s.length; j++) if (properCross(r[i], r[i + 1], s[j], s[j + 1])) return true;
  return probesInside(rb, ra) || probesInside(ra, rb) || sameSideEdge(a, b);
}

/**
 * Whether part of a cell may lie outside its community, without clipping: turf's difference
 * (polyclip-ts, on bignumber.js arithmetic) took ~4 ms a cell against a community outline of ~35
 * vertices, three quarters of a drag move's check in Chromium (bench/grid-redraw.bench.ts, ADR 0027),
 * while a dragged cell nearly always lies inside its community. False only when no edges cross
 * properly, no vertex or edge midpoint of the cell lies strictly outside the community, none of the
 * community's lies strictly inside the cell, and no edge they share has the cell on the community's
 * outer side. Conservative as mayOverlap: in doubt the clipping decides.
 */
export function mayLeave(cell: CellGeometry, community: CellGeometry): boolean {
  const rc = ringsOf(cell), rk = ringsOf(community);
  const [w, s, e, n] = boxOf(cell);
  const k = boxOf(community);
  if (w < k[0] || e > k[2] || s < k[1] || n > k[3]) return true;
  for (const r of rc) for (let i = 0; i + 1 < r.length; i++) for (const q of rk) for (let j = 0; j + 1 < q.length; j++) if (properCross(r[i], r[i + 1], q[j], q[j + 1])) return true;
  for (const r of rc)
    for (let i = 0; i + 1 < r.length; i++) {
      if (locate(r[i], rk) < 0 || locate([(r[i][0] + r[i + 1][0]) / 2, (r[i][1] + r[i + 1][1]) / 2], rk) < 0) return true;
    }
  // the community's vertices and midpoints within the cell's box only: the rest cannot be inside it
  const near = (p: Position) => p[0] >= w && p[0] <= e && p[1] >= s && p[1] <= n;
  for (const q of rk)
    for (let j = 0; j + 1 < q.length; j++) {
      const m: Position = [(q[j][0] + q[j + 1][0]) / 2, (q[j][1] + q[j + 1][1]) / 2];
      if ((near(q[j]) && locate(q[j], rc) > 0) || (near(m) && locate(m, rc) > 0)) return true;
    }
  return oppositeEdge(cell, community);
}

/** A cell's edge that is also the community's, run the other way round: their interiors lie on either side of it, the cell outside. */
function oppositeEdge(cell: CellGeometry, community: CellGeometry): boolean {
  const edges: [Position, Position][] = [];
  forEachLeftEdge(cell, (p, q) => edges.push([p, q]));
  let found = false;
  forEachLeftEdge(community, (p, q) => {
    if (!found) found = edges.some(([a, b]) => same(a, q) && same(b, p));
  });
  return found;
}

const same = (a: Position, b: Position) => a[0] === b[0] && a[1] === b[1];

/** Calls `f` with each directed edge of a polygon with its interior on the left (whatever the rings' winding; holes the other way). */
function forEachLeftEdge(g: CellGeometry, f: (p: Position, q: Position) => void): void {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  for (const rings of polys)
    rings.forEach((r, hole) => {
      let twice = 0;
      for (let i = 0; i + 1 < r.length; i++) twice += r[i][0] * r[i + 1][1] - r[i + 1][0] * r[i][1];
      const forward = twice > 0 === (hole === 0);
      for (let i = 0; i + 1 < r.length; i++) {
        if (forward) f(r[i], r[i + 1]);
        else f(r[i + 1], r[i]);
      }
    });
}

/** The directed edges of a cell with its interior on their left (whatever the rings' winding; holes the other way), as exact-coordinate keys. */
function leftEdges(g: CellGeometry): Set<string> {
  const out = new Set<string>();
  forEachLeftEdge(g, (p, q) => out.add(`${p[0]},${p[1]};${q[0]},${q[1]}`));
  return out;
}

/** Two cells with an edge in common and their interiors on the same side of it (a cell and its copy): they overlap. */
function sameSideEdge(a: CellGeometry, b: CellGeometry): boolean {
  const ea = leftEdges(a);
  for (const e of leftEdges(b)) if (ea.has(e)) return true;
  return false;
}

/** Whether a vertex or an edge midpoint of `probe` lies strictly inside `rings` (even–odd over every ring, holes included). */
function probesInside(probe: Position[][], rings: Position[][]): boolean {
  for (const r of probe)
    for (let i = 0; i + 1 < r.length; i++) {
      const v = r[i];
      if (strictlyInside(v, rings)) return true;
      const m: Position = [(v[0] + r[i + 1][0]) / 2, (v[1] + r[i + 1][1]) / 2];
      if (strictlyInside(m, rings)) return true;
    }
  return false;
}

const strictlyInside = (p: Position, rings: Position[][]) => locate(p, rings) > 0;

/** 1 strictly inside `rings` (even–odd over every ring, holes included), 0 on an outline (within ON_LINE_DEG), -1 strictly outside. */
function locate(p: Position, rings: Position[][]): -1 | 0 | 1 {
  let inside = false;
  for (const r of rings)
    for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
      const a = r[j], b = r[i];
      // (the box test first: most edges are far from the point, and onSegment takes a root)
      if (p[0] >= Math.min(a[0], b[0]) - ON_LINE_DEG && p[0] <= Math.max(a[0], b[0]) + ON_LINE_DEG && p[1] >= Math.min(a[1], b[1]) - ON_LINE_DEG && p[1] <= Math.max(a[1], b[1]) + ON_LINE_DEG && onSegment(p, a, b)) return 0;
      if (a[1] > p[1] !== b[1] > p[1] && p[0] < ((b[0] - a[0]) * (p[1] - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside;
    }
  return inside ? 1 : -1;
}

function onSegment(p: Position, a: Position, b: Position): boolean {
  const dx = b[0] - a[0], dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 ? Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2)) : 0;
  return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy) <= ON_LINE_DEG;
}

const orient = (a: Position, b: Position, c: Position) => (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);

/** Segments a–b and c–d cross at a point inside both (not at an end, not along a shared line). */
function properCross(a: Position, b: Position, c: Position, d: Position): boolean {
  if (Math.max(a[0], b[0]) < Math.min(c[0], d[0]) || Math.max(c[0], d[0]) < Math.min(a[0], b[0]) || Math.max(a[1], b[1]) < Math.min(c[1], d[1]) || Math.max(c[1], d[1]) < Math.min(a[1], b[1])) return false;
  const o1 = orient(a, b, c), o2 = orient(a, b, d), o3 = orient(c, d, a), o4 = orient(c, d, b);
  return ((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0));
}

/** polyclip-ts throws on some degenerate input (a ring folded onto itself mid-drag): no answer then, the server decides. */
function safe<T>(f: () => T): T | null {
  try {
    return f();
  } catch {
    return null;
  }
}
