// The cases feature: every case of the period as points or hexagons, coloured by state or by
// time limit, filtered in the browser; its controls and legend in the side panel, its details
// panel, and the probe the browser tests and the bench wait on (body[data-cases-drawn]).
import { CASES_FEED_COLUMNS } from '../../../domain/feeds.ts';
import { stateGroupOf } from '../../../domain/workflow.ts';
import { defineLayer, type PanelProps } from '../../lib/map-feature.ts';
import { formatNumber, say } from '../../lib/i18n.ts';
import type { UrlState } from '../../lib/url-state.ts';
import { finishGl } from '../../map/finish-gl.ts';
import { CASE_FILTER_KEYS, selectCases, type CaseFilters, type CasesMeta, type SelectedCases } from './cases-data.ts';
import { caseModeAt, createCasesLayers, type CaseMode } from './cases-layer.ts';
import { CaseControls, CaseLegend } from './CaseControls.tsx';
import { CaseDetails } from './CaseDetails.tsx';
import { selectLive } from './cases-live.ts';

const filtersOf = (state: UrlState): CaseFilters => Object.fromEntries(CASE_FILTER_KEYS.filter((k) => state.filters[k]?.length).map((k) => [k, state.filters[k]]));
const modeOf = (state: UrlState): CaseMode => (state.filters.mode?.[0] as CaseMode | undefined) ?? 'auto';
/** Lights are read from the clock marks at a minute; only while lights are on screen (colour or filter) does the minute matter. */
const lightsShown = (state: UrlState) => state.colour === 'light' || !!state.filters.light?.length;
const deriveKeyOf = (state: UrlState, minute: number) => `${JSON.stringify(filtersOf(state))}|${state.colour}|${lightsShown(state) ? minute : ''}`;

function Controls({ lang, state, update, feed, data }: PanelProps<CasesMeta, SelectedCases>) {
  return (
    <CaseControls
      lang={lang}
      meta={feed?.meta ?? null}
      filters={filtersOf(state)}
      colour={state.colour}
      mode={modeOf(state)}
      shown={data?.length ?? null}
      total={feed?.length ?? null}
      period={state.period}
      onPeriod={(period) => update({ period })}
      onFilters={(f) => update((s) => ({ filters: { ...Object.fromEntries(Object.entries(f).filter(([, v]) => v?.length)), ...(s.filters.mode ? { mode: s.filters.mode } : {}) } }))}
      onColour={(colour) => update({ colour })}
      onMode={(m) => update((s) => ({ filters: { ...s.filters, mode: m === 'auto' ? [] : [m] } }))}
    />
  );
}

export const casesLayer = defineLayer<CasesMeta, SelectedCases>({
  id: 'cases',
  label: { zh: '案件', en: 'Cases' },
  feed: { file: 'cases.bin', columns: CASES_FEED_COLUMNS, byPeriod: true },
  minZoom: 0,
  permission: 'case.read',
  urlFilters: [...CASE_FILTER_KEYS, 'mode'],
  selection: { kind: 'case', keyBy: 'id', fitMaxZoom: 17 },
  // a live event patches the selection at its row (cases-live.ts); anything else selects afresh
  derive: (feed, state, minute) => {
    const now = lightsShown(state) ? minute : Date.now();
    return selectLive(feed, deriveKeyOf(state, minute), filtersOf(state), state.colour, now, () => selectCases(feed, filtersOf(state), state.colour, now));
  },
  deriveKey: (state, minute) => deriveKeyOf(state, minute),
  draw: (v) => createCasesLayers({ selected: v.data, meta: v.feed.meta, visible: v.visible, zoom: v.zoom, mode: modeOf(v.state), colour: v.state.colour, highlight: v.highlight }),
  pick: (info, v) => {
    if (info.layer?.id === 'cases-hex') return info.coordinate ? { flyTo: { lng: info.coordinate[0], lat: info.coordinate[1], zoom: Math.max(v.zoom + 2, 12) } } : null;
    const key = v.keyOf(v.data.rows[info.index]);
    return key === undefined ? null : { select: key };
  },
  tooltip: (info, v) => {
    if (info.layer?.id === 'cases-hex') {
      const obj = info.object as { count?: number; points?: unknown[]; colorValue?: number } | undefined;
      const count = `${say(v.lang, 'layerCases')}: ${formatNumber(v.lang, obj?.count ?? obj?.points?.length ?? 0)}`;
      const share = obj?.colorValue;
      return v.state.colour === 'light' && share !== undefined && Number.isFinite(share) ? `${count} · ${say(v.lang, 'overdueShort')} ${Math.round(share * 1000) / 10}%` : count;
    }
    const row = v.data.rows[info.index];
    const cat = v.feed.meta.categories[(v.feed.columns.category as Uint16Array)[row]];
    const status = v.feed.meta.statuses[(v.feed.columns.status as Uint8Array)[row]];
    return `${cat ? (v.lang === 'en' ? cat.nameEn : cat.name) : ''} · ${say(v.lang, `state_${stateGroupOf(status)}`, status)}`;
  },
  Details: ({ lang, selKey, onFly }) => <CaseDetails id={Number(selKey)} lang={lang} onFly={onFly} />,
  Controls,
  Legend: ({ lang, state, zoom }) => <CaseLegend lang={lang} colour={state.colour} hex={caseModeAt(modeOf(state), zoom) === 'hex'} />,
  afterRender: (drawn, canvas) => {
    // "drawn" means drawn by the GPU, not just submitted; said once per count
    const shown = drawn.find((l) => l.visible);
    const hooks = (window.__citygrid ??= { casesDrawn: null });
    if (!shown || hooks.casesDrawn?.count === shown.length) return;
    finishGl(canvas);
    hooks.casesDrawn = { count: shown.length, at: performance.now() };
    document.body.dataset.casesDrawn = String(shown.length);
    document.body.dataset.casesLayer = shown.id;
  },
});
