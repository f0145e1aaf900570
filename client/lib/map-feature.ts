// The contract between the console and the features that put something on its map. A feature
// exports one `MapLayerModule` per layer (its feed, zoom, permission, legend swatch, how it draws,
// what a click or a hover on it means, its details panel, its side-panel controls, its strings);
// client/app/layer-list.ts lists the modules in drawing order, and the console composes them
// without knowing any one of them (docs/decisions/0013-features-plug-in.md).
import type { ComponentType } from 'react';
import type { PickingInfo } from '@deck.gl/core';
import type { ColumnType } from '../../domain/feeds.ts';
import type { Feed } from '../map/binary-feed.ts';
import type { MapLayers } from '../map/map-layers.ts';
import type { Lang } from './i18n.ts';
import type { Theme, UrlState } from './url-state.ts';

export type Rgba = [number, number, number, number];
/** A string in both of the UI's languages (a feature's own words travel with the feature). */
export type Text = Record<Lang, string>;

/** What a layer is given to draw itself, to pick and to explain what is under the pointer. */
export interface LayerView<M, D> {
  feed: Feed<M>;
  /** What the module's `derive` made of the feed (shapes, a filtered selection). */
  data: D;
  lang: Lang;
  theme: Theme;
  zoom: number;
  /** On in the layer list and permitted (the module still decides by zoom). */
  visible: boolean;
  /** Row of the selected feature in this feed, when the selection is this layer's. */
  highlight: number | null;
  state: UrlState;
  /** The screen writes place names itself, above every layer (a wall screen): the map draws none. */
  screenLabels?: boolean;
  /** What the selection of a feed row is called in the URL (its id, or its code). */
  keyOf(row: number): string | number | undefined;
}

/** What a click on a layer asks for: select one of its features, or fly somewhere. */
export type Picked = { select: string | number } | { flyTo: { lng: number; lat: number; zoom: number } } | null;

/** The side panel a layer may add under the layer list while it is on (the case filters). */
export interface PanelProps<M, D> {
  lang: Lang;
  zoom: number;
  state: UrlState;
  update(patch: Partial<UrlState> | ((s: UrlState) => Partial<UrlState>)): void;
  /** null while the feed loads. */
  feed: Feed<M> | null;
  data: D | null;
}

export interface DetailsProps<M> {
  lang: Lang;
  /** The selection's key: an id, or for places their code. */
  selKey: string;
  feed: Feed<M> | null;
  onFly(lng: number, lat: number, zoom: number): void;
}

export interface MapLayerModule<M, D> {
  /** The layer's id in the URL (`layers=`) and the prefix of its deck.gl layer ids (`<id>-…`). */
  id: string;
  label: Text;
  feed: {
    /** File under /api/layers/ (server/<domain>/feeds.ts declares it). */
    file: string;
    columns: Record<string, ColumnType>;
    /** The feed is of the URL's period (it gets `from` and `to`). */
    byPeriod?: boolean;
    /** Loaded even while the layer is off (the districts: the base map's land). */
    always?: boolean;
  };
  minZoom: number;
  /** The permission its feed needs (the server refuses it otherwise; the panel shows it locked). */
  permission?: string;
  /** How the legend shows it (a layer with a legend of its own has none). */
  swatch?: { shape: 'line' | 'point' | 'fill'; colour(theme: Theme): Rgba };
  /** URL filter keys the layer reads (kept in the address). */
  urlFilters?: readonly string[];
  /** What its features are called in a selection (`sel=<kind>:<key>`) and in search hits. */
  selection?: {
    kind: string;
    /** Places are keyed by their statistical code (stable across new data); the rest by id. */
    keyBy: 'id' | 'code';
    /** The search hit kinds that are this layer's features (default: `kind`). */
    searchKinds?: readonly string[];
    /** How close the map zooms to a found feature. */
    fitMaxZoom: number;
  };
  /** Derived once per feed and per `deriveKey` (shapes, a selection); the console memoises it. */
  derive?(feed: Feed<M>, state: UrlState, minute: number): D;
  /** What else than the feed `derive` depends on (default: nothing). `minute` ticks once a minute. */
  deriveKey?(state: UrlState, minute: number): string;
  draw(view: LayerView<M, D>): MapLayers;
  /** A click on one of its deck.gl layers (ids `<id>-…`). */
  pick?(info: PickingInfo, view: LayerView<M, D>): Picked;
  /** A hover on one of its deck.gl layers. */
  tooltip?(info: PickingInfo, view: LayerView<M, D>): string | null;
  /**
   * Flat polygons (no fill to pick on the GPU) are picked in JS: the row under a point (degrees),
   * or null. The console asks the layers that are shown, top-most first.
   */
  featureAt?(view: LayerView<M, D>, lng: number, lat: number): number | null;
  /** What a hover over a row found by `featureAt` says. */
  describe?(view: LayerView<M, D>, row: number): string | null;
  Details?: ComponentType<DetailsProps<M>>;
  Controls?: ComponentType<PanelProps<M, D>>;
  Legend?: ComponentType<PanelProps<M, D>>;
  /** After each frame the map drew, with this layer's deck.gl layers in it (test and bench probes). */
  afterRender?(drawn: { id: string; visible: boolean; length: number }[], canvas: HTMLCanvasElement, state: UrlState): void;
}

/** A module as the console lists it: its feed and data types erased (each module is checked where it is defined). */
export type LayerModule = MapLayerModule<unknown, unknown>;

/** Defines a layer module, checked against its own feed meta `M` and derived data `D`. */
export function defineLayer<M, D = undefined>(m: MapLayerModule<M, D>): LayerModule {
  return m as unknown as LayerModule;
}


declare global {
  interface Window {
    /** The page's probes for the browser tests and the bench: the URL state, and when the case layer was last drawn (and how many). */
    __citygrid?: { state?: UrlState; casesDrawn: { count: number; at: number } | null };
  }
}
