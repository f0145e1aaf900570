// The city at a glance, in two groups that say what they cover: the city's places, grids and
// facilities (the same for every user), and the cases of the chosen period (the URL's) within
// the asker's scope — their districts or department, or the whole city — with the headline
// indicators of that period and scope.
import { useQuery } from '@tanstack/react-query';
import { trpc, type RouterOutputs } from '../../lib/api.ts';
import { may, useSession, type SignedIn } from '../../lib/session.ts';
import { periodInstants } from '../../lib/url-state.ts';
import { errorText, formatNumber, formatPercent, say, type Lang, type StringKey } from '../../lib/i18n.ts';

interface CityFigures {
  places: RouterOutputs['places']['summary'];
  grids: RouterOutputs['grids']['summary'];
  communities: RouterOutputs['communities']['summary'];
  clinics: RouterOutputs['clinics']['summary'];
}
interface CaseFigures {
  /** null: the role may not read cases / indicators (the tiles are left out) */
  cases: RouterOutputs['cases']['summary'] | null;
  indicators: RouterOutputs['indicators']['period'] | null;
}

/** What the asker's case figures cover, in words: the department, the districts, or the whole city. */
export function scopeName(lang: Lang, actor: SignedIn | null | undefined): string {
  if (!actor) return say(lang, 'scopeCity');
  const s = actor.scope;
  if (s.kind === 'department') return (lang === 'en' ? s.department?.nameEn : s.department?.name) ?? say(lang, 'scopeCity');
  if (s.districts === null) return say(lang, 'scopeCity');
  return s.districts.map((d) => (lang === 'en' ? d.nameEn : d.name)).join(lang === 'en' ? ', ' : '、') || '—';
}

type Tile = [id: string, label: StringKey, value: string | null];

function Tiles({ tiles }: { tiles: [string, string, string | null][] }) {
  return (
    <section className="tiles" aria-label="overview">
      {tiles.filter(([, , v]) => v !== null).map(([id, label, v]) => (
        <div className="tile" key={id} data-testid={`tile-${id}`}>
          <div className="label">{label}</div>
          <div className="value">{v}</div>
        </div>
      ))}
    </section>
  );
}

/** `period`: the URL's (calendar days, inclusive), as the map's case layer uses it. */
export function OverviewPanel({ lang, period }: { lang: Lang; period: { from: string; to: string } }) {
  const me = useSession();
  const caseRead = may(me, 'case.read');
  const indicatorsRead = may(me, 'indicators.read');
  const key = `${period.from}..${period.to}`;
  const instants = periodInstants(period);
  const places = useQuery(trpc.places.summary.queryOptions());
  const grids = useQuery(trpc.grids.summary.queryOptions());
  const communities = useQuery(trpc.communities.summary.queryOptions());
  const clinics = useQuery(trpc.clinics.summary.queryOptions());
  // keyed by the period: figures of an earlier period are never shown under this period's heading
  const cases = useQuery(trpc.cases.summary.queryOptions(instants, { enabled: caseRead }));
  const indicators = useQuery(trpc.indicators.period.queryOptions(instants, { enabled: indicatorsRead }));
  const failed = [places, grids, communities, clinics, cases, indicators].find((q) => q.error)?.error;
  const error = failed ? errorText(failed, lang) : null;
  const city: CityFigures | null = places.data && grids.data && communities.data && clinics.data ? { places: places.data, grids: grids.data, communities: communities.data, clinics: clinics.data } : null;
  const figures: CaseFigures | null =
    (!caseRead || cases.data) && (!indicatorsRead || indicators.data) ? { cases: caseRead ? cases.data ?? null : null, indicators: indicatorsRead ? indicators.data ?? null : null } : null;
  if (error) return <div className="error" role="alert">{say(lang, 'failed')}{error}</div>;
  if (!city) return <div className="note">{say(lang, 'loading')}</div>;
  const n = (v: number) => formatNumber(lang, v);
  const label = (tiles: Tile[]) => tiles.map(([id, k, v]): [string, string, string | null] => [id, say(lang, k), v]);
  const cityTiles: Tile[] = [
    ['districts', 'districts', n(city.places.districts.count)],
    ['townships', 'townships', n(city.places.townships.count)],
    ['villages', 'villages', n(city.places.villages.count)],
    ['population', 'population', n(city.places.population)],
    ['unitGrids', 'unitGrids', n(city.grids.unitGrids.count)],
    ['responsibilityGrids', 'responsibilityGrids', n(city.grids.responsibilityGrids.count)],
    ['compounds', 'compounds', n(city.communities.compounds.count)],
    ['clinics', 'clinics', n(city.clinics.clinics.count)],
  ];
  const shown = figures;
  const scoped = caseRead || indicatorsRead;
  const scope = scopeName(lang, me?.actor);
  const caseTiles: Tile[] = [
    // the ids are kept from the first layout (cases2022, openCases): tests and bookmarks name them
    ['cases2022', 'casesInPeriod', shown?.cases ? n(shown.cases.count) : null],
    ['openCases', 'openInPeriod', shown?.cases ? n(shown.cases.open) : null],
    ['handlingRate', 'handlingRate', shown?.indicators ? formatPercent(lang, shown.indicators.rates.handlingRate) : null],
    ['closureRate', 'closureRate', shown?.indicators ? formatPercent(lang, shown.indicators.rates.closureRate) : null],
  ];
  return (
    <>
      {scoped && (
        <>
          <h4 className="overview-group" data-testid="overview-scoped" data-scope={scope} data-period={key}>
            {scope} · {say(lang, 'overviewCases')} · {period.from} {say(lang, 'periodTo')} {period.to}
          </h4>
          {shown ? <Tiles tiles={label(caseTiles)} /> : <div className="note">{say(lang, 'loading')}</div>}
          {indicatorsRead && (
            // the period's report, as a page to print and a CSV to download (client/features/report/), in a tab of its own
            <a className="overview-report" data-testid="overview-report" href={`/report?period=${key}&by=district${lang === 'en' ? '&lang=en' : ''}`} target="_blank" rel="noopener">
              {say(lang, 'reportLink')}
            </a>
          )}
        </>
      )}
      <h4 className="overview-group" data-testid="overview-city">{say(lang, 'overviewCityWide')}</h4>
      <Tiles tiles={label(cityTiles)} />
    </>
  );
}
