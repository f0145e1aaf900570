// The map console every route shares: the map shell, the layer panel and legend, the layers'
// own controls, search and the details panel. It knows no layer: each is a module
// (client/lib/map-feature.ts) listed in client/app/layer-list.ts. Screen state lives in the
// URL (client/lib/use-url-state.ts).
import { useCallback, useMemo, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import type { Deck, Layer, PickingInfo } from '@deck.gl/core';
import { MapView, type MapController, type MapInteraction } from '../map/MapView.tsx';
import { cssColour, mergeMapLayers, type MapLayers } from '../map/map-layers.ts';
import type { FeedMeta, PolygonShapes } from '../map/polygon-feed.ts';
import type { Feed } from '../map/binary-feed.ts';
import { prefetchFeed, useFeeds, type FeedRequest, type FeedState } from '../lib/feeds.ts';
import type { LayerModule, LayerView, Picked } from '../lib/map-feature.ts';
import { useMinute } from '../lib/use-minute.ts';
import { MapInteractionSlot } from '../lib/map-interaction.ts';
import { SearchBox, type SearchHit } from '../features/search/SearchBox.tsx';
import { ErrorBoundary } from '../lib/ErrorBoundary.tsx';
import { DetailsPanel } from './DetailsPanel.tsx';
import { DetailsExtras } from './details-extras.tsx';
import { useLiveStream } from './live-cases.ts';
import { messageOf } from '../../domain/messages.ts';
import { LayerPanel } from './LayerPanel.tsx';
import { errorText, say } from '../lib/i18n.ts';
import { DEFAULT_LAYERS, LAYERS } from './layer-list.ts';
import { RECENT_DAYS, parseUrlState, periodInstants, recentPeriod, type UrlDefaults, type UrlState } from '../lib/url-state.ts';
import { useUrlState } from '../lib/use-url-state.ts';
import { may, useSession } from '../lib/session.ts';

export const URL_DEFAULTS: UrlDefaults = {
  // the whole city (116.9–118.3 E, 23.5–25.2 N) right of the side panel on a 1280 × 800 screen
  view: { lng: 117.12, lat: 24.4, zoom: 8.05, bearing: 0, pitch: 0 },
  layers: DEFAULT_LAYERS,
  // what needs doing now: the recent days, as of the page's load (the 2022 history is a period one chooses)
  period: recentPeriod(RECENT_DAYS),
  filterKeys: LAYERS.flatMap((l) => l.urlFilters ?? []),
};

const BASEMAP_STYLE_URL: string | null = import.meta.env.VITE_CITYGRID_BASEMAP_STYLE || null;

/** What the signed-in user may load: the permissions of the session (layers that need one are skipped without it). */
export type LayerAccess = (permission: string) => boolean;

/**
 * The feed each layer draws from, or null when the layer is off or not permitted (a layer that
 * is `always` loaded, the districts, is wanted even while off). A wall screen's display token
 * rides along in the query.
 */
export function feedRequests(state: UrlState, may: LayerAccess): FeedRequest[] {
  const { from, to } = periodInstants(state.period);
  return LAYERS.map((l) => {
    const wanted = (l.feed.always || state.layers.includes(l.id)) && (!l.permission || may(l.permission));
    // the default period (the recent days) is open-ended in the feed: a wall screen left on past midnight still takes the new day's cases live
    const recent = state.period.from === URL_DEFAULTS.period.from && state.period.to === URL_DEFAULTS.period.to;
    const params = new URLSearchParams(l.feed.byPeriod ? (recent ? { from } : { from, to }) : {});
    if (state.display) params.set('display', state.display);
    const query = params.size ? `?${params.toString()}` : '';
    return { file: l.feed.file, url: wanted ? `/api/layers/${l.feed.file}${query}` : null, columns: l.feed.columns };
  });
}

/** Starts the page's feed downloads before React and the map have even started (once signed in). */
export function prefetchFeeds(search: string, may: LayerAccess): void {
  for (const r of feedRequests(parseUrlState(search, URL_DEFAULTS), may)) prefetchFeed(r);
}

/** The module a selection kind or a search hit kind belongs to. */
const moduleOfKind = (kind: string): LayerModule | undefined => LAYERS.find((l) => l.selection && (l.selection.kind === kind || l.selection.searchKinds?.includes(kind)));
/** The module that owns a deck.gl layer (ids `<module id>-…`). */
const moduleOfDeckLayer = (id: string): LayerModule | undefined => LAYERS.find((l) => id.startsWith(`${l.id}-`));

const rowIndex = new WeakMap<object, Map<string | number, number>>();
/** Row of a key (a code, or an id) in a feed: a map, built once per feed. */
function rowOf(feed: Feed<unknown>, keyBy: 'id' | 'code', key: string): number | null {
  let index = rowIndex.get(feed);
  if (!index) {
    index = new Map();
    if (keyBy === 'code') (feed.meta as FeedMeta).codes.forEach((c, i) => index!.set(c, i));
    else (feed.columns.id as Uint32Array).forEach((id, i) => index!.set(id, i));
    rowIndex.set(feed, index);
  }
  return index.get(keyBy === 'code' ? key : Number(key)) ?? null;
}

const keyOfRow = (l: LayerModule, feed: Feed<unknown>) => (row: number): string | number | undefined =>
  row < 0 || row >= feed.length ? undefined : l.selection?.keyBy === 'code' ? (feed.meta as FeedMeta).codes[row] : (feed.columns.id as Uint32Array | undefined)?.[row];

/**
 * `overlay`: a full panel over the map (the admin screens); the map stays mounted beneath.
 * `children`: the route's own panels; one of them may take the map's clicks and drags
 * (client/lib/map-interaction.ts). `bare`: the map and the live stream's banners only, no side
 * panel or details (a wall screen, client/features/wall/); `onMapReady` hands it the map.
 */
export function Console({ title, children, overlay, bare = false, onMapReady }: { title: string; children?: ReactNode; overlay?: ReactNode; bare?: boolean; onMapReady?(c: MapController): void }) {
  const [interaction, setInteraction] = useState<MapInteraction | null>(null);
  const [state, update] = useUrlState(URL_DEFAULTS);
  const { lang, theme, view } = state;
  const me = useSession();
  const permitted = (p: string) => may(me, p);
  /** A layer whose feed needs a permission the user lacks is never on (the panel shows it locked). */
  const layerPermitted = (l: LayerModule) => !l.permission || permitted(l.permission);
  const on = (l: LayerModule) => state.layers.includes(l.id) && layerPermitted(l);
  const controller = useRef<MapController | null>(null);
  const live = useLiveStream(!!me?.actor);
  const [zoom, setZoom] = useState(view.zoom);

  // while a panel covers the map (the admin screens), its feeds neither download nor reload
  const { states: feedStates, retry } = useFeeds(feedRequests(state, permitted), !!overlay);
  const feeds = feedStates.map((s) => (s.status === 'ready' ? s.feed : null));
  const minute = useMinute();

  // each layer's derived data (shapes, a selection): made again only when its feed or its key changes
  const derivedCache = useRef(new Map<string, { feed: Feed<unknown>; key: string; data: unknown }>());
  const derived = LAYERS.map((l, i) => {
    const feed = feeds[i];
    if (!feed) return undefined;
    if (!l.derive) return undefined;
    const key = l.deriveKey?.(state, minute) ?? '';
    const hit = derivedCache.current.get(l.id);
    if (hit && hit.feed === feed && hit.key === key) return hit.data;
    const data = l.derive(feed, state, minute);
    derivedCache.current.set(l.id, { feed, key, data });
    return data;
  });

  const sel = state.sel ? { kind: state.sel.split(':')[0], key: state.sel.slice(state.sel.indexOf(':') + 1) } : null;
  const views: (LayerView<unknown, unknown> | null)[] = LAYERS.map((l, i) => {
    const feed = feeds[i];
    if (!feed) return null;
    const highlight = sel && l.selection?.kind === sel.kind ? rowOf(feed, l.selection.keyBy, sel.key) : null;
    return { feed, data: derived[i], lang, theme, zoom, visible: on(l), highlight, state, screenLabels: bare, keyOf: keyOfRow(l, feed) };
  });

  // the URL is parsed afresh on every write (each pan): the drawing is keyed on content, not identity
  const drawKey = JSON.stringify([lang, theme, zoom, state.layers, state.sel, state.filters, state.colour]);
  const { layers, layerErrors } = useMemo(() => {
    const out: MapLayers[] = [];
    const errors: Record<string, Error> = {};
    LAYERS.forEach((l, i) => {
      const v = views[i];
      if (!v) return;
      // one failing factory (a malformed feed) costs its own layer, never the map; said with a reason (domain/messages.ts)
      try {
        out.push(l.draw(v));
      } catch (err) {
        const detail = err instanceof Error ? err.message : String(err);
        errors[l.id] = Object.assign(new Error(detail), { reason: 'layer.drawFailed', params: { detail } });
      }
    });
    return { layers: mergeMapLayers(out), layerErrors: errors };
    // views are keyed by drawKey and the feeds and data they hold
  }, [drawKey, ...feeds, ...derived]);

  const deckLayers = layers.deck;
  const onAfterRender = useCallback(
    (deck: Deck) => {
      const inFrame = new Set(deck.props.layers as Layer[]);
      window.__citygrid = { casesDrawn: null, ...window.__citygrid, state };
      for (const l of LAYERS) {
        if (!l.afterRender) continue;
        const own = deckLayers.filter((d) => d.id.startsWith(`${l.id}-`));
        l.afterRender(
          own.map((d) => ({ id: d.id, visible: inFrame.has(d) && !!d.props.visible, length: (d.props.data as { length?: number } | undefined)?.length ?? 0 })),
          deck.getCanvas()!,
          state,
        );
      }
    },
    [deckLayers, state],
  );

  const select = (kind: string, key: number | string) => update({ sel: `${kind}:${key}` });
  const shown = (l: LayerModule) => on(l) && zoom >= l.minZoom;
  /** Flat polygon layers (no fill drawn) are picked in JS: the top-most one that is shown. */
  const polygonAt = (coordinate: number[] | undefined): [LayerModule, LayerView<unknown, unknown>, number] | null => {
    if (!coordinate) return null;
    for (let i = LAYERS.length - 1; i >= 0; i--) {
      const l = LAYERS[i];
      const v = views[i];
      if (!l.featureAt || !v || !shown(l)) continue;
      const row = l.featureAt(v, coordinate[0], coordinate[1]);
      if (row !== null) return [l, v, row];
    }
    return null;
  };
  const owner = (info: PickingInfo): [LayerModule, LayerView<unknown, unknown>] | null => {
    const l = info.picked && info.layer ? moduleOfDeckLayer(info.layer.id) : undefined;
    const v = l ? views[LAYERS.indexOf(l)] : null;
    return l && v ? [l, v] : null;
  };
  const onClick = (info: PickingInfo) => {
    const own = owner(info);
    let picked: Picked = null;
    let kind = own?.[0].selection?.kind;
    if (own) picked = own[0].pick?.(info, own[1]) ?? null;
    else {
      const hit = polygonAt(info.coordinate);
      const key = hit?.[1].keyOf(hit[2]);
      if (hit && key !== undefined) [picked, kind] = [{ select: key }, hit[0].selection?.kind];
    }
    if (!picked) return;
    if ('flyTo' in picked) controller.current?.flyTo(picked.flyTo);
    else if (kind) select(kind, picked.select);
  };
  const getTooltip = (info: PickingInfo): string | null => {
    const own = owner(info);
    if (own) return own[0].tooltip?.(info, own[1]) ?? null;
    if (info.picked) return null;
    const hit = polygonAt(info.coordinate);
    return hit ? hit[0].describe?.(hit[1], hit[2]) ?? null : null;
  };

  const onSearchPick = (hit: SearchHit) => {
    const l = moduleOfKind(hit.kind);
    if (!l?.selection) return;
    const { kind, keyBy, fitMaxZoom } = l.selection;
    update((s) => ({ sel: `${kind}:${keyBy === 'code' ? hit.code : hit.id}`, layers: !s.layers.includes(l.id) ? LAYERS.map((x) => x.id).filter((id) => id === l.id || s.layers.includes(id)) : s.layers }));
    controller.current?.fitBounds(hit.bbox, fitMaxZoom);
  };

  const layerStatus = (l: LayerModule): FeedState<unknown> => {
    const err = layerErrors[l.id];
    return err ? { status: 'error', error: errorText(err, lang), cause: err } : feedStates[LAYERS.indexOf(l)];
  };
  const panelProps = (i: number) => ({ lang, zoom, state, update, feed: feeds[i], data: feeds[i] ? derived[i] : null });
  const selected = sel ? moduleOfKind(sel.kind) : undefined;
  // the base map's land: the always-loaded layer (the districts), from the shapes its module already derived
  const landIndex = LAYERS.findIndex((l) => l.feed.always);
  const land = useLand(feeds[landIndex] as Feed<FeedMeta> | null, derived[landIndex] as PolygonShapes | undefined);

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
        onReady={(c) => {
          controller.current = c;
          onMapReady?.(c);
        }}
        onAfterRender={onAfterRender}
        interaction={overlay ? null : interaction}
      />
      {live.phase === 'reconnecting' && (
        <div className="live-reconnecting" role="status" data-testid="live-reconnecting">
          {messageOf('live.reconnecting', {}, lang)}
        </div>
      )}
      {live.phase === 'ended' &&
        // on the page itself, not in the map's box: it covers the whole screen even where the map
        // is scaled by CSS (a wall screen at 4K), which would make the box its frame
        createPortal(
          <div className="live-ended" role="alertdialog" data-testid="live-ended" data-reason={live.reason ?? ''}>
            <p>{messageOf(live.reason ?? 'live.sessionEnded', {}, lang) ?? live.reason}</p>
            <button type="button" onClick={() => window.location.reload()}>
              {lang === 'zh' ? '重新加载' : 'Reload'}
            </button>
          </div>,
          document.body,
        )}
      {!bare && (
      <aside className="side" data-testid="side">
        <div className="route-title">{title}</div>
        <ErrorBoundary fallback={(m) => <div className="error">{say(lang, 'panelFailed')}{m}</div>}>
          <SearchBox lang={lang} onPick={onSearchPick} />
        </ErrorBoundary>
        <ErrorBoundary fallback={(m) => <div className="error">{say(lang, 'panelFailed')}{m}</div>}>
          <LayerPanel
            lang={lang}
            zoom={zoom}
            layers={LAYERS}
            active={state.layers}
            status={layerStatus}
            locked={(l) => !layerPermitted(l)}
            onToggle={(id, value) => update((s) => ({ layers: value ? LAYERS.map((l) => l.id).filter((l) => l === id || s.layers.includes(l)) : s.layers.filter((l) => l !== id) }))}
            onRetry={retry}
          />
          {LAYERS.map((l, i) => l.Controls && on(l) && <l.Controls key={l.id} {...panelProps(i)} />)}
          <section className="legend" data-testid="legend">
            <h3>{say(lang, 'legendTitle')}</h3>
            {LAYERS.map((l, i) => l.Legend && on(l) && <l.Legend key={l.id} {...panelProps(i)} />)}
            <ul className="legend-block" data-testid="legend-layers">
              {LAYERS.filter((l) => l.swatch && on(l)).map((l) => (
                <li key={l.id}>
                  <i className={`swatch ${l.swatch!.shape}`} style={{ [l.swatch!.shape === 'line' ? 'borderColor' : 'background']: cssColour(l.swatch!.colour(theme)) }} />
                  {l.label[lang]}
                  {zoom < l.minZoom && <span className="muted"> ({say(lang, 'zoomIn')})</span>}
                </li>
              ))}
            </ul>
          </section>
        </ErrorBoundary>
        <MapInteractionSlot.Provider value={setInteraction}>{children}</MapInteractionSlot.Provider>
      </aside>
      )}
      {overlay && (
        <div className="overlay-panel">
          <ErrorBoundary fallback={(m) => <div className="error">{say(lang, 'panelFailed')}{m}</div>}>{overlay}</ErrorBoundary>
        </div>
      )}
      {sel && !overlay && !bare && (
        <ErrorBoundary key={state.sel} fallback={(m) => <div className="details error">{say(lang, 'panelFailed')}{m}</div>}>
          <DetailsPanel lang={lang} kind={sel.kind} onClose={() => update({ sel: null })}>
            {selected?.Details && (
              <selected.Details lang={lang} selKey={sel.key} feed={feeds[LAYERS.indexOf(selected)]} onFly={(lng, lat, z) => controller.current?.flyTo({ lng, lat, zoom: z })} />
            )}
            <DetailsExtras lang={lang} kind={sel.kind} selKey={sel.key} />
          </DetailsPanel>
        </ErrorBoundary>
      )}
    </div>
  );
}

/** The districts as GeoJSON for the base style's land (11 features; small). */
function useLand(feed: Feed<FeedMeta> | null, shapes: PolygonShapes | undefined): GeoJSON.FeatureCollection | null {
  return useMemo(() => (feed && shapes ? toGeoJson(feed, shapes) : null), [feed, shapes]);
}

function toGeoJson(feed: Feed<FeedMeta>, shapes: PolygonShapes): GeoJSON.FeatureCollection {
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
