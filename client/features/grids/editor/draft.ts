// The grid editor's draft (docs/decisions/0027-grid-editor.md): a list of changes (update, add,
// retire) over the published cells of one district, and the communities' revisions it started
// from (the base, which publish compares under lock). It lives in the browser's localStorage per
// district, so a reload or a closed tab loses nothing; the server keeps only what is published.
// Every edit is one step that can be undone (the last UNDO_STEPS, kept with the draft).
// Pure apart from the storage handed in; geometry is GeoJSON lng/lat at full precision.
import type { CellAttributes, CellGeometry, GridChange } from '../../../../domain/grid-rules.ts';

export interface Draft {
  districtCode: string;
  /** Community code → grid revision when the draft began (grids.editArea's revisions). */
  base: Record<string, number>;
  changes: GridChange[];
  /** Earlier change lists, the latest last, each with what the step did (shown beside Undo). */
  undo: { label: string; changes: GridChange[] }[];
  /** The next added cell's number (keys `new-1`, `new-2` … never given twice within a draft). */
  nextKey: number;
}

/** A published cell as the draft needs it (grids.editArea's cells). */
export interface PublishedCell {
  id: number;
  code: string;
  version: number;
  villageCode: string;
  geometry: CellGeometry;
  attributes: CellAttributes;
  editable: boolean;
}

/** A cell as the editor shows it: published (maybe changed by the draft) or added. `ref` is the topology's id: `id:<id>` or the add's key. */
export interface DraftCell {
  ref: string;
  id: number | null;
  code: string | null;
  version: number | null;
  villageCode: string;
  geometry: CellGeometry;
  attributes: CellAttributes;
  editable: boolean;
  /** What the draft does to it. */
  state: 'published' | 'changed' | 'added';
}

export const UNDO_STEPS = 30;
const STORAGE_PREFIX = 'citygrid.gridDraft.';

export const refOfId = (id: number) => `id:${id}`;
export const idOfRef = (ref: string): number | null => (ref.startsWith('id:') ? Number(ref.slice(3)) : null);

export function emptyDraft(districtCode: string, base: Record<string, number>): Draft {
  return { districtCode, base, changes: [], undo: [], nextKey: 1 };
}

/** The cells as the draft leaves them: updates applied, retired ones gone, added ones at the end. */
export function applyDraft(published: readonly PublishedCell[], changes: readonly GridChange[]): DraftCell[] {
  const updates = new Map<number, Extract<GridChange, { op: 'update' }>>();
  const retired = new Set<number>();
  for (const c of changes) {
    if (c.op === 'update') updates.set(c.id, c);
    else if (c.op === 'retire') retired.add(c.id);
  }
  const out: DraftCell[] = [];
  for (const p of published) {
    if (retired.has(p.id)) continue;
    const u = updates.get(p.id);
    out.push({
      ref: refOfId(p.id),
      id: p.id,
      code: p.code,
      version: p.version,
      villageCode: p.villageCode,
      geometry: u?.geometry ?? p.geometry,
      attributes: u?.attributes ? { ...p.attributes, ...u.attributes } : p.attributes,
      editable: p.editable,
      state: u ? 'changed' : 'published',
    });
  }
  for (const c of changes)
    if (c.op === 'add') out.push({ ref: c.key, id: null, code: null, version: null, villageCode: c.villageCode, geometry: c.geometry, attributes: c.attributes ?? {}, editable: true, state: 'added' });
  return out;
}

/** One step: the new change list, the old one kept for undo. */
function step(d: Draft, label: string, changes: GridChange[], nextKey = d.nextKey): Draft {
  return { ...d, changes, nextKey, undo: [...d.undo, { label, changes: d.changes }].slice(-UNDO_STEPS) };
}

/**
 * Sets the geometry and/or attributes of cells (by ref): a published cell gets (or its `update`
 * takes) them, an added cell's `add` takes them. `published` gives a published cell's version.
 */
export function edit(d: Draft, label: string, published: ReadonlyMap<number, PublishedCell>, edits: readonly { ref: string; geometry?: CellGeometry; attributes?: CellAttributes }[]): Draft {
  let changes = [...d.changes];
  for (const e of edits) {
    const id = idOfRef(e.ref);
    if (id === null) {
      changes = changes.map((c) => (c.op === 'add' && c.key === e.ref ? { ...c, ...(e.geometry && { geometry: e.geometry }), ...(e.attributes && { attributes: { ...c.attributes, ...e.attributes } }) } : c));
      continue;
    }
    const p = published.get(id);
    if (!p) throw new RangeError(`no published cell ${id}`);
    const i = changes.findIndex((c) => c.op === 'update' && c.id === id);
    const prev = i >= 0 ? (changes[i] as Extract<GridChange, { op: 'update' }>) : { op: 'update' as const, id, version: p.version };
    const next: GridChange = { ...prev, ...(e.geometry && { geometry: e.geometry }), ...(e.attributes && { attributes: { ...prev.attributes, ...e.attributes } }) };
    if (i >= 0) changes[i] = next;
    else changes.push(next);
  }
  return step(d, label, changes);
}

/** Adds new cells (drawn, imported, a split's pieces, a merge's union); returns the draft and the keys given. */
export function addCells(d: Draft, label: string, cells: readonly { villageCode: string; geometry: CellGeometry; attributes?: CellAttributes }[]): { draft: Draft; keys: string[] } {
  const keys = cells.map((_, i) => `new-${d.nextKey + i}`);
  const adds: GridChange[] = cells.map((c, i) => ({ op: 'add', key: keys[i], villageCode: c.villageCode, geometry: c.geometry, ...(c.attributes && { attributes: c.attributes }) }));
  return { draft: step(d, label, [...d.changes, ...adds], d.nextKey + cells.length), keys };
}

/**
 * Retires cells (a split's or a merge's originals) and adds their replacements in one step. A
 * published cell gets a `retire` (its pending update dropped); an added cell is simply taken out.
 */
export function replaceCells(d: Draft, label: string, published: ReadonlyMap<number, PublishedCell>, retire: readonly string[], add: readonly { villageCode: string; geometry: CellGeometry; attributes?: CellAttributes }[]): { draft: Draft; keys: string[] } {
  let changes = [...d.changes];
  for (const ref of retire) {
    const id = idOfRef(ref);
    if (id === null) {
      changes = changes.filter((c) => !(c.op === 'add' && c.key === ref));
      continue;
    }
    const p = published.get(id);
    if (!p) throw new RangeError(`no published cell ${id}`);
    changes = changes.filter((c) => !(c.op !== 'add' && c.id === id));
    changes.push({ op: 'retire', id, version: p.version });
  }
  const keys = add.map((_, i) => `new-${d.nextKey + i}`);
  for (const [i, c] of add.entries()) changes.push({ op: 'add', key: keys[i], villageCode: c.villageCode, geometry: c.geometry, ...(c.attributes && { attributes: c.attributes }) });
  return { draft: step(d, label, changes, d.nextKey + add.length), keys };
}

/** The draft one step back (null when there is nothing to undo). Keys already given stay given. */
export function undo(d: Draft): Draft | null {
  const last = d.undo[d.undo.length - 1];
  if (!last) return null;
  return { ...d, changes: last.changes, undo: d.undo.slice(0, -1) };
}

/** The communities a draft touches (their revisions are what publish compares). */
export function touchedVillages(cells: readonly { ref: string; villageCode: string }[], changes: readonly GridChange[]): Set<string> {
  const byRef = new Map(cells.map((c) => [c.ref, c.villageCode]));
  const out = new Set<string>();
  for (const c of changes) {
    if (c.op === 'add') out.add(c.villageCode);
    else {
      const v = byRef.get(refOfId(c.id));
      if (v) out.add(v);
    }
  }
  return out;
}

/** Reads and writes one district's draft in a Storage (window.localStorage in the browser). */
export class DraftStore {
  constructor(
    private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>,
    readonly districtCode: string,
  ) {}

  private get key() {
    return STORAGE_PREFIX + this.districtCode;
  }

  /** The stored draft, or null (none, or unreadable: a draft from another version of the app is dropped, not guessed at). */
  load(): Draft | null {
    const raw = this.storage.getItem(this.key);
    if (!raw) return null;
    try {
      const d = JSON.parse(raw) as Draft;
      if (d.districtCode !== this.districtCode || !Array.isArray(d.changes) || !Array.isArray(d.undo) || typeof d.base !== 'object') return null;
      return d;
    } catch {
      return null;
    }
  }

  /**
   * Keeps the draft; when the browser's quota is exceeded, the undo history is shortened until it
   * fits (the changes themselves are never dropped). Returns the draft as stored.
   */
  save(d: Draft): Draft {
    let kept = d;
    for (;;) {
      try {
        if (!kept.changes.length && !kept.undo.length) this.storage.removeItem(this.key);
        else this.storage.setItem(this.key, JSON.stringify(kept));
        return kept;
      } catch (err) {
        if (!kept.undo.length) throw err;
        kept = { ...kept, undo: kept.undo.slice(Math.ceil(kept.undo.length / 2)) };
      }
    }
  }

  clear(): void {
    this.storage.removeItem(this.key);
  }
}
