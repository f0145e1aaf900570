// 网格管理: the map with the area tool (the first user of the map's interaction seam) and, for a
// user with grid.edit, an Edit (编辑) switch that opens the unit grid editor
// (client/features/grids/editor, ADR 0027) on their own district (?edit=1&district=…, read when
// the page opens and written when the editor opens or closes).
import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { trpc } from '../../lib/api.ts';
import { may, useSession } from '../../lib/session.ts';
import type { Lang } from '../../lib/i18n.ts';
import { writeUrl } from '../../lib/use-url-state.ts';
import { AreaTool } from '../../features/area/AreaTool.tsx';
import { GridEditor } from '../../features/grids/editor/GridEditor.tsx';
import { createEditorApi } from '../../features/grids/editor/editor-api.ts';
import { sayEditor } from '../../features/grids/editor/editor-strings.ts';
import type { RouteDef } from './route.ts';
import { readableQuery } from '../../lib/url-state.ts';

function saveUrl(edit: boolean, district: string | null) {
  const q = new URLSearchParams(window.location.search);
  if (edit) q.set('edit', '1');
  else q.delete('edit');
  if (edit && district) q.set('district', district);
  else q.delete('district');
  writeUrl(window.location.pathname, readableQuery(q));
}

function GridsPanel({ lang }: { lang: Lang }) {
  const me = useSession();
  const canEdit = may(me, 'grid.edit');
  const [editing, setEditing] = useState(() => new URLSearchParams(window.location.search).get('edit') === '1');
  // the user's districts; a city-wide editor picks from every district
  const own = me?.actor?.scope.districts ?? null;
  const all = useQuery({ ...trpc.places.districts.queryOptions(), enabled: canEdit && own === null });
  const districts = useMemo(
    () => (own ?? all.data?.map((d) => ({ code: d.code, name: d.name, nameEn: d.nameEn ?? d.name })) ?? []).map((d) => ({ code: d.code, name: lang === 'en' ? d.nameEn : d.name })),
    [own, all.data, lang],
  );
  const asked = new URLSearchParams(window.location.search).get('district');
  const district = asked && /^\d{6}$/.test(asked) ? asked : districts[0]?.code;
  const api = useMemo(createEditorApi, []);

  if (canEdit && editing && district) {
    const shown = districts.some((d) => d.code === district) ? districts : [...districts, { code: district, name: district }];
    return (
      <GridEditor
        lang={lang}
        api={api}
        districtCode={district}
        districts={shown}
        onClose={() => {
          setEditing(false);
          saveUrl(false, null);
        }}
      />
    );
  }
  return (
    <>
      {canEdit && (
        <p>
          <button
            className="primary"
            data-testid="grid-editor-open"
            disabled={!district}
            onClick={() => {
              setEditing(true);
              saveUrl(true, district ?? null);
            }}
          >
            {sayEditor(lang, 'open')}
          </button>
        </p>
      )}
      <AreaTool lang={lang} />
    </>
  );
}

export const gridsRoute: RouteDef = {
  path: '/grids',
  title: 'routeGrids',
  Panel: ({ lang }) => <GridsPanel lang={lang} />,
};
