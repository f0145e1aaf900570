// The city at a glance: counts of every layer and the 2022 headline indicators.
import { useEffect, useState } from 'react';
import { api, type RouterOutputs } from '../../app/api.ts';
import { may, useSession } from '../../app/session.ts';
import { errorText, formatNumber, formatPercent, t, type Lang, type StringKey } from '../../app/i18n.ts';

interface Overview {
  places: RouterOutputs['places']['summary'];
  grids: RouterOutputs['grids']['summary'];
  communities: RouterOutputs['communities']['summary'];
  clinics: RouterOutputs['clinics']['summary'];
  /** null: the role may not read cases / indicators (the tiles are left out) */
  cases: RouterOutputs['cases']['summary'] | null;
  open: RouterOutputs['cases']['summary'] | null;
  indicators: RouterOutputs['indicators']['period'] | null;
  system: RouterOutputs['system']['info'];
}

const PERIOD = { from: '2022-01-01T00:00:00+08:00', to: '2022-09-01T00:00:00+08:00' };

export function OverviewPanel({ lang }: { lang: Lang }) {
  const [data, setData] = useState<Overview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const me = useSession();
  const caseRead = may(me, 'case.read');
  const indicatorsRead = may(me, 'indicators.read');
  useEffect(() => {
    Promise.all([
      api.places.summary.query(),
      api.grids.summary.query(),
      api.communities.summary.query(),
      api.clinics.summary.query(),
      caseRead ? api.cases.summary.query(PERIOD) : null,
      caseRead ? api.cases.summary.query({ from: '2023-01-01T00:00:00+08:00' }) : null,
      indicatorsRead ? api.indicators.period.query(PERIOD) : null,
      api.system.info.query(),
    ])
      .then(([places, grids, communities, clinics, cases, open, indicators, system]) => setData({ places, grids, communities, clinics, cases, open, indicators, system }))
      .catch((e: Error) => setError(errorText(e)));
  }, [caseRead, indicatorsRead]);
  if (error) return <div className="error" role="alert">{t(lang, 'failed')}{error}</div>;
  if (!data) return <div className="note">{t(lang, 'loading')}</div>;
  const n = (v: number) => formatNumber(lang, v);
  const tiles: [StringKey, string | null][] = [
    ['districts', n(data.places.districts.count)],
    ['townships', n(data.places.townships.count)],
    ['villages', n(data.places.villages.count)],
    ['population', n(data.places.population)],
    ['unitGrids', n(data.grids.unitGrids.count)],
    ['responsibilityGrids', n(data.grids.responsibilityGrids.count)],
    ['compounds', n(data.communities.compounds.count)],
    ['clinics', n(data.clinics.clinics.count)],
    ['cases2022', data.cases && n(data.cases.count)],
    ['openCases', data.open && n(data.open.open)],
    ['handlingRate', data.indicators && formatPercent(lang, data.indicators.rates.handlingRate)],
    ['closureRate', data.indicators && formatPercent(lang, data.indicators.rates.closureRate)],
    ['engine', `${data.system.engine} · PostGIS ${data.system.postgis}`],
  ];
  return (
    <section className="tiles" aria-label="overview">
      {tiles.filter(([, v]) => v !== null).map(([k, v]) => (
        <div className="tile" key={k} data-testid={`tile-${k}`}>
          <div className="label">{t(lang, k)}</div>
          <div className="value">{v}</div>
        </div>
      ))}
    </section>
  );
}
