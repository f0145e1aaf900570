// The map console every route shares: the map shell, the layer panel and legend, the case
// controls, search and the details panel. Screen state lives in the URL (use-url-state.ts).
import { useCallback, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Deck, Layer, PickingInfo } from '@deck.gl/core';
import { MapView, type MapController } from '../map/MapView.tsx';
import { finishGl } from '../map/finish-gl.ts';
import { cssColour, mergeMapLayers, type MapLayers } from '../map/map-layers.ts';
import { loadFeed, useFeed, type FeedState } from '../map/use-feed.ts';
import { CASES_FEED_COLUMNS, POINT_FEED_COLUMNS, POLYGON_FEED_COLUMNS, type ColumnType } from '../../domain/feeds.ts';
import { featureAt, polygonShapes, type FeedMeta } from '../map/polygon-feed.ts';
import type { Feed } from '../map/binary-feed.ts';
import { createDistrictsLayers, createTownshipsLayers, createVillagesLayers } from '../features/places/places-layers.ts';
import { createClinicsLayers } from '../features/clinics/clinics-layer.ts';
import { createCommunitiesLayers } from '../features/communities/communities-layer.ts';
import { createResponsibilityGridsLayers, createUnitGridsLayers } from '../features/grids/grids-layers.ts';
import { createCasesLayers, caseModeAt, type CaseMode } from '../features/cases/cases-layer.ts';
import { CASE_FILTER_KEYS, selectCases, useLightClock, type CaseFilters, type CasesMeta } from '../features/cases/cases-data.ts';
import { stateGroupOf } from '../../domain/workflow.ts';
import { CaseControls, CaseLegend } from '../features/cases/CaseControls.tsx';
import { SearchBox, type SearchHit } from '../features/search/SearchBox.tsx';
import { ErrorBoundary } from '../lib/ErrorBoundary.tsx';
import { DetailsPanel, type Selection } from './DetailsPanel.tsx';
import { LayerPanel } from './LayerPanel.tsx';
import { errorText, t, tData, formatNumber } from '../lib/i18n.ts';
import { DEFAULT_LAYERS, LAYERS, type LayerId } from './layers.ts';
import { parseUrlState, periodInstants, type UrlDefaults, type UrlState } from '../lib/url-state.ts';
import { useUrlState } from '../lib/use-url-state.ts';
import { may, useSession } from '../lib/session.ts';

export const URL_DEFAULTS: UrlDefaults = {
  // the whole city (116.9–118.3 E, 23.5–25.2 N) right of the side panel on a 1280 × 800 screen
  view: { lng: 117.12, lat: 24.4, zoom: 8.05, bearing: 0, pitch: 0 },
  layers: DEFAULT_LAYERS,
  // the evaluation period of the demo city's indicators
  period: { from: '2022-01-01', to: '2022-08-31' },
  filterKeys: [...CASE_FILTER_KEYS, 'mode'],
};

const BASEMAP_STYLE_URL: string | null = import.meta.env.VITE_CITYGRID_BASEMAP_STYLE || null;

/** Selection kind → the layer that shows it. */
const LAYER_OF: Record<string, LayerId> = { case: 'cases', grid: 'grids', rgrid: 'rgrids', community: 'communities', clinic: 'clinics', village: 'villages', township: 'townships', district: 'districts' };

type PolyFeed = Feed<FeedMeta>;

/** Places keyed by their statistical code: selections name the code, which survives new data. */
const CODE_KEYED = new Set(['district', 'township', 'village']);

const codeIndex = new WeakMap<object, Map<string, number>>();
function indexOfCode(feed: PolyFeed | null, code: string): number | null {
  if (!feed) return null;
  let index = codeIndex.get(feed);
  if (!index) codeIndex.set(feed, (index = new Map(feed.meta.codes.map((c, i) => [c, i]))));
  return index.get(code) ?? null;
}

const idIndex = new WeakMap<object, Map<number, number>>();
/** Row of a feature id in a feed (feeds are ordered by code or id, so a map, built once per feed). */
function indexOfId(feed: Feed<unknown> | null, id: number | null): number | null {
  if (!feed || id === null) return null;
  let index = idIndex.get(feed);
  if (!index) {
    index = new Map();
    const ids = feed.columns.id as Uint32Array;
    for (let i = 0; i < ids.length; i++) index.set(ids[i], i);
    idIndex.set(feed, index);
  }
  return index.get(id) ?? null;
}

/** What the signed-in user may load: the permissions of the session (layers that need one are skipped without it). */
export type LayerAccess = (permission: string) => boolean;

/**
 * The feed each layer draws from, or null when the layer is off or not permitted (districts:
 * always, as the base map's land). A wall screen's display token rides along in the query.
 */
export function feedUrls(state: UrlState, may: LayerAccess): Record<LayerId, string | null> {
  const { from, to } = periodInstants(state.period);
  return Object.fromEntries(
    LAYERS.map((l) => {
      const wanted = (l.id === 'districts' || state.layers.includes(l.id)) && (!l.permission || may(l.permission));
      const params = new URLSearchParams(l.id === 'cases' ? { from, to } : {});
      if (state.display) params.set('display', state.display);
      const query = params.size ? `?${params.toString()}` : '';
      return [l.id, wanted ? `/api/layers/${l.feed}${query}` : null];
    }),
  ) as Record<LayerId, string | null>;
}

/** Starts the page's feed downloads before React and the map have even started (once signed in). */
export function prefetchFeeds(search: string, may: LayerAccess): void {
  for (const [id, url] of Object.entries(feedUrls(parseUrlState(search, URL_DEFAULTS), may))) if (url) void loadFeed(url, FEED_COLUMNS[id as LayerId]).catch(() => {});
}

/** The columns each layer's feed must carry (domain/feeds.ts), checked on arrival. */
const FEED_COLUMNS: Record<LayerId, Record<string, ColumnType>> = {
  districts: POLYGON_FEED_COLUMNS, townships: POLYGON_FEED_COLUMNS, communities: POLYGON_FEED_COLUMNS, grids: POLYGON_FEED_COLUMNS,
  rgrids: POLYGON_FEED_COLUMNS, villages: POINT_FEED_COLUMNS, clinics: POINT_FEED_COLUMNS, cases: CASES_FEED_COLUMNS,
};

const ready = <M,>(s: FeedState<M>): Feed<M> | null => (s.status === 'ready' ? s.feed : null);

declare global {
  interface Window {
    __citygrid?: { state: UrlState; casesDrawn: { count: number; at: number } | null };
  }
}

/** `overlay`: a full panel over the map (the admin screens); the map stays mounted beneath. */
export function Console({ title, children, overlay }: { title: string; children?: ReactNode; overlay?: ReactNode }) {
  const [state, update] = useUrlState(URL_DEFAULTS);
  const { lang, theme, view } = state;
  const me = useSession();
  const permitted = (p: string) => may(me, p);
  /** A layer whose feed needs a permission the user lacks is never on (the panel shows it locked). */
  const layerPermitted = (id: LayerId) => {
    const p = LAYERS.find((l) => l.id === id)?.permission;
    return !p || permitted(p);
  };
  const on = (id: LayerId) => state.layers.includes(id) && layerPermitted(id);
  const controller = useRef<MapController | null>(null);
  const [zoom, setZoom] = useState(view.zoom);

  const [attempt, setAttempt] = useState(0);
  const urls = feedUrls(state, permitted);
  // while a panel covers the map (the admin screens), its feeds neither download nor reload
  const paused = !!overlay;
  const feeds = {
    districts: useFeed<FeedMeta>(urls.districts, attempt, FEED_COLUMNS.districts, paused),
    townships: useFeed<FeedMeta>(urls.townships, attempt, FEED_COLUMNS.townships, paused),
    communities: useFeed<FeedMeta>(urls.communities, attempt, FEED_COLUMNS.communities, paused),
    grids: useFeed<FeedMeta>(urls.grids, attempt, FEED_COLUMNS.grids, paused),
    rgrids: useFeed<FeedMeta>(urls.rgrids, attempt, FEED_COLUMNS.rgrids, paused),
    villages: useFeed<FeedMeta>(urls.villages, attempt, FEED_COLUMNS.villages, paused),
    clinics: useFeed<FeedMeta>(urls.clinics, attempt, FEED_COLUMNS.clinics, paused),
    cases: useFeed<CasesMeta>(urls.cases, attempt, FEED_COLUMNS.cases, paused),
  };
  const districts = ready(feeds.districts);
  const townships = ready(feeds.townships);
  const communities = ready(feeds.communities);
  const grids = ready(feeds.grids);
  const rgrids = ready(feeds.rgrids);
  const villages = ready(feeds.villages);
  const clinics = ready(feeds.clinics);
  const cases = ready(feeds.cases);

  const districtShapes = useMemo(() => districts && polygonShapes(districts), [districts]);
  const townshipShapes = useMemo(() => townships && polygonShapes(townships), [townships]);
  const communityShapes = useMemo(() => communities && polygonShapes(communities), [communities]);
  const gridShapes = useMemo(() => grids && polygonShapes(grids), [grids]);
  const rgridShapes = useMemo(() => rgrids && polygonShapes(rgrids), [rgrids]);
  const shapes = useMemo(
    () => ({ districts: districtShapes, townships: townshipShapes, communities: communityShapes, grids: gridShapes, rgrids: rgridShapes }),
    [districtShapes, townshipShapes, communityShapes, gridShapes, rgridShapes],
  );
  const land = useMemo(() => districts && shapes.districts && toGeoJson(districts, shapes.districts), [districts, shapes.districts]);

  // the URL is parsed afresh on every write (each pan): key the derived data on content, not identity
  const filterKey = JSON.stringify(state.filters);
  const layersKey = state.layers.join(',');
  const caseFilters: CaseFilters = useMemo(() => JSON.parse(filterKey) as CaseFilters, [filterKey]);
  const caseMode = ((state.filters.mode?.[0] as CaseMode | undefined) ?? 'auto') satisfies CaseMode;
  // lights are read from each case's clock marks at `minute` (the feed has no clock in it);
  // the minute only re-selects when lights are on screen (colour or filter by light)
  const minute = useLightClock();
  const lightsShown = state.colour === 'light' || !!caseFilters.light?.length;
  const lightMinute = lightsShown ? minute : null;
  const selected = useMemo(() => cases && selectCases(cases, caseFilters, state.colour, lightMinute ?? Date.now()), [cases, caseFilters, state.colour, lightMinute]);

  const sel: Selection | null = state.sel ? { kind: state.sel.split(':')[0], key: state.sel.split(':')[1] } : null;
  const selIndex = (kind: string, feed: Feed<unknown> | null) => (sel?.kind !== kind ? null : CODE_KEYED.has(kind) ? indexOfCode(feed as PolyFeed | null, sel.key) : indexOfId(feed, Number(sel.key)));

  const { layers, layerErrors } = useMemo(() => {
    const out: MapLayers[] = [];
    const errors: Partial<Record<LayerId, Error>> = {};
    // one failing factory (a malformed feed) costs its own layer, never the map; said with a reason (domain/messages.ts)
    const add = (id: LayerId, make: () => MapLayers) => {
      try {
        out.push(make());
      } catch (err) {
        const detail = err instanceof Error ? err.message : String(err);
        errors[id] = Object.assign(new Error(detail), { reason: 'layer.drawFailed', params: { detail } });
      }
    };
    const z = zoom;
    if (districts && shapes.districts) add('districts', () => createDistrictsLayers({ feed: districts, shapes: shapes.districts!, lang, visible: on('districts'), zoom: z, theme, highlight: selIndex('district', districts) }));
    if (townships && shapes.townships) add('townships', () => createTownshipsLayers({ feed: townships, shapes: shapes.townships!, lang, visible: on('townships'), zoom: z, theme, highlight: selIndex('township', townships) }));
    if (communities && shapes.communities) add('communities', () => createCommunitiesLayers({ feed: communities, shapes: shapes.communities!, visible: on('communities'), zoom: z, theme, highlight: selIndex('community', communities) }));
    if (grids && shapes.grids) add('grids', () => createUnitGridsLayers({ feed: grids, shapes: shapes.grids!, visible: on('grids'), zoom: z, theme, highlight: selIndex('grid', grids) }));
    if (rgrids && shapes.rgrids) add('rgrids', () => createResponsibilityGridsLayers({ feed: rgrids, shapes: shapes.rgrids!, visible: on('rgrids'), zoom: z, theme, highlight: selIndex('rgrid', rgrids) }));
    if (villages) add('villages', () => createVillagesLayers({ feed: villages, lang, visible: on('villages'), zoom: z, theme, highlight: selIndex('village', villages) }));
    if (clinics) add('clinics', () => createClinicsLayers({ feed: clinics, visible: on('clinics'), zoom: z, theme, highlight: selIndex('clinic', clinics) }));
    if (cases && selected) add('cases', () => createCasesLayers({ selected, meta: cases.meta, visible: on('cases'), zoom: z, mode: caseMode, colour: state.colour, highlight: selIndex('case', cases) }));
    return { layers: mergeMapLayers(out), layerErrors: errors };
  }, [districts, townships, communities, grids, rgrids, villages, clinics, cases, selected, shapes, lang, theme, zoom, layersKey, state.sel, caseMode, state.colour]);

  const casesLayer = layers.deck.find((l) => l.id.startsWith('cases-')) ?? null;
  const onAfterRender = useCallback(
    (deck: Deck) => {
      const drawn = casesLayer && (deck.props.layers as Layer[]).includes(casesLayer) && casesLayer.props.visible;
      const count = drawn ? (casesLayer.props.data as { length: number }).length : 0;
      const hooks = (window.__citygrid ??= { state, casesDrawn: null });
      hooks.state = state;
      if (drawn && hooks.casesDrawn?.count !== count) {
        finishGl(deck.getCanvas()); // "drawn" means drawn by the GPU, not just submitted
        hooks.casesDrawn = { count, at: performance.now() };
        document.body.dataset.casesDrawn = String(count);
        document.body.dataset.casesLayer = casesLayer.id;
      }
    },
    [casesLayer, state],
  );

  const select = (kind: string, key: number | string) => update({ sel: `${kind}:${key}` });
  /** What a selection of this row is called: the code for places (stable), the id otherwise. */
  const featureId = (feed: Feed<unknown> | null, index: number, kind = ''): number | string | undefined =>
    !feed || index < 0 ? undefined : CODE_KEYED.has(kind) ? (feed as PolyFeed).meta.codes[index] : (feed.columns.id as Uint32Array)[index];
  /** Flat polygon layers (no fill drawn) are picked in JS: the top-most one that is shown. */
  const polygonAt = (coordinate: number[] | undefined): [string, PolyFeed, number] | null => {
    if (!coordinate) return null;
    const candidates: [string, LayerId, PolyFeed | null, ReturnType<typeof polygonShapes> | null][] = [
      ['grid', 'grids', grids, shapes.grids],
      ['rgrid', 'rgrids', rgrids, shapes.rgrids],
      ['township', 'townships', townships, shapes.townships],
      ['district', 'districts', districts, shapes.districts],
    ];
    for (const [kind, layer, feed, sh] of candidates) {
      if (!feed || !sh || !on(layer) || zoom < (LAYERS.find((l) => l.id === layer)?.minZoom ?? 0)) continue;
      const f = featureAt(sh, coordinate[0] - feed.meta.origin[0], coordinate[1] - feed.meta.origin[1]);
      if (f !== null) return [kind, feed, f];
    }
    return null;
  };
  const onClick = (info: PickingInfo) => {
    const id = info.layer?.id ?? '';
    const obj = info.object as { feature?: number } | undefined;
    let picked: [string, number | string | undefined] | null = null;
    if (id === 'cases-points' && cases && selected) picked = ['case', featureId(cases, selected.rows[info.index])];
    else if (id === 'cases-hex' && info.coordinate) controller.current?.flyTo({ lng: info.coordinate[0], lat: info.coordinate[1], zoom: Math.max(zoom + 2, 12) });
    else if (id === 'communities-fill') picked = ['community', featureId(communities, obj?.feature ?? -1)];
    else if (id === 'clinics-points') picked = ['clinic', featureId(clinics, info.index)];
    else if (id === 'villages-points') picked = ['village', featureId(villages, info.index, 'village')];
    else {
      const hit = polygonAt(info.coordinate);
      if (hit) picked = [hit[0], featureId(hit[1], hit[2], hit[0])];
    }
    if (picked?.[1] !== undefined) select(picked[0], picked[1]);
  };
  const getTooltip = (info: PickingInfo): string | null => {
    const id = info.layer?.id ?? '';
    const obj = info.object as { feature?: number; count?: number; points?: unknown[]; colorValue?: number } | undefined;
    const name = (feed: PolyFeed | null, i: number | undefined) => (feed && i !== undefined ? (lang === 'en' && feed.meta.namesEn?.[i]) || feed.meta.names[i] : null);
    if (!info.picked) {
      const hit = polygonAt(info.coordinate);
      if (!hit) return null;
      const [kind, feed, f] = hit;
      return kind === 'grid' || kind === 'rgrid' ? `${tData(lang, `kind_${kind === 'grid' ? 'grid' : 'responsibilityGrid'}`, kind)} ${feed.meta.codes[f]}` : name(feed, f);
    }
    if (id === 'cases-points' && cases && selected) {
      const row = selected.rows[info.index];
      const cat = cases.meta.categories[(cases.columns.category as Uint16Array)[row]];
      const status = cases.meta.statuses[(cases.columns.status as Uint8Array)[row]];
      return `${cat ? (lang === 'en' ? cat.nameEn : cat.name) : ''} · ${tData(lang, `state_${stateGroupOf(status)}`, status)}`;
    }
    if (id === 'cases-hex') {
      const count = `${t(lang, 'layerCases')}: ${formatNumber(lang, obj?.count ?? obj?.points?.length ?? 0)}`;
      const share = obj?.colorValue;
      return state.colour === 'light' && share !== undefined && Number.isFinite(share) ? `${count} · ${t(lang, 'overdueShort')} ${Math.round(share * 1000) / 10}%` : count;
    }
    if (id === 'communities-fill') return name(communities, obj?.feature);
    if (id === 'clinics-points') return name(clinics, info.index);
    if (id === 'villages-points') return name(villages, info.index);
    return null;
  };

  const onSearchPick = (hit: SearchHit) => {
    const kind = hit.kind === 'responsibilityGrid' ? 'rgrid' : hit.kind;
    const layer = LAYER_OF[kind];
    update((s) => ({ sel: `${kind}:${CODE_KEYED.has(kind) ? hit.code : hit.id}`, layers: layer && !s.layers.includes(layer) ? [...s.layers, layer] : s.layers }));
    const [w, s, e, n] = hit.bbox;
    const maxZoom = kind === 'case' || kind === 'clinic' ? 17 : kind === 'grid' ? 17 : 15;
    controller.current?.fitBounds([w, s, e, n], maxZoom);
  };

  const layerStatus = (id: LayerId): FeedState<unknown> => (layerErrors[id] ? { status: 'error', error: errorText(layerErrors[id], lang), cause: layerErrors[id] } : feeds[id]);
  const shownHex = caseModeAt(caseMode, zoom) === 'hex';

  return (
    <div className={`console theme-${theme}`} data-testid="console">
      <MapView
        view={view}
        theme={theme}
        basemapStyleUrl={BASEMAP_STYLE_URL}
        land={land}
        layers={layers.deck}
        lines={layers.lines}
        onViewChange={(v) => {
          setZoom(v.zoom);
          update({ view: v });
        }}
        onClick={onClick}
        getTooltip={getTooltip}
        onReady={(c) => (controller.current = c)}
        onAfterRender={onAfterRender}
      />
      <aside className="side" data-testid="side">
        <div className="route-title">{title}</div>
        <ErrorBoundary fallback={(m) => <div className="error">{t(lang, 'panelFailed')}{m}</div>}>
          <SearchBox lang={lang} onPick={onSearchPick} />
        </ErrorBoundary>
        <ErrorBoundary fallback={(m) => <div className="error">{t(lang, 'panelFailed')}{m}</div>}>
          <LayerPanel
            lang={lang}
            zoom={zoom}
            active={state.layers}
            status={layerStatus}
            locked={(id) => !layerPermitted(id)}
            onToggle={(id, value) => update((s) => ({ layers: value ? LAYERS.map((l) => l.id).filter((l) => l === id || s.layers.includes(l)) : s.layers.filter((l) => l !== id) }))}
            onRetry={() => setAttempt((a) => a + 1)}
          />
          {on('cases') && (
            <CaseControls
              lang={lang}
              meta={cases?.meta ?? null}
              filters={caseFilters}
              colour={state.colour}
              mode={caseMode}
              shown={selected?.length ?? null}
              total={cases?.length ?? null}
              period={state.period}
              onPeriod={(period) => update({ period })}
              onFilters={(f) => update((s) => ({ filters: { ...Object.fromEntries(Object.entries(f).filter(([, v]) => v?.length)), ...(s.filters.mode ? { mode: s.filters.mode } : {}) } }))}
              onColour={(colour) => update({ colour })}
              onMode={(m) => update((s) => ({ filters: { ...s.filters, mode: m === 'auto' ? [] : [m] } }))}
            />
          )}
          <section className="legend" data-testid="legend">
            <h3>{t(lang, 'legendTitle')}</h3>
            {on('cases') && <CaseLegend lang={lang} colour={state.colour} hex={shownHex} />}
            <ul className="legend-block" data-testid="legend-layers">
              {LAYERS.filter((l) => l.swatch && on(l.id)).map((l) => (
                <li key={l.id}>
                  <i className={`swatch ${l.swatch!.shape}`} style={{ [l.swatch!.shape === 'line' ? 'borderColor' : 'background']: cssColour(l.swatch!.colour(theme)) }} />
                  {t(lang, l.label)}
                  {zoom < l.minZoom && <span className="muted"> ({t(lang, 'zoomIn')})</span>}
                </li>
              ))}
            </ul>
          </section>
        </ErrorBoundary>
        {children}
      </aside>
      {overlay && (
        <div className="overlay-panel">
          <ErrorBoundary fallback={(m) => <div className="error">{t(lang, 'panelFailed')}{m}</div>}>{overlay}</ErrorBoundary>
        </div>
      )}
      {sel && !overlay && (
        <ErrorBoundary key={state.sel} fallback={(m) => <div className="details error">{t(lang, 'panelFailed')}{m}</div>}>
          <DetailsPanel
            lang={lang}
            selection={sel}
            places={{ districts, townships }}
            onClose={() => update({ sel: null })}
            onFly={(lng, lat, z) => controller.current?.flyTo({ lng, lat, zoom: z })}
          />
        </ErrorBoundary>
      )}
    </div>
  );
}

/** The districts as GeoJSON for the base style's land (11 features; small). */
function toGeoJson(feed: PolyFeed, shapes: ReturnType<typeof polygonShapes>): GeoJSON.FeatureCollection {
  const [ox, oy] = feed.meta.origin;
  const ring = (flat: Float32Array) => {
    const out: [number, number][] = [];
    for (let i = 0; i < flat.length; i += 2) out.push([ox + flat[i], oy + flat[i + 1]]);
    return out;
  };
  return {
    type: 'FeatureCollection',
    features: shapes.parts.map((p) => {
      const starts = [0, ...p.holeIndices, p.positions.length];
      const rings = starts.slice(0, -1).map((s, k) => ring(p.positions.subarray(s, starts[k + 1])));
      return { type: 'Feature', properties: { code: feed.meta.codes[p.feature] }, geometry: { type: 'Polygon', coordinates: rings } };
    }),
  };
}
