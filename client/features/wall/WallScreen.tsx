// 指挥中心大屏: the command centre's wall screen, full screen and dark (the route's 'wall'
// layout: no header or side panel). Everything comes from the address: the period
// (`period=2022-01-01..2022-08-31`, default the recent 30 days), the language, the layers, the
// panel's width in mm and the viewing distance (`panel`, `distance`: text is sized physically,
// wall-size.ts), a display token (`display=`) that opens it with no sign-in. The figures are the
// indicators engine's, four groupings in one question (indicators.groupedSet: by district for the
// tiles and the ranking, by channel, day and category for the charts; one pass on the server); the page's one live stream invalidates them on
// every burst of commits (client/lib/live-cache.ts) and the server counts each question at most
// once a second for every screen watching it. The map is the console's, bare, fitted to the
// city; district names are page elements above every layer, placed so that none overlaps. Left
// open for days, it reloads itself at China midnight, for a new release and after a lost WebGL
// context, each once the server answers (wall-keeper.ts).
import { useEffect, useMemo, useRef, useState, type ComponentType } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { trpc } from '../../lib/api.ts';
import { defineStrings, type Lang } from '../../lib/i18n.ts';
import { useSession } from '../../lib/session.ts';
import { periodInstants } from '../../lib/url-state.ts';
import { useFeeds, type FeedRequest } from '../../lib/feeds.ts';
import { LIVE_MESSAGE_EVENT, type LiveMessage } from '../../lib/live-cache.ts';
import type { MapController } from '../../map/MapView.tsx';
import type { Feed } from '../../map/binary-feed.ts';
import type { FeedMeta } from '../../map/polygon-feed.ts';
import { LABEL_FONT } from '../../map/fonts.ts';
import { ErrorBoundary } from '../../lib/ErrorBoundary.tsx';
import { compositeScore, gradeOf, percent, rateByKey, type Grouping, type IndicatorCounts, type RateKey } from '../../../domain/indicators.ts';
import { wallPhysical, wallSizes } from './wall-size.ts';
import { placeLabels, type LabelBox } from './wall-labels.ts';
import { EChart, type ChartOption } from './EChart.tsx';
import { keepWall } from './wall-keeper.ts';
import './wall.css';

const sayWall = defineStrings({
  title: { zh: '漳州市城市运行管理指挥中心', en: 'Zhangzhou city operations command centre' },
  period: { zh: '统计时段', en: 'Period' },
  asOf: { zh: '数据截至', en: 'Data as of' },
  accepted: { zh: '受理案件', en: 'Cases taken' },
  today: { zh: '今日受理', en: 'Taken today' },
  open: { zh: '在办案件', en: 'Open cases' },
  overdue: { zh: '超期在办', en: 'Open, overdue' },
  byChannel: { zh: '受理渠道', en: 'Intake by channel' },
  ranking: { zh: '区县综合评价', en: 'Districts by score' },
  district: { zh: '区县', en: 'District' },
  score: { zh: '得分', en: 'Score' },
  grade: { zh: '等级', en: 'Grade' },
  perDay: { zh: '每日受理', en: 'Cases per day' },
  topCategories: { zh: '高发小类', en: 'Top subclasses' },
  channelSplit: { zh: '渠道占比', en: 'Channel split' },
  otherChannels: { zh: '其他渠道', en: 'Other channels' },
  ticker: { zh: '最新案件', en: 'New cases' },
  tickerEmpty: { zh: '等待新案件…', en: 'Waiting for new cases…' },
  illustrative: { zh: '演示数据（漳州，合成示意）', en: 'Demo data (Zhangzhou, synthetic)' },
  loading: { zh: '加载中…', en: 'Loading…' },
});

/** The KPI tiles' rates, in order. */
const KPI_RATES: RateKey[] = ['handlingRate', 'closureRate', 'handlingOnTimeRate', 'closureOnTimeRate'];
const TICKER_MAX = 8;
/** The body text (CSS px) the console's map marks and lines are drawn for: a wall with larger text scales its map by as much. */
const MAP_DESIGN_BODY_PX = 20;
/** What the wall counts: by district (tiles, ranking), channel, day and category (the charts). */
const WALL_GROUPINGS = ['district', 'channel', 'day', 'category'] as const satisfies readonly Grouping[];
/** The grade colours (domain/indicators.ts GRADES) on a dark screen. */
const GRADE_CLASS: Record<string, string> = { A: 'g-a', B: 'g-b', C: 'g-c', D: 'g-d', E: 'g-e' };

const chinaDate = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
const chinaTime = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(11, 19);
/** A ticker line's time: hh:mm today (China time), MM-DD hh:mm before. */
const whenShort = (iso: string) => {
  const day = chinaDate(Date.parse(iso));
  return `${day === chinaDate(Date.now()) ? '' : `${day.slice(5)} `}${chinaTime(iso).slice(0, 5)}`;
};

function pctText(lang: Lang, num: number, den: number, digits = 2): string {
  const p = percent(num, den, digits);
  return p === null ? '—' : `${p.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits })}%`;
}
const num = (lang: Lang, n: number) => n.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB');
const nameIn = (lang: Lang, g: { name: string; nameEn: string }) => (lang === 'en' ? g.nameEn : g.name);

function useWindowWidth(): number {
  const [w, setW] = useState(() => window.innerWidth);
  useEffect(() => {
    const on = () => setW(window.innerWidth);
    window.addEventListener('resize', on);
    return () => window.removeEventListener('resize', on);
  }, []);
  return w;
}

interface TickerItem {
  id: number;
  at: string;
  code: string;
  district: string;
  category: string;
}
/** A case as the ticker gets it (cases.latest, or a live report): `id` is the case's. */
type TickerCase = { id: number; at: string; code: string; districtCode: string | null; categoryCode: string };

/** What the composition (client/app/routes/command-route.tsx) hands the wall. */
export interface WallProps {
  lang: Lang;
  /** The address's query (panel, distance …). */
  search: string;
  /** The address's period: China-time calendar days, inclusive. */
  period: { from: string; to: string };
  /** The console's map, bare (no side panel), handing over its controller when it is ready. */
  Map: ComponentType<{ onMapReady(c: MapController): void }>;
  /** The districts feed as the map asks for it (the same download, shared): their names and label points. */
  districtsFeed: FeedRequest;
}

export function WallScreen({ lang, search, period, Map, districtsFeed }: WallProps) {
  const { panelMm, distanceM } = wallPhysical(search);
  const sizes = wallSizes(useWindowWidth(), panelMm, distanceM);
  const instants = periodInstants(period);
  const me = useSession();
  const opts = { placeholderData: keepPreviousData };
  // the four groupings in one question, counted by the server in one pass over the cases
  const figures = useQuery(trpc.indicators.groupedSet.queryOptions({ ...instants, by: [...WALL_GROUPINGS] }, opts));
  const whole = figures.data ? { ...figures.data, groups: figures.data.groupings.district ?? [] } : undefined;
  const groupsBy = (g: (typeof WALL_GROUPINGS)[number]) => figures.data?.groupings[g] ?? [];

  useEffect(() => {
    document.body.dataset.wall = whole ? 'ready' : 'loading';
  }, [whole]);
  // unattended for days: a reload at China midnight, for a new release, after a lost WebGL context (wall-keeper.ts)
  useEffect(() => keepWall(() => document.querySelector<HTMLCanvasElement>('[data-testid="wall-map"] canvas.maplibregl-canvas')), []);

  const style = { '--u': `${sizes.body}px`, '--h': `${sizes.heading}px`, '--kpi': `${sizes.kpi}px` } as React.CSSProperties;
  const today = chinaDate(Date.now());
  const todayTaken = period.from <= today && today <= period.to ? (groupsBy('day').find((g) => g.key === today)?.counts.accepted ?? 0) : null;

  return (
    <div className="wall" style={style} data-testid="wall">
      <header className="wall-head">
        <h1>{sayWall(lang, 'title')}</h1>
        <span className="wall-period" data-testid="wall-period">
          {sayWall(lang, 'period')} {period.from} – {period.to}
        </span>
        <span className="wall-asof" data-testid="wall-asof" data-computed-at={whole?.computedAt ?? ''}>
          {sayWall(lang, 'asOf')} {whole ? `${chinaDate(Date.parse(whole.computedAt))} ${chinaTime(whole.computedAt)}` : '—'}
        </span>
      </header>
      <section className="wall-kpis" data-testid="wall-kpis">
        <div className="wall-tiles">
          {KPI_RATES.map((k) => {
            const d = rateByKey(k);
            return (
              <Tile key={k} id={k} label={lang === 'en' ? d.en : d.zh} value={whole ? pctText(lang, whole.counts[d.numerator], whole.counts[d.denominator]) : '—'} />
            );
          })}
          <Tile id="accepted" label={sayWall(lang, 'accepted')} value={whole ? num(lang, whole.counts.accepted) : '—'} />
          <Tile id="open" label={sayWall(lang, 'open')} value={whole ? num(lang, whole.counts.open) : '—'} />
          <Tile id="overdue" label={sayWall(lang, 'overdue')} value={whole ? num(lang, whole.counts.overdue) : '—'} warn={!!whole?.counts.overdue} />
          {todayTaken !== null ? (
            <Tile id="today" label={sayWall(lang, 'today')} value={num(lang, todayTaken)} />
          ) : (
            <Tile id="filingRate" label={lang === 'en' ? rateByKey('filingRate').en : rateByKey('filingRate').zh} value={whole ? pctText(lang, whole.counts.filed, whole.counts.accepted) : '—'} />
          )}
        </div>
        <h2>{sayWall(lang, 'byChannel')}</h2>
        <ul className="wall-channels" data-testid="wall-channels">
          {groupsBy('channel')
            .filter((g) => g.counts.accepted > 0)
            .sort((a, b) => b.counts.accepted - a.counts.accepted)
            .map((g) => (
              <li key={g.key} data-testid={`wall-channel-${g.key}`}>
                <span>{nameIn(lang, g)}</span>
                <b>{num(lang, g.counts.accepted)}</b>
              </li>
            ))}
        </ul>
      </section>
      <section className="wall-map" data-testid="wall-map">
        <ErrorBoundary fallback={(m) => <div className="error">{m}</div>}>
          <WallMap lang={lang} Map={Map} districtsFeed={districtsFeed} fontPx={sizes.body} districts={me?.actor?.scope.kind === 'district' ? me.actor.scope.districts?.map((d) => d.code) ?? null : null} />
        </ErrorBoundary>
      </section>
      <section className="wall-rank" data-testid="wall-rank">
        <h2>{sayWall(lang, 'ranking')}</h2>
        <Ranking lang={lang} groups={whole?.groups ?? []} />
      </section>
      <section className="wall-ticker" data-testid="wall-ticker">
        <h2>{sayWall(lang, 'ticker')}</h2>
        <Ticker lang={lang} categories={groupsBy('category')} districts={whole?.groups ?? []} />
      </section>
      <section className="wall-charts">
        <Charts lang={lang} fontPx={sizes.body} period={period} days={groupsBy('day')} channels={groupsBy('channel')} categories={groupsBy('category')} />
      </section>
      <footer className="wall-foot">{sayWall(lang, 'illustrative')}</footer>
    </div>
  );
}

function Tile({ id, label, value, warn = false }: { id: string; label: string; value: string; warn?: boolean }) {
  return (
    <div className={`wall-tile${warn ? ' warn' : ''}`} data-testid={`wall-kpi-${id}`}>
      <div className="label">{label}</div>
      <div className="value">{value}</div>
    </div>
  );
}

type Group = { key: string; name: string; nameEn: string; counts: IndicatorCounts };

function Ranking({ lang, groups }: { lang: Lang; groups: Group[] }) {
  const rows = useMemo(() => {
    const maxFiled = Math.max(0, ...groups.map((g) => g.counts.filed));
    return groups
      .filter((g) => g.key !== '')
      .map((g) => ({ g, score: compositeScore(g.counts, maxFiled) }))
      .sort((a, b) => b.score - a.score || a.g.key.localeCompare(b.g.key));
  }, [groups]);
  const handling = rateByKey('handlingRate');
  const closure = rateByKey('closureRate');
  return (
    <table className="wall-table">
      <thead>
        <tr>
          <th>#</th>
          <th>{sayWall(lang, 'district')}</th>
          <th>{lang === 'en' ? handling.en : handling.zh}</th>
          <th>{lang === 'en' ? closure.en : closure.zh}</th>
          <th>{sayWall(lang, 'score')}</th>
          <th>{sayWall(lang, 'grade')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ g, score }, i) => {
          const grade = gradeOf(score);
          return (
            <tr key={g.key} data-testid={`wall-rank-${g.key}`}>
              <td>{i + 1}</td>
              <td>{nameIn(lang, g)}</td>
              <td>{pctText(lang, g.counts.handled, g.counts.dueForHandling, 1)}</td>
              <td>{pctText(lang, g.counts.closed, g.counts.dueForClosure, 1)}</td>
              <td>{score.toFixed(1)}</td>
              <td className={GRADE_CLASS[grade]}>{grade}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/**
 * The newest cases: the scope's latest when the screen opens (cases.latest, once), then each as
 * it is reported (the live stream's 'report' events in scope) on top. Names of district and
 * category from the figures' groups, when they are in; the code otherwise.
 */
function Ticker({ lang, categories, districts }: { lang: Lang; categories: Group[]; districts: Group[] }) {
  const [live, setLive] = useState<TickerCase[]>([]);
  const latest = useQuery(trpc.cases.latest.queryOptions({ limit: TICKER_MAX }, { staleTime: Infinity, refetchOnWindowFocus: false }));
  useEffect(() => {
    const on = (e: Event) => {
      const m = (e as CustomEvent<LiveMessage>).detail;
      if (m.kind !== 'case' || m.event.type !== 'report') return;
      // by the case (the event's own id is not the case's)
      const { caseId: id, at, code, districtCode, categoryCode } = m.event;
      setLive((old) => [{ id, at, code, districtCode, categoryCode }, ...old.filter((o) => o.id !== id)].slice(0, TICKER_MAX));
    };
    window.addEventListener(LIVE_MESSAGE_EVENT, on);
    return () => window.removeEventListener(LIVE_MESSAGE_EVENT, on);
  }, []);
  const items = useMemo<TickerItem[]>(() => {
    const seen = new Set<number>();
    const nameOf = (list: Group[], key: string | null) => {
      const g = list.find((x) => x.key === key);
      return g ? nameIn(lang, g) : null;
    };
    return [...live, ...(latest.data ?? [])]
      .filter((c) => !seen.has(c.id) && seen.add(c.id))
      .slice(0, TICKER_MAX)
      .map((c) => ({ id: c.id, at: c.at, code: c.code, district: nameOf(districts, c.districtCode) ?? c.districtCode ?? '—', category: nameOf(categories, c.categoryCode) ?? c.categoryCode }));
  }, [live, latest.data, lang, districts, categories]);
  if (!items.length) return <p className="wall-muted">{sayWall(lang, latest.isPending ? 'loading' : 'tickerEmpty')}</p>;
  return (
    <ul className="wall-ticker-list">
      {items.map((t) => (
        <li key={t.id} data-testid="wall-ticker-item" data-code={t.code}>
          <span className="wall-muted">{whenShort(t.at)}</span> {t.district} · {t.category} <span className="wall-muted">{t.code}</span>
        </li>
      ))}
    </ul>
  );
}

const CHART_TEXT = '#c9d6ea';
const CHART_LINE = '#24324a';
const CHART_COLOURS = ['#3fb6ff', '#5ad8a6', '#f6bd16', '#e8684a', '#9270ca', '#ff9d4d', '#6dc8ec', '#ff99c3'];

function Charts({ lang, fontPx, period, days, channels, categories }: { lang: Lang; fontPx: number; period: { from: string; to: string }; days: Group[]; channels: Group[]; categories: Group[] }) {
  const text = { color: CHART_TEXT, fontSize: fontPx, fontFamily: LABEL_FONT };
  const perDay = useMemo<ChartOption>(() => {
    // every day of the period up to today, a day with no case at 0 (China-time dates)
    const taken = new Map(days.map((d) => [d.key, d.counts.accepted]));
    const last = period.to < chinaDate(Date.now()) ? period.to : chinaDate(Date.now());
    const dates: string[] = [];
    for (let t = Date.parse(`${period.from}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`) && dates.length <= 400; t += 86_400_000) dates.push(new Date(t).toISOString().slice(0, 10));
    return {
      animation: false,
      textStyle: text,
      grid: { left: fontPx * 3.6, right: fontPx, top: fontPx * 0.8, bottom: fontPx * 2.2 },
      xAxis: { type: 'category', data: dates.map((d) => d.slice(5)), axisLabel: { ...text }, axisLine: { lineStyle: { color: CHART_LINE } } },
      yAxis: { type: 'value', axisLabel: { ...text }, splitLine: { lineStyle: { color: CHART_LINE } } },
      series: [{ type: 'line', data: dates.map((d) => taken.get(d) ?? 0), showSymbol: false, lineStyle: { width: fontPx / 8, color: CHART_COLOURS[0] }, areaStyle: { color: 'rgba(63,182,255,0.18)' } }],
    };
  }, [days, fontPx, period.from, period.to]);
  const top = useMemo<ChartOption>(() => {
    const list = [...categories].sort((a, b) => b.counts.accepted - a.counts.accepted).slice(0, 6).reverse();
    return {
      animation: false,
      textStyle: text,
      grid: { left: fontPx * 6.5, right: fontPx * 3.5, top: fontPx * 0.4, bottom: fontPx * 0.4 },
      xAxis: { type: 'value', show: false },
      yAxis: { type: 'category', data: list.map((g) => nameIn(lang, g)), axisLabel: { ...text }, axisLine: { show: false }, axisTick: { show: false } },
      series: [{ type: 'bar', data: list.map((g) => g.counts.accepted), itemStyle: { color: CHART_COLOURS[1] }, barWidth: '60%', label: { show: true, position: 'right', distance: fontPx * 0.3, ...text, formatter: (x: { value: number }) => num(lang, x.value) } }],
    };
  }, [categories, fontPx, lang]);
  const split = useMemo<ChartOption>(() => {
    // channels under 5 % of the intake share one slice (their labels would pile up)
    const total = channels.reduce((n, g) => n + g.counts.accepted, 0);
    const sorted = channels.filter((g) => g.counts.accepted > 0).sort((a, b) => b.counts.accepted - a.counts.accepted);
    const small = sorted.filter((g) => g.counts.accepted < total * 0.05);
    const list = [
      ...sorted.filter((g) => g.counts.accepted >= total * 0.05).map((g) => ({ name: nameIn(lang, g), value: g.counts.accepted })),
      ...(small.length ? [{ name: sayWall(lang, 'otherChannels'), value: small.reduce((n, g) => n + g.counts.accepted, 0) }] : []),
    ];
    return {
      animation: false,
      textStyle: text,
      color: CHART_COLOURS,
      series: [
        {
          type: 'pie',
          radius: ['38%', '68%'],
          showEmptyCircle: false,
          center: ['50%', '52%'],
          data: list,
          label: { ...text, formatter: '{b} {d}%' },
          labelLine: { length: fontPx * 0.4, length2: fontPx * 0.4 },
        },
      ],
    };
  }, [channels, fontPx, lang]);
  return (
    <>
      <figure className="wall-figure">
        <figcaption>{sayWall(lang, 'perDay')}</figcaption>
        <EChart option={perDay} testId="wall-chart-days" />
      </figure>
      <figure className="wall-figure">
        <figcaption>{sayWall(lang, 'topCategories')}</figcaption>
        <EChart option={top} testId="wall-chart-categories" />
      </figure>
      <figure className="wall-figure">
        <figcaption>{sayWall(lang, 'channelSplit')}</figcaption>
        <EChart option={split} testId="wall-chart-channels" />
      </figure>
    </>
  );
}

/**
 * The console's map, bare, fitted to the city (or the token's districts) as soon as it and the
 * districts are there and again when its box changes; the district names as page elements.
 */
function WallMap({ lang, Map, districtsFeed, fontPx, districts }: { lang: Lang; Map: WallProps['Map']; districtsFeed: FeedRequest; fontPx: number; districts: string[] | null }) {
  const [map, setMap] = useState<MapController | null>(null);
  // the map's marks and lines are drawn for the console's body text (MAP_DESIGN_BODY_PX): on a
  // wall whose body text is larger (4K: twice), the map is laid out at that fraction and scaled up
  // by CSS, drawn at as many more device pixels, so 1080p and 4K show the same map, as sharp
  const scale = fontPx / MAP_DESIGN_BODY_PX < 1.05 ? 1 : Math.round((fontPx / MAP_DESIGN_BODY_PX) * 100) / 100;
  useEffect(() => map?.setResolution(scale), [map, scale]);
  const [moved, setMoved] = useState(0);
  const [feedState] = useFeeds([districtsFeed]).states;
  const feed = feedState?.status === 'ready' ? (feedState.feed as Feed<FeedMeta>) : null;

  // fit: the outline of the districts shown (a token's districts, or all), from the feed itself
  const bbox = useMemo(() => (feed ? outlineBox(feed, districts) : null), [feed, districts]);
  useEffect(() => {
    if (!map) return;
    return map.onMoved(() => setMoved((n) => n + 1));
  }, [map]);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!map || !bbox || !box.current) return;
    const fit = () => map.fit(bbox, Math.round(fontPx / scale));
    fit();
    const ro = new ResizeObserver(fit);
    ro.observe(box.current);
    return () => ro.disconnect();
  }, [map, bbox, fontPx, scale]);

  const labels = useMemo(() => {
    if (!map || !feed) return [];
    const { origin, names, namesEn, codes } = feed.meta;
    const x = feed.columns.labelX as Float32Array;
    const y = feed.columns.labelY as Float32Array;
    const boxes: (LabelBox & { name: string })[] = [];
    for (let i = 0; i < feed.length; i++) {
      const name = (lang === 'en' && namesEn?.[i]) || names[i];
      const [mx, my] = map.project(origin[0] + x[i], origin[1] + y[i]);
      const [px, py] = [mx * scale, my * scale]; // the map's pixels are scaled up by CSS
      // a CJK glyph is 1 em wide, a Latin one about 0.6 em; plus the padding
      const em = [...name].reduce((s, ch) => s + (ch.charCodeAt(0) > 0x2e80 ? 1 : 0.6), 0);
      boxes.push({ key: codes[i], name, x: px, y: py, width: (em + 0.8) * fontPx, height: fontPx * 1.5 });
    }
    return placeLabels(boxes, Math.max(2, fontPx / 8)) as (LabelBox & { name: string })[];
    // `moved`: the map moved or was resized
  }, [map, feed, lang, fontPx, moved, scale]);

  return (
    <div className="wall-map-box" ref={box}>
      <div className="wall-map-scaled" style={{ width: `${100 / scale}%`, height: `${100 / scale}%`, transform: scale === 1 ? 'none' : `scale(${scale})` }}>
        <Map onMapReady={setMap} />
      </div>
      <div className="wall-labels" aria-hidden="true">
        {labels.map((l) => (
          <span key={l.key} className="wall-label" data-testid={`wall-label-${l.key}`} style={{ left: l.x - l.width / 2, top: l.y - l.height / 2, width: l.width, height: l.height }}>
            {l.name}
          </span>
        ))}
      </div>
    </div>
  );
}

/** [west, south, east, north] of the districts' outlines (`only`: these codes; null: all), degrees. */
function outlineBox(feed: Feed<FeedMeta>, only: string[] | null): [number, number, number, number] | null {
  const positions = feed.columns.positions as Float32Array;
  const parts = feed.columns.polygonIndices as Uint32Array;
  const partFeature = feed.columns.partFeature as Uint32Array;
  const [ox, oy] = feed.meta.origin;
  const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let p = 0; p < partFeature.length; p++) {
    if (only && !only.includes(feed.meta.codes[partFeature[p]])) continue;
    for (let v = parts[p]; v < parts[p + 1]; v++) {
      const x = ox + positions[2 * v];
      const y = oy + positions[2 * v + 1];
      if (x < b[0]) b[0] = x;
      if (y < b[1]) b[1] = y;
      if (x > b[2]) b[2] = x;
      if (y > b[3]) b[3] = y;
    }
  }
  return b[0] <= b[2] ? b : null;
}
