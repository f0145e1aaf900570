// A property-managed residential compound (物业小区).
import { useMutation, useQuery } from '@tanstack/react-query';
import { trpc } from '../../lib/api.ts';
import { EditForm, RecordDetails } from '../../lib/details-kit.tsx';
import { formatNumber, say, type Lang } from '../../lib/i18n.ts';

export function CommunityDetails({ id, lang }: { id: number; lang: Lang }) {
  const state = useQuery(trpc.communities.byId.queryOptions({ id }));
  const update = useMutation(trpc.communities.update.mutationOptions());
  return (
    <RecordDetails
      lang={lang}
      state={state}
      title={(c) => c.name}
      fields={(c) => [
        ['f_kind', say(lang, 'kind_community')],
        ['f_company', c.company?.name],
        ['f_households', c.households === null ? null : formatNumber(lang, c.households)],
        ['f_partyOrgName', c.partyOrgName],
        ['f_village', c.village?.name],
        ['f_township', c.township?.name],
      ]}
      after={(c) =>
        // only where the server says this user may edit (community.edit inside their districts); it checks again on save
        c.editable && (
          <EditForm
            lang={lang}
            fields={[
              { key: 'name', label: 'f_name', kind: 'text' },
              { key: 'households', label: 'f_households', kind: 'int' },
              { key: 'partyOrgKind', label: 'f_partyOrgKind', kind: 'select', options: ['branch', 'joint_branch', 'none'].map((v) => ({ value: v, label: say(lang, `party_${v}`, v) })) },
              { key: 'partyOrgName', label: 'f_partyOrgName', kind: 'text' },
            ]}
            initial={{ name: c.name, households: c.households, partyOrgKind: c.partyOrgKind, partyOrgName: c.partyOrgName }}
            onSave={(v) =>
              update.mutateAsync({
                id,
                version: c.version,
                name: String(v.name),
                households: Number(v.households),
                partyOrgKind: v.partyOrgKind as 'branch' | 'joint_branch' | 'none',
                partyOrgName: String(v.partyOrgName) || null,
              })
            }
          />
        )
      }
    />
  );
}
