// A village clinic (村卫生所).
import { api } from '../../app/api.ts';
import { FieldList, LoadedView, useLoad } from '../../app/details-kit.tsx';
import { tData, type Lang } from '../../app/i18n.ts';

export function ClinicDetails({ id, lang }: { id: number; lang: Lang }) {
  const state = useLoad(() => api.clinics.byId.query({ id }), `clinic:${id}`);
  return (
    <LoadedView lang={lang} state={state}>
      {(c) => (
        <>
          <h2 data-testid="details-title">{c.name}</h2>
          <FieldList
            lang={lang}
            fields={[
              ['f_kind', tData(lang, `clinicKind_${c.kind}`, c.kind)],
              ['f_village', c.village?.name],
              ['f_township', c.township?.name],
              ['f_district', lang === 'en' ? c.district?.nameEn : c.district?.name],
            ]}
          />
        </>
      )}
    </LoadedView>
  );
}
