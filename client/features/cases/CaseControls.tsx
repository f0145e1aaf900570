// Case layer controls: colouring, display mode, and the filters that run in the browser over
// the downloaded period (source, state, time-limit light, district, category).
import { say, formatNumber, type Lang, type StringKey } from '../../lib/i18n.ts';
import { RECENT_DAYS, recentPeriod } from '../../lib/url-state.ts';
import { LIGHT_COLOURS, STATE_COLOURS, DENSITY_RAMP, OVERDUE_RAMP, OVERDUE_STEP, type Rgba } from './case-colours.ts';
import { LIGHTS } from '../../../domain/case-light.ts';
import { STATE_GROUP_ORDER } from '../../../domain/workflow.ts';
import type { CaseFilterKey, CaseFilters, CasesMeta } from './cases-data.ts';
import type { CaseMode } from './cases-layer.ts';

const css = (c: Rgba | [number, number, number]) => `rgba(${c[0]},${c[1]},${c[2]},${(c[3] ?? 255) / 255})`;

interface Props {
  lang: Lang;
  meta: CasesMeta | null;
  filters: CaseFilters;
  colour: 'state' | 'light';
  mode: CaseMode;
  shown: number | null;
  total: number | null;
  /** Reporting period, inclusive local dates; a change downloads that period's cases. */
  period: { from: string; to: string };
  onPeriod(p: { from: string; to: string }): void;
  onFilters(f: CaseFilters): void;
  onColour(c: 'state' | 'light'): void;
  onMode(m: CaseMode): void;
}

function Chips({ lang, values, label, selected, onChange }: { lang: Lang; values: { value: string; text: string; swatch?: string }[]; label: string; selected: string[] | undefined; onChange(v: string[] | undefined): void }) {
  const set = new Set(selected ?? []);
  return (
    <fieldset className="chips">
      <legend>{label}</legend>
      {values.map((v) => (
        <label key={v.value} className={set.has(v.value) ? 'chip on' : 'chip'}>
          <input
            type="checkbox"
            checked={set.has(v.value)}
            onChange={(e) => {
              const next = new Set(set);
              if (e.target.checked) next.add(v.value);
              else next.delete(v.value);
              onChange(next.size ? [...next] : undefined);
            }}
          />
          {v.swatch && <i className="swatch" style={{ background: v.swatch }} />}
          {v.text}
        </label>
      ))}
      {set.size > 0 && (
        <button className="link" onClick={() => onChange(undefined)}>
          {say(lang, 'clear')}
        </button>
      )}
    </fieldset>
  );
}

/** Periods one click away: today, the recent days a screen opens on, and the demo city's 2022 evaluation period (Jan–Aug). */
const PERIOD_PRESETS: [StringKey, () => { from: string; to: string }][] = [
  ['periodToday', () => recentPeriod(1)],
  ['periodRecent', () => recentPeriod(RECENT_DAYS)],
  ['period2022', () => ({ from: '2022-01-01', to: '2022-08-31' })],
];

export function CaseControls(p: Props) {
  const { lang, meta } = p;
  const setFilter = (k: CaseFilterKey) => (v: string[] | undefined) => p.onFilters({ ...p.filters, [k]: v });
  return (
    <section className="case-controls" data-testid="case-controls">
      <div className="row">
        <span>{say(lang, 'shownCases')}</span>
        <strong data-testid="cases-shown">{p.shown === null ? '…' : formatNumber(lang, p.shown)}</strong>
        {p.total !== null && p.shown !== p.total && <span className="muted">/ {formatNumber(lang, p.total)}</span>}
      </div>
      <div className="row period" data-testid="case-period">
        <span>{say(lang, 'period')}</span>
        <input type="date" aria-label={`${say(lang, 'period')} (from)`} value={p.period.from} max={p.period.to} required onChange={(e) => e.target.value && e.target.value <= p.period.to && p.onPeriod({ ...p.period, from: e.target.value })} />
        <span>–</span>
        <input type="date" aria-label={`${say(lang, 'period')} (to)`} value={p.period.to} min={p.period.from} required onChange={(e) => e.target.value && e.target.value >= p.period.from && p.onPeriod({ ...p.period, to: e.target.value })} />
      </div>
      <div className="row segmented period-presets" data-testid="period-presets">
        {PERIOD_PRESETS.map(([key, period]) => {
          const q = period();
          return (
            <button key={key} data-preset={key} className={q.from === p.period.from && q.to === p.period.to ? 'on' : ''} onClick={() => p.onPeriod(q)}>
              {say(lang, key)}
            </button>
          );
        })}
      </div>
      <div className="row segmented">
        <span>{say(lang, 'colourBy')}</span>
        {(['state', 'light'] as const).map((c) => (
          <button key={c} className={p.colour === c ? 'on' : ''} onClick={() => p.onColour(c)}>
            {say(lang, c === 'state' ? 'byState' : 'byLight')}
          </button>
        ))}
      </div>
      <div className="row segmented">
        <span>{say(lang, 'caseDisplay')}</span>
        {(['auto', 'points', 'hex'] as const).map((m) => (
          <button key={m} className={p.mode === m ? 'on' : ''} onClick={() => p.onMode(m)}>
            {say(lang, m === 'auto' ? 'modeAuto' : m === 'points' ? 'modePoints' : 'modeHex')}
          </button>
        ))}
      </div>
      {meta && (
        <details>
          <summary>{say(lang, 'filters')}</summary>
          <Chips lang={lang} label={say(lang, 'filterSource')} selected={p.filters.src} onChange={setFilter('src')} values={meta.sources.map((s) => ({ value: s, text: sourceLabel(lang, s) }))} />
          <Chips lang={lang} label={say(lang, 'filterState')} selected={p.filters.state} onChange={setFilter('state')} values={STATE_GROUP_ORDER.filter((g) => g !== 'other').map((g) => ({ value: g, text: say(lang, `state_${g}`), swatch: css(STATE_COLOURS[g]) }))} />
          <Chips lang={lang} label={say(lang, 'filterLight')} selected={p.filters.light} onChange={setFilter('light')} values={LIGHTS.map((l) => ({ value: l, text: say(lang, `light_${l}`), swatch: css(LIGHT_COLOURS[l]) }))} />
          <Chips lang={lang} label={say(lang, 'filterDistrict')} selected={p.filters.dist} onChange={setFilter('dist')} values={meta.districts.map((d) => ({ value: d.code, text: lang === 'en' ? d.nameEn : d.name }))} />
          <Chips lang={lang} label={say(lang, 'filterCategory')} selected={p.filters.cat} onChange={setFilter('cat')} values={meta.categories.map((c) => ({ value: c.code, text: lang === 'en' ? c.nameEn : c.name }))} />
        </details>
      )}
    </section>
  );
}

export function sourceLabel(lang: Lang, source: string): string {
  return say(lang, `source_${source}`, source);
}

/** The overdue-share classes as the legend names them: "0–5%", …, "≥ 20%". */
export function overdueClasses(): string[] {
  const pct = (k: number) => Math.round(k * OVERDUE_STEP * 100);
  return OVERDUE_RAMP.map((_, k) => (k === OVERDUE_RAMP.length - 1 ? `≥ ${pct(k)}%` : `${pct(k)}–${pct(k + 1)}%`));
}

/** Legend of the case layer for the current colouring and display. */
export function CaseLegend({ lang, colour, hex }: { lang: Lang; colour: 'state' | 'light'; hex: boolean }) {
  if (hex && colour === 'light')
    return (
      <div className="legend-block" data-testid="legend-cases" data-legend="overdue-share">
        <div>{say(lang, 'overdueShare')}</div>
        <ul>
          {overdueClasses().map((label, k) => (
            <li key={label}>
              <i className="swatch" style={{ background: css(OVERDUE_RAMP[k]) }} />
              {label}
            </li>
          ))}
        </ul>
      </div>
    );
  if (hex)
    return (
      <div className="legend-block" data-testid="legend-cases" data-legend="density">
        <div>{say(lang, 'density')}</div>
        <div className="ramp">{DENSITY_RAMP.map((c, i) => <i key={i} style={{ background: css(c) }} />)}</div>
      </div>
    );
  const items = colour === 'state' ? STATE_GROUP_ORDER.filter((g) => g !== 'other').map((g) => [say(lang, `state_${g}`), STATE_COLOURS[g]] as const) : LIGHTS.map((l) => [say(lang, `light_${l}`), LIGHT_COLOURS[l]] as const);
  return (
    <ul className="legend-block" data-testid="legend-cases">
      {items.map(([label, c]) => (
        <li key={label}>
          <i className="swatch round" style={{ background: css(c) }} />
          {label}
        </li>
      ))}
    </ul>
  );
}
