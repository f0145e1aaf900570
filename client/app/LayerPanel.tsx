// The layer list: toggles, loading and failure per layer (a failed layer says so here and the
// rest of the map keeps drawing), and a hint where a layer only shows from a closer zoom.
import type { FeedState } from '../lib/feeds.ts';
import type { LayerModule } from '../lib/map-feature.ts';
import { errorText, say, type Lang } from '../lib/i18n.ts';

interface Props {
  lang: Lang;
  zoom: number;
  /** In drawing order (listed top first). */
  layers: readonly LayerModule[];
  active: string[];
  status(layer: LayerModule): FeedState<unknown>;
  /** The user may not load this layer (its feed needs a permission they lack). */
  locked(layer: LayerModule): boolean;
  onToggle(id: string, on: boolean): void;
  onRetry(): void;
}

export function LayerPanel({ lang, zoom, layers, active, status, locked, onToggle, onRetry }: Props) {
  return (
    <section className="layers" data-testid="layer-panel">
      <h3>{say(lang, 'layersTitle')}</h3>
      <ul>
        {[...layers].reverse().map((l) => {
          const denied = locked(l);
          const on = active.includes(l.id) && !denied;
          const s = status(l);
          return (
            <li key={l.id} data-layer={l.id} data-status={denied ? 'locked' : on ? s.status : 'off'}>
              <label>
                <input type="checkbox" checked={on} disabled={denied} onChange={(e) => onToggle(l.id, e.target.checked)} />
                {l.label[lang]}
              </label>
              {denied && <span className="muted"> {say(lang, 'noPermission')}</span>}
              {on && s.status === 'loading' && <span className="muted"> {say(lang, 'loading')}</span>}
              {on && s.status === 'ready' && zoom < l.minZoom && <span className="muted"> {say(lang, 'zoomIn')}</span>}
              {on && s.status === 'error' && (
                <span className="error-inline" title={errorText(s.cause, lang)}>
                  {' '}
                  {say(lang, 'layerFailed')}: {errorText(s.cause, lang)}{' '}
                  <button className="link" onClick={onRetry}>
                    {say(lang, 'retry')}
                  </button>
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
