// The offline default map style: no tiles, glyphs or sprites from anywhere. It draws a plain
// background and, from a GeoJSON the app hands over (our own boundaries), the land and its
// outlines. Labels are drawn by deck.gl text layers with the page's local fonts (map/fonts.ts), so the
// style needs no glyph server. An external basemap style URL (Tianditu, PMTiles…) replaces
// it when configured.
import type { StyleSpecification } from 'maplibre-gl';

export type MapTheme = 'dark' | 'light';

export const THEME_COLOURS: Record<MapTheme, { background: string; land: string; outline: string }> = {
  dark: { background: '#070c16', land: '#111b2c', outline: '#2c4363' },
  light: { background: '#dfe7ef', land: '#f7f5f0', outline: '#9aa8b8' },
};

export function createBaseStyle(theme: MapTheme): StyleSpecification {
  const c = THEME_COLOURS[theme];
  return {
    version: 8,
    name: `citygrid-${theme}`,
    sources: { land: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } } },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': c.background } },
      { id: 'land', type: 'fill', source: 'land', paint: { 'fill-color': c.land } },
      { id: 'land-outline', type: 'line', source: 'land', paint: { 'line-color': c.outline, 'line-width': 1 } },
    ],
  };
}
