// The grid editor on the map, through the map shell's interaction seam (client/lib/map-interaction.ts):
// the edit area's cells, communities, problems and history drawn as MapLibre GeoJSON layers, and
// the pointer handled here. Why not terra-draw's select mode for vertices: it drags one feature's
// vertex, while a grid vertex is shared by two to four cells, may only slide along a community
// boundary, or is pinned by another district (topology.ts); driving that through its
// updateFeatureGeometry after each of its own drags would fight its store, and 2,000 cells in its
// store cost more than two GeoJSON sources. So vertices are ours (drawn here, dragged with the
// topology), and terra-draw does what it is good at: drawing a new polygon, a rectangle or a cut
// line, snapping to our topology through its `toCustom` hook.
// Coordinates are GeoJSON lng/lat (WGS-84); snapping tolerances are pixels turned into metres at
// the pointer's latitude (MapLibre's 512-pixel tiles).
import type { GeoJSONSource, Map as MlMap, MapMouseEvent } from 'maplibre-gl';
import { TerraDraw, TerraDrawLineStringMode, TerraDrawPolygonMode, TerraDrawRectangleMode } from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';
import { ringsOf, type CellGeometry, type GridProblem, type Position } from '../../../../domain/grid-rules.ts';
import type { EditorModel } from './editor-model.ts';
import { keyOf, VertexDrag, type Snap } from './topology.ts';
import type { Draft } from './draft.ts';

/** Pixels within which the pointer takes a vertex, and snaps. */
export const GRAB_PX = 9;
export const SNAP_PX = 12;

export type DrawKind = 'polygon' | 'rectangle' | 'split';

export interface EditorMapEvents {
  /** The selection changed (cells by ref, and a vertex key or null). */
  onSelect(cells: string[], vertex: string | null): void;
  /** An edit was recorded: the next draft (to keep) and the instant problems of the cells it touched. */
  onDraft(d: Draft, instant: GridProblem[]): void;
  /** During a drag: the instant problems of the cells being moved. */
  onInstant(instant: GridProblem[]): void;
  /** An edit was refused (a pinned vertex, a ring left with fewer than 3 vertices). */
  onRefused(why: string): void;
  /** terra-draw finished a shape. */
  onDrawn(kind: DrawKind, geometry: GeoJSON.Polygon | GeoJSON.LineString): void;
}

export interface EditorHooks {
  /** Moves: how many live previews the last drag made, and the slowest one (ms, topology + check + redraw). */
  lastDrag: { moves: number; worstMs: number; meanMs: number } | null;
}

declare global {
  interface Window {
    /** The grid editor (browser tests read its cells and drive it). */
    __citygridGridEditor?: { model: EditorModel; map: EditorMap; hooks: EditorHooks };
  }
}

const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };
const SOURCES = ['gedit-communities', 'gedit-cells', 'gedit-active', 'gedit-problems', 'gedit-vertices', 'gedit-midpoints', 'gedit-snap', 'gedit-history'] as const;

const feature = (geometry: GeoJSON.Geometry, properties: Record<string, unknown> = {}): GeoJSON.Feature => ({ type: 'Feature', properties, geometry });

/** Metres per screen pixel at a latitude and zoom (Web Mercator, 512-pixel tiles). */
export const metresPerPixel = (lat: number, zoom: number) => (40_075_016.686 * Math.cos((lat * Math.PI) / 180)) / (512 * 2 ** zoom);

export class EditorMap {
  private selected: string[] = [];
  private vertex: string | null = null;
  private drag: { d: VertexDrag; moved: boolean; times: number[]; freedom: Map<string, string> } | null = null;
  private draw: TerraDraw | null = null;
  private drawKind: DrawKind | null = null;
  private problems: GridProblem[] = [];
  private history: { version: number; current: boolean; geometry: CellGeometry }[] = [];
  private readonly off: (() => void)[] = [];
  readonly hooks: EditorHooks = { lastDrag: null };

  constructor(
    private readonly map: MlMap,
    private model: EditorModel,
    private readonly events: EditorMapEvents,
  ) {
    for (const id of SOURCES) map.addSource(id, { type: 'geojson', data: EMPTY });
    map.addLayer({ id: 'gedit-cells-fill', type: 'fill', source: 'gedit-cells', paint: { 'fill-color': ['match', ['get', 'state'], 'added', '#3b82f6', 'changed', '#f59e0b', 'foreign', '#6b7280', '#10b981'], 'fill-opacity': ['case', ['get', 'sel'], 0.35, ['==', ['get', 'state'], 'foreign'], 0.25, ['==', ['get', 'state'], 'published'], 0.06, 0.2] } });
    map.addLayer({ id: 'gedit-cells-line', type: 'line', source: 'gedit-cells', paint: { 'line-color': ['case', ['get', 'sel'], '#ffffff', ['==', ['get', 'state'], 'foreign'], '#9ca3af', ['match', ['get', 'state'], 'added', '#60a5fa', 'changed', '#fbbf24', '#34d399']], 'line-width': ['case', ['get', 'sel'], 3, 1.2], 'line-opacity': ['case', ['==', ['get', 'state'], 'foreign'], 0.5, 1] } });
    map.addLayer({ id: 'gedit-communities-line', type: 'line', source: 'gedit-communities', paint: { 'line-color': ['case', ['get', 'editable'], '#f97316', '#6b7280'], 'line-width': 2.5, 'line-dasharray': [3, 2], 'line-opacity': ['case', ['get', 'editable'], 0.9, 0.4] } });
    map.addLayer({ id: 'gedit-history-line', type: 'line', source: 'gedit-history', paint: { 'line-color': ['case', ['get', 'current'], '#22d3ee', '#e879f9'], 'line-width': ['case', ['get', 'current'], 3, 2], 'line-dasharray': [2, 1] } });
    map.addLayer({ id: 'gedit-active-fill', type: 'fill', source: 'gedit-active', paint: { 'fill-color': '#f59e0b', 'fill-opacity': 0.25 } });
    map.addLayer({ id: 'gedit-active-line', type: 'line', source: 'gedit-active', paint: { 'line-color': '#fde68a', 'line-width': 2 } });
    map.addLayer({ id: 'gedit-problems-fill', type: 'fill', source: 'gedit-problems', filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': '#ef4444', 'fill-opacity': 0.6 } });
    map.addLayer({ id: 'gedit-problems-line', type: 'line', source: 'gedit-problems', filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'line-color': '#ef4444', 'line-width': 2.5 } });
    map.addLayer({ id: 'gedit-problems-point', type: 'circle', source: 'gedit-problems', filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-color': '#ef4444', 'circle-radius': 9, 'circle-opacity': 0.5, 'circle-stroke-color': '#ef4444', 'circle-stroke-width': 2 } });
    map.addLayer({ id: 'gedit-midpoints', type: 'circle', source: 'gedit-midpoints', paint: { 'circle-color': '#ffffff', 'circle-opacity': 0.45, 'circle-radius': 4 } });
    map.addLayer({
      id: 'gedit-vertices',
      type: 'circle',
      source: 'gedit-vertices',
      paint: {
        'circle-color': ['match', ['get', 'freedom'], 'pinned', '#6b7280', 'boundary', '#f97316', '#ffffff'],
        'circle-radius': ['case', ['get', 'sel'], 8, 5.5],
        'circle-stroke-color': ['match', ['get', 'freedom'], 'pinned', '#ef4444', '#111827'],
        'circle-stroke-width': ['case', ['get', 'sel'], 3, 1.5],
      },
    });
    map.addLayer({ id: 'gedit-snap', type: 'circle', source: 'gedit-snap', paint: { 'circle-color': 'rgba(0,0,0,0)', 'circle-radius': 11, 'circle-stroke-color': '#22d3ee', 'circle-stroke-width': 3 } });

    const on = <T extends 'mousedown' | 'mousemove' | 'mouseup' | 'click' | 'contextmenu'>(type: T, f: (e: MapMouseEvent) => void) => {
      map.on(type, f);
      this.off.push(() => map.off(type, f));
    };
    // Shift-click adds a cell to the selection: MapLibre's shift-drag box zoom would swallow it
    const boxZoom = map.boxZoom.isEnabled();
    map.boxZoom.disable();
    this.off.push(() => boxZoom && map.boxZoom.enable());
    on('mousedown', (e) => this.down(e));
    on('mousemove', (e) => this.moveTo(e));
    on('mouseup', (e) => this.up(e));
    on('click', (e) => this.click(e));
    on('contextmenu', (e) => this.context(e));
    this.renderAll();
  }

  /** A new model (a load, an undo, a publish): everything redrawn, the selection kept where the cells remain. */
  setModel(model: EditorModel): void {
    this.model = model;
    this.selected = this.selected.filter((r) => model.byRef.has(r));
    if (this.vertex && !model.topo.refs(this.vertex).length) this.vertex = null;
    this.renderAll();
  }

  select(cells: string[], vertex: string | null = null): void {
    this.selected = cells.filter((r) => this.model.byRef.has(r));
    this.vertex = vertex;
    this.renderCells();
    this.renderVertices();
    this.events.onSelect(this.selected, this.vertex);
  }

  get selection(): readonly string[] {
    return this.selected;
  }

  get selectedVertex(): string | null {
    return this.vertex;
  }

  setProblems(problems: GridProblem[]): void {
    this.problems = problems;
    this.src('gedit-problems').setData({ type: 'FeatureCollection', features: problems.filter((p) => p.where).map((p) => feature(p.where as GeoJSON.Geometry, { reason: p.reason, ref: p.ref })) });
  }

  setHistory(versions: { version: number; current: boolean; geometry: CellGeometry }[]): void {
    this.history = versions;
    this.src('gedit-history').setData({ type: 'FeatureCollection', features: versions.map((v) => feature(v.geometry as GeoJSON.Geometry, { version: v.version, current: v.current })) });
  }

  /** Deletes the selected vertex in every cell having it. */
  deleteVertex(): void {
    if (!this.vertex) return;
    const e = this.model.topo.deleteVertex(this.vertex);
    if (!e.ok) return this.events.onRefused(e.refused ?? 'unknown');
    const d = this.model.record('deleteVertex', e);
    this.vertex = null;
    this.renderAll();
    this.events.onDraft(d, this.model.check(e.changed));
  }

  // ---- drawing (terra-draw)

  startDrawing(kind: DrawKind): void {
    this.stopDrawing();
    const snapTo = (lng: number, lat: number): Position | undefined => {
      const s = this.model.topo.snap([lng, lat], SNAP_PX * metresPerPixel(lat, this.map.getZoom()));
      return s.kind === 'none' ? undefined : s.at;
    };
    const styles = { fillColor: '#3b82f6', fillOpacity: 0.2, outlineColor: '#93c5fd', outlineWidth: 2, closingPointColor: '#ffffff', closingPointWidth: 6, closingPointOutlineColor: '#3b82f6', closingPointOutlineWidth: 2, snappingPointColor: '#22d3ee', snappingPointWidth: 6 } as const;
    const draw = new TerraDraw({
      adapter: new TerraDrawMapLibreGLAdapter({ map: this.map, coordinatePrecision: 9 }),
      modes: [
        new TerraDrawPolygonMode({ styles, pointerDistance: 20, snapping: { toCustom: (e) => snapTo(e.lng, e.lat) } }),
        new TerraDrawRectangleMode({ styles: { fillColor: '#3b82f6', fillOpacity: 0.2, outlineColor: '#93c5fd', outlineWidth: 2 } }),
        new TerraDrawLineStringMode({ styles: { lineStringColor: '#f43f5e', lineStringWidth: 3, closingPointColor: '#ffffff', closingPointWidth: 6, closingPointOutlineColor: '#f43f5e', closingPointOutlineWidth: 2 }, snapping: { toCustom: (e) => snapTo(e.lng, e.lat) } }),
      ],
    });
    draw.start();
    draw.setMode(kind === 'split' ? 'linestring' : kind);
    draw.on('finish', (id) => {
      const f = draw.getSnapshotFeature(id);
      if (!f) return;
      const g = f.geometry as GeoJSON.Polygon | GeoJSON.LineString;
      // the panel takes it from here; the drawn shape goes with the mode
      queueMicrotask(() => {
        this.stopDrawing();
        this.events.onDrawn(kind, g);
      });
    });
    this.draw = draw;
    this.drawKind = kind;
    this.renderVertices();
  }

  stopDrawing(): void {
    const d = this.draw;
    this.draw = null;
    this.drawKind = null;
    if (d) d.stop();
  }

  /** Brings a box (lng/lat) into view, leaving room for the panel. */
  fit(bbox: [number, number, number, number]): void {
    this.map.fitBounds([[bbox[0], bbox[1]], [bbox[2], bbox[3]]], { padding: 80, maxZoom: 18, duration: 0 });
  }

  get zoom(): number {
    return this.map.getZoom();
  }

  get drawing(): DrawKind | null {
    return this.drawKind;
  }

  /** Stops everything and takes the layers off the map (the seam's stop). */
  destroy(): void {
    this.stopDrawing();
    this.off.forEach((f) => f());
    for (const id of ['gedit-snap', 'gedit-vertices', 'gedit-midpoints', 'gedit-problems-point', 'gedit-problems-line', 'gedit-problems-fill', 'gedit-active-line', 'gedit-active-fill', 'gedit-history-line', 'gedit-communities-line', 'gedit-cells-line', 'gedit-cells-fill']) if (this.map.getLayer(id)) this.map.removeLayer(id);
    for (const id of SOURCES) if (this.map.getSource(id)) this.map.removeSource(id);
    if (!this.map.dragPan.isEnabled()) this.map.dragPan.enable();
  }

  // ---- pointer

  private tolerance(e: MapMouseEvent, px: number): number {
    return px * metresPerPixel(e.lngLat.lat, this.map.getZoom());
  }

  /** The selected cells' vertex nearest the pointer within GRAB_PX, else a midpoint of their edges (then where it goes: the edge). */
  private grab(e: MapMouseEvent): { key: string } | { edge: { cell: string; part: number; ring: number; i: number }; at: Position } | null {
    let best: { key: string } | null = null;
    let bestD = GRAB_PX;
    for (const ref of this.selected) {
      if (!this.model.topo.has(ref)) continue;
      for (const ring of ringsOf(this.model.topo.geometry(ref)))
        for (const p of ring) {
          const q = this.map.project(p as [number, number]);
          const d = Math.hypot(q.x - e.point.x, q.y - e.point.y);
          if (d <= bestD) {
            bestD = d;
            best = { key: keyOf(p) };
          }
        }
    }
    if (best) return best;
    for (const m of this.midpoints()) {
      const q = this.map.project(m.at as [number, number]);
      if (Math.hypot(q.x - e.point.x, q.y - e.point.y) <= GRAB_PX) return m;
    }
    return null;
  }

  private down(e: MapMouseEvent): void {
    if (this.draw || e.originalEvent.button !== 0) return;
    const g = this.grab(e);
    if (!g) return;
    let key: string;
    if ('key' in g) key = g.key;
    else {
      // a midpoint: a new vertex there (in every cell sharing that edge), then dragged
      const ins = this.model.topo.insertVertex(g.edge, g.at);
      if (!ins.ok) return this.events.onRefused(ins.refused ?? 'unknown');
      this.model.record('insertVertex', ins);
      key = ins.key!;
    }
    const d = this.model.topo.beginDrag(key);
    if (!(d instanceof VertexDrag)) {
      this.vertex = key;
      this.renderVertices();
      this.events.onSelect(this.selected, key);
      return this.events.onRefused(d.refused);
    }
    e.preventDefault();
    this.map.dragPan.disable();
    // how the other vertices of the selection may move does not change during a drag: asked once
    const freedom = new Map<string, string>();
    for (const ref of this.selected) if (this.model.topo.has(ref)) for (const ring of ringsOf(this.model.topo.geometry(ref))) for (const q of ring) freedom.set(keyOf(q), this.model.topo.freedom(keyOf(q)));
    this.drag = { d, moved: false, times: [], freedom };
    this.vertex = key;
    // the cells that move leave the static layer for the live one
    this.renderCells(d.cells);
    this.renderActive(d.cells);
  }

  private moveTo(e: MapMouseEvent): void {
    const dr = this.drag;
    if (!dr) return;
    const t0 = performance.now();
    const m = dr.d.move([e.lngLat.lng, e.lngLat.lat], this.tolerance(e, SNAP_PX));
    dr.moved = true;
    this.renderActive(dr.d.cells);
    this.renderSnap(m.snap);
    this.renderVertices();
    this.events.onInstant(this.model.check(m.changed));
    dr.times.push(performance.now() - t0);
  }

  private up(e: MapMouseEvent): void {
    const dr = this.drag;
    if (!dr) return;
    this.drag = null;
    this.map.dragPan.enable();
    this.renderSnap(null);
    const n = dr.times.length;
    this.hooks.lastDrag = { moves: n, worstMs: n ? Math.max(...dr.times) : 0, meanMs: n ? dr.times.reduce((a, b) => a + b, 0) / n : 0 };
    if (!dr.moved) {
      dr.d.cancel();
      this.renderAll();
      this.events.onSelect(this.selected, this.vertex);
      return;
    }
    const edit = dr.d.drop([e.lngLat.lng, e.lngLat.lat], this.tolerance(e, SNAP_PX));
    if (!edit.ok) {
      this.renderAll();
      return this.events.onRefused(edit.refused ?? 'unknown');
    }
    const d = this.model.record('moveVertex', edit);
    this.vertex = edit.key ?? null;
    this.renderAll();
    this.events.onDraft(d, this.model.check(edit.changed));
  }

  private click(e: MapMouseEvent): void {
    if (this.draw) return;
    if (this.grab(e)) return; // a vertex or midpoint: handled by down/up
    const c = this.model.cellAt([e.lngLat.lng, e.lngLat.lat]);
    if (!c) return this.select([]);
    const shift = e.originalEvent.shiftKey;
    if (shift) this.select(this.selected.includes(c.ref) ? this.selected.filter((r) => r !== c.ref) : [...this.selected, c.ref]);
    else this.select([c.ref]);
  }

  private context(e: MapMouseEvent): void {
    if (this.draw) return;
    const g = this.grab(e);
    if (!g || !('key' in g)) return;
    e.preventDefault();
    this.vertex = g.key;
    this.deleteVertex();
  }

  // ---- drawing on the map

  private src(id: (typeof SOURCES)[number]): GeoJSONSource {
    return this.map.getSource(id) as GeoJSONSource;
  }

  renderAll(): void {
    this.src('gedit-communities').setData({ type: 'FeatureCollection', features: this.model.area.communities.map((c) => feature(c.geometry as GeoJSON.Geometry, { code: c.code, editable: c.editable })) });
    this.renderCells();
    this.renderActive(new Set());
    this.renderVertices();
    this.setProblems(this.problems);
    this.setHistory(this.history);
  }

  /** Every cell but those in `moving` (drawn live by renderActive). */
  private renderCells(moving: ReadonlySet<string> = new Set()): void {
    const sel = new Set(this.selected);
    const features = this.model.cells
      .filter((c) => !moving.has(c.ref))
      .map((c) => feature((this.model.topo.has(c.ref) ? this.model.topo.geometry(c.ref) : c.geometry) as GeoJSON.Geometry, { ref: c.ref, state: c.editable ? c.state : 'foreign', sel: sel.has(c.ref) }));
    this.src('gedit-cells').setData({ type: 'FeatureCollection', features });
  }

  private renderActive(moving: ReadonlySet<string>): void {
    this.src('gedit-active').setData({ type: 'FeatureCollection', features: [...moving].map((r) => feature(this.model.topo.geometry(r) as GeoJSON.Geometry, { ref: r })) });
  }

  private renderSnap(s: Snap | null): void {
    this.src('gedit-snap').setData({ type: 'FeatureCollection', features: s && s.kind !== 'none' ? [feature({ type: 'Point', coordinates: s.at }, { kind: s.kind })] : [] });
  }

  /** The selected cells' vertices (how each may move) and their edges' midpoints. */
  private renderVertices(): void {
    if (this.draw) {
      this.src('gedit-vertices').setData(EMPTY);
      this.src('gedit-midpoints').setData(EMPTY);
      return;
    }
    const seen = new Set<string>();
    const features: GeoJSON.Feature[] = [];
    for (const ref of this.selected) {
      if (!this.model.topo.has(ref) || !this.model.topo.isEditable(ref)) continue;
      for (const ring of ringsOf(this.model.topo.geometry(ref)))
        for (const p of ring.slice(0, -1)) {
          const k = keyOf(p);
          if (seen.has(k)) continue;
          seen.add(k);
          const freedom = this.drag ? (this.drag.freedom.get(k) ?? this.drag.d.freedom) : this.model.topo.freedom(k);
          features.push(feature({ type: 'Point', coordinates: p }, { key: k, freedom, sel: k === this.vertex }));
        }
    }
    this.src('gedit-vertices').setData({ type: 'FeatureCollection', features });
    this.src('gedit-midpoints').setData({ type: 'FeatureCollection', features: this.drag ? [] : this.midpoints().map((m) => feature({ type: 'Point', coordinates: m.at })) });
  }

  private midpoints(): { edge: { cell: string; part: number; ring: number; i: number }; at: Position }[] {
    const out: { edge: { cell: string; part: number; ring: number; i: number }; at: Position }[] = [];
    for (const ref of this.selected) {
      if (!this.model.topo.has(ref) || !this.model.topo.isEditable(ref)) continue;
      const g = this.model.topo.geometry(ref);
      const parts = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
      parts.forEach((rings, part) =>
        rings.forEach((r, ring) => {
          for (let i = 0; i + 1 < r.length; i++) out.push({ edge: { cell: ref, part, ring, i }, at: [(r[i][0] + r[i + 1][0]) / 2, (r[i][1] + r[i + 1][1]) / 2] });
        }),
      );
    }
    return out;
  }
}
