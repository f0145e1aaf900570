import { describe, expect, it } from 'vitest';
import { addCells, applyDraft, DraftStore, edit, emptyDraft, replaceCells, undo, UNDO_STEPS, type PublishedCell } from '../../client/features/grids/editor/draft.ts';
import type { CellGeometry } from '../../domain/grid-rules.ts';

const sq = (x: number): CellGeometry => ({ type: 'Polygon', coordinates: [[[x, 0], [x + 1, 0], [x + 1, 1], [x, 1], [x, 0]]] });
const cell = (id: number, x: number): PublishedCell => ({ id, code: `350602001001${String(id).padStart(3, '0')}`, version: 3, villageCode: '350602001001', geometry: sq(x), attributes: { landUse: 'residential' }, editable: true });
const published = [cell(1, 0), cell(2, 1)];
const byId = new Map(published.map((c) => [c.id, c]));

function memory() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k), m };
}

describe('the draft', () => {
  it('two edits of one published cell make one update, at the published version', () => {
    let d = emptyDraft('350602', { '350602001001': 7 });
    d = edit(d, 'move', byId, [{ ref: 'id:1', geometry: sq(5) }]);
    d = edit(d, 'attrs', byId, [{ ref: 'id:1', attributes: { managementLevel: '2' } }]);
    expect(d.changes).toEqual([{ op: 'update', id: 1, version: 3, geometry: sq(5), attributes: { managementLevel: '2' } }]);
    const shown = applyDraft(published, d.changes);
    expect(shown[0]).toMatchObject({ state: 'changed', geometry: sq(5), attributes: { landUse: 'residential', managementLevel: '2' } });
  });

  it('a split retires the cell (dropping its pending update) and adds the pieces under new keys', () => {
    let d = edit(emptyDraft('350602', {}), 'move', byId, [{ ref: 'id:2', geometry: sq(9) }]);
    const r = replaceCells(d, 'split', byId, ['id:2'], [{ villageCode: '350602001001', geometry: sq(1) }, { villageCode: '350602001001', geometry: sq(2) }]);
    d = r.draft;
    expect(r.keys).toEqual(['new-1', 'new-2']);
    expect(d.changes.map((c) => c.op)).toEqual(['retire', 'add', 'add']);
    expect(applyDraft(published, d.changes).map((c) => c.ref)).toEqual(['id:1', 'new-1', 'new-2']);
  });

  it('retiring an added cell takes its add out (nothing to retire on the server); keys are never given twice', () => {
    let d = addCells(emptyDraft('350602', {}), 'draw', [{ villageCode: '350602001001', geometry: sq(4) }]).draft;
    d = replaceCells(d, 'merge', byId, ['new-1', 'id:1'], [{ villageCode: '350602001001', geometry: sq(0) }]).draft;
    expect(d.changes).toEqual([{ op: 'retire', id: 1, version: 3 }, { op: 'add', key: 'new-2', villageCode: '350602001001', geometry: sq(0) }]);
  });

  it('undo goes back one step at a time, then says there is nothing left', () => {
    let d = emptyDraft('350602', {});
    d = addCells(d, 'draw', [{ villageCode: '350602001001', geometry: sq(4) }]).draft;
    d = edit(d, 'move', byId, [{ ref: 'new-1', geometry: sq(6) }]);
    expect((d.changes[0] as { geometry: CellGeometry }).geometry).toEqual(sq(6));
    d = undo(d)!;
    expect((d.changes[0] as { geometry: CellGeometry }).geometry).toEqual(sq(4));
    d = undo(d)!;
    expect(d.changes).toEqual([]);
    expect(undo(d)).toBeNull();
  });

  it(`undo keeps the last ${UNDO_STEPS} steps`, () => {
    let d = emptyDraft('350602', {});
    for (let i = 0; i < UNDO_STEPS + 5; i++) d = edit(d, `m${i}`, byId, [{ ref: 'id:1', geometry: sq(i) }]);
    expect(d.undo).toHaveLength(UNDO_STEPS);
  });

  it('is kept per district in storage; a draft of another district or unreadable JSON is not taken', () => {
    const s = memory();
    const store = new DraftStore(s, '350602');
    const d = edit(emptyDraft('350602', { a: 1 }), 'move', byId, [{ ref: 'id:1', geometry: sq(5) }]);
    store.save(d);
    expect(new DraftStore(s, '350602').load()).toEqual(d);
    expect(new DraftStore(s, '350603').load()).toBeNull();
    s.setItem('citygrid.gridDraft.350603', '{not json');
    expect(new DraftStore(s, '350603').load()).toBeNull();
    store.save(emptyDraft('350602', {}));
    expect(s.m.has('citygrid.gridDraft.350602')).toBe(false);
  });

  it('over the storage quota the undo history is shortened, never the changes', () => {
    const s = memory();
    let writes = 0;
    const tight = { ...s, setItem: (k: string, v: string) => (v.length > 2000 && writes++ < 10 ? (() => { throw new Error('QuotaExceededError'); })() : s.setItem(k, v)) };
    let d = emptyDraft('350602', {});
    for (let i = 0; i < 20; i++) d = edit(d, `m${i}`, byId, [{ ref: 'id:1', geometry: sq(i) }]);
    const kept = new DraftStore(tight, '350602').save(d);
    expect(kept.changes).toEqual(d.changes);
    expect(kept.undo.length).toBeLessThan(d.undo.length);
  });
});
