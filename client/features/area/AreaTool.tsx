// Draw an area on the map and read its size: the first use of the map shell's interaction seam
// (client/map/MapView.tsx), with terra-draw on its MapLibre adapter. While a polygon is being
// drawn the tool takes the map's clicks (each click a corner; a click on the first corner
// closes it; Escape gives up); the drawn area stays on the map, measured
// on the ellipsoid (turf), until cleared, and clicks pick features again meanwhile. The grid
// editor and the coverage planner draw through the same seam.
import { useMemo, useRef, useState } from 'react';
import { TerraDraw, TerraDrawPolygonMode, TerraDrawRenderMode } from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';
import turfArea from '@turf/area';
import type { MapInteraction } from '../../map/MapView.tsx';
import { useMapInteraction } from '../../lib/map-interaction.ts';
import { defineStrings, formatNumber, type Lang } from '../../lib/i18n.ts';

const sayArea = defineStrings({
  title: { zh: '测量区域', en: 'Measure an area' },
  draw: { zh: '绘制区域', en: 'Draw an area' },
  drawing: { zh: '依次点击各角点，再点击起点完成；Esc 取消', en: 'Click each corner, then the first one again to finish; Esc to cancel' },
  cancel: { zh: '取消', en: 'Cancel' },
  clear: { zh: '清除', en: 'Clear' },
  area: { zh: '面积', en: 'Area' },
  corners: { zh: '角点', en: 'Corners' },
});

type Ring = [number, number][];
type Step = { step: 'idle' } | { step: 'drawing' } | { step: 'drawn'; ring: Ring; m2: number };

/** An area in the unit that reads best: m² below a hectare's hundred, km² above. */
export function formatArea(lang: Lang, m2: number): string {
  return m2 < 1e6 ? `${formatNumber(lang, Math.round(m2))} m²` : `${formatNumber(lang, Math.round(m2 / 1e4) / 100)} km²`;
}

const SHOWN_STYLE = { polygonFillColor: '#4cc3ff', polygonFillOpacity: 0.18, polygonOutlineColor: '#4cc3ff', polygonOutlineWidth: 2 } as const;
const STYLE = { fillColor: '#4cc3ff', fillOpacity: 0.18, outlineColor: '#4cc3ff', outlineWidth: 2, closingPointColor: '#ffffff', closingPointWidth: 6, closingPointOutlineColor: '#4cc3ff', closingPointOutlineWidth: 2 } as const;

declare global {
  interface Window {
    /** The running terra-draw instance (browser tests read its snapshot). */
    __citygridDraw?: TerraDraw;
  }
}

export function AreaTool({ lang }: { lang: Lang }) {
  const [state, setState] = useState<Step>({ step: 'idle' });
  const stepRef = useRef(state.step);
  stepRef.current = state.step;
  const drawn = state.step === 'drawn' ? state.ring : null;

  // one mode per drawing (and per drawn result): the seam restarts it after a style change
  const interaction = useMemo<MapInteraction | null>(() => {
    if (state.step === 'idle') return null;
    return {
      id: 'area',
      passesClicks: () => stepRef.current === 'drawn',
      start: ({ map }) => {
        const draw = new TerraDraw({
          adapter: new TerraDrawMapLibreGLAdapter({ map }),
          modes: [new TerraDrawPolygonMode({ styles: STYLE, pointerDistance: 30 }), new TerraDrawRenderMode({ modeName: 'shown', styles: SHOWN_STYLE })],
        });
        draw.start();
        if (drawn) {
          draw.addFeatures([{ type: 'Feature', properties: { mode: 'shown' }, geometry: { type: 'Polygon', coordinates: [[...drawn, drawn[0]]] } }]);
        } else {
          draw.setMode('polygon');
          draw.on('finish', (id) => {
            const f = draw.getSnapshotFeature(id);
            if (f?.geometry.type !== 'Polygon') return;
            const ring = (f.geometry.coordinates[0] as Ring).slice(0, -1);
            setState({ step: 'drawn', ring, m2: turfArea(f) });
          });
        }
        const onKey = (e: KeyboardEvent) => e.key === 'Escape' && stepRef.current === 'drawing' && setState({ step: 'idle' });
        window.addEventListener('keydown', onKey);
        window.__citygridDraw = draw;
        return () => {
          window.removeEventListener('keydown', onKey);
          if (window.__citygridDraw === draw) delete window.__citygridDraw;
          draw.stop();
        };
      },
    };
  }, [state.step, drawn]);

  useMapInteraction(interaction);
  return (
    <section className="area-tool" data-testid="area-tool" data-step={state.step}>
      <h3>{sayArea(lang, 'title')}</h3>
      {state.step === 'idle' && <button onClick={() => setState({ step: 'drawing' })}>{sayArea(lang, 'draw')}</button>}
      {state.step === 'drawing' && (
        <>
          <p className="muted">{sayArea(lang, 'drawing')}</p>
          <button onClick={() => setState({ step: 'idle' })}>{sayArea(lang, 'cancel')}</button>
        </>
      )}
      {state.step === 'drawn' && (
        <>
          <p data-testid="area-result" data-m2={Math.round(state.m2)}>
            {sayArea(lang, 'area')}: <strong>{formatArea(lang, state.m2)}</strong> · {sayArea(lang, 'corners')}: {state.ring.length}
          </p>
          <button onClick={() => setState({ step: 'drawing' })}>{sayArea(lang, 'draw')}</button> <button onClick={() => setState({ step: 'idle' })}>{sayArea(lang, 'clear')}</button>
        </>
      )}
    </section>
  );
}
