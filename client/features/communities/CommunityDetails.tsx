// A property-managed residential compound (物业小区).
import { api } from '../../app/api.ts';
import { FieldList, LoadedView, useLoad } from '../../app/details-kit.tsx';
import { formatNumber, t, type Lang } from '../../app/i18n.ts';

export function CommunityDetails({ id, lang }: { id: number; lang: Lang }) {
  const state = useLoad(() => api.communities.byId.query({ id }), `community:${id}`);
  return (
    <LoadedView lang={lang} state={state}>
      {(c) => (
        <>
          <h2 data-testid="details-title">{c.name}</h2>
          <FieldList
            lang={lang}
            fields={[
              ['f_kind', t(lang, 'kind_community')],
              ['f_company', c.company?.name],
              ['f_households', c.households === null ? null : formatNumber(lang, c.households)],
              ['f_village', c.village?.name],
              ['f_township', c.township?.name],
            ]}
          />
        </>
      )}
    </LoadedView>
  );
}
