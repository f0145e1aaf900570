// The map console every route shares: the map shell, the layer panel and legend, the case
// controls, search and the details panel. Screen state lives in the URL (use-url-state.ts).
import { useCallback, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Deck, Layer, PickingInfo } from '@deck.gl/core';
import { MapView, type MapController } from '../map/MapView.tsx';
import { useFeed, type FeedState } from '../map/use-feed.ts';
import { polygonShapes, type FeedMeta } from '../map/polygon-feed.ts';
import type { Feed } from '../map/binary-feed.ts';
import { createDistrictsLayers, createTownshipsLayers, createVillagesLayers } from '../features/places/places-layers.ts';
import { createClinicsLayers } from '../features/clinics/clinics-layer.ts';
import { createCommunitiesLayers } from '../features/communities/communities-layer.ts';
import { createResponsibilityGridsLayers, createUnitGridsLayers } from '../features/grids/grids-layers.ts';
import { createCasesLayers, caseModeAt, type CaseMode } from '../features/cases/cases-layer.ts';
import { CASE_FILTER_KEYS, selectCases, type CaseFilters, type CasesMeta } from '../features/cases/cases-data.ts';
import { stateGroupOf } from '../features/cases/case-colours.ts';
import { CaseControls, CaseLegend } from '../features/cases/CaseControls.tsx';
import { SearchBox, type SearchHit } from '../features/search/SearchBox.tsx';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { DetailsPanel, type Selection } from './DetailsPanel.tsx';
import { LayerPanel } from './LayerPanel.tsx';
import { t, tData, formatNumber } from './i18n.ts';
import { DEFAULT_LAYERS, LAYERS, type LayerId } from './layers.ts';
import { periodInstants, type UrlDefaults, type UrlState } from './url-state.ts';
import { useUrlState } from './use-url-state.ts';

export const URL_DEFAULTS: UrlDefaults = {
  // the whole city (116.9–118.3 E, 23.5–25.2 N) right of the side panel on a 1280 × 800 screen
  view: { lng: 117.25, lat: 24.36, zoom: 7.7, bearing: 0, pitch: 0 },
  layers: DEFAULT_LAYERS,
  // the evaluation period of the demo city's indicators
  period: { from: '2022-01-01', to: '2022-08-31' },
  filterKeys: [...CASE_FILTER_KEYS, 'mode'],
};

const BASEMAP_STYLE_URL: string | null = import.meta.env.VITE_CITYGRID_BASEMAP_STYLE || null;

/** Selection kind → the layer that shows it. */
const LAYER_OF: Record<string, LayerId> = { case: 'cases', grid: 'grids', rgrid: 'rgrids', community: 'communities', clinic: 'clinics', village: 'villages', township: 'townships', district: 'districts' };

type PolyFeed = Feed<FeedMeta>;

function indexOfId(feed: Feed<unknown> | null, id: number | null): number | null {
  if (!feed || id === null) return null;
  const ids = feed.columns.id as Uint32Array;
  // ids are sorted in every feed: binary search
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ids[mid] === id) return mid;
    if (ids[mid] < id) lo = mid + 1;
    else hi = mid - 1;
  }
  const linear = ids.indexOf(id);
  return linear < 0 ? null : linear;
}

const ready = <M,>(s: FeedState<M>): Feed<M> | null => (s.status === 'ready' ? s.feed : null);

declare global {
  interface Window {
    __citygrid?: { state: UrlState; casesDrawn: { count: number; at: number } | null };
  }
}

export function Console({ title, children }: { title: string; children?: ReactNode }) {
  const [state, update] = useUrlState(URL_DEFAULTS);
  const { lang, theme, view } = state;
  const on = (id: LayerId) => state.layers.includes(id);
  const controller = useRef<MapController | null>(null);
  const [zoom, setZoom] = useState(view.zoom);

  const feedUrl = (id: LayerId, wanted: boolean) => (wanted ? `/api/layers/${LAYERS.find((l) => l.id === id)!.feed}` : null);
  const instants = periodInstants(state.period);
  const feeds = {
    districts: useFeed<FeedMeta>(feedUrl('districts', true)), // always: it is the base map's land
    townships: useFeed<FeedMeta>(feedUrl('townships', on('townships'))),
    communities: useFeed<FeedMeta>(feedUrl('communities', on('communities'))),
    grids: useFeed<FeedMeta>(feedUrl('grids', on('grids'))),
    rgrids: useFeed<FeedMeta>(feedUrl('rgrids', on('rgrids'))),
    villages: useFeed<FeedMeta>(feedUrl('villages', on('villages'))),
    clinics: useFeed<FeedMeta>(feedUrl('clinics', on('clinics'))),
    cases: useFeed<CasesMeta>(on('cases') ? `/api/layers/cases.bin?from=${encodeURIComponent(instants.from)}&to=${encodeURIComponent(instants.to)}` : null),
  };
  const districts = ready(feeds.districts);
  const townships = ready(feeds.townships);
  const communities = ready(feeds.communities);
  const grids = ready(feeds.grids);
  const rgrids = ready(feeds.rgrids);
  const villages = ready(feeds.villages);
  const clinics = ready(feeds.clinics);
  const cases = ready(feeds.cases);

  const shapes = {
    districts: useMemo(() => districts && polygonShapes(districts), [districts]),
    townships: useMemo(() => townships && polygonShapes(townships), [townships]),
    communities: useMemo(() => communities && polygonShapes(communities), [communities]),
    grids: useMemo(() => grids && polygonShapes(grids), [grids]),
    rgrids: useMemo(() => rgrids && polygonShapes(rgrids), [rgrids]),
  };
  const land = useMemo(() => districts && shapes.districts && toGeoJson(districts, shapes.districts), [districts, shapes.districts]);

  const caseFilters: CaseFilters = state.filters;
  const caseMode = ((state.filters.mode?.[0] as CaseMode | undefined) ?? 'auto') satisfies CaseMode;
  const selected = useMemo(() => cases && selectCases(cases, caseFilters, state.colour), [cases, caseFilters, state.colour]);

  const sel: Selection | null = state.sel ? { kind: state.sel.split(':')[0], id: Number(state.sel.split(':')[1]) } : null;
  const selIndex = (kind: string, feed: Feed<unknown> | null) => (sel?.kind === kind ? indexOfId(feed, sel.id) : null);

  const layers = useMemo(() => {
    const out: Layer[] = [];
    const z = zoom;
    if (districts && shapes.districts) out.push(...createDistrictsLayers({ feed: districts, shapes: shapes.districts, lang, visible: on('districts'), zoom: z, theme, highlight: selIndex('district', districts) }));
    if (townships && shapes.townships) out.push(...createTownshipsLayers({ feed: townships, shapes: shapes.townships, lang, visible: on('townships'), zoom: z, theme, highlight: selIndex('township', townships) }));
    if (communities && shapes.communities) out.push(...createCommunitiesLayers({ feed: communities, shapes: shapes.communities, visible: on('communities'), zoom: z, theme, highlight: selIndex('community', communities) }));
    if (grids && shapes.grids) out.push(...createUnitGridsLayers({ feed: grids, shapes: shapes.grids, visible: on('grids'), zoom: z, theme, highlight: selIndex('grid', grids) }));
    if (rgrids && shapes.rgrids) out.push(...createResponsibilityGridsLayers({ feed: rgrids, shapes: shapes.rgrids, visible: on('rgrids'), zoom: z, theme, highlight: selIndex('rgrid', rgrids) }));
    if (villages) out.push(...createVillagesLayers({ feed: villages, lang, visible: on('villages'), zoom: z, theme, highlight: selIndex('village', villages) }));
    if (clinics) out.push(...createClinicsLayers({ feed: clinics, visible: on('clinics'), zoom: z, theme, highlight: selIndex('clinic', clinics) }));
    if (cases && selected) out.push(...createCasesLayers({ selected, meta: cases.meta, visible: on('cases'), zoom: z, mode: caseMode, highlight: selIndex('case', cases) }));
    return out;
  }, [districts, townships, communities, grids, rgrids, villages, clinics, cases, selected, shapes, lang, theme, zoom, state.layers, state.sel, caseMode]);

  const casesLayer = layers.find((l) => l.id.startsWith('cases-')) ?? null;
  const onAfterRender = useCallback(
    (deck: Deck) => {
      const drawn = casesLayer && (deck.props.layers as Layer[]).includes(casesLayer) && casesLayer.props.visible;
      const count = drawn ? (casesLayer.props.data as { length: number }).length : 0;
      const hooks = (window.__citygrid ??= { state, casesDrawn: null });
      hooks.state = state;
      if (drawn && hooks.casesDrawn?.count !== count) {
        hooks.casesDrawn = { count, at: performance.now() };
        document.body.dataset.casesDrawn = String(count);
        document.body.dataset.casesLayer = casesLayer.id;
      }
    },
    [casesLayer, state],
  );

  const select = (kind: string, id: number) => update({ sel: `${kind}:${id}` });
  const featureId = (feed: Feed<unknown> | null, index: number) => (feed ? (feed.columns.id as Uint32Array)[index] : undefined);
  const onClick = (info: PickingInfo) => {
    const id = info.layer?.id ?? '';
    const obj = info.object as { feature?: number } | undefined;
    let picked: [string, number | undefined] | null = null;
    if (id === 'cases-points' && cases && selected) picked = ['case', featureId(cases, selected.rows[info.index])];
    else if (id === 'cases-hex' && info.coordinate) controller.current?.flyTo({ lng: info.coordinate[0], lat: info.coordinate[1], zoom: Math.max(zoom + 2, 12) });
    else if (id === 'grids-fill') picked = ['grid', featureId(grids, obj?.feature ?? -1)];
    else if (id === 'communities-fill') picked = ['community', featureId(communities, obj?.feature ?? -1)];
    else if (id === 'clinics-points') picked = ['clinic', featureId(clinics, info.index)];
    else if (id === 'villages-points') picked = ['village', featureId(villages, info.index)];
    else if (id === 'districts-fill') picked = ['district', featureId(districts, obj?.feature ?? -1)];
    if (picked?.[1] !== undefined) select(picked[0], picked[1]);
  };
  const getTooltip = (info: PickingInfo): string | null => {
    if (!info.picked) return null;
    const id = info.layer?.id ?? '';
    const obj = info.object as { feature?: number; count?: number; points?: unknown[] } | undefined;
    if (id === 'cases-points' && cases && selected) {
      const row = selected.rows[info.index];
      const cat = cases.meta.categories[(cases.columns.category as Uint16Array)[row]];
      const status = cases.meta.statuses[(cases.columns.status as Uint8Array)[row]];
      return `${cat ? (lang === 'en' ? cat.nameEn : cat.name) : ''} · ${tData(lang, `state_${stateGroupOf(status)}`, status)}`;
    }
    if (id === 'cases-hex') return `${t(lang, 'layerCases')}: ${formatNumber(lang, obj?.count ?? obj?.points?.length ?? 0)}`;
    const name = (feed: PolyFeed | null, i: number | undefined) => (feed && i !== undefined ? (lang === 'en' && feed.meta.namesEn?.[i]) || feed.meta.names[i] : null);
    if (id === 'grids-fill') return grids && obj?.feature !== undefined ? `${t(lang, 'kind_grid')} ${grids.meta.codes[obj.feature]}` : null;
    if (id === 'communities-fill') return name(communities, obj?.feature);
    if (id === 'districts-fill') return name(districts, obj?.feature);
    if (id === 'clinics-points') return name(clinics, info.index);
    if (id === 'villages-points') return name(villages, info.index);
    return null;
  };

  const onSearchPick = (hit: SearchHit) => {
    const kind = hit.kind === 'responsibilityGrid' ? 'rgrid' : hit.kind;
    const layer = LAYER_OF[kind];
    update((s) => ({ sel: `${kind}:${hit.id}`, layers: layer && !s.layers.includes(layer) ? [...s.layers, layer] : s.layers }));
    const [w, s, e, n] = hit.bbox;
    const maxZoom = kind === 'case' || kind === 'clinic' ? 17 : kind === 'grid' ? 17 : 15;
    controller.current?.fitBounds([w, s, e, n], maxZoom);
  };

  const layerStatus = (id: LayerId): FeedState<unknown> => feeds[id];
  const shownHex = caseModeAt(caseMode, zoom) === 'hex';

  return (
    <div className={`console theme-${theme}`} data-testid="console">
      <MapView
        view={view}
        theme={theme}
        basemapStyleUrl={BASEMAP_STYLE_URL}
        land={land}
        layers={layers}
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
            onToggle={(id, value) => update((s) => ({ layers: value ? LAYERS.map((l) => l.id).filter((l) => l === id || s.layers.includes(l)) : s.layers.filter((l) => l !== id) }))}
            onRetry={() => window.location.reload()}
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
              onFilters={(f) => update((s) => ({ filters: { ...Object.fromEntries(Object.entries(f).filter(([, v]) => v?.length)), ...(s.filters.mode ? { mode: s.filters.mode } : {}) } }))}
              onColour={(colour) => update({ colour })}
              onMode={(m) => update((s) => ({ filters: { ...s.filters, mode: m === 'auto' ? [] : [m] } }))}
            />
          )}
          <section className="legend" data-testid="legend">
            <h3>{t(lang, 'legendTitle')}</h3>
            {on('cases') && <CaseLegend lang={lang} colour={state.colour} hex={shownHex} />}
          </section>
        </ErrorBoundary>
        {children}
      </aside>
      {sel && (
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
