// 单元网格编辑: the grid editor's panel beside the map (docs/decisions/0027-grid-editor.md). It loads
// a district's cells (grids.editArea), keeps the draft in this browser (draft.ts, per district),
// edits it on the map (editor-map.ts, through the map's interaction seam) with the topology and
// the instant check, and asks the server to validate, split, merge, publish, show a cell's
// history, export and import. Problems and refusals are worded by domain/messages.ts, as every
// refusal is. Opens on the coordinator's own district; other districts' cells are shown dimmed
// and pinned, and a district that is not the user's is read-only.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { LAND_USES, MANAGEMENT_LEVELS, type CellAttributes, type CellGeometry, type GridProblem, type LandUse, type ManagementLevel } from '../../../../domain/grid-rules.ts';
import { messageOf } from '../../../../domain/messages.ts';
import { errorText, formatNumber, type Lang } from '../../../lib/i18n.ts';
import { useMapInteraction } from '../../../lib/map-interaction.ts';
import type { MapInteraction } from '../../../map/MapView.tsx';
import { DraftStore, emptyDraft, idOfRef, undo, type Draft } from './draft.ts';
import { EditorModel, type EditArea } from './editor-model.ts';
import { EditorMap, metresPerPixel, SNAP_PX, type DrawKind } from './editor-map.ts';
import { sayEditor, type EditorWord } from './editor-strings.ts';
import type { EditorApi, HistoryVersion, ImportAnswer } from './editor-api.ts';

type Mode = 'select' | DrawKind;
type Conflict = { villages: string[]; changes: string[]; stale: string[] };

/** "{n} cells" with the numbers put in. */
const fill = (text: string, params: Record<string, string | number>) => text.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? ''));

export function GridEditor({ lang, api, districtCode, districts, onClose }: { lang: Lang; api: EditorApi; districtCode: string; districts: { code: string; name: string }[]; onClose(): void }) {
  const [district, setDistrict] = useState(districtCode);
  const [area, setArea] = useState<EditArea | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [draft, setDraftState] = useState<Draft | null>(null);
  const [mode, setMode] = useState<Mode>('select');
  const [selection, setSelection] = useState<{ cells: string[]; vertex: string | null }>({ cells: [], vertex: null });
  const [instant, setInstant] = useState<GridProblem[]>([]);
  const [serverProblems, setServerProblems] = useState<GridProblem[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [note, setNote] = useState('');
  const [history, setHistory] = useState<{ code: string; versions: HistoryVersion[] } | null>(null);
  const [imported, setImported] = useState<ImportAnswer | null>(null);
  const [toleranceM, setToleranceM] = useState(0.5);

  const store = useMemo(() => new DraftStore(window.localStorage, district), [district]);
  const importBox = useRef<HTMLDivElement>(null);
  // (in braces: Chromium's scrollIntoView now returns a promise, which React would take for a cleanup)
  useEffect(() => {
    void importBox.current?.scrollIntoView({ block: 'nearest' });
  }, [imported]);
  const model = useRef<EditorModel | null>(null);
  const mapPart = useRef<EditorMap | null>(null);
  const editable = !!area && area.communities.some((c) => c.editable);

  // ---- loading

  const load = useCallback(
    async (keepDraft: boolean) => {
      setArea(null);
      setLoadError(null);
      try {
        const a = await api.editArea({ districtCode: district });
        const kept = keepDraft ? store.load() : null;
        const d = kept ?? emptyDraft(district, a.revisions);
        if (!keepDraft) store.clear();
        model.current = new EditorModel(a, d, a.rules);
        setDraftState(d);
        setArea(a);
        setInstant(model.current.checkDraft());
        setServerProblems(null);
        mapPart.current?.setModel(model.current);
        mapPart.current?.setProblems([]);
      } catch (err) {
        setLoadError(errorText(err, lang));
      }
    },
    [api, district, store, lang],
  );
  useEffect(() => {
    void load(true);
  }, [load]);

  /** The next draft: kept in this browser, and the server's last answer dropped (it was about the one before). */
  const keep = (d: Draft, problems?: GridProblem[]) => {
    const stored = store.save(d);
    setDraftState(stored);
    setServerProblems(null);
    if (problems) setInstant(problems);
    mapPart.current?.setProblems(problems ?? []);
  };

  // ---- the map

  const events = useRef({
    onSelect: (cells: string[], vertex: string | null) => setSelection({ cells, vertex }),
    onDraft: (d: Draft, problems: GridProblem[]) => keep(d, problems),
    onInstant: (problems: GridProblem[]) => {
      setInstant(problems);
      mapPart.current?.setProblems(problems);
    },
    onRefused: (why: string) => setNotice({ kind: 'error', text: sayEditor(lang, `refused_${why}`, why) }),
    onDrawn: (kind: DrawKind, g: GeoJSON.Polygon | GeoJSON.LineString) => void drawn(kind, g),
  });
  events.current.onRefused = (why: string) => setNotice({ kind: 'error', text: sayEditor(lang, `refused_${why}`, why) });
  events.current.onDrawn = (kind, g) => void drawn(kind, g);
  events.current.onDraft = (d, problems) => keep(d, problems);

  const ready = !!area;
  const interaction = useMemo<MapInteraction | null>(() => {
    if (!ready) return null;
    return {
      id: 'grid-editor',
      passesClicks: () => false,
      start: ({ map }) => {
        const m = new EditorMap(map, model.current!, {
          onSelect: (c, v) => events.current.onSelect(c, v),
          onDraft: (d, p) => events.current.onDraft(d, p),
          onInstant: (p) => events.current.onInstant(p),
          onRefused: (w) => events.current.onRefused(w),
          onDrawn: (k, g) => events.current.onDrawn(k, g),
        });
        mapPart.current = m;
        window.__citygridGridEditor = { model: model.current!, map: m, hooks: m.hooks };
        const onKey = (e: KeyboardEvent) => {
          if ((e.target as HTMLElement)?.closest?.('input, textarea, select')) return;
          if (e.key === 'Escape' && m.drawing) {
            m.stopDrawing();
            setMode('select');
          } else if ((e.key === 'Delete' || e.key === 'Backspace') && m.selectedVertex) m.deleteVertex();
          else if ((e.ctrlKey || e.metaKey) && e.key === 'z') doUndo.current();
        };
        window.addEventListener('keydown', onKey);
        // fit the district's editable communities
        const b = bboxOf(model.current!.area.communities.filter((c) => c.editable).map((c) => c.geometry));
        if (b && !new URLSearchParams(window.location.search).has('view')) map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 40, animate: false });
        return () => {
          window.removeEventListener('keydown', onKey);
          m.destroy();
          if (mapPart.current === m) mapPart.current = null;
          if (window.__citygridGridEditor?.map === m) delete window.__citygridGridEditor;
        };
      },
    };
  }, [ready, area]);
  useMapInteraction(interaction);
  useEffect(() => {
    const w = window.__citygridGridEditor;
    if (w && model.current) w.model = model.current;
  });

  // ---- edits

  const doUndo = useRef(() => {});
  doUndo.current = () => {
    const m = model.current;
    if (!m) return;
    const back = undo(m.draft);
    if (!back) return;
    m.setDraft(back);
    keep(back, m.checkDraft());
    mapPart.current?.setModel(m);
  };

  const afterModelChange = (d: Draft, problems: GridProblem[]) => {
    keep(d, problems);
    mapPart.current?.setModel(model.current!);
  };

  async function drawn(kind: DrawKind, g: GeoJSON.Polygon | GeoJSON.LineString) {
    const m = model.current;
    setMode('select');
    if (!m) return;
    if (kind === 'split') return split(g as GeoJSON.LineString);
    const poly = g as GeoJSON.Polygon;
    const tolerance = SNAP_PX * metresPerPixel(poly.coordinates[0][0][1], mapPart.current?.zoom ?? 17);
    const r = m.addDrawn(kind === 'rectangle' ? 'drawRectangle' : 'drawPolygon', g as CellGeometry, tolerance);
    if (!r) return setNotice({ kind: 'error', text: sayEditor(lang, 'drawnOutside') });
    afterModelChange(r.draft, m.check([r.key]));
    mapPart.current?.select([r.key]);
  }

  /** One server call with its busy mark; a failure becomes an error notice. */
  async function busyWith(kind: string, fn: () => Promise<void>) {
    setBusy(kind);
    try {
      await fn();
    } catch (err) {
      setNotice({ kind: 'error', text: errorText(err, lang) });
    } finally {
      setBusy(null);
    }
  }

  async function split(line: GeoJSON.LineString) {
    const m = model.current;
    const ref = selection.cells[0];
    if (!m || selection.cells.length !== 1 || !m.byRef.get(ref)?.editable) return setNotice({ kind: 'error', text: sayEditor(lang, 'selectFirst') });
    const c = m.byRef.get(ref)!;
    await busyWith('split', async () => {
      // a published cell by id and version (the server cuts what it holds); a cell of the draft by its shape
      const cell = m.isPublishedUnchanged(ref) ? { id: c.id!, version: c.version! } : { geometry: c.geometry };
      const { pieces } = await api.split({ ...cell, line: line.coordinates as [number, number][] });
      const r = m.replace('split', [ref], pieces, c.villageCode, c.attributes);
      afterModelChange(r.draft, m.check(r.keys));
      mapPart.current?.select(r.keys);
    });
  }

  async function merge() {
    const m = model.current;
    if (!m || selection.cells.length < 2) return setNotice({ kind: 'error', text: sayEditor(lang, 'mergeTwo') });
    const cells = selection.cells.map((r) => m.byRef.get(r)!);
    if (!cells.every((c) => c.editable)) return setNotice({ kind: 'error', text: sayEditor(lang, 'selectFirst') });
    if (new Set(cells.map((c) => c.villageCode)).size > 1) return setNotice({ kind: 'error', text: sayEditor(lang, 'mergeOneCommunity') });
    await busyWith('merge', async () => {
      // published cells by id (the server checks they are current), the draft's by their shapes
      const ids = selection.cells.filter((r) => m.isPublishedUnchanged(r)).map((r) => idOfRef(r)!);
      const geometries = selection.cells.filter((r) => !m.isPublishedUnchanged(r)).map((r) => m.byRef.get(r)!.geometry);
      const { geometry } = await api.merge({ ids, ...(geometries.length && { geometries }) });
      const first = cells[0];
      const r = m.replace('merge', selection.cells, [geometry], first.villageCode, first.attributes);
      afterModelChange(r.draft, m.check(r.keys));
      mapPart.current?.select(r.keys);
    });
  }

  /** Retires the selected cell and leaves its place empty, to be drawn again (snapping onto its neighbours). */
  function retireToRedraw() {
    const m = model.current;
    const ref = selection.cells[0];
    if (!m || selection.cells.length !== 1 || !m.byRef.get(ref)?.editable) return setNotice({ kind: 'error', text: sayEditor(lang, 'selectFirst') });
    const r = m.replace('retire', [ref], [], m.byRef.get(ref)!.villageCode);
    afterModelChange(r.draft, []);
    mapPart.current?.select([]);
    startMode('polygon');
  }

  function startMode(next: Mode) {
    setNotice(null);
    setMode(next);
    if (next === 'select') mapPart.current?.stopDrawing();
    else mapPart.current?.startDrawing(next);
  }

  function setAttributes(ref: string, a: CellAttributes) {
    const m = model.current;
    if (!m) return;
    const d = m.setAttributes(ref, a);
    keep(d, instant);
    mapPart.current?.setModel(m);
  }

  async function validate() {
    const m = model.current;
    if (!m) return;
    setNotice(null);
    await busyWith('validate', async () => {
      const { problems } = await api.validate({ districtCode: district, base: m.draft.base, changes: m.draft.changes });
      setServerProblems(problems);
      mapPart.current?.setProblems(problems);
    });
  }

  async function publish() {
    const m = model.current;
    if (!m) return;
    setBusy('publish');
    setNotice(null);
    try {
      const done = await api.publish({ districtCode: district, base: m.draft.base, changes: m.draft.changes, note });
      // what the draft did, in its own terms (the answer's `retired` also counts the old versions of updated cells)
      const did = { update: 0, add: 0, retire: 0 };
      for (const c of m.draft.changes) did[c.op]++;
      store.clear();
      setNote('');
      await load(false);
      setNotice({ kind: 'ok', text: fill(sayEditor(lang, 'published'), { codes: done.written.length, ...did }) });
    } catch (err) {
      const data = (err as { data?: { reason?: string; params?: Record<string, string | number> } }).data;
      if (data?.reason === 'grid.stale') {
        const villages = String(data.params?.villages ?? '').split(/,\s*/).filter(Boolean);
        const names = new Map(m.area.communities.map((c) => [c.code, c.name]));
        setConflict({
          villages: villages.map((v) => (names.has(v) ? `${names.get(v)}（${v}）` : v)),
          changes: String(data.params?.changes ?? '').split('; ').filter((x) => x && x !== '—'),
          stale: staleRefs(m, villages),
        });
      } else if (data?.reason === 'grid.draftInvalid') {
        setNotice({ kind: 'error', text: errorText(err, lang) });
        void validate();
      } else setNotice({ kind: 'error', text: errorText(err, lang) });
    } finally {
      setBusy(null);
    }
  }

  async function showHistory(code: string) {
    await busyWith('history', async () => {
      const h = await api.history({ code });
      setHistory(h);
      mapPart.current?.setHistory(h.versions.map((v) => ({ version: v.version, current: !v.validTo, geometry: v.geometry })));
    });
  }

  function hideHistory() {
    setHistory(null);
    mapPart.current?.setHistory([]);
  }

  async function exportFile() {
    await busyWith('export', async () => {
      const fc = await api.exportDistrict({ districtCode: district });
      const blob = new Blob([JSON.stringify(fc)], { type: 'application/geo+json' });
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `grids-${district}.geojson`;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    });
  }

  async function importFile(file: File) {
    setBusy('import');
    setNotice(null);
    try {
      const fc = JSON.parse(await file.text()) as GeoJSON.FeatureCollection;
      if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) throw new Error(sayEditor(lang, 'importBadFile'));
      const features = fc.features
        .filter((f) => f.geometry?.type === 'Polygon' || f.geometry?.type === 'MultiPolygon')
        .map((f) => ({
          code: typeof f.properties?.code === 'string' ? f.properties.code : null,
          geometry: f.geometry as CellGeometry,
          attributes: pickAttributes(f.properties ?? {}),
        }));
      if (!features.length) throw new Error(sayEditor(lang, 'importBadFile'));
      const answer = await api.importPreview({ districtCode: district, features, toleranceM });
      setImported(answer);
      mapPart.current?.setProblems(answer.problems);
      // show where the file's cells are
      const box = bboxOf(answer.changes.flatMap((c) => (c.op === 'retire' || !c.geometry ? [] : [c.geometry])));
      if (box) mapPart.current?.fit(box);
    } catch (err) {
      setNotice({ kind: 'error', text: err instanceof SyntaxError ? sayEditor(lang, 'importBadFile') : errorText(err, lang) });
    } finally {
      setBusy(null);
    }
  }

  function takeImport() {
    const m = model.current;
    if (!m || !imported) return;
    // the imported changes replace the draft (they were made against the current cells); one undo step back
    const d: Draft = { ...m.draft, base: imported.base, changes: imported.changes, undo: [...m.draft.undo, { label: 'import', changes: m.draft.changes }] };
    m.setDraft(d);
    afterModelChange(d, m.checkDraft());
    setServerProblems(imported.problems);
    mapPart.current?.setProblems(imported.problems);
    setImported(null);
  }

  // ---- the panel

  const m = model.current;
  const selectedCell = selection.cells.length === 1 && m ? m.byRef.get(selection.cells[0]) : undefined;
  const counts = { update: 0, add: 0, retire: 0 };
  for (const c of draft?.changes ?? []) counts[c.op]++;
  const shownProblems = serverProblems ?? instant;
  const say = (k: EditorWord) => sayEditor(lang, k);

  return (
    <section className="grid-editor" data-testid="grid-editor" data-mode={mode} data-ready={ready ? '1' : '0'} data-changes={draft?.changes.length ?? 0}>
      <h3>{say('title')}</h3>
      <div className="row">
        <label>
          {say('district')}{' '}
          <select value={district} onChange={(e) => setDistrict(e.target.value)} data-testid="grid-editor-district">
            {districts.map((d) => (
              <option key={d.code} value={d.code}>
                {d.name}
              </option>
            ))}
          </select>
        </label>{' '}
        <button onClick={onClose}>{say('close')}</button>
      </div>
      {loadError && <p className="error" role="alert">{loadError}</p>}
      {!area && !loadError && <p className="muted">{say('loadingArea')}</p>}
      {area && !editable && <p className="note" data-testid="grid-editor-readonly">{say('readOnly')}</p>}
      {area && (
        <>
          <p className="muted small">{say('foreignNote')}</p>
          {editable && (
            <div className="grid-editor-tools" role="toolbar">
              {(['select', 'polygon', 'rectangle', 'split'] as const).map((k) => (
                <button key={k} className={mode === k ? 'on' : ''} data-testid={`grid-mode-${k}`} onClick={() => startMode(k)}>
                  {say(k === 'select' ? 'modeSelect' : k === 'polygon' ? 'modePolygon' : k === 'rectangle' ? 'modeRectangle' : 'modeSplit')}
                </button>
              ))}
              <button data-testid="grid-merge" disabled={selection.cells.length < 2 || !!busy} onClick={() => void merge()}>
                {say('merge')}
              </button>
              <button data-testid="grid-redraw" disabled={selection.cells.length !== 1} onClick={retireToRedraw}>
                {say('redraw')}
              </button>
            </div>
          )}
          <p className="muted small" data-testid="grid-editor-hint">
            {say(mode === 'select' ? 'hintSelect' : mode === 'polygon' ? 'hintPolygon' : mode === 'rectangle' ? 'hintRectangle' : 'hintSplit')}
          </p>
          <p className="muted small">
            {say('drawLegend')}
            <br />
            {say('snapLegend')}
          </p>
          {notice && (
            <p className={notice.kind === 'ok' ? 'ok' : 'error'} role={notice.kind === 'ok' ? 'status' : 'alert'} data-testid="grid-editor-notice">
              {notice.text}
            </p>
          )}

          {conflict && (
            <div className="grid-conflict" role="alert" data-testid="grid-conflict">
              <h4>{say('conflictTitle')}</h4>
              <p>{say('conflictText')}</p>
              <p className="small">
                {say('conflictVillages')}: {conflict.villages.join('、')}
              </p>
              {conflict.changes.length > 0 && (
                <>
                  <p className="small">{say('conflictChanges')}</p>
                  <ul className="small" data-testid="grid-conflict-changes">
                    {conflict.changes.map((c, i) => (
                      <li key={i}>{c}</li>
                    ))}
                  </ul>
                </>
              )}
              {conflict.stale.length > 0 && (
                <p className="small">
                  {say('conflictStale')}: {conflict.stale.join(', ')}
                </p>
              )}
              <button
                onClick={() => {
                  setConflict(null);
                  void load(true);
                }}
              >
                {say('conflictReload')}
              </button>{' '}
              <button
                onClick={() => {
                  setConflict(null);
                  void load(false);
                }}
              >
                {say('conflictDiscard')}
              </button>
            </div>
          )}

          <h4>{say('draft')}</h4>
          {draft && draft.changes.length === 0 ? (
            <p className="muted small">{say('draftEmpty')}</p>
          ) : (
            <p data-testid="grid-draft-counts">{fill(say('draftCounts'), counts)}</p>
          )}
          <div className="row">
            <button data-testid="grid-undo" disabled={!draft?.undo.length} onClick={() => doUndo.current()}>
              {say('undo')}
              {draft?.undo.length ? ` (${draft.undo.length})` : ''}
            </button>{' '}
            <button
              disabled={!draft?.changes.length}
              onClick={() => {
                if (window.confirm(say('discardConfirm'))) void load(false);
              }}
            >
              {say('discard')}
            </button>
          </div>

          <h4>{serverProblems ? say('problems') : say('instant')}</h4>
          {serverProblems && serverProblems.length === 0 && (
            <p className="ok" data-testid="grid-valid">
              {say('valid')}
            </p>
          )}
          {!serverProblems && instant.length === 0 && <p className="muted small">{say('instantNone')}</p>}
          {shownProblems.length > 0 && (
            <ul className="grid-problems" data-testid={serverProblems ? 'grid-server-problems' : 'grid-instant-problems'}>
              {shownProblems.slice(0, 50).map((p, i) => (
                <li key={i} data-reason={p.reason}>
                  <strong>{m?.label(p.ref) ?? p.ref}</strong>: {messageOf(p.reason, p.params, lang) ?? p.reason}
                </li>
              ))}
            </ul>
          )}
          {editable && (
            <>
              <div className="row">
                <button data-testid="grid-validate" disabled={!draft?.changes.length || !!busy} onClick={() => void validate()}>
                  {busy === 'validate' ? say('validating') : say('validate')}
                </button>
              </div>
              <label className="row">
                {say('note')}
                <input data-testid="grid-note" value={note} maxLength={200} placeholder={say('notePlaceholder')} onChange={(e) => setNote(e.target.value)} />
              </label>
              <button data-testid="grid-publish" className="primary" disabled={!draft?.changes.length || !!busy} onClick={() => void publish()}>
                {busy === 'publish' ? say('publishing') : say('publish')}
              </button>
            </>
          )}

          {selection.cells.length > 1 && <p data-testid="grid-selection">{fill(say('selectedMany'), { n: selection.cells.length })}</p>}
          {selectedCell && (
            <div className="grid-selected" data-testid="grid-selected" data-ref={selectedCell.ref} data-state={selectedCell.state}>
              <h4>{say('selected')}</h4>
              <p>
                <strong>{selectedCell.code ?? say('newCell')}</strong> · {say(`state_${selectedCell.state}`)} {selectedCell.version !== null && `· v${selectedCell.version}`}
              </p>
              {selectedCell.editable && <AttributesForm key={selectedCell.ref + JSON.stringify(selectedCell.attributes)} lang={lang} value={selectedCell.attributes} responsibilityGrids={model.current?.area.responsibilityGrids ?? []} onApply={(a) => setAttributes(selectedCell.ref, a)} />}
              {selectedCell.code && (
                <p>
                  {history?.code === selectedCell.code ? (
                    <button onClick={hideHistory}>{say('historyHide')}</button>
                  ) : (
                    <button data-testid="grid-history" onClick={() => void showHistory(selectedCell.code!)}>
                      {say('historyShow')}
                    </button>
                  )}
                </p>
              )}
            </div>
          )}
          {selection.vertex && m && (
            <div className="grid-vertex" data-testid="grid-vertex" data-freedom={m.topo.freedom(selection.vertex)}>
              <h4>{say('vertex')}</h4>
              <p className="small">
                {sayEditor(lang, `freedom_${m.topo.freedom(selection.vertex)}`, '')} · {say('sharedBy')} {m.topo.cellsAt(selection.vertex).length}
              </p>
              <button disabled={m.topo.freedom(selection.vertex) === 'pinned'} onClick={() => mapPart.current?.deleteVertex()}>
                {say('deleteVertex')}
              </button>
            </div>
          )}
          {history && (
            <div className="grid-history" data-testid="grid-history-list">
              <h4>
                {say('history')} {history.code}
              </h4>
              <table className="small">
                <thead>
                  <tr>
                    <th>{say('version')}</th>
                    <th>{say('validFrom')}</th>
                    <th>{say('validTo')}</th>
                    <th>{say('by')}</th>
                  </tr>
                </thead>
                <tbody>
                  {history.versions.map((v) => (
                    <tr key={v.version}>
                      <td>
                        v{v.version} {v.validTo ? say('retired') : say('current')}
                      </td>
                      <td>{localTime(lang, v.validFrom)}</td>
                      <td>{v.validTo ? localTime(lang, v.validTo) : '—'}</td>
                      <td>{v.publishedBy ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}

          <h4>{say('exportImport')}</h4>
          <div className="row">
            <button data-testid="grid-export" disabled={!!busy} onClick={() => void exportFile()}>
              {say('export')}
            </button>
          </div>
          {editable && (
            <>
              <label className="row small">
                {say('importTolerance')}{' '}
                <input type="number" min={0} max={5} step={0.1} value={toleranceM} onChange={(e) => setToleranceM(Number(e.target.value))} style={{ width: 60 }} />
              </label>
              <label className="row small">
                {say('import')} <input data-testid="grid-import" type="file" accept=".geojson,.json,application/geo+json" onChange={(e) => e.target.files?.[0] && void importFile(e.target.files[0])} />
              </label>
            </>
          )}
          {imported && (
            <div className="grid-import" data-testid="grid-import-preview" ref={importBox}>
              <h4>{say('importPreview')}</h4>
              <p className="small">{fill(say('importSnapped'), { n: imported.snapped.length, v: imported.snapped.reduce((a, s) => a + s.vertices, 0) })}</p>
              <ul className="small">
                {imported.snapped.slice(0, 20).map((s) => (
                  <li key={s.ref}>
                    {m?.label(s.ref) ?? s.ref}: {formatNumber(lang, s.vertices)}
                  </li>
                ))}
              </ul>
              <button onClick={takeImport}>{say('importInto')}</button>
            </div>
          )}
        </>
      )}
    </section>
  );
}

function AttributesForm({ lang, value, onApply, responsibilityGrids }: { lang: Lang; value: CellAttributes; onApply(a: CellAttributes): void; responsibilityGrids: EditArea['responsibilityGrids'] }) {
  const [landUse, setLandUse] = useState<string>(value.landUse ?? '');
  const [level, setLevel] = useState<string>(value.managementLevel ?? '');
  const [party, setParty] = useState(value.responsibleParty ?? '');
  const [rg, setRg] = useState<string>(value.responsibilityGridId ? String(value.responsibilityGridId) : '');
  const rgOptions = Object.fromEntries(responsibilityGrids.map((r) => [String(r.id), { zh: `${r.code} ${r.name}`, en: `${r.code} ${r.name}` }]));
  return (
    <form
      className="grid-attributes"
      data-testid="grid-attributes"
      onSubmit={(e) => {
        e.preventDefault();
        onApply({
          landUse: (landUse || null) as LandUse | null,
          managementLevel: (level || null) as ManagementLevel | null,
          responsibleParty: party.trim() || null,
          ...(rg ? { responsibilityGridId: Number(rg) } : {}),
        });
      }}
    >
      <WordSelect lang={lang} label={sayEditor(lang, 'landUse')} words={LAND_USES} value={landUse} onChange={setLandUse} testId="grid-landuse" />
      <WordSelect lang={lang} label={sayEditor(lang, 'managementLevel')} words={MANAGEMENT_LEVELS} value={level} onChange={setLevel} />
      <WordSelect lang={lang} label={sayEditor(lang, 'responsibilityGrid')} words={rgOptions} value={rg} onChange={setRg} testId="grid-rgrid" />
      <label className="row">
        {sayEditor(lang, 'responsibleParty')} <input value={party} maxLength={60} onChange={(e) => setParty(e.target.value)} />
      </label>
      <button type="submit">{sayEditor(lang, 'apply')}</button>
    </form>
  );
}

/** A select over a vocabulary (domain/grid-rules.ts), with an empty choice. */
function WordSelect(p: { lang: Lang; label: string; words: Record<string, { zh: string; en: string }>; value: string; onChange(v: string): void; testId?: string }) {
  return (
    <label className="row">
      {p.label}{' '}
      <select value={p.value} onChange={(e) => p.onChange(e.target.value)} data-testid={p.testId}>
        <option value="">{sayEditor(p.lang, 'none')}</option>
        {Object.entries(p.words).map(([k, w]) => (
          <option key={k} value={k}>
            {w[p.lang]}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The standard's attributes from an imported feature's properties (anything else is left out). */
function pickAttributes(p: Record<string, unknown>): CellAttributes {
  const a: CellAttributes = {};
  if (typeof p.landUse === 'string' && p.landUse in LAND_USES) a.landUse = p.landUse as LandUse;
  if (typeof p.managementLevel === 'string' && p.managementLevel in MANAGEMENT_LEVELS) a.managementLevel = p.managementLevel as ManagementLevel;
  if (typeof p.responsibleParty === 'string') a.responsibleParty = p.responsibleParty.slice(0, 60);
  return a;
}

/** The draft's cells in the communities a conflict names (their codes, or keys for added ones). */
function staleRefs(m: EditorModel, villages: readonly string[]): string[] {
  const named = new Set(villages);
  return m.cells.filter((c) => c.state !== 'published' && named.has(c.villageCode)).map((c) => c.code ?? c.ref);
}

/** An instant in China Standard Time (the city's clock), to the minute. */
const localTime = (lang: Lang, iso: string) =>
  new Date(iso).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });

function bboxOf(gs: CellGeometry[]): [number, number, number, number] | null {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  for (const g of gs)
    for (const ring of g.type === 'Polygon' ? g.coordinates : g.coordinates.flat())
      for (const [x, y] of ring) {
        w = Math.min(w, x);
        e = Math.max(e, x);
        s = Math.min(s, y);
        n = Math.max(n, y);
      }
  return w === Infinity ? null : [w, s, e, n];
}
