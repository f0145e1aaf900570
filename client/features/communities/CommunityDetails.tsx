// A property-managed residential compound (物业小区).
import { api } from '../../app/api.ts';
import { EditForm, RecordDetails } from '../../app/details-kit.tsx';
import { formatNumber, t, tData, type Lang } from '../../app/i18n.ts';

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
        ['f_partyOrgName', c.partyOrgName],
        ['f_village', c.village?.name],
        ['f_township', c.township?.name],
      ]}
      after={(c, reload) =>
        // only where the server says this user may edit (community.edit inside their districts); it checks again on save
        c.editable && (
          <EditForm
            lang={lang}
            fields={[
              { key: 'name', label: 'f_name', kind: 'text' },
              { key: 'households', label: 'f_households', kind: 'int' },
              { key: 'partyOrgKind', label: 'f_partyOrgKind', kind: 'select', options: ['branch', 'joint_branch', 'none'].map((v) => ({ value: v, label: tData(lang, `party_${v}`, v) })) },
              { key: 'partyOrgName', label: 'f_partyOrgName', kind: 'text' },
            ]}
            initial={{ name: c.name, households: c.households, partyOrgKind: c.partyOrgKind, partyOrgName: c.partyOrgName }}
            onSave={(v) =>
              api.communities.update.mutate({
                id,
                version: c.version,
                name: String(v.name),
                households: Number(v.households),
                partyOrgKind: v.partyOrgKind as 'branch' | 'joint_branch' | 'none',
                partyOrgName: String(v.partyOrgName) || null,
              })
            }
            onSaved={reload}
          />
        )
      }
    />
  );
}
