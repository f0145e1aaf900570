// The grid editor's state without the screen: the cells of the edit area (grids.editArea), the
// draft over them (draft.ts), the topology built from both (topology.ts) and the instant check
// (check.ts). Every edit returns the next draft; the panel keeps it (localStorage) and hands it back.
// Pure apart from what it is given; geometry is GeoJSON lng/lat (WGS-84) at full precision.
import { applyDraft, addCells, edit, idOfRef, replaceCells, type Draft, type DraftCell, type PublishedCell } from './draft.ts';
import { Topology, keyOf, type TopoEdit } from './topology.ts';
import { checkCell } from './check.ts';
import type { CellAttributes, CellGeometry, GridProblem, GridRules, LandUse, ManagementLevel, Position } from '../../../../domain/grid-rules.ts';
import type { RouterOutputs } from '../../../lib/api.ts';

/** grids.editArea's answer (docs/decisions/0027-grid-editor.md): the cells at full precision, the communities and their revisions, the rules in force, the district's responsibility grids. */
export type EditArea = RouterOutputs['grids']['editArea'];

export class EditorModel {
  readonly published: Map<number, PublishedCell>;
  cells: DraftCell[] = [];
  byRef = new Map<string, DraftCell>();
  topo!: Topology;
  private readonly communityGeometry: Map<string, CellGeometry>;

  constructor(
    readonly area: EditArea,
    public draft: Draft,
    readonly rules: GridRules = area.rules,
  ) {
    this.published = new Map(
      area.cells.map((c) => [
        c.id,
        {
          id: c.id,
          code: c.code,
          version: c.version,
          villageCode: c.villageCode,
          geometry: c.geometry,
          editable: c.editable,
          attributes: { landUse: c.landUse as LandUse | null, managementLevel: c.managementLevel as ManagementLevel | null, responsibleParty: c.responsibleParty, ...(c.responsibilityGridId ? { responsibilityGridId: c.responsibilityGridId } : {}) },
        },
      ]),
    );
    this.communityGeometry = new Map(area.communities.map((c) => [c.code, c.geometry]));
    this.rebuild();
  }

  /** Cells and topology afresh from the published cells and the draft (after an undo, a load). */
  rebuild(): void {
    this.cells = applyDraft([...this.published.values()], this.draft.changes);
    this.byRef = new Map(this.cells.map((c) => [c.ref, c]));
    const lat = this.area.communities[0] ? centre(this.area.communities[0].geometry)[1] : undefined;
    this.topo = new Topology(
      this.cells.map((c) => ({ id: c.ref, geometry: c.geometry, editable: c.editable })),
      this.area.communities.filter((c) => c.editable).map((c) => ({ code: c.code, geometry: c.geometry })),
      lat,
    );
  }

  /** A draft taken from elsewhere (undo, import): cells and topology follow. */
  setDraft(d: Draft): void {
    this.draft = d;
    this.rebuild();
  }

  /** How problems and the screen name a cell: its code, or its draft key for an added one. */
  label(ref: string): string {
    return this.byRef.get(ref)?.code ?? ref;
  }

  /**
   * Records a topology edit in the draft (the changed cells' geometries as the topology has them)
   * and returns the next draft. A refused edit leaves the draft as it was.
   */
  record(label: string, e: TopoEdit): Draft {
    if (!e.ok || !e.changed.size) return this.draft;
    const edits = [...e.changed].filter((ref) => this.topo.has(ref) && this.topo.isEditable(ref)).map((ref) => ({ ref, geometry: this.topo.geometry(ref) }));
    this.draft = edit(this.draft, label, this.published, edits);
    this.refreshCells(edits.map((x) => x.ref));
    return this.draft;
  }

  /** Adds a drawn cell to the community holding its inner point; null when that is no editable community. */
  addDrawn(label: string, geometry: CellGeometry, snapToleranceM: number): { draft: Draft; key: string } | null {
    const exact = this.snapRing(geometry, snapToleranceM);
    const village = this.communityAt(innerPoint(exact));
    if (!village) return null;
    const { draft, keys } = addCells(this.draft, label, [{ villageCode: village, geometry: exact }]);
    this.setDraft(draft);
    this.tieIn(label, keys);
    return { draft: this.draft, key: keys[0] };
  }

  /** Retires a cell (to redraw it, or the originals of a split or merge) and adds `pieces` in its community, in one step. */
  replace(label: string, retire: readonly string[], pieces: readonly CellGeometry[], villageCode: string, attributes?: CellAttributes): { draft: Draft; keys: string[] } {
    const r = replaceCells(this.draft, label, this.published, retire, pieces.map((geometry) => ({ villageCode, geometry, attributes })));
    this.setDraft(r.draft);
    this.tieIn(label, r.keys);
    return { draft: this.draft, keys: r.keys };
  }

  /**
   * Ties new cells into their neighbours (topology.tieIn: vertices lying on another's edge go into
   * its ring) and records what changed as part of the same undo step.
   */
  private tieIn(label: string, keys: readonly string[]): void {
    const changed = new Set<string>();
    for (const k of keys) for (const ref of this.topo.tieIn(k)) changed.add(ref);
    if (!changed.size) return;
    const undoBefore = this.draft.undo;
    const published = [...changed].filter((ref) => idOfRef(ref) !== null && this.topo.isEditable(ref));
    let d = published.length ? edit(this.draft, label, this.published, published.map((ref) => ({ ref, geometry: this.topo.geometry(ref) }))) : this.draft;
    d = { ...d, undo: undoBefore, changes: d.changes.map((c) => (c.op === 'add' && changed.has(c.key) ? { ...c, geometry: this.topo.geometry(c.key) } : c)) };
    this.setDraft(d);
  }

  setAttributes(ref: string, attributes: CellAttributes): Draft {
    this.draft = edit(this.draft, 'attributes', this.published, [{ ref, attributes }]);
    this.refreshCells([ref]);
    return this.draft;
  }

  /** The instant check of the cells given (the ones a move changed): each against its neighbours and its community. */
  check(refs: Iterable<string>): GridProblem[] {
    const out: GridProblem[] = [];
    for (const ref of refs) {
      const c = this.byRef.get(ref);
      if (!c || !c.editable || !this.topo.has(ref)) continue;
      const neighbours = this.topo.neighbours(ref).map((n) => ({ ref: this.label(n), geometry: this.topo.geometry(n) }));
      out.push(...checkCell({ ref: this.changeRef(ref), geometry: this.topo.geometry(ref), neighbours, community: this.communityGeometry.get(c.villageCode) ?? null }, this.rules));
    }
    return out;
  }

  /** Every changed or added cell, checked (what the panel shows before the server is asked). */
  checkDraft(): GridProblem[] {
    return this.check(this.cells.filter((c) => c.state !== 'published').map((c) => c.ref));
  }

  /** The ref the server uses for a cell's change: the add's key, or `id:<id>` (as domain/grid-rules.ts changeRef). */
  changeRef(ref: string): string {
    return ref;
  }

  /** The editable community whose area holds the point, or null. */
  communityAt(p: Position): string | null {
    for (const c of this.area.communities) if (c.editable && inside(p, c.geometry)) return c.code;
    return null;
  }

  /** The cell (editable or not) under a point, the last drawn first. */
  cellAt(p: Position): DraftCell | null {
    for (let i = this.cells.length - 1; i >= 0; i--) if (inside(p, this.cells[i].geometry)) return this.cells[i];
    return null;
  }

  /** Moves each vertex of a drawn outline onto the exact vertex or edge point it was drawn at (terra-draw rounds to 9 decimals). */
  snapRing(g: CellGeometry, toleranceM: number): CellGeometry {
    const fix = (ring: Position[]) => {
      const out = ring.slice(0, -1).map((p) => this.topo.snap(p, toleranceM).at);
      const dedup = out.filter((p, i) => i === 0 || keyOf(p) !== keyOf(out[i - 1]));
      return [...dedup, dedup[0]];
    };
    return g.type === 'Polygon' ? { type: 'Polygon', coordinates: g.coordinates.map(fix) } : { type: 'MultiPolygon', coordinates: g.coordinates.map((p) => p.map(fix)) };
  }

  isPublishedUnchanged(ref: string): boolean {
    const c = this.byRef.get(ref);
    return !!c && c.state === 'published' && idOfRef(ref) !== null;
  }

  private refreshCells(refs: readonly string[]): void {
    const shown = applyDraft([...this.published.values()], this.draft.changes);
    const wanted = new Set(refs);
    this.cells = this.cells.map((c) => (wanted.has(c.ref) ? (shown.find((s) => s.ref === c.ref) ?? c) : c));
    this.byRef = new Map(this.cells.map((c) => [c.ref, c]));
  }
}

/** The middle of a geometry's box (for a latitude). */
function centre(g: CellGeometry): Position {
  const pts = (g.type === 'Polygon' ? g.coordinates : g.coordinates.flat()).flat();
  const xs = pts.map((p) => p[0]), ys = pts.map((p) => p[1]);
  return [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
}

/** Even–odd point in polygon over every ring (holes included). */
export function inside(p: Position, g: CellGeometry): boolean {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  for (const rings of polys) {
    let inPoly = false;
    for (const r of rings)
      for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
        const a = r[j], b = r[i];
        if (a[1] > p[1] !== b[1] > p[1] && p[0] < ((b[0] - a[0]) * (p[1] - a[1])) / (b[1] - a[1]) + a[0]) inPoly = !inPoly;
      }
    if (inPoly) return true;
  }
  return false;
}

/**
 * A point inside a polygon (not on its outline): the middle of the widest inside stretch of the
 * horizontal line through the middle of its box. Good for the community a drawn cell belongs to.
 */
export function innerPoint(g: CellGeometry): Position {
  const ring = g.type === 'Polygon' ? g.coordinates[0] : g.coordinates[0][0];
  const ys = ring.map((p) => p[1]);
  const y = (Math.min(...ys) + Math.max(...ys)) / 2;
  const xs: number[] = [];
  for (const r of g.type === 'Polygon' ? g.coordinates : g.coordinates[0])
    for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
      const a = r[j], b = r[i];
      if (a[1] > y !== b[1] > y) xs.push(a[0] + ((y - a[1]) * (b[0] - a[0])) / (b[1] - a[1]));
    }
  xs.sort((a, b) => a - b);
  let best: Position = [ring[0][0], ring[0][1]], width = -1;
  for (let i = 0; i + 1 < xs.length; i += 2)
    if (xs[i + 1] - xs[i] > width) {
      width = xs[i + 1] - xs[i];
      best = [(xs[i] + xs[i + 1]) / 2, y];
    }
  return best;
}
