// Shared-vertex (topological) editing of unit grids (docs/decisions/0027-grid-editor.md): the
// cells of the edit area indexed by their vertices at full precision, so that a vertex two cells
// share moves, is inserted and is deleted in both. terra-draw edits one feature at a time (its
// maintainers keep topology out of scope, /work/shared/docs/stack-notes.md), so this is ours.
// Pure: no DOM, no map. Coordinates are GeoJSON lng/lat (WGS-84) and are never rounded: a vertex's
// key is its exact coordinates. Distances (snapping tolerances, "lies on an edge") are metres in a
// local plane (longitudes scaled by the cosine of the area's latitude), good to 0.5 % over a city.
//
// Rules, each an edge case in tests/unit/grid-topology.test.ts:
// - a vertex shared by several cells moves in all of them (one key, many refs);
// - a vertex dropped onto another cell's edge is inserted into that cell's ring too (no T-junction);
// - a vertex on a community boundary only slides along the boundary (the pointer is projected onto
//   the nearest boundary segment): a cell never leaves its community by a drag;
// - a vertex shared with a cell that may not be edited (another district) is pinned;
// - a vertex is deleted from every cell sharing it, and only while every ring keeps 3 vertices.
import { type CellGeometry, type Position } from '../../../../domain/grid-rules.ts';

/** A cell as the topology holds it: polygon parts → rings → vertices, rings open (no closing vertex). */
interface Cell {
  id: string;
  editable: boolean;
  parts: Position[][][];
  bbox: [number, number, number, number];
}

export interface TopoCellInput {
  /** A published cell's id as a string, or an added cell's draft key. */
  id: string;
  geometry: CellGeometry;
  /** False for a cell of another district: shown, snapped to, never changed. */
  editable: boolean;
}

export interface TopoCommunity {
  code: string;
  geometry: CellGeometry;
}

/** Where a vertex sits in a cell: part, ring, index in the open ring. */
export interface VertexRef {
  cell: string;
  part: number;
  ring: number;
  i: number;
}

/** What the pointer snapped to. `edge` names the segment (ref.i → ref.i + 1) of a cell; `boundary` a community's. */
export type Snap =
  | { kind: 'vertex'; at: Position; key: string; boundary: boolean }
  | { kind: 'edge'; at: Position; ref: VertexRef }
  | { kind: 'boundary'; at: Position; community: string }
  | { kind: 'none'; at: Position };

/** How a vertex may move: freely, along a community boundary only, or not at all. */
export type VertexFreedom = 'free' | 'boundary' | 'pinned';

/** The result of an edit: the cells whose geometry changed (each becomes an `update` or a new `add` geometry of the draft). */
export interface TopoEdit {
  ok: boolean;
  /** Why nothing changed: a pinned vertex, a ring left with fewer than 3 vertices, an unknown vertex. */
  refused?: 'pinned' | 'tooFewVertices' | 'unknown' | 'notEditable';
  changed: Set<string>;
  /** The vertex's key after the edit (a move or an insertion). */
  key?: string;
}

/** A point lies on an edge (or a boundary) when it is this close to it, in metres. */
export const ON_EDGE_M = 0.005;

const M_PER_DEG = 111_320;

export const keyOf = (p: Position): string => `${p[0]},${p[1]}`;
const same = (a: Position, b: Position) => a[0] === b[0] && a[1] === b[1];

function bboxOf(parts: Position[][][]): [number, number, number, number] {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  for (const part of parts) for (const ring of part) for (const [x, y] of ring) {
    if (x < w) w = x;
    if (x > e) e = x;
    if (y < s) s = y;
    if (y > n) n = y;
  }
  return [w, s, e, n];
}

/** Open rings, without consecutive repeats, from GeoJSON (closed) rings. */
function partsOf(g: CellGeometry): Position[][][] {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  return polys.map((rings) =>
    rings.map((ring) => {
      const out: Position[] = [];
      for (const p of ring) if (!out.length || !same(out[out.length - 1], p)) out.push([p[0], p[1]]);
      if (out.length > 1 && same(out[0], out[out.length - 1])) out.pop();
      return out;
    }),
  );
}

/** The side of the cell-search grid's buckets, degrees (about 220 m: a unit grid's size). */
const BUCKET_DEG = 0.002;

export class Topology {
  private readonly cellsById = new Map<string, Cell>();
  /** Vertex key → where it occurs (in every cell, ring and index). */
  private readonly index = new Map<string, VertexRef[]>();
  private readonly communities: { code: string; rings: Position[][]; bbox: [number, number, number, number] }[];
  /**
   * Cells by the buckets of a coarse lng/lat grid (BUCKET_DEG) their boxes meet, so a search near
   * a point or a cell reads the few cells there, not the district's thousands.
   */
  private readonly buckets = new Map<string, Set<string>>();
  /** The bucket span each cell was filed under: [ix0, iy0, ix1, iy1]. */
  private readonly filed = new Map<string, [number, number, number, number]>();
  /** Metres per degree of longitude and latitude in the local plane. */
  private readonly kx: number;
  private readonly ky = M_PER_DEG;

  constructor(cells: readonly TopoCellInput[], communities: readonly TopoCommunity[], lat0?: number) {
    const lat = lat0 ?? (cells.length ? (bboxOf(partsOf(cells[0].geometry))[1] + bboxOf(partsOf(cells[0].geometry))[3]) / 2 : 0);
    this.kx = M_PER_DEG * Math.cos((lat * Math.PI) / 180);
    this.communities = communities.map((c) => {
      const parts = partsOf(c.geometry);
      return { code: c.code, rings: parts.flat(), bbox: bboxOf(parts) };
    });
    for (const c of cells) this.put(c.id, partsOf(c.geometry), c.editable);
  }

  // ---- reading

  has(id: string): boolean {
    return this.cellsById.has(id);
  }

  ids(): string[] {
    return [...this.cellsById.keys()];
  }

  isEditable(id: string): boolean {
    return this.cellsById.get(id)?.editable ?? false;
  }

  /** A cell's geometry as GeoJSON (closed rings; a Polygon, or a MultiPolygon when it has several parts). */
  geometry(id: string): CellGeometry {
    const c = this.cellsById.get(id);
    if (!c) throw new RangeError(`no cell ${id}`);
    const closed = c.parts.map((rings) => rings.map((r) => [...r.map((p) => [p[0], p[1]] as Position), [r[0][0], r[0][1]] as Position]));
    return closed.length === 1 ? { type: 'Polygon', coordinates: closed[0] } : { type: 'MultiPolygon', coordinates: closed };
  }

  bbox(id: string): [number, number, number, number] {
    const c = this.cellsById.get(id);
    if (!c) throw new RangeError(`no cell ${id}`);
    return c.bbox;
  }

  /** Where a vertex occurs; empty when no cell has it. */
  refs(key: string): readonly VertexRef[] {
    return this.index.get(key) ?? [];
  }

  /** The cells having this vertex. */
  cellsAt(key: string): string[] {
    return [...new Set(this.refs(key).map((r) => r.cell))];
  }

  /** The cells whose box meets this cell's box (grown by `marginM` metres): the candidates of an overlap check. */
  neighbours(id: string, marginM = 1): string[] {
    const [w, s, e, n] = this.grow(this.bbox(id), marginM);
    const out: string[] = [];
    for (const c of this.cellsIn([w, s, e, n])) if (c.id !== id && c.bbox[0] <= e && c.bbox[2] >= w && c.bbox[1] <= n && c.bbox[3] >= s) out.push(c.id);
    return out;
  }

  /** How a vertex may move. */
  freedom(key: string): VertexFreedom {
    const refs = this.refs(key);
    if (!refs.length || refs.some((r) => !this.cellsById.get(r.cell)!.editable)) return 'pinned';
    const [x, y] = key.split(',').map(Number);
    return this.boundaryAt([x, y]).length ? 'boundary' : 'free';
  }

  // ---- snapping

  /**
   * What the pointer snaps to within `toleranceM` metres: the nearest vertex of a cell or of a
   * community boundary; else the nearest point on a cell's edge or a community boundary (naming
   * the segment); else the pointer itself. Cells in `exclude` are skipped (the one being dragged:
   * snapping onto its own outline would fold it).
   */
  snap(pointer: Position, toleranceM: number, exclude: ReadonlySet<string> = new Set()): Snap {
    const box = this.grow([pointer[0], pointer[1], pointer[0], pointer[1]], toleranceM);
    let best: Snap = { kind: 'none', at: pointer };
    let bestD = toleranceM;
    // vertices first: any vertex within the tolerance beats any edge
    const near = (b: [number, number, number, number]) => b[0] <= box[2] && b[2] >= box[0] && b[1] <= box[3] && b[3] >= box[1];
    for (const c of this.cellsIn(box)) {
      if (exclude.has(c.id) || !near(c.bbox)) continue;
      for (const part of c.parts) for (const ring of part) for (const p of ring) {
        const d = this.metres(pointer, p);
        if (d <= bestD) {
          bestD = d;
          best = { kind: 'vertex', at: p, key: keyOf(p), boundary: false };
        }
      }
    }
    for (const m of this.communities) {
      if (!near(m.bbox)) continue;
      for (const ring of m.rings) for (const p of ring) {
        const d = this.metres(pointer, p);
        if (d < bestD || (d === bestD && best.kind !== 'vertex')) {
          bestD = d;
          best = { kind: 'vertex', at: p, key: keyOf(p), boundary: true };
        }
      }
    }
    if (best.kind === 'vertex') return best;
    for (const c of this.cellsIn(box)) {
      if (exclude.has(c.id) || !near(c.bbox)) continue;
      c.parts.forEach((part, pi) =>
        part.forEach((ring, ri) => {
          for (let i = 0; i < ring.length; i++) {
            const q = this.project(pointer, ring[i], ring[(i + 1) % ring.length]);
            const d = this.metres(pointer, q);
            if (d < bestD) {
              bestD = d;
              best = { kind: 'edge', at: q, ref: { cell: c.id, part: pi, ring: ri, i } };
            }
          }
        }),
      );
    }
    for (const m of this.communities) {
      if (!near(m.bbox)) continue;
      for (const ring of m.rings) for (let i = 0; i < ring.length; i++) {
        const q = this.project(pointer, ring[i], ring[(i + 1) % ring.length]);
        const d = this.metres(pointer, q);
        if (d < bestD) {
          bestD = d;
          best = { kind: 'boundary', at: q, community: m.code };
        }
      }
    }
    return best;
  }

  // ---- editing

  /**
   * Starts dragging a vertex: every cell having it follows. Refused for a pinned vertex (shared
   * with a cell that may not be edited). The drag's `move` is for the live preview (snapped, no
   * insertion); `drop` ends it, merging onto a vertex it was dropped on and inserting it into the
   * edge of a neighbour it was dropped on.
   */
  beginDrag(key: string): VertexDrag | { refused: 'pinned' | 'unknown' } {
    const refs = this.refs(key);
    if (!refs.length) return { refused: 'unknown' };
    if (this.freedom(key) === 'pinned') return { refused: 'pinned' };
    const [x, y] = key.split(',').map(Number);
    return new VertexDrag(this, key, [x, y], [...refs], this.boundaryAt([x, y]));
  }

  /** Moves a vertex in one step (a drag from its place to `to`, then a drop with snapping). */
  moveVertex(key: string, to: Position, toleranceM = 0): TopoEdit {
    const drag = this.beginDrag(key);
    if (!(drag instanceof VertexDrag)) return { ok: false, refused: drag.refused, changed: new Set() };
    return drag.drop(to, toleranceM);
  }

  /**
   * Inserts a vertex at `at` into the edge ref.i → ref.i + 1 of a cell, and into the same edge of
   * every other editable cell that shares it (both ends shared), so the shared outline stays shared.
   */
  insertVertex(ref: VertexRef, at: Position): TopoEdit {
    const c = this.cellsById.get(ref.cell);
    if (!c) return { ok: false, refused: 'unknown', changed: new Set() };
    if (!c.editable) return { ok: false, refused: 'notEditable', changed: new Set() };
    const ring = c.parts[ref.part][ref.ring];
    const a = ring[ref.i], b = ring[(ref.i + 1) % ring.length];
    const changed = new Set<string>();
    const ka = keyOf(a), kb = keyOf(b);
    // every cell with the segment a–b (either direction), the named one included
    const targets = new Map<string, VertexRef>();
    targets.set(ref.cell, ref);
    for (const r of this.refs(ka)) {
      if (targets.has(r.cell)) continue;
      const cell = this.cellsById.get(r.cell)!;
      const rg = cell.parts[r.part][r.ring];
      const next = rg[(r.i + 1) % rg.length], prev = rg[(r.i + rg.length - 1) % rg.length];
      // an edge shared with a cell of another district is pinned as its ends are: a vertex there could only break it
      if (!cell.editable && (keyOf(next) === kb || keyOf(prev) === kb)) return { ok: false, refused: 'pinned', changed: new Set() };
      if (!cell.editable) continue;
      if (keyOf(next) === kb) targets.set(r.cell, r);
      else if (keyOf(prev) === kb) targets.set(r.cell, { ...r, i: (r.i + rg.length - 1) % rg.length });
    }
    for (const r of targets.values()) {
      const cell = this.cellsById.get(r.cell)!;
      cell.parts[r.part][r.ring].splice(r.i + 1, 0, [at[0], at[1]]);
      this.reindex(cell);
      changed.add(r.cell);
    }
    return { ok: true, changed, key: keyOf(at) };
  }

  /** Deletes a vertex from every cell having it; refused when pinned or when a ring would keep fewer than 3 vertices. */
  deleteVertex(key: string): TopoEdit {
    const refs = this.refs(key);
    if (!refs.length) return { ok: false, refused: 'unknown', changed: new Set() };
    if (this.freedom(key) === 'pinned') return { ok: false, refused: 'pinned', changed: new Set() };
    for (const r of refs) {
      const ring = this.cellsById.get(r.cell)!.parts[r.part][r.ring];
      if (new Set(ring.filter((_, j) => j !== r.i).map(keyOf)).size < 3) return { ok: false, refused: 'tooFewVertices', changed: new Set() };
    }
    const changed = new Set<string>();
    // highest index first within a ring, so earlier indices stay valid
    for (const r of [...refs].sort((p, q) => q.i - p.i)) {
      this.cellsById.get(r.cell)!.parts[r.part][r.ring].splice(r.i, 1);
      changed.add(r.cell);
    }
    for (const id of changed) this.tidy(this.cellsById.get(id)!);
    return { ok: true, changed };
  }

  /**
   * Adds a cell (a drawn or imported one, or a piece of a split) and ties it in: its vertices lying
   * on an editable neighbour's edge go into that neighbour's ring, and neighbours' vertices lying
   * on its edges go into its own. Returns every cell changed, the new one included.
   */
  addCell(input: TopoCellInput): TopoEdit {
    this.put(input.id, partsOf(input.geometry), input.editable);
    const changed = new Set<string>([input.id]);
    for (const id of this.tieIn(input.id)) changed.add(id);
    return { ok: true, changed };
  }

  /** Replaces a cell's geometry (an undo, a merge's result) and ties it in as addCell does. */
  replaceCell(id: string, geometry: CellGeometry): TopoEdit {
    const c = this.cellsById.get(id);
    if (!c) return { ok: false, refused: 'unknown', changed: new Set() };
    return this.addCell({ id, geometry, editable: c.editable });
  }

  /** Takes a cell out (retired by a split or a merge, or an added one undone). */
  removeCell(id: string): void {
    const c = this.cellsById.get(id);
    if (!c) return;
    this.unindex(c);
    this.cellsById.delete(id);
  }

  // ---- inside (VertexDrag uses these)

  /** @internal Sets the positions at `refs` (a drag's live preview); the index follows, tidying waits for settle. */
  setAt(refs: readonly VertexRef[], at: Position): void {
    const k = keyOf(at);
    for (const r of refs) {
      const ring = this.cellsById.get(r.cell)!.parts[r.part][r.ring];
      const old = keyOf(ring[r.i]);
      if (old === k) continue;
      const list = this.index.get(old)?.filter((x) => !(x.cell === r.cell && x.part === r.part && x.ring === r.ring && x.i === r.i));
      if (list?.length) this.index.set(old, list);
      else this.index.delete(old);
      ring[r.i] = [at[0], at[1]];
      const to = this.index.get(k);
      if (to) to.push({ ...r });
      else this.index.set(k, [{ ...r }]);
    }
    for (const id of new Set(refs.map((r) => r.cell))) {
      const c = this.cellsById.get(id)!;
      c.bbox = bboxOf(c.parts);
      this.file(c);
    }
  }

  /** @internal Re-indexes and tidies the cells of `ids` after a drag. */
  settle(ids: Iterable<string>): void {
    for (const id of ids) this.tidy(this.cellsById.get(id)!);
  }

  /** @internal Whether, after merging onto `key`, every ring keeps 3 distinct vertices. */
  keepsRings(ids: Iterable<string>): boolean {
    for (const id of ids) for (const part of this.cellsById.get(id)!.parts) for (const ring of part) if (new Set(ring.map(keyOf)).size < 3) return false;
    return true;
  }

  /** @internal The community boundary segments a point lies on (within ON_EDGE_M). */
  boundaryAt(p: Position): [Position, Position][] {
    const out: [Position, Position][] = [];
    const box = this.grow([p[0], p[1], p[0], p[1]], ON_EDGE_M);
    for (const m of this.communities) {
      if (m.bbox[0] > box[2] || m.bbox[2] < box[0] || m.bbox[1] > box[3] || m.bbox[3] < box[1]) continue;
      for (const ring of m.rings) for (let i = 0; i < ring.length; i++) {
        const a = ring[i], b = ring[(i + 1) % ring.length];
        if (this.metres(p, this.project(p, a, b)) <= ON_EDGE_M) out.push([a, b]);
      }
    }
    return out;
  }

  /** @internal The point of segment a–b nearest p (in the local plane), in lng/lat. */
  project(p: Position, a: Position, b: Position): Position {
    const dx = (b[0] - a[0]) * this.kx, dy = (b[1] - a[1]) * this.ky;
    const len2 = dx * dx + dy * dy;
    if (len2 === 0) return a;
    const t = ((p[0] - a[0]) * this.kx * dx + (p[1] - a[1]) * this.ky * dy) / len2;
    if (t <= 0) return a;
    if (t >= 1) return b;
    return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
  }

  /** @internal Metres between two positions in the local plane. */
  metres(a: Position, b: Position): number {
    return Math.hypot((a[0] - b[0]) * this.kx, (a[1] - b[1]) * this.ky);
  }

  /** @internal The nearest boundary segment's point to p, among `segments`. */
  onBoundary(p: Position, segments: readonly [Position, Position][]): Position {
    let best = p, bestD = Infinity;
    for (const [a, b] of this.expandBoundary(segments)) {
      const q = this.project(p, a, b);
      const d = this.metres(p, q);
      if (d < bestD) {
        bestD = d;
        best = q;
      }
    }
    return best;
  }

  /** @internal Ties a cell into its neighbours (see addCell); returns the cells changed. */
  tieIn(id: string): Set<string> {
    const changed = new Set<string>();
    const self = this.cellsById.get(id)!;
    for (const nid of this.neighbours(id, ON_EDGE_M)) {
      const nb = this.cellsById.get(nid)!;
      if (nb.editable && this.insertOnEdges(nb, self)) changed.add(nid);
      if (self.editable && this.insertOnEdges(self, nb)) changed.add(id);
    }
    return changed;
  }

  // ---- private

  /** The boundary rings' segments near the given ones, so that a slide passes a boundary corner. */
  private expandBoundary(segments: readonly [Position, Position][]): [Position, Position][] {
    const keys = new Set(segments.flat().map(keyOf));
    const out: [Position, Position][] = [...segments];
    for (const m of this.communities) for (const ring of m.rings) for (let i = 0; i < ring.length; i++) {
      const a = ring[i], b = ring[(i + 1) % ring.length];
      if (keys.has(keyOf(a)) || keys.has(keyOf(b))) out.push([a, b]);
    }
    return out;
  }

  /** Inserts into `target`'s rings every vertex of `source` lying inside one of target's edges (not at its ends). */
  private insertOnEdges(target: Cell, source: Cell): boolean {
    if (source.bbox[0] > target.bbox[2] + 1e-6 || source.bbox[2] < target.bbox[0] - 1e-6 || source.bbox[1] > target.bbox[3] + 1e-6 || source.bbox[3] < target.bbox[1] - 1e-6) return false;
    const pts: Position[] = [];
    for (const part of source.parts) for (const ring of part) for (const p of ring) pts.push(p);
    let any = false;
    for (const part of target.parts) for (const ring of part) {
      for (let i = 0; i < ring.length; i++) {
        const a = ring[i], b = ring[(i + 1) % ring.length];
        // the source's vertices strictly inside a–b, in order from a
        const on = pts
          .filter((p) => !same(p, a) && !same(p, b) && this.metres(p, this.project(p, a, b)) <= ON_EDGE_M && this.metres(p, a) > ON_EDGE_M && this.metres(p, b) > ON_EDGE_M)
          .filter((p, j, xs) => xs.findIndex((q) => same(q, p)) === j)
          .sort((p, q) => this.metres(a, p) - this.metres(a, q));
        if (!on.length) continue;
        ring.splice(i + 1, 0, ...on.map((p) => [p[0], p[1]] as Position));
        i += on.length;
        any = true;
      }
    }
    if (any) this.reindex(target);
    return any;
  }

  private put(id: string, parts: Position[][][], editable: boolean): void {
    const old = this.cellsById.get(id);
    if (old) this.unindex(old);
    const c: Cell = { id, editable, parts, bbox: bboxOf(parts) };
    this.cellsById.set(id, c);
    this.index1(c);
  }

  /** Drops consecutive repeats (a vertex merged onto its neighbour), then re-indexes. */
  private tidy(c: Cell): void {
    for (const part of c.parts) for (let r = 0; r < part.length; r++) {
      const ring = part[r];
      const out: Position[] = [];
      for (const p of ring) if (!out.length || !same(out[out.length - 1], p)) out.push(p);
      if (out.length > 1 && same(out[0], out[out.length - 1])) out.pop();
      part[r] = out;
    }
    this.reindex(c);
  }

  private reindex(c: Cell): void {
    this.unindex(c);
    c.bbox = bboxOf(c.parts);
    this.index1(c);
  }

  private index1(c: Cell): void {
    this.file(c);
    c.parts.forEach((part, pi) =>
      part.forEach((ring, ri) =>
        ring.forEach((p, i) => {
          const k = keyOf(p);
          const list = this.index.get(k);
          const ref = { cell: c.id, part: pi, ring: ri, i };
          if (list) list.push(ref);
          else this.index.set(k, [ref]);
        }),
      ),
    );
  }

  private unindex(c: Cell): void {
    this.unfile(c.id);
    for (const part of c.parts) for (const ring of part) for (const p of ring) {
      const k = keyOf(p);
      const list = this.index.get(k);
      if (!list) continue;
      const kept = list.filter((r) => r.cell !== c.id);
      if (kept.length) this.index.set(k, kept);
      else this.index.delete(k);
    }
  }

  private span(b: readonly number[]): [number, number, number, number] {
    return [Math.floor(b[0] / BUCKET_DEG), Math.floor(b[1] / BUCKET_DEG), Math.floor(b[2] / BUCKET_DEG), Math.floor(b[3] / BUCKET_DEG)];
  }

  /** Files a cell under the buckets its box meets (again when its box moved to other buckets). */
  private file(c: Cell): void {
    const [x0, y0, x1, y1] = this.span(c.bbox);
    const was = this.filed.get(c.id);
    if (was && was[0] === x0 && was[1] === y0 && was[2] === x1 && was[3] === y1) return;
    this.unfile(c.id);
    for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) {
      const k = `${x}:${y}`;
      const set = this.buckets.get(k);
      if (set) set.add(c.id);
      else this.buckets.set(k, new Set([c.id]));
    }
    this.filed.set(c.id, [x0, y0, x1, y1]);
  }

  private unfile(id: string): void {
    const was = this.filed.get(id);
    if (!was) return;
    for (let x = was[0]; x <= was[2]; x++) for (let y = was[1]; y <= was[3]; y++) {
      const set = this.buckets.get(`${x}:${y}`);
      set?.delete(id);
      if (set && !set.size) this.buckets.delete(`${x}:${y}`);
    }
    this.filed.delete(id);
  }

  /** The cells whose boxes may meet `box` (those filed under a bucket it meets), each once. */
  private cellsIn(box: readonly number[]): Cell[] {
    const [x0, y0, x1, y1] = this.span(box);
    // a box over more buckets than there are cells: reading every cell is cheaper
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > this.cellsById.size) return [...this.cellsById.values()];
    const ids = new Set<string>();
    for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) for (const id of this.buckets.get(`${x}:${y}`) ?? []) ids.add(id);
    return [...ids].map((id) => this.cellsById.get(id)!);
  }

  private grow(b: [number, number, number, number], m: number): [number, number, number, number] {
    const dx = m / this.kx, dy = m / this.ky;
    return [b[0] - dx, b[1] - dy, b[2] + dx, b[3] + dy];
  }
}

/**
 * One vertex being dragged. `move` places it (snapped; along the boundary when it lies on one)
 * in every cell having it, for the live preview and the instant check; `drop` ends the drag.
 */
export class VertexDrag {
  readonly cells: ReadonlySet<string>;
  private at: Position;
  private lastSnap: Snap;

  constructor(
    private readonly topo: Topology,
    readonly key: string,
    readonly from: Position,
    private readonly refs: readonly VertexRef[],
    private readonly boundary: readonly [Position, Position][],
  ) {
    this.cells = new Set(refs.map((r) => r.cell));
    this.at = from;
    this.lastSnap = { kind: 'none', at: from };
  }

  get freedom(): VertexFreedom {
    return this.boundary.length ? 'boundary' : 'free';
  }

  /** Where the vertex would go for this pointer: snapped within `toleranceM`, and kept on the boundary when it started there. */
  target(pointer: Position, toleranceM: number): Snap {
    if (this.boundary.length) {
      const on = this.topo.onBoundary(pointer, this.boundary);
      // a vertex (another cell's, the boundary's own corner) on the boundary near the slid point wins
      const s = toleranceM > 0 ? this.topo.snap(on, toleranceM, this.cells) : ({ kind: 'none', at: on } as Snap);
      if (s.kind === 'vertex' && this.topo.boundaryAt(s.at).length) return s;
      return { kind: 'boundary', at: on, community: '' };
    }
    return toleranceM > 0 ? this.topo.snap(pointer, toleranceM, this.cells) : { kind: 'none', at: pointer };
  }

  /** The live preview: every cell having the vertex follows. Returns those cells. */
  move(pointer: Position, toleranceM = 0): { at: Position; snap: Snap; changed: Set<string> } {
    const s = this.target(pointer, toleranceM);
    this.at = s.at;
    this.lastSnap = s;
    this.topo.setAt(this.refs, s.at);
    return { at: s.at, snap: s, changed: new Set(this.cells) };
  }

  /** Ends the drag at `pointer`: onto a vertex it merges; onto a neighbour's edge it is inserted there too. */
  drop(pointer: Position, toleranceM = 0): TopoEdit {
    const { snap } = this.move(pointer, toleranceM);
    const changed = new Set(this.cells);
    // onto a vertex of its own ring (the cell folding to a line): refused, the vertex goes back
    if (!this.topo.keepsRings(this.cells)) {
      this.cancel();
      return { ok: false, refused: 'tooFewVertices', changed: new Set() };
    }
    this.topo.settle(this.cells);
    const key = keyOf(this.at);
    if (snap.kind === 'edge' && this.topo.isEditable(snap.ref.cell)) {
      const ins = this.topo.insertVertex(snap.ref, this.at);
      for (const id of ins.changed) changed.add(id);
    }
    // a vertex dropped on a boundary corner or another cell's vertex: nothing to insert (the key is shared now)
    return { ok: true, changed, key };
  }

  /** Puts the vertex back where the drag started. */
  cancel(): void {
    this.topo.setAt(this.refs, this.from);
    this.topo.settle(this.cells);
  }

  get snapped(): Snap {
    return this.lastSnap;
  }
}
