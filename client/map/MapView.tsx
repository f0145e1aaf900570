// The map shell: one MapLibre map and one deck.gl overlay, no domain knowledge. Routes hand it
// layers, a view and callbacks; it reports view changes and renders, and exposes a small
// controller (fly to a point or a box). Hooks for tests and the bench hang off
// window.__citygridMap.
import { useEffect, useRef } from 'react';
import { Map as MlMap, NavigationControl, ScaleControl, setWorkerUrl, type GeoJSONSource } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { MapLibreOverlay } from '@deck.gl/maplibre';
import type { Deck, Layer, PickingInfo } from '@deck.gl/core';
import { finishGl } from './finish-gl.ts';
import { createBaseStyle, type MapTheme } from './base-style.ts';
import type { ViewState } from './view-state.ts';

setWorkerUrl(workerUrl);

export interface MapController {
  flyTo(view: Partial<ViewState> & { lng: number; lat: number }): void;
  /** [west, south, east, north] in degrees */
  fitBounds(bbox: [number, number, number, number], maxZoom?: number): void;
}

export interface MapViewProps {
  view: ViewState;
  theme: MapTheme;
  /** Optional external style (e.g. a Tianditu or PMTiles style); off by default. */
  basemapStyleUrl?: string | null;
  /** Our own boundaries as the base map's land (GeoJSON FeatureCollection). */
  land?: GeoJSON.FeatureCollection | null;
  layers: Layer[];
  onViewChange(view: ViewState): void;
  onClick?(info: PickingInfo): void;
  getTooltip?(info: PickingInfo): string | null;
  onReady?(controller: MapController): void;
  onAfterRender?(deck: Deck): void;
}

interface TestHooks {
  map: MlMap;
  overlay: MapLibreOverlay;
  renders: number;
  lastRenderAt: number;
  /** One full redraw of the base map and every deck layer, waited out on the GPU; ms. */
  redraw(): Promise<number>;
}

declare global {
  interface Window {
    __citygridMap?: TestHooks;
  }
}

const viewOf = (m: MlMap): ViewState => ({ lng: m.getCenter().lng, lat: m.getCenter().lat, zoom: m.getZoom(), bearing: m.getBearing(), pitch: m.getPitch() });

export function MapView(props: MapViewProps) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MlMap | null>(null);
  const overlayRef = useRef<MapLibreOverlay | null>(null);
  const loaded = useRef(false);
  const latest = useRef(props);
  latest.current = props;

  // create once; style and layers follow in the effects below
  useEffect(() => {
    const v = latest.current.view;
    const map = new MlMap({
      container: container.current!,
      style: latest.current.basemapStyleUrl || createBaseStyle(latest.current.theme),
      center: [v.lng, v.lat],
      zoom: v.zoom,
      bearing: v.bearing,
      pitch: v.pitch,
      attributionControl: false,
      maxPitch: 85,
    });
    map.addControl(new NavigationControl({ visualizePitch: true }), 'bottom-right');
    map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
    let pendingRedraw: (() => void) | null = null;
    const hooks: TestHooks = {
      map,
      overlay: undefined as unknown as MapLibreOverlay,
      renders: 0,
      lastRenderAt: 0,
      redraw: () =>
        new Promise((done) => {
          const t0 = performance.now();
          pendingRedraw = () => {
            finishGl(map.getCanvas());
            finishGl(overlay.getCanvas());
            done(performance.now() - t0);
          };
          map.triggerRepaint();
          (overlay as unknown as { _deck?: Deck })._deck?.redraw('bench');
        }),
    };
    const overlay = new MapLibreOverlay({
      interleaved: false,
      layers: [],
      getTooltip: (info: PickingInfo) => {
        const text = latest.current.getTooltip?.(info);
        return text ? { text, className: 'map-tooltip' } : null;
      },
      onClick: (info: PickingInfo) => latest.current.onClick?.(info),
      onAfterRender: ({ device }) => {
        void device;
        hooks.renders++;
        hooks.lastRenderAt = performance.now();
        const finish = pendingRedraw;
        pendingRedraw = null;
        finish?.();
        const deck = (overlay as unknown as { _deck?: Deck })._deck;
        if (deck) latest.current.onAfterRender?.(deck);
      },
    });
    hooks.overlay = overlay;
    map.addControl(overlay);
    map.on('moveend', () => latest.current.onViewChange(viewOf(map)));
    map.on('load', () => {
      loaded.current = true;
      setLand(map, latest.current.land);
      overlay.setProps({ layers: latest.current.layers });
    });
    mapRef.current = map;
    overlayRef.current = overlay;
    window.__citygridMap = hooks;
    latest.current.onReady?.({
      flyTo: (t) => map.flyTo({ center: [t.lng, t.lat], zoom: t.zoom ?? Math.max(map.getZoom(), 14), bearing: t.bearing, pitch: t.pitch, essential: true }),
      fitBounds: (b, maxZoom = 16) => map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 60, maxZoom, essential: true }),
    });
    return () => {
      loaded.current = false;
      map.removeControl(overlay);
      map.remove();
      delete window.__citygridMap;
    };
  }, []);

  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    loaded.current = false;
    map.setStyle(props.basemapStyleUrl || createBaseStyle(props.theme));
    map.once('style.load', () => {
      loaded.current = true;
      setLand(map, latest.current.land);
    });
  }, [props.theme, props.basemapStyleUrl]);

  useEffect(() => {
    if (mapRef.current && loaded.current) setLand(mapRef.current, props.land);
  }, [props.land]);

  useEffect(() => {
    if (loaded.current) overlayRef.current?.setProps({ layers: props.layers });
  }, [props.layers]);

  // the URL changed the view (back button, pasted link): follow it without echoing
  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const cur = viewOf(map);
    const v = props.view;
    if (Math.abs(cur.lng - v.lng) > 1e-5 || Math.abs(cur.lat - v.lat) > 1e-5 || Math.abs(cur.zoom - v.zoom) > 0.01 || Math.abs(cur.bearing - v.bearing) > 0.1 || Math.abs(cur.pitch - v.pitch) > 0.1)
      map.jumpTo({ center: [v.lng, v.lat], zoom: v.zoom, bearing: v.bearing, pitch: v.pitch });
  }, [props.view]);

  return <div ref={container} className="map" data-testid="map" />;
}

function setLand(map: MlMap, land: GeoJSON.FeatureCollection | null | undefined) {
  const source = map.getSource('land');
  if (source && 'setData' in source && land) (source as GeoJSONSource).setData(land);
}
