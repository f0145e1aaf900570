// A unit grid (单元网格) or a responsibility grid (责任网格).
import { useMutation, useQuery } from '@tanstack/react-query';
import { trpc } from '../../lib/api.ts';
import { EditForm, RecordDetails } from '../../lib/details-kit.tsx';
import { formatNumber, say, type Lang } from '../../lib/i18n.ts';
import { PatrolPicker } from './PatrolPicker.tsx';

export function GridDetails({ id, lang }: { id: number; lang: Lang }) {
  return (
    <RecordDetails
      lang={lang}
      state={useQuery(trpc.grids.byId.queryOptions({ id }))}
      title={(g) => `${say(lang, 'kind_grid')} ${g.code}`}
      fields={(g) => [
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
  );
}

export function ResponsibilityGridDetails({ id, lang }: { id: number; lang: Lang }) {
  const state = useQuery(trpc.grids.responsibilityById.queryOptions({ id }));
  const assign = useMutation(trpc.grids.assignResponsibility.mutationOptions());
  return (
    <RecordDetails
      lang={lang}
      state={state}
      title={(g) => `${say(lang, 'kind_responsibilityGrid')} ${g.code}`}
      fields={(g) => [
        ['f_name', g.name],
        ['f_assignee', g.inspector],
        ['f_assigneeRole', say(lang, `assignee_${g.assigneeRole}`, g.assigneeRole)],
        ['f_grids', g.gridCount],
        ['f_district', lang === 'en' ? g.district?.nameEn : g.district?.name],
      ]}
      after={(g) =>
        // only where the server says this user may edit (grid.edit inside their districts); it checks again on save.
        // The patrol is chosen among the people the case engine can send, never typed in.
        g.editable && (
          <>
            <PatrolPicker id={id} version={g.version} lang={lang} />
            <EditForm
              lang={lang}
              fields={[{ key: 'assigneeRole', label: 'f_assigneeRole', kind: 'select', options: ['inspector', 'grid_worker'].map((v) => ({ value: v, label: say(lang, `assignee_${v}`, v) })) }]}
              initial={{ assigneeRole: g.assigneeRole }}
              onSave={(v) => assign.mutateAsync({ id, version: g.version, assigneeName: g.assigneeName, assigneeRole: v.assigneeRole as 'inspector' | 'grid_worker' })}
            />
          </>
        )
      }
    />
  );
}
