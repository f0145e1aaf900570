// The grid editor's instant feedback per drag move (client/features/grids/editor/: topology.ts and
// check.ts; docs/decisions/0027-grid-editor.md), goal ≤ 16 ms (one frame), against a baseline
// measured in the same run: the same move done naively, with no vertex index and no pretest (the
// topology rebuilt from every cell; each changed cell clipped, turf intersect, against every cell
// whose box meets its box). No database: a synthetic district of 40 × 40 jittered cells of about 100 m
// (shared vertices, as a coverage has them) in one community, with a big cell in the middle (a
// 4 × 4 block merged: 16 vertices, 20 neighbours) whose corner shared with three small cells is
// dragged back and forth, snapping within 1 m.
import turfArea from '@turf/area';
import turfIntersect from '@turf/intersect';
import { checkCell } from '../client/features/grids/editor/check.ts';
import { keyOf, Topology, VertexDrag, type TopoCellInput } from '../client/features/grids/editor/topology.ts';
import type { CellGeometry, GridRules, Position } from '../domain/grid-rules.ts';
import { entry, repeat, type BenchEntry } from './harness.ts';
import { sized } from './smoke.ts';

const RULES: GridRules = { overlapToleranceM2: 0.01, minGapM2: 1, spikeDegrees: 1, minAreaM2: 1000, maxAreaM2: 200_000 };
const ms = (x: number) => Math.round(x * 100) / 100;

/** A deterministic jitter in [-0.25, 0.25) of a step, so vertices are not on a lattice (nor are edges parallel). */
const jitter = (i: number, j: number) => ((Math.sin(i * 12.9898 + j * 78.233) * 43758.5453) % 1) * 0.25;

function district(n: number): { cells: TopoCellInput[]; community: CellGeometry; big: string; corner: Position } {
  const step = 0.001;
  const v = (i: number, j: number): Position => {
    const edge = i === 0 || j === 0 || i === n || j === n;
    return [117.6 + (i + (edge ? 0 : jitter(i, j))) * step, 24.5 + (j + (edge ? 0 : jitter(j, i))) * step];
  };
  const b0 = Math.floor(n / 2) - 2; // the big cell: columns and rows b0 … b0 + 3
  const inBig = (i: number, j: number) => i >= b0 && i < b0 + 4 && j >= b0 && j < b0 + 4;
  const cells: TopoCellInput[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      if (inBig(i, j)) continue;
      cells.push({ id: `c${i}-${j}`, editable: true, geometry: { type: 'Polygon', coordinates: [[v(i, j), v(i + 1, j), v(i + 1, j + 1), v(i, j + 1), v(i, j)]] } });
    }
  const ring: Position[] = [];
  for (let k = 0; k < 4; k++) ring.push(v(b0 + k, b0));
  for (let k = 0; k < 4; k++) ring.push(v(b0 + 4, b0 + k));
  for (let k = 4; k > 0; k--) ring.push(v(b0 + k, b0 + 4));
  for (let k = 4; k > 0; k--) ring.push(v(b0, b0 + k));
  cells.push({ id: 'big', editable: true, geometry: { type: 'Polygon', coordinates: [[...ring, ring[0]]] } });
  const community: CellGeometry = { type: 'Polygon', coordinates: [[v(0, 0), v(n, 0), v(n, n), v(0, n), v(0, 0)]] };
  return { cells, community, big: 'big', corner: v(b0 + 4, b0 + 4) };
}

export async function gridEditorBench(): Promise<BenchEntry[]> {
  const n = sized(40, 12);
  const { cells, community, big, corner } = district(n);
  const topo = new Topology(cells, [{ code: '350602001001', geometry: community }]);
  const neighbours = topo.neighbours(big).length;
  const drag = topo.beginDrag(keyOf(corner));
  if (!(drag instanceof VertexDrag)) throw new Error(`the corner cannot be dragged: ${drag.refused}`);
  let k = 0;
  /** One move: the topology update (every sharing cell follows, snapped within 1 m) and the check of every changed cell against its neighbours. */
  const move = () => {
    const d = (k++ % 20) * 0.000004; // up to 8 m away and back
    const { changed } = drag.move([corner[0] + d, corner[1] + d / 2], 1);
    let problems = 0;
    for (const id of changed) {
      const nbs = topo.neighbours(id).map((x) => ({ ref: x, geometry: topo.geometry(x) }));
      problems += checkCell({ ref: id, geometry: topo.geometry(id), neighbours: nbs, community }, RULES).length;
    }
    return problems;
  };
  for (let i = 0; i < 5; i++) move(); // warm the JIT
  const perMove = await repeat(sized(200, 20), move);
  const changedCells = drag.move(corner).changed.size;

  // naive: no index (the topology rebuilt), no neighbour filter, no pretest: every cell whose box meets a changed cell's is clipped against it
  const naive = () => {
    const all = new Topology(topo.ids().map((id) => ({ id, geometry: topo.geometry(id), editable: true })), [{ code: '350602001001', geometry: community }]);
    const ids = all.ids();
    for (const id of all.cellsAt(keyOf(corner))) {
      const g = all.geometry(id);
      checkCell({ ref: id, geometry: g, neighbours: [], community }, RULES);
      const [w, s, e, nn] = all.bbox(id);
      for (const x of ids) {
        const b = all.bbox(x);
        if (x === id || b[0] > e || b[2] < w || b[1] > nn || b[3] < s) continue;
        const shared = turfIntersect({ type: 'FeatureCollection', features: [g, all.geometry(x)].map((geometry) => ({ type: 'Feature', properties: {}, geometry: geometry as GeoJSON.Polygon })) });
        if (shared) turfArea(shared);
      }
    }
  };
  const naiveMove = await repeat(sized(3, 1), naive);
  drag.cancel();
  return [
    entry({
      name: `grid editor: topology update + instant check per drag move (${changedCells} cells changed, the big one with ${neighbours} neighbours; ${cells.length} cells)`,
      value: ms(perMove),
      unit: 'ms',
      baseline: ms(naiveMove),
      target: '≤ 16 ms',
      met: perMove <= 16,
      note: 'baseline: the same move with the topology rebuilt and each changed cell clipped against every cell whose box meets it',
    }),
  ];
}
