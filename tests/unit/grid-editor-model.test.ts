import { describe, expect, it } from 'vitest';
import { EditorModel, innerPoint, type EditArea } from '../../client/features/grids/editor/editor-model.ts';
import { emptyDraft, undo } from '../../client/features/grids/editor/draft.ts';
import { keyOf } from '../../client/features/grids/editor/topology.ts';
import type { CellGeometry, GridRules, Position } from '../../domain/grid-rules.ts';

const RULES: GridRules = { overlapToleranceM2: 0.01, minGapM2: 1, spikeDegrees: 1, minAreaM2: 1000, maxAreaM2: 200_000 };
const O: Position = [117.6, 24.5];
const at = (x: number, y: number): Position => [O[0] + x, O[1] + y];
const square = (x0: number, y0: number, x1: number, y1: number): CellGeometry => ({ type: 'Polygon', coordinates: [[at(x0, y0), at(x1, y0), at(x1, y1), at(x0, y1), at(x0, y0)]] });
const V = '350602001001';
const cell = (id: number, g: CellGeometry, editable = true) => ({ id, code: `${V}${String(id).padStart(3, '0')}`, version: 1, villageCode: V, districtCode: '350602', editable, landUse: null, managementLevel: null, responsibleParty: null, responsibilityGridId: null, areaM2: 0, geometry: g });

// three cells in a row (A B C) tiling a community of 0.003° × 0.001°
const area: EditArea = {
  districtCode: '350602',
  cells: [cell(1, square(0, 0, 0.001, 0.001)), cell(2, square(0.001, 0, 0.002, 0.001)), cell(3, square(0.002, 0, 0.003, 0.001))],
  communities: [{ code: V, name: '示例社区', districtCode: '350602', editable: true, revision: 4, geometry: square(0, 0, 0.003, 0.001) }],
  revisions: { [V]: 4 },
  rules: RULES,
  responsibilityGrids: [],
};
const model = () => new EditorModel(area, emptyDraft('350602', area.revisions), RULES);

describe('the editor model', () => {
  it('a cell retired to redraw, then drawn again a little off (terra-draw rounds), snaps exactly onto its neighbours and passes the check', () => {
    const m = model();
    m.replace('retire', ['id:2'], [], V);
    expect(m.draft.changes).toEqual([{ op: 'retire', id: 2, version: 1 }]);
    // drawn with every corner 0.3 m off the old one
    const off = 0.3 / 111_320;
    const drawn: CellGeometry = { type: 'Polygon', coordinates: [[at(0.001 + off, off), at(0.002 - off, off), at(0.002 + off, 0.001 - off), at(0.001 - off, 0.001 + off), at(0.001 + off, off)]] };
    const r = m.addDrawn('draw', drawn, 2)!;
    expect(r.key).toBe('new-1');
    const ring = (m.topo.geometry('new-1').coordinates as Position[][])[0].map(keyOf);
    expect(ring).toEqual([at(0.001, 0), at(0.002, 0), at(0.002, 0.001), at(0.001, 0.001), at(0.001, 0)].map(keyOf));
    expect(m.check(['new-1'])).toEqual([]);
    expect(m.draft.changes.map((c) => c.op)).toEqual(['retire', 'add']);
  });

  it('a drawn cell overlapping a neighbour shows the overlap; a cell drawn outside every community is refused', () => {
    const m = model();
    m.replace('retire', ['id:2'], [], V);
    const r = m.addDrawn('draw', square(0.001, 0, 0.0022, 0.001), 0.01)!;
    expect(m.check([r.key]).map((p) => [p.reason, p.params.other])).toEqual([['grid.overlap', `${V}003`]]);
    expect(m.addDrawn('draw', square(0.01, 0.01, 0.011, 0.011), 1)).toBeNull();
  });

  it('a moved shared vertex becomes an update of both cells at their published versions, undone in one step', () => {
    const m = model();
    const e = m.topo.moveVertex(keyOf(at(0.001, 0.0005 * 0)), at(0.0011, 0)); // on the boundary: slides
    const d = m.record('move', e);
    expect(d.changes.map((c) => (c.op === 'update' ? [c.id, c.version] : c.op))).toEqual([
      [1, 1],
      [2, 1],
    ]);
    m.setDraft(undo(d)!);
    expect(m.draft.changes).toEqual([]);
    expect(m.topo.refs(keyOf(at(0.001, 0)))).toHaveLength(2);
  });

  it('the inner point of an L-shaped cell lies inside it', () => {
    const L: CellGeometry = { type: 'Polygon', coordinates: [[at(0, 0), at(0.002, 0), at(0.002, 0.0005), at(0.0005, 0.0005), at(0.0005, 0.002), at(0, 0.002), at(0, 0)]] };
    const [x, y] = innerPoint(L);
    expect(x).toBeGreaterThan(O[0]);
    expect(x).toBeLessThan(O[0] + 0.0005);
    expect(y).toBeCloseTo(O[1] + 0.001, 9);
  });
});
