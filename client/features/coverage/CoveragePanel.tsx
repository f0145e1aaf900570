// 医疗覆盖: the clinic coverage planner beside the map. The measures come from the server
// (coverage.summary, for the committed scenario); while a proposed clinic is dragged the covered
// residents are recomputed in the browser (what-if.ts, the rule of domain/coverage.ts) and the
// server is asked again on release. The map part (uncovered cells, newly covered ones, reach
// circles, draggable proposed sites, closing a clinic by a click) goes through the map's
// interaction seam (client/lib/map-interaction.ts), so the console itself knows nothing of it.
import { downloadCsv } from '../../lib/download.ts';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Marker, type GeoJSONSource, type Map as MlMap, type MapMouseEvent } from 'maplibre-gl';
import KDBush from 'kdbush';
import { around } from 'geokdbush';
import { trpc, type RouterOutputs } from '../../lib/api.ts';
import { may, useSession } from '../../lib/session.ts';
import { errorText, formatNumber, formatPercent, say, type Lang } from '../../lib/i18n.ts';
import { useMapInteraction } from '../../lib/map-interaction.ts';
import { writeUrl } from '../../lib/use-url-state.ts';
import type { MapInteraction } from '../../map/MapView.tsx';
import { DEFAULT_THRESHOLD_MINUTES, MODE_WORDS, THRESHOLD_MINUTES, TRAVEL_MODES, destination, reachMetres, type TravelMode } from '../../../domain/coverage.ts';
import { WhatIf, type Site } from './what-if.ts';
import { sayCoverage } from './coverage-strings.ts';
import { readableQuery } from '../../lib/url-state.ts';

type Summary = RouterOutputs['coverage']['summary'];
type Cells = RouterOutputs['coverage']['cells'];
type Suggestion = RouterOutputs['coverage']['suggest'];

declare global {
  interface Window {
    /** The planner's live figures (browser tests and the bench read them). */
    __citygridCoverage?: { covered: number; total: number; recomputeMs: number; moves: number; proposed: Site[]; whatIf: WhatIf | null };
  }
}

function readUrl(): { mode: TravelMode; minutes: number } {
  const q = new URLSearchParams(window.location.search);
  const mode = (TRAVEL_MODES as readonly string[]).includes(q.get('mode') ?? '') ? (q.get('mode') as TravelMode) : 'walking';
  const m = Number(q.get('minutes'));
  const minutes = Number.isInteger(m) && m >= THRESHOLD_MINUTES.min && m <= THRESHOLD_MINUTES.max ? m : DEFAULT_THRESHOLD_MINUTES;
  return { mode, minutes };
}

function saveUrl(mode: TravelMode, minutes: number) {
  const q = new URLSearchParams(window.location.search);
  q.set('mode', mode);
  q.set('minutes', String(minutes));
  writeUrl(window.location.pathname, readableQuery(q));
}

/** A reach circle (GeoJSON ring, 48 points) on the R1 sphere. */
const circle = (p: Site, metres: number): GeoJSON.Feature => ({
  type: 'Feature',
  properties: {},
  geometry: { type: 'Polygon', coordinates: [Array.from({ length: 49 }, (_, i) => destination(p.lng, p.lat, metres, (i % 48) * 7.5))] },
});

const points = (cells: Cells, pick: (i: number) => boolean): GeoJSON.FeatureCollection => {
  const features: GeoJSON.Feature[] = [];
  for (let i = 0; i < cells.lng.length; i++) if (pick(i)) features.push({ type: 'Feature', properties: { p: cells.population[i] }, geometry: { type: 'Point', coordinates: [cells.lng[i], cells.lat[i]] } });
  return { type: 'FeatureCollection', features };
};
const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

interface MapParts {
  map: MlMap;
  markers: Marker[];
}

export function CoveragePanel({ lang }: { lang: Lang }) {
  const me = useSession();
  const canPlan = may(me, 'coverage.plan');
  const [{ mode, minutes }, setParams] = useState(readUrl);
  const [proposed, setProposed] = useState<Site[]>([]);
  const [closed, setClosed] = useState<number[]>([]);
  const [closing, setClosing] = useState(false);
  const [live, setLive] = useState<{ covered: number; total: number } | null>(null);
  const [k, setK] = useState(5);
  const [asked, setAsked] = useState<{ k: number; key: string } | null>(null);
  useEffect(() => saveUrl(mode, minutes), [mode, minutes]);

  const scenario = { mode, thresholdMinutes: minutes, closed, proposed };
  const summary = useQuery({ ...trpc.coverage.summary.queryOptions(scenario), placeholderData: (prev) => prev });
  const cells = useQuery({ ...trpc.coverage.cells.queryOptions(), staleTime: Infinity });
  const scenarioKey = JSON.stringify(scenario);
  const suggestion = useQuery({ ...trpc.coverage.suggest.queryOptions({ ...scenario, k: asked?.k ?? 1, exact: true }), enabled: !!asked && asked.key === scenarioKey && canPlan });
  const whatIf = useMemo(() => (cells.data ? new WhatIf(cells.data) : null), [cells.data]);
  const clinicIndex = useMemo(() => {
    if (!cells.data?.clinics.length) return null;
    const ix = new KDBush(cells.data.clinics.length);
    for (const c of cells.data.clinics) ix.add(c.lng, c.lat);
    return ix.finish();
  }, [cells.data]);

  // ---- the map
  const parts = useRef<MapParts | null>(null);
  const state = useRef({ mode, minutes, proposed, closed, closing, whatIf, cells: cells.data, clinicIndex });
  state.current = { mode, minutes, proposed, closed, closing, whatIf, cells: cells.data, clinicIndex };

  /** Recomputes the live figure and redraws the newly covered cells; `dragging`: the base layer waits for the release. */
  const recompute = (sites: Site[], dragging: boolean) => {
    const s = state.current;
    if (!s.whatIf || !s.cells) return;
    const t0 = performance.now();
    const closedSet = new Set(s.closed);
    const base = s.whatIf.evaluate(s.mode, s.minutes, closedSet, []);
    const now = sites.length ? s.whatIf.evaluate(s.mode, s.minutes, closedSet, sites) : base;
    const ms = performance.now() - t0;
    const hook = (window.__citygridCoverage ??= { covered: 0, total: 0, recomputeMs: 0, moves: 0, proposed: [], whatIf: null });
    Object.assign(hook, { covered: now.covered, total: now.total, recomputeMs: ms, moves: hook.moves + 1, proposed: sites, whatIf: s.whatIf });
    setLive({ covered: now.covered, total: now.total });
    const map = parts.current?.map;
    if (!map?.getSource('coverage-newly')) return;
    (map.getSource('coverage-newly') as GeoJSONSource).setData(points(s.cells, (i) => !!now.flags[i] && !base.flags[i]));
    (map.getSource('coverage-reach') as GeoJSONSource).setData({ type: 'FeatureCollection', features: sites.map((p) => circle(p, reachMetres(s.mode, s.minutes))) });
    if (!dragging) (map.getSource('coverage-uncovered') as GeoJSONSource).setData(points(s.cells, (i) => !base.flags[i]));
    const closedSrc = map.getSource('coverage-closed') as GeoJSONSource | undefined;
    closedSrc?.setData({ type: 'FeatureCollection', features: s.cells.clinics.filter((c) => closedSet.has(c.id)).map((c) => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [c.lng, c.lat] } })) });
  };

  const placeMarkers = () => {
    const p = parts.current;
    if (!p) return;
    p.markers.forEach((m) => m.remove());
    p.markers = state.current.proposed.map((site, n) => {
      const el = document.createElement('div');
      el.className = 'coverage-site';
      el.dataset.testid = `coverage-site-${n + 1}`;
      el.textContent = String(n + 1);
      const m = new Marker({ element: el, draggable: true }).setLngLat([site.lng, site.lat]).addTo(p.map);
      const current = () => state.current.proposed.map((s, i) => (i === n ? { lng: m.getLngLat().lng, lat: m.getLngLat().lat } : s));
      m.on('drag', () => recompute(current(), true));
      m.on('dragend', () => setProposed(current()));
      return m;
    });
  };

  const interaction = useMemo<MapInteraction>(
    () => ({
      id: 'coverage',
      passesClicks: () => !state.current.closing,
      start: ({ map }) => {
        const add = (id: string, data: GeoJSON.FeatureCollection) => map.addSource(id, { type: 'geojson', data });
        add('coverage-uncovered', EMPTY);
        add('coverage-newly', EMPTY);
        add('coverage-reach', EMPTY);
        add('coverage-closed', EMPTY);
        add('coverage-suggested', EMPTY);
        map.addLayer({ id: 'coverage-reach-fill', type: 'fill', source: 'coverage-reach', paint: { 'fill-color': '#a855f7', 'fill-opacity': 0.12 } });
        map.addLayer({ id: 'coverage-reach-line', type: 'line', source: 'coverage-reach', paint: { 'line-color': '#a855f7', 'line-width': 1.5 } });
        map.addLayer({ id: 'coverage-uncovered', type: 'circle', source: 'coverage-uncovered', paint: { 'circle-color': '#f59e0b', 'circle-opacity': 0.75, 'circle-radius': ['interpolate', ['linear'], ['zoom'], 8, 1.5, 12, 4, 15, 8] } });
        map.addLayer({ id: 'coverage-newly', type: 'circle', source: 'coverage-newly', paint: { 'circle-color': '#22c55e', 'circle-opacity': 0.9, 'circle-radius': ['interpolate', ['linear'], ['zoom'], 8, 2, 12, 5, 15, 9] } });
        // suggestions: greedy's picks filled cyan, the exact answer's as white rings (both where they agree)
        map.addLayer({ id: 'coverage-suggested', type: 'circle', source: 'coverage-suggested', paint: { 'circle-color': ['case', ['get', 'greedy'], '#22d3ee', 'rgba(0,0,0,0)'], 'circle-radius': 7, 'circle-stroke-color': ['case', ['get', 'exact'], '#ffffff', '#0e7490'], 'circle-stroke-width': ['case', ['get', 'exact'], 3, 1] } });
        map.addLayer({ id: 'coverage-closed', type: 'circle', source: 'coverage-closed', paint: { 'circle-color': '#6b7280', 'circle-radius': 7, 'circle-stroke-color': '#ef4444', 'circle-stroke-width': 2 } });
        parts.current = { map, markers: [] };
        const onClick = (e: MapMouseEvent) => {
          const s = state.current;
          if (!s.closing || !s.clinicIndex || !s.cells) return;
          // the clinic nearest the click, within 12 pixels
          const [j] = around(s.clinicIndex, e.lngLat.lng, e.lngLat.lat, 1);
          if (j === undefined) return;
          const c = s.cells.clinics[j];
          const px = map.project([c.lng, c.lat]);
          if (Math.hypot(px.x - e.point.x, px.y - e.point.y) > 12) return;
          setClosed((xs) => (xs.includes(c.id) ? xs.filter((x) => x !== c.id) : [...xs, c.id]));
        };
        map.on('click', onClick);
        placeMarkers();
        recompute(state.current.proposed, false);
        return () => {
          map.off('click', onClick);
          parts.current?.markers.forEach((m) => m.remove());
          parts.current = null;
          for (const id of ['coverage-suggested', 'coverage-closed', 'coverage-newly', 'coverage-uncovered', 'coverage-reach-line', 'coverage-reach-fill']) if (map.getLayer(id)) map.removeLayer(id);
          for (const id of ['coverage-suggested', 'coverage-closed', 'coverage-newly', 'coverage-uncovered', 'coverage-reach']) if (map.getSource(id)) map.removeSource(id);
        };
      },
    }),
    [],
  );
  useMapInteraction(interaction);
  // a new scenario, mode or threshold, or the cells arriving: markers and layers follow
  useEffect(() => {
    placeMarkers();
    recompute(proposed, false);
  }, [whatIf, mode, minutes, JSON.stringify(proposed), JSON.stringify(closed)]);

  // the suggested sites on the map, and the map brought to them
  const shownSuggestion = asked?.key === scenarioKey ? suggestion.data : undefined;
  useEffect(() => {
    const map = parts.current?.map;
    const src = map?.getSource('coverage-suggested') as GeoJSONSource | undefined;
    if (!map || !src) return;
    const byCode = new Map<string, { lng: number; lat: number; greedy: boolean; exact: boolean }>();
    for (const p of shownSuggestion?.greedy.picks ?? []) byCode.set(p.code, { lng: p.lng, lat: p.lat, greedy: true, exact: false });
    for (const p of shownSuggestion?.exact?.picks ?? []) byCode.set(p.code, { ...(byCode.get(p.code) ?? { lng: p.lng, lat: p.lat, greedy: false }), exact: true });
    const sites = [...byCode.values()];
    src.setData({ type: 'FeatureCollection', features: sites.map((x) => ({ type: 'Feature', properties: { greedy: x.greedy, exact: x.exact }, geometry: { type: 'Point', coordinates: [x.lng, x.lat] } })) });
    if (!sites.length) return;
    const lngs = sites.map((x) => x.lng);
    const lats = sites.map((x) => x.lat);
    map.fitBounds([[Math.min(...lngs), Math.min(...lats)], [Math.max(...lngs), Math.max(...lats)]], { padding: { top: 60, bottom: 60, left: 380, right: 60 }, maxZoom: 12.5, duration: 0 });
  }, [shownSuggestion]);

  const addSite = () => {
    const map = parts.current?.map;
    const c = map?.getCenter() ?? { lng: 117.65, lat: 24.51 };
    setProposed((xs) => [...xs, { lng: c.lng, lat: c.lat }]);
  };

  const n = (v: number) => formatNumber(lang, Math.round(v));
  const s = summary.data;
  const error = summary.error ?? cells.error;
  const uncoveredNow = live ? live.total - live.covered : s ? s.population.uncovered : null;

  return (
    <section className="coverage-panel" data-testid="coverage-panel">
      <div className="coverage-params">
        <label className="row">
          {sayCoverage(lang, 'mode')}{' '}
          <select data-testid="coverage-mode" value={mode} onChange={(e) => setParams({ mode: e.target.value as TravelMode, minutes })}>
            {TRAVEL_MODES.map((m) => (
              <option key={m} value={m}>{MODE_WORDS[m][lang]}</option>
            ))}
          </select>
        </label>
        <label className="row">
          {sayCoverage(lang, 'threshold')}{' '}
          <select data-testid="coverage-minutes" value={minutes} onChange={(e) => setParams({ mode, minutes: Number(e.target.value) })}>
            {[5, 10, 15, 20, 30, 45, 60].map((m) => (
              <option key={m} value={m}>≤ {m}</option>
            ))}
          </select>{' '}
          {sayCoverage(lang, 'minutesInclusive')}
        </label>
        <p className="muted small">{sayCoverage(lang, 'model')}</p>
      </div>
      {error && <div className="error" role="alert">{say(lang, 'failed')}{errorText(error, lang)}</div>}
      {!s && !error && <div className="note">{say(lang, 'loading')}</div>}
      {s && (
        <>
          <div className="tiles">
            <div className="tile" data-testid="coverage-uncovered" data-value={uncoveredNow === null ? '' : Math.round(uncoveredNow)}>
              <div className="label">{sayCoverage(lang, 'uncoveredPop')}</div>
              <div className="value">{uncoveredNow === null ? '—' : n(uncoveredNow)}</div>
            </div>
            <div className="tile" data-testid="coverage-share">
              <div className="label">{sayCoverage(lang, 'coveredShare')}</div>
              <div className="value">{formatPercent(lang, live ? live.covered / live.total : s.population.total ? s.population.covered / s.population.total : null)}</div>
            </div>
            <div className="tile" data-testid="coverage-villages-with-clinic">
              <div className="label">{sayCoverage(lang, 'villagesWithClinic')}</div>
              <div className="value">{n(s.villages.withClinic)} / {n(s.villages.count)}</div>
            </div>
            <div className="tile">
              <div className="label">{sayCoverage(lang, 'villagesWithin')}</div>
              <div className="value">{formatPercent(lang, s.villages.count ? s.villages.within / s.villages.count : null)}</div>
            </div>
          </div>
          <p className="muted small" data-testid="coverage-communities">
            {sayCoverage(lang, 'communities')}: {n(s.communities.count)} · {sayCoverage(lang, 'population')} {n(s.communities.population)}
          </p>
          <p className="muted small">
            {sayCoverage(lang, 'otherPlaces')}: {n(s.otherPlaces.count)} · {sayCoverage(lang, 'population')} {n(s.otherPlaces.population)}
          </p>
          <h4>{sayCoverage(lang, 'withoutClinic')}</h4>
          <p data-testid="coverage-without-clinic">
            {s.villages.withoutClinic.length ? s.villages.withoutClinic.map((v) => `${v.name}（${v.code}）`).join('、') : sayCoverage(lang, 'none')}
          </p>
          <h4>{sayCoverage(lang, 'whatIf')}</h4>
          <p className="muted small">{sayCoverage(lang, 'liveNote')}</p>
          <div className="coverage-tools">
            <button data-testid="coverage-add-site" onClick={addSite}>{sayCoverage(lang, 'addSite')}</button>{' '}
            <button data-testid="coverage-close-tool" className={closing ? 'on' : ''} onClick={() => setClosing((c) => !c)}>
              {closing ? sayCoverage(lang, 'done') : sayCoverage(lang, 'closeTool')}
            </button>{' '}
            {(proposed.length > 0 || closed.length > 0) && (
              <button onClick={() => { setProposed([]); setClosed([]); setLive(null); }}>{sayCoverage(lang, 'reset')}</button>
            )}
          </div>
          {closing && <p className="muted small">{sayCoverage(lang, 'closeToolOn')}</p>}
          {(proposed.length > 0 || closed.length > 0) && (
            <p className="small" data-testid="coverage-scenario">
              {sayCoverage(lang, 'scenario')} {proposed.length} · {sayCoverage(lang, 'closed')} {closed.length}. {proposed.length > 0 && sayCoverage(lang, 'dragHint')}
            </p>
          )}
          {canPlan && <Suggest lang={lang} k={k} setK={setK} onRun={() => setAsked({ k, key: scenarioKey })} data={shownSuggestion} loading={suggestion.isFetching} error={suggestion.error} onAdopt={(sites) => setProposed((xs) => [...xs, ...sites])} />}
          <h4>{sayCoverage(lang, 'mostUncovered')}</h4>
          <ol className="coverage-list" data-testid="coverage-uncovered-list">
            {s.uncovered.slice(0, 10).map((v) => (
              <li key={v.code}>{v.name} <span className="muted">{v.township}</span> {n(v.uncovered)}</li>
            ))}
          </ol>
          <GroupTable lang={lang} summary={s} />
          <ul className="legend-block small">
            <li><i className="swatch round" style={{ background: '#f59e0b' }} /> {sayCoverage(lang, 'legendUncovered')}</li>
            <li><i className="swatch round" style={{ background: '#22c55e' }} /> {sayCoverage(lang, 'legendNewly')}</li>
            <li><i className="swatch round" style={{ background: '#22d3ee', border: '2px solid #fff' }} /> {sayCoverage(lang, 'legendGreedy')}</li>
          </ul>
        </>
      )}
    </section>
  );
}

function Suggest(props: { lang: Lang; k: number; setK: (k: number) => void; onRun: () => void; data: Suggestion | undefined; loading: boolean; error: unknown; onAdopt: (s: Site[]) => void }) {
  const { lang, data } = props;
  const n = (v: number) => formatNumber(lang, Math.round(v));
  return (
    <div className="coverage-suggest" data-testid="coverage-suggest">
      <h4>{sayCoverage(lang, 'suggest')}</h4>
      <label>
        {sayCoverage(lang, 'sitesK')}{' '}
        <select data-testid="coverage-k" value={props.k} onChange={(e) => props.setK(Number(e.target.value))}>
          {[1, 2, 3, 4, 5, 6, 7, 8].map((k) => <option key={k} value={k}>{k}</option>)}
        </select>
      </label>{' '}
      <button data-testid="coverage-suggest-run" onClick={props.onRun}>{sayCoverage(lang, 'run')}</button>
      {props.loading && <p className="muted small">{sayCoverage(lang, 'computing')}</p>}
      {!!props.error && <div className="error" role="alert">{errorText(props.error, lang)}</div>}
      {data && !props.loading && (
        <div data-testid="coverage-suggest-result">
          <p className="small">
            {sayCoverage(lang, 'greedy')}: <strong data-testid="coverage-greedy">{n(data.greedy.covered)}</strong>
            {data.exact && (
              <>
                {' · '}{sayCoverage(lang, 'exact')}: <strong data-testid="coverage-exact">{n(data.exact.covered)}</strong>
                {' · '}{sayCoverage(lang, 'gap')}: <strong data-testid="coverage-gap">{data.exact.gapPercent.toFixed(2)} %</strong>
                {data.exact.status === 'timedout' && sayCoverage(lang, 'timedout')}
              </>
            )}
          </p>
          <ol className="coverage-list small">
            {data.greedy.picks.map((p) => <li key={p.code}>{p.name}{p.code.startsWith('cell:') ? ` (${sayCoverage(lang, 'gridPoint')})` : ''} · {sayCoverage(lang, 'added')} {n(p.added)}</li>)}
          </ol>
          {data.exact && <p className="muted small">{sayCoverage(lang, 'exactPool')} ({data.exact.pool}) · {data.exact.ms} ms</p>}
          <button onClick={() => props.onAdopt(data.greedy.picks.map((p) => ({ lng: p.lng, lat: p.lat })))}>{sayCoverage(lang, 'adopt')}</button>
        </div>
      )}
    </div>
  );
}

type Col = 'name' | 'population' | 'share' | 'villages';

/** The per-township (or district) table, sortable by any column (click a heading; again to reverse). */
function GroupTable({ lang, summary }: { lang: Lang; summary: Summary }) {
  const [level, setLevel] = useState<'township' | 'district'>('township');
  const [sort, setSort] = useState<{ col: Col; desc: boolean }>({ col: 'share', desc: false });
  const rows = level === 'township' ? summary.townships : summary.districts;
  const value = (g: Summary['townships'][number], c: Col): number | string =>
    c === 'name' ? g.name : c === 'population' ? g.population : c === 'share' ? (g.population ? g.covered / g.population : 1) : g.villages ? g.villagesWithClinic / g.villages : 1;
  const sorted = [...rows].sort((a, b) => {
    const x = value(a, sort.col);
    const y = value(b, sort.col);
    const d = typeof x === 'string' ? x.localeCompare(String(y), 'zh') : x - (y as number);
    return (sort.desc ? -d : d) || a.code.localeCompare(b.code);
  });
  const head = (c: Col, label: string) => (
    <th data-col={c} onClick={() => setSort((s) => ({ col: c, desc: s.col === c ? !s.desc : c !== 'name' && c !== 'share' }))} aria-sort={sort.col === c ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
      {label}{sort.col === c ? (sort.desc ? ' ▾' : ' ▴') : ''}
    </th>
  );
  // the table as shown (its order), as CSV with a BOM so spreadsheet programs read the Chinese names
  const exportCsv = () => {
    const cell = (v: string | number) => (/[",\n]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v));
    const lines = [['code', 'name', 'district_code', 'residents', 'residents_within', 'villages', 'villages_with_clinic', 'villages_within'].join(',')];
    for (const g of sorted) lines.push([g.code, g.name, g.districtCode, g.population.toFixed(1), g.covered.toFixed(1), g.villages, g.villagesWithClinic, g.villagesWithin].map(cell).join(','));
    downloadCsv(lines, `coverage-${level}-${summary.mode}-${summary.thresholdMinutes}min.csv`);
  };
  return (
    <div className="coverage-table">
      <nav className="tabs">
        <button className={level === 'township' ? 'on' : ''} onClick={() => setLevel('township')}>{sayCoverage(lang, 'byTownship')}</button>
        <button className={level === 'district' ? 'on' : ''} onClick={() => setLevel('district')}>{sayCoverage(lang, 'byDistrict')}</button>{' '}
        <button data-testid="coverage-export" onClick={exportCsv}>{sayCoverage(lang, 'exportCsv')}</button>
      </nav>
      <table className="admin-table" data-testid="coverage-table">
        <thead>
          <tr>{head('name', sayCoverage(lang, 'name'))}{head('population', sayCoverage(lang, 'population'))}{head('share', sayCoverage(lang, 'share'))}{head('villages', sayCoverage(lang, 'villages'))}</tr>
        </thead>
        <tbody>
          {sorted.map((g) => (
            <tr key={g.code} data-code={g.code}>
              <td>{g.name}</td>
              <td>{formatNumber(lang, Math.round(g.population))}</td>
              <td>{formatPercent(lang, g.population ? g.covered / g.population : null)}</td>
              <td>{g.villagesWithClinic}/{g.villages}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
