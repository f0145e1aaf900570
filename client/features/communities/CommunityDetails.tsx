// A property-managed residential compound (物业小区).
import { api } from '../../app/api.ts';
import { RecordDetails } from '../../app/details-kit.tsx';
import { formatNumber, t, type Lang } from '../../app/i18n.ts';

export function CommunityDetails({ id, lang }: { id: number; lang: Lang }) {
  return (
    <RecordDetails
      lang={lang}
      load={() => api.communities.byId.query({ id })}
      loadKey={`community:${id}`}
      title={(c) => c.name}
      fields={(c) => [
        ['f_kind', t(lang, 'kind_community')],
        ['f_company', c.company?.name],
        ['f_households', c.households === null ? null : formatNumber(lang, c.households)],
        ['f_village', c.village?.name],
        ['f_township', c.township?.name],
      ]}
    />
  );
}
