// A village clinic (村卫生所).
import { useQuery } from '@tanstack/react-query';
import { trpc } from '../../lib/api.ts';
import { RecordDetails } from '../../lib/details-kit.tsx';
import { say, type Lang } from '../../lib/i18n.ts';

export function ClinicDetails({ id, lang }: { id: number; lang: Lang }) {
  return (
    <RecordDetails
      lang={lang}
      state={useQuery(trpc.clinics.byId.queryOptions({ id }))}
      title={(c) => c.name}
      fields={(c) => [
        ['f_kind', say(lang, `clinicKind_${c.kind}`, c.kind)],
        ['f_village', c.village?.name],
        ['f_township', c.township?.name],
        ['f_district', lang === 'en' ? c.district?.nameEn : c.district?.name],
      ]}
    />
  );
}
