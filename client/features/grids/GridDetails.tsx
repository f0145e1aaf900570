// A unit grid (单元网格) or a responsibility grid (责任网格).
import { api } from '../../app/api.ts';
import { FieldList, LoadedView, useLoad } from '../../app/details-kit.tsx';
import { formatNumber, t, type Lang } from '../../app/i18n.ts';

export function GridDetails({ id, lang }: { id: number; lang: Lang }) {
  const state = useLoad(() => api.grids.byId.query({ id }), `grid:${id}`);
  return (
    <LoadedView lang={lang} state={state}>
      {(g) => (
        <>
          <h2 data-testid="details-title">
            {t(lang, 'kind_grid')} {g.code}
          </h2>
          <FieldList
            lang={lang}
            fields={[
              ['f_version', g.version],
              ['f_area', `${formatNumber(lang, Math.round(g.areaM2))} m²`],
              ['f_village', g.village?.name],
              ['f_township', g.township?.name],
              ['f_district', lang === 'en' ? g.district?.nameEn : g.district?.name],
              ['f_rgrid', g.responsibilityGrid?.code],
              ['f_assignee', g.responsibilityGrid?.inspector],
              ['f_cases', `${formatNumber(lang, g.cases.open)} / ${formatNumber(lang, g.cases.total)}`],
            ]}
          />
        </>
      )}
    </LoadedView>
  );
}

export function ResponsibilityGridDetails({ id, lang }: { id: number; lang: Lang }) {
  const state = useLoad(() => api.grids.responsibilityById.query({ id }), `rgrid:${id}`);
  return (
    <LoadedView lang={lang} state={state}>
      {(g) => (
        <>
          <h2 data-testid="details-title">
            {t(lang, 'kind_responsibilityGrid')} {g.code}
          </h2>
          <FieldList
            lang={lang}
            fields={[
              ['f_name', g.name],
              ['f_assignee', g.inspector],
              ['f_grids', g.gridCount],
              ['f_district', lang === 'en' ? g.district?.nameEn : g.district?.name],
            ]}
          />
        </>
      )}
    </LoadedView>
  );
}
