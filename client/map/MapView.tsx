// The map shell: one MapLibre map and one deck.gl overlay, no domain knowledge. Routes hand it
// layers, a view and callbacks; it reports view changes and renders, and exposes a small
// controller (fly to a point or a box). An interaction mode (drawing a polygon) may take the
// map's clicks and drags for a while; deck.gl's picking and the hover tooltips stay on.
// Hooks for tests and the bench hang off window.__citygridMap.
import { useEffect, useRef, useState } from 'react';
import { Map as MlMap, NavigationControl, ScaleControl, setWorkerUrl, type GeoJSONSource, type MapMouseEvent } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { MapLibreOverlay } from '@deck.gl/maplibre';
import type { Deck, Layer, PickingInfo } from '@deck.gl/core';
import { finishGl } from './finish-gl.ts';
import { cssColour, type LineSpec } from './map-layers.ts';
import { createBaseStyle, type MapTheme } from './base-style.ts';
import type { ViewState } from './view-state.ts';

setWorkerUrl(workerUrl);

export interface MapController {
  flyTo(view: Partial<ViewState> & { lng: number; lat: number }): void;
  /** [west, south, east, north] in degrees */
  fitBounds(bbox: [number, number, number, number], maxZoom?: number): void;
  /** Fits the box at once (no flight) with `padding` pixels around it (a wall screen's city filling its area). */
  fit(bbox: [number, number, number, number], padding: number): void;
  /** The pixel (from the map's top left) of a WGS-84 position. */
  project(lng: number, lat: number): [number, number];
  /** Calls `cb` after every move and resize; returns how to stop. */
  onMoved(cb: () => void): () => void;
  /**
   * Draws the map at `ratio` device pixels per CSS pixel times the screen's own (a wall screen
   * that shows the map scaled up by CSS keeps it sharp); 1 is the default.
   */
  setResolution(ratio: number): void;
}

/** What an interaction mode is handed when it starts: the map, and our own picking at a pixel. */
export interface InteractionContext {
  map: MlMap;
  pick(x: number, y: number): PickingInfo | null;
}

/**
 * A mode that takes over the map's clicks and drags (a drawing tool: terra-draw on its MapLibre
 * adapter). Started once the map is loaded and again after a style change (which drops every
 * source the mode added); its returned function stops it. While it runs the console's click
 * picking pauses unless `passesClicks()` says otherwise; hovers keep their tooltips.
 */
export interface MapInteraction {
  id: string;
  start(ctx: InteractionContext): () => void;
  passesClicks?(): boolean;
}

export interface MapViewProps {
  view: ViewState;
  theme: MapTheme;
  /** Optional external style (e.g. a Tianditu or PMTiles style); off by default. */
  basemapStyleUrl?: string | null;
  /** Our own boundaries as the base map's land (GeoJSON FeatureCollection). */
  land?: GeoJSON.FeatureCollection | null;
  layers: Layer[];
  /** Outlines drawn by MapLibre under the deck.gl layers. */
  lines?: LineSpec[];
  onViewChange(view: ViewState): void;
  onClick?(info: PickingInfo): void;
  getTooltip?(info: PickingInfo): string | null;
  onReady?(controller: MapController): void;
  onAfterRender?(deck: Deck): void;
  /** The interaction mode now in charge of clicks and drags, or null (the console picks). */
  interaction?: MapInteraction | null;
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
  const [tooltip, setTooltip] = useState<{ x: number; y: number; text: string } | null>(null);
  /** The running mode and how to stop it. */
  const running = useRef<{ mode: MapInteraction; stop: () => void } | null>(null);
  const stopInteraction = () => {
    const r = running.current;
    running.current = null;
    r?.stop();
  };
  /** (Re)starts the wanted mode once the map can take sources: on load, on a style change, when the mode changes. */
  const startInteraction = useRef(() => {});
  startInteraction.current = () => {
    const map = mapRef.current;
    const overlay = overlayRef.current;
    const mode = latest.current.interaction ?? null;
    if (running.current?.mode === mode) return;
    stopInteraction();
    if (!map || !overlay || !loaded.current || !mode) return;
    const pick = (x: number, y: number) => overlay.pickObject({ x, y, radius: 4 });
    running.current = { mode, stop: mode.start({ map, pick }) };
  };

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
    map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-right');
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
      interleaved: true,
      layers: [],
      onAfterRender: () => {
        hooks.renders++;
        hooks.lastRenderAt = performance.now();
        const finish = pendingRedraw;
        pendingRedraw = null;
        finish?.();
        const deck = (overlay as unknown as { _deck?: Deck })._deck;
        if (deck) latest.current.onAfterRender?.(deck);
      },
    });
    // Clicks and hovers are picked here rather than through the overlay's own event
    // forwarding, which (deck.gl 9.4, interleaved on MapLibre 6) never reached onClick.
    const pickAt = (e: MapMouseEvent): PickingInfo =>
      overlay.pickObject({ x: e.point.x, y: e.point.y, radius: 4 }) ??
      ({ picked: false, layer: null, index: -1, object: undefined, x: e.point.x, y: e.point.y, coordinate: [e.lngLat.lng, e.lngLat.lat] } as unknown as PickingInfo);
    map.on('click', (e) => {
      const mode = latest.current.interaction;
      if (mode && !mode.passesClicks?.()) return; // the mode has it
      latest.current.onClick?.(pickAt(e));
    });
    let hoverPending: MapMouseEvent | null = null;
    let hoverScheduled = false;
    map.on('mousemove', (e) => {
      if (!latest.current.getTooltip) return;
      hoverPending = e;
      if (hoverScheduled) return;
      hoverScheduled = true;
      requestAnimationFrame(() => {
        hoverScheduled = false;
        const ev = hoverPending;
        hoverPending = null;
        if (!ev) return; // dropped by hideTooltip
        // a click may have started a flight (a hexagon zooms in) since this hover was queued:
        // what was under the pointer is gone, so no tooltip until the pointer moves again
        if (map.isMoving()) return setTooltip(null);
        const text = latest.current.getTooltip?.(pickAt(ev)) ?? null;
        setTooltip(text ? { x: ev.point.x, y: ev.point.y, text } : null);
      });
    });
    const hideTooltip = () => {
      hoverPending = null; // a hover queued before this must not bring it back
      setTooltip(null);
    };
    map.on('mouseout', hideTooltip);
    map.on('movestart', hideTooltip);
    hooks.overlay = overlay;
    map.addControl(overlay);
    map.on('moveend', () => latest.current.onViewChange(viewOf(map)));
    map.on('load', () => {
      loaded.current = true;
      setLand(map, latest.current.land);
      syncLines(map, latest.current.lines ?? [], latest.current.layers);
      overlay.setProps({ layers: latest.current.layers });
      startInteraction.current();
    });
    mapRef.current = map;
    overlayRef.current = overlay;
    window.__citygridMap = hooks;
    latest.current.onReady?.({
      flyTo: (t) => map.flyTo({ center: [t.lng, t.lat], zoom: t.zoom ?? Math.max(map.getZoom(), 14), bearing: t.bearing, pitch: t.pitch, essential: true }),
      fitBounds: (b, maxZoom = 16) => map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 60, maxZoom, essential: true }),
      fit: (b, padding) => map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding, animate: false }),
      project: (lng, lat) => {
        const p = map.project([lng, lat]);
        return [p.x, p.y];
      },
      onMoved: (cb) => {
        map.on('moveend', cb);
        map.on('resize', cb);
        return () => {
          map.off('moveend', cb);
          map.off('resize', cb);
        };
      },
      setResolution: (ratio) => {
        const r = (window.devicePixelRatio || 1) * ratio;
        if (map.getPixelRatio() === r) return;
        map.setPixelRatio(r);
        overlay.setProps({ useDevicePixels: r });
      },
    });
    return () => {
      loaded.current = false;
      stopInteraction();
      map.removeControl(overlay);
      map.remove();
      delete window.__citygridMap;
    };
  }, []);

  const styleApplied = useRef<string | null>(null);
  useEffect(() => {
    const map = mapRef.current;
    const style = props.basemapStyleUrl || props.theme;
    if (!map) return;
    if (styleApplied.current === null) {
      styleApplied.current = style; // the map was created with it
      return;
    }
    if (styleApplied.current === style) return;
    styleApplied.current = style;
    loaded.current = false;
    stopInteraction(); // its sources go with the old style
    map.setStyle(props.basemapStyleUrl || createBaseStyle(props.theme));
    map.once('style.load', () => {
      loaded.current = true;
      startInteraction.current();
      setLand(map, latest.current.land);
      syncLines(map, latest.current.lines ?? [], latest.current.layers);
      overlayRef.current?.setProps({ layers: latest.current.layers });
    });
  }, [props.theme, props.basemapStyleUrl]);

  useEffect(() => {
    if (mapRef.current && loaded.current) setLand(mapRef.current, props.land);
  }, [props.land]);

  useEffect(() => {
    if (loaded.current) overlayRef.current?.setProps({ layers: props.layers });
  }, [props.layers]);

  useEffect(() => {
    if (mapRef.current && loaded.current) syncLines(mapRef.current, props.lines ?? [], props.layers);
  }, [props.lines, props.layers]);

  useEffect(() => startInteraction.current(), [props.interaction]);

  // the URL changed the view (back button, pasted link): follow it without echoing
  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const cur = viewOf(map);
    const v = props.view;
    if (Math.abs(cur.lng - v.lng) > 1e-5 || Math.abs(cur.lat - v.lat) > 1e-5 || Math.abs(cur.zoom - v.zoom) > 0.01 || Math.abs(((cur.bearing - v.bearing + 540) % 360) - 180) > 0.1 || Math.abs(cur.pitch - v.pitch) > 0.1)
      map.jumpTo({ center: [v.lng, v.lat], zoom: v.zoom, bearing: v.bearing, pitch: v.pitch });
  }, [props.view]);

  return (
    <div ref={container} className="map" data-testid="map">
      {tooltip && (
        <div className="map-tooltip" role="tooltip" style={{ left: tooltip.x + 12, top: tooltip.y + 12 }}>
          {tooltip.text}
        </div>
      )}
    </div>
  );
}

const PREFIX = 'cg-';
const sourceData = new WeakMap<object, GeoJSON.FeatureCollection>();

/**
 * Makes the map's outline layers match the specs: adds, updates (data only when the object
 * changed), and removes. They go below the first deck.gl layer, so points draw over lines.
 */
function syncLines(map: MlMap, specs: LineSpec[], deckLayers: Layer[]) {
  const style = map.getStyle();
  // no style to change (its WebGL context was lost: a wall screen then starts again; or not loaded yet)
  if (!style) return;
  const wanted = new Set(specs.map((s) => PREFIX + s.id));
  for (const layer of style.layers) if (layer.id.startsWith(PREFIX) && !wanted.has(layer.id)) map.removeLayer(layer.id);
  for (const id of Object.keys(style.sources)) if (id.startsWith(PREFIX) && !wanted.has(id)) map.removeSource(id);
  const firstDeck = deckLayers.map((l) => l.id).find((id) => map.getLayer(id)); // interleaved deck layers are map layers
  for (const spec of specs) {
    const id = PREFIX + spec.id;
    const source = map.getSource(id) as GeoJSONSource | undefined;
    if (!source) map.addSource(id, { type: 'geojson', data: spec.data, tolerance: 0.3 });
    else if (sourceData.get(source) !== spec.data) source.setData(spec.data);
    sourceData.set(map.getSource(id)!, spec.data);
    if (!map.getLayer(id)) map.addLayer({ id, type: 'line', source: id, minzoom: spec.minZoom, paint: {}, layout: { 'line-join': 'round' } }, firstDeck);
    map.setPaintProperty(id, 'line-color', cssColour(spec.colour));
    map.setPaintProperty(id, 'line-width', spec.widthPixels);
    map.setLayoutProperty(id, 'visibility', spec.visible ? 'visible' : 'none');
    map.setLayerZoomRange(id, spec.minZoom, 24);
  }
}

function setLand(map: MlMap, land: GeoJSON.FeatureCollection | null | undefined) {
  const source = map.getSource('land');
  if (source && 'setData' in source && land) (source as GeoJSONSource).setData(land);
}
