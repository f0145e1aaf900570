// 指标报表: the indicators of a period as a page to print (A4, light) and a CSV to download — the
// same figures and shapes as `npm run report` (domain/indicators-report.ts), in the asker's scope.
// Opened from the console's overview (城市概况 → 报表) with the console's period; the grouping is
// chosen here and kept in the address (`/report?period=2022-01-01..2022-08-31&by=district`).
import { useQuery } from '@tanstack/react-query';
import { trpc } from '../../lib/api.ts';
import { defineStrings, errorText, formatNumber, type Lang } from '../../lib/i18n.ts';
import { periodInstants } from '../../lib/url-state.ts';
import { downloadCsv } from '../../lib/download.ts';
import { COUNT_KEYS, COUNT_WORDS, GROUPINGS, GROUPING_WORDS, RATES, percent, type Grouping, type IndicatorCounts, type RateDef } from '../../../domain/indicators.ts';
import { reportCsv, reportJson } from '../../../domain/indicators-report.ts';
import './report.css';

const sayReport = defineStrings({
  title: { zh: '城市运行管理指标报表', en: 'City operations indicators report' },
  period: { zh: '统计时段', en: 'Period' },
  scope: { zh: '范围', en: 'Scope' },
  asOf: { zh: '数据截至', en: 'Data as of' },
  by: { zh: '分组', en: 'Grouped by' },
  print: { zh: '打印', en: 'Print' },
  csv: { zh: '下载 CSV', en: 'Download CSV' },
  counts: { zh: '案件数量', en: 'Counts' },
  rates: { zh: '考核指标', en: 'Rates' },
  total: { zh: '合计', en: 'Total' },
  numerator: { zh: '分子 / 分母', en: 'Of' },
  loading: { zh: '加载中…', en: 'Loading…' },
  failed: { zh: '报表加载失败：', en: 'The report did not load: ' },
  illustrative: { zh: '演示数据（漳州，合成示意）。指标口径：统计时段内到期的案件（GB/T 30428.4），见 docs/indicators.md。', en: 'Demo data (Zhangzhou, synthetic). Rates over the cases due in the period (GB/T 30428.4), see docs/indicators.md.' },
});

/** The rates a group's line shows (all of them are in the CSV). */
const GROUP_RATES = ['handlingRate', 'handlingOnTimeRate', 'closureRate', 'closureOnTimeRate', 'reworkRate'];

const pct = (lang: Lang, c: IndicatorCounts, d: RateDef) => {
  const p = percent(c[d.numerator], c[d.denominator], d.digits);
  return p === null ? '—' : `${p.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { minimumFractionDigits: d.digits, maximumFractionDigits: d.digits })}%`;
};

export interface ReportPageProps {
  lang: Lang;
  /** China-time calendar days, both included. */
  period: { from: string; to: string };
  by: Grouping;
  /** The asker's scope in words (their districts or department, or the whole city). */
  scope: string;
  /** Another grouping chosen (the address keeps it). */
  onBy(by: Grouping): void;
}

export function ReportPage({ lang, period, by, scope, onBy }: ReportPageProps) {
  const q = useQuery(trpc.indicators.grouped.queryOptions({ ...periodInstants(period), by }));
  const r = q.data;
  const n = (v: number) => formatNumber(lang, v);
  const name = (g: { key: string; name: string; nameEn: string }) => (lang === 'en' ? g.nameEn : g.name) || g.key || '—';
  const rates = RATES.filter((d) => GROUP_RATES.includes(d.key));
  /** A line of the groups' table: a group, or the total. */
  const line = (key: string, label: string, c: IndicatorCounts, className?: string) => (
    <tr key={key} data-key={key} className={className}>
      <th>{label}</th>
      {(['accepted', 'open', 'overdue'] as const).map((k) => (
        <td key={k} className="num">{n(c[k])}</td>
      ))}
      {rates.map((d) => (
        <td key={d.key} className="num">{pct(lang, c, d)}</td>
      ))}
    </tr>
  );
  const download = () => {
    if (!r) return;
    downloadCsv(reportCsv(reportJson(r, by, r.groups, scope)), `citygrid-indicators-${period.from}-${period.to}-${by}.csv`);
  };
  return (
    <main className="report" data-testid="report" data-ready={r ? 'yes' : 'no'}>
      <div className="report-head">
        <h1>{sayReport(lang, 'title')}</h1>
        <div className="report-tools">
          <label>
            {sayReport(lang, 'by')}{' '}
            <select value={by} onChange={(e) => onBy(e.target.value as Grouping)} data-testid="report-by">
              {GROUPINGS.map((g) => (
                <option key={g} value={g}>{GROUPING_WORDS[g][lang]}</option>
              ))}
            </select>
          </label>
          <button onClick={download} disabled={!r} data-testid="report-csv">{sayReport(lang, 'csv')}</button>
          <button onClick={() => window.print()} disabled={!r} data-testid="report-print">{sayReport(lang, 'print')}</button>
        </div>
      </div>
      <dl className="report-meta">
        <dt>{sayReport(lang, 'period')}</dt>
        <dd data-testid="report-period">{period.from} – {period.to}</dd>
        <dt>{sayReport(lang, 'scope')}</dt>
        <dd data-testid="report-scope">{scope}</dd>
        <dt>{sayReport(lang, 'asOf')}</dt>
        <dd>{r ? new Date(Date.parse(r.computedAt) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ') : '—'}</dd>
      </dl>
      {q.error ? (
        <p className="error" role="alert">{sayReport(lang, 'failed')}{errorText(q.error, lang)}</p>
      ) : !r ? (
        <p>{sayReport(lang, 'loading')}</p>
      ) : (
        <>
          <section className="report-whole">
            <table data-testid="report-rates">
              <caption>{sayReport(lang, 'rates')}</caption>
              <tbody>
                {RATES.map((d) => (
                  <tr key={d.key} data-key={d.key}>
                    <th>{lang === 'en' ? d.en : d.zh}</th>
                    <td className="num">{pct(lang, r.counts, d)}</td>
                    <td className="num muted">{n(r.counts[d.numerator])} / {n(r.counts[d.denominator])}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <table data-testid="report-counts">
              <caption>{sayReport(lang, 'counts')}</caption>
              <tbody>
                {COUNT_KEYS.map((k) => (
                  <tr key={k} data-key={k}>
                    <th>{COUNT_WORDS[k][lang]}</th>
                    <td className="num">{n(r.counts[k])}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <table className="report-groups" data-testid="report-groups">
            <thead>
              <tr>
                <th>{GROUPING_WORDS[by][lang]}</th>
                <th>{COUNT_WORDS.accepted[lang]}</th>
                <th>{COUNT_WORDS.open[lang]}</th>
                <th>{COUNT_WORDS.overdue[lang]}</th>
                {rates.map((d) => (
                  <th key={d.key}>{lang === 'en' ? d.en : d.zh}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {r.groups.map((g) => line(g.key, name(g), g.counts))}
              {line('*', sayReport(lang, 'total'), r.counts, 'report-total')}
            </tbody>
          </table>
        </>
      )}
      <footer className="report-foot">{sayReport(lang, 'illustrative')}</footer>
    </main>
  );
}
