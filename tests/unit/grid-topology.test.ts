import { describe, expect, it } from 'vitest';
import { keyOf, Topology, VertexDrag, type TopoCellInput } from '../../client/features/grids/editor/topology.ts';
import { ringsOf, type CellGeometry, type Position } from '../../domain/grid-rules.ts';

// A community of 0.003° × 0.002° near Zhangzhou (about 304 m × 222 m) tiled by six cells of
// 0.001° (A B C below, D E F above), and a cell of another district (X, not editable) beside C in
// the next community. Coordinates are offsets from (117.6, 24.5).
const O: Position = [117.6, 24.5];
const at = (x: number, y: number): Position => [O[0] + x, O[1] + y];
const square = (x0: number, y0: number, x1: number, y1: number): CellGeometry => ({ type: 'Polygon', coordinates: [[at(x0, y0), at(x1, y0), at(x1, y1), at(x0, y1), at(x0, y0)]] });
const cell = (id: string, g: CellGeometry, editable = true): TopoCellInput => ({ id, geometry: g, editable });

function city() {
  return new Topology(
    [
      cell('A', square(0, 0, 0.001, 0.001)),
      cell('B', square(0.001, 0, 0.002, 0.001)),
      cell('C', square(0.002, 0, 0.003, 0.001)),
      cell('D', square(0, 0.001, 0.001, 0.002)),
      cell('E', square(0.001, 0.001, 0.002, 0.002)),
      cell('F', square(0.002, 0.001, 0.003, 0.002)),
      cell('X', square(0.003, 0, 0.004, 0.001), false),
    ],
    [
      { code: '350602001001', geometry: square(0, 0, 0.003, 0.002) },
      { code: '350603001001', geometry: square(0.003, 0, 0.004, 0.002) },
    ],
  );
}
const vertices = (t: Topology, id: string) => ringsOf(t.geometry(id)).flatMap((r) => r.slice(0, -1).map(keyOf));
const has = (t: Topology, id: string, p: Position) => vertices(t, id).includes(keyOf(p));

describe('moving vertices', () => {
  it('moving a shared vertex keeps both cells sharing it (all four at an inner corner)', () => {
    const t = city();
    const from = at(0.001, 0.001);
    const to = at(0.0012, 0.0011);
    const edit = t.moveVertex(keyOf(from), to);
    expect(edit.ok).toBe(true);
    expect([...edit.changed].sort()).toEqual(['A', 'B', 'D', 'E']);
    for (const id of ['A', 'B', 'D', 'E']) {
      expect(has(t, id, to)).toBe(true);
      expect(has(t, id, from)).toBe(false);
    }
    expect(t.cellsAt(keyOf(to)).sort()).toEqual(['A', 'B', 'D', 'E']);
    expect(t.refs(keyOf(from))).toHaveLength(0);
  });

  it('a drag moves every sharing cell on each move, and the drop settles the index', () => {
    const t = city();
    const drag = t.beginDrag(keyOf(at(0.002, 0.001)));
    expect(drag).toBeInstanceOf(VertexDrag);
    const d = drag as VertexDrag;
    for (const x of [0.00201, 0.00202, 0.00203]) {
      const m = d.move(at(x, 0.0012));
      expect([...m.changed].sort()).toEqual(['B', 'C', 'E', 'F']);
      expect(has(t, 'C', at(x, 0.0012))).toBe(true);
    }
    const edit = d.drop(at(0.00203, 0.0012));
    expect(t.cellsAt(edit.key!).sort()).toEqual(['B', 'C', 'E', 'F']);
  });

  it('snapping onto a neighbour\'s edge inserts the vertex into the neighbour', () => {
    // N and M with a 0.0001° (about 10 m) gap; M's lone vertex in the middle of its left side is dropped 0.3 m from N's right edge
    const N = square(0, 0, 0.001, 0.001);
    const M: CellGeometry = { type: 'Polygon', coordinates: [[at(0.0011, 0), at(0.002, 0), at(0.002, 0.001), at(0.0011, 0.001), at(0.00105, 0.0005), at(0.0011, 0)]] };
    const t = new Topology([cell('N', N), cell('M', M)], []);
    const edit = t.moveVertex(keyOf(at(0.00105, 0.0005)), at(0.001003, 0.0005), 1);
    expect(edit.ok).toBe(true);
    expect([...edit.changed].sort()).toEqual(['M', 'N']);
    const onEdge = edit.key!;
    expect(t.cellsAt(onEdge).sort()).toEqual(['M', 'N']);
    // in N's ring between its two right-hand corners
    const ring = (t.geometry('N').coordinates as Position[][])[0].map(keyOf);
    const i = ring.indexOf(onEdge);
    expect([ring[i - 1], ring[i + 1]]).toEqual([keyOf(at(0.001, 0)), keyOf(at(0.001, 0.001))]);
  });

  it('a vertex dropped near another cell\'s vertex takes that vertex (one key, shared from then on)', () => {
    const N = square(0, 0, 0.001, 0.001);
    const M = square(0.0011, 0, 0.002, 0.001);
    const t = new Topology([cell('N', N), cell('M', M)], []);
    const edit = t.moveVertex(keyOf(at(0.0011, 0.001)), at(0.0010005, 0.0009995), 2);
    expect(edit.key).toBe(keyOf(at(0.001, 0.001)));
    expect(t.cellsAt(edit.key!).sort()).toEqual(['M', 'N']);
  });

  it('a boundary vertex slides along the boundary (the pointer projected onto it), in both cells', () => {
    const t = city();
    const from = at(0.001, 0); // on the community's southern edge, shared by A and B
    expect(t.freedom(keyOf(from))).toBe('boundary');
    const edit = t.moveVertex(keyOf(from), at(0.0012, 0.0003));
    const [x, y] = edit.key!.split(',').map(Number);
    expect(y).toBe(O[1]); // exactly on the boundary line, not 33 m north of it
    expect(x).toBeCloseTo(O[0] + 0.0012, 12);
    expect([...edit.changed].sort()).toEqual(['A', 'B']);
    expect(has(t, 'A', [x, y]) && has(t, 'B', [x, y])).toBe(true);
  });

  it('a boundary vertex slides round the boundary\'s corner onto the next side', () => {
    const t = new Topology([cell('A', square(0, 0, 0.001, 0.001))], [{ code: '350602001001', geometry: square(0, 0, 0.001, 0.002) }]);
    // A's north-east corner lies on the community's eastern side; pulled far east and north it stays on that side
    const edit = t.moveVertex(keyOf(at(0.001, 0.001)), at(0.003, 0.0015));
    expect(edit.key).toBe(keyOf([O[0] + 0.001, O[1] + 0.0015]));
  });

  it('a pinned vertex does not move (shared with a cell of another district)', () => {
    const t = city();
    const pin = at(0.003, 0);
    expect(t.freedom(keyOf(pin))).toBe('pinned');
    const before = JSON.stringify(t.geometry('C'));
    const edit = t.moveVertex(keyOf(pin), at(0.0031, 0.0002));
    expect(edit).toMatchObject({ ok: false, refused: 'pinned' });
    expect(edit.changed.size).toBe(0);
    expect(JSON.stringify(t.geometry('C'))).toBe(before);
    expect(t.deleteVertex(keyOf(pin))).toMatchObject({ ok: false, refused: 'pinned' });
  });

  it('an inner vertex is free; a vertex no cell has is unknown', () => {
    const t = city();
    expect(t.freedom(keyOf(at(0.001, 0.001)))).toBe('free');
    expect(t.moveVertex('1,2', at(0, 0))).toMatchObject({ ok: false, refused: 'unknown' });
  });

  it('coordinates are kept at full precision (no rounding of keys or positions)', () => {
    const p: Position = [117.60000000000001, 24.500000000000004];
    const g: CellGeometry = { type: 'Polygon', coordinates: [[p, at(0.001, 0), at(0.001, 0.001), at(0, 0.001), p]] };
    const t = new Topology([cell('P', g)], []);
    expect(t.refs(keyOf(p))).toHaveLength(1);
    const to: Position = [117.6 + 1.23456789e-6, 24.5 + 9.87654321e-7];
    t.moveVertex(keyOf(p), to);
    expect((t.geometry('P').coordinates as Position[][])[0][0]).toEqual(to);
  });

  it('a drop that would fold a ring onto a line is refused and puts the vertex back', () => {
    const tri: CellGeometry = { type: 'Polygon', coordinates: [[at(0, 0), at(0.001, 0), at(0, 0.001), at(0, 0)]] };
    const t = new Topology([cell('T', tri)], []);
    const drag = t.beginDrag(keyOf(at(0.001, 0))) as VertexDrag;
    const edit = drag.drop(at(0, 0)); // onto its own neighbour vertex
    expect(edit).toMatchObject({ ok: false, refused: 'tooFewVertices' });
    expect(has(t, 'T', at(0.001, 0))).toBe(true);
  });
});

describe('inserting and deleting vertices', () => {
  it('inserting a vertex into a shared edge inserts it into both cells', () => {
    const t = city();
    // A's edge from (0.001,0) to (0.001,0.001) is B's edge the other way round
    const ring = (t.geometry('A').coordinates as Position[][])[0];
    const i = ring.findIndex((p) => keyOf(p) === keyOf(at(0.001, 0)));
    const edit = t.insertVertex({ cell: 'A', part: 0, ring: 0, i }, at(0.001, 0.0004));
    expect([...edit.changed].sort()).toEqual(['A', 'B']);
    expect(t.cellsAt(keyOf(at(0.001, 0.0004))).sort()).toEqual(['A', 'B']);
  });

  it('inserting a vertex into an edge shared with another district\'s cell is refused (pinned, as its ends are)', () => {
    const t = city();
    const ring = (t.geometry('C').coordinates as Position[][])[0];
    const i = ring.findIndex((p) => keyOf(p) === keyOf(at(0.003, 0)));
    expect(t.insertVertex({ cell: 'C', part: 0, ring: 0, i }, at(0.003, 0.0005))).toMatchObject({ ok: false, refused: 'pinned' });
  });

  it('deleting a shared vertex deletes it from all sharing cells', () => {
    const t = city();
    const edit = t.deleteVertex(keyOf(at(0.001, 0.001)));
    expect([...edit.changed].sort()).toEqual(['A', 'B', 'D', 'E']);
    for (const id of ['A', 'B', 'D', 'E']) expect(has(t, id, at(0.001, 0.001))).toBe(false);
  });

  it('deleting a triangle\'s vertex is refused (a ring keeps 3 distinct vertices)', () => {
    const tri: CellGeometry = { type: 'Polygon', coordinates: [[at(0, 0), at(0.001, 0), at(0, 0.001), at(0, 0)]] };
    const t = new Topology([cell('T', tri)], []);
    expect(t.deleteVertex(keyOf(at(0, 0)))).toMatchObject({ ok: false, refused: 'tooFewVertices' });
  });

  it('an added cell is tied in: its corner on a neighbour\'s edge goes into the neighbour, and the neighbour\'s corners on its edges into it', () => {
    const t = new Topology([cell('A', square(0, 0, 0.001, 0.001)), cell('B', square(0.001, 0, 0.002, 0.001))], []);
    // a wide cell on top of both: its edge along y = 0.001 has A and B's shared corner (0.001, 0.001) inside it;
    // a narrow one whose corner (0.0005, 0.002) lies on the wide one's top edge
    const edit = t.addCell(cell('new-1', square(0, 0.001, 0.002, 0.002)));
    expect([...edit.changed].sort()).toEqual(['new-1']);
    expect(has(t, 'new-1', at(0.001, 0.001))).toBe(true);
    const top = t.addCell(cell('new-2', { type: 'Polygon', coordinates: [[at(0.0005, 0.002), at(0.0015, 0.002), at(0.001, 0.0025), at(0.0005, 0.002)]] }));
    expect([...top.changed].sort()).toEqual(['new-1', 'new-2']);
    expect(t.cellsAt(keyOf(at(0.0005, 0.002))).sort()).toEqual(['new-1', 'new-2']);
  });
});

describe('snapping', () => {
  it.each([
    ['a vertex within the tolerance wins over a nearer edge', at(0.0010004, 0.00098), 5, 'vertex'],
    ['an edge when no vertex is within the tolerance', at(0.0010003, 0.0005), 5, 'edge'],
    ['a community boundary beyond the last cell', at(0.0035, 0.00198), 5, 'boundary'],
    ['the pointer itself when nothing is near', at(0.0005, 0.0005), 5, 'none'],
  ])('%s', (_, pointer, tol, kind) => {
    // X covers only the lower half of its community: above it, only the boundary is there to snap to
    expect(city().snap(pointer, tol).kind).toBe(kind);
  });

  it('an edge snap names the segment and lies on it; the excluded cell is not snapped to', () => {
    const t = city();
    const s = t.snap(at(0.0010003, 0.0005), 5, new Set(['A']));
    expect(s.kind).toBe('edge');
    if (s.kind !== 'edge') return;
    expect(s.ref.cell).toBe('B');
    expect(s.at[0]).toBeCloseTo(O[0] + 0.001, 12);
  });
});

describe('the cell search (buckets of BUCKET_DEG)', () => {
  // 30 × 30 cells of 0.0007° (buckets of 0.002° hold about 3 × 3), so most searches read a few buckets
  const lattice = () => {
    const cells: TopoCellInput[] = [];
    for (let i = 0; i < 30; i++) for (let j = 0; j < 30; j++) cells.push(cell(`c${i}-${j}`, square(i * 0.0007, j * 0.0007, (i + 1) * 0.0007, (j + 1) * 0.0007)));
    return new Topology(cells, [{ code: '350602001001', geometry: square(0, 0, 0.021, 0.021) }]);
  };
  /** Every cell whose box meets the cell's box grown by 1 m: what neighbours() must answer, read the slow way. */
  const brute = (t: Topology, id: string) => {
    const [w, s, e, n] = t.bbox(id);
    const dx = 1 / (111_194.9 * Math.cos((24.5 * Math.PI) / 180)), dy = 1 / 111_194.9;
    return t.ids().filter((o) => {
      const b = t.bbox(o);
      return o !== id && b[0] <= e + dx && b[2] >= w - dx && b[1] <= n + dy && b[3] >= s - dy;
    }).sort();
  };

  it('finds the same neighbours as reading every cell, after a drag, a removal and an added cell', () => {
    const t = lattice();
    for (const id of ['c0-0', 'c2-2', 'c14-15', 'c29-29', 'c8-20']) expect(t.neighbours(id).sort()).toEqual(brute(t, id));
    // a drag pulls the corner shared by four cells at 0.0084° across bucket lines (every 0.002°), to 0.005°
    const d = t.beginDrag(keyOf(at(12 * 0.0007, 12 * 0.0007))) as VertexDrag;
    d.move(at(0.005, 0.005), 0);
    // c11-11 reaches down into c7-7's bucket now: found there only if the drag refiled it
    expect(brute(t, 'c7-7')).toContain('c11-11');
    for (const id of ['c11-11', 'c12-12', 'c8-8', 'c7-7', 'c9-9']) expect(t.neighbours(id).sort()).toEqual(brute(t, id));
    d.drop(at(0.0063, 0.0063), 0);
    expect(t.neighbours('c11-11').sort()).toEqual(brute(t, 'c11-11'));
    t.removeCell('c5-5');
    expect(t.neighbours('c5-6')).not.toContain('c5-5');
    t.addCell({ id: 'new', geometry: square(0.0035, 0.0035, 0.0042, 0.0042), editable: true });
    expect(t.neighbours('c5-6').sort()).toEqual(brute(t, 'c5-6'));
    expect(t.neighbours('c5-6')).toContain('new');
  });

  it('snaps to a vertex found through the buckets, across a bucket line', () => {
    const t = lattice();
    // the vertex at x = y = 0.0056 lies 0.0004° below the bucket line at 0.006 (in absolute degrees too); the pointer is 0.5 m off it
    const target = at(8 * 0.0007, 8 * 0.0007);
    const s = t.snap([target[0] + 0.5 / 101_000, target[1]], 2);
    expect(s.kind).toBe('vertex');
    expect(s.at).toEqual(target);
  });
});
