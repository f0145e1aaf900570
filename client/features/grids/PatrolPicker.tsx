// Who patrols a responsibility grid, chosen from the people the case engine can send (accounts
// fit for site visits in its district, grids.patrolCandidates), replacing a free-text name: the
// grid's label and its site visits follow the choice (grids.setPatrolStaff; the server checks
// each person and the grid's version again).
import { useMemo, useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { trpc } from '../../lib/api.ts';
import { defineStrings, errorText, type Lang } from '../../lib/i18n.ts';
import { roleLabel } from '../../../domain/actions.ts';

const sayPicker = defineStrings({
  edit: { zh: '选择巡查人员', en: 'Choose patrol staff' },
  filter: { zh: '按姓名筛选', en: 'Filter by name' },
  save: { zh: '保存', en: 'Save' },
  cancel: { zh: '取消', en: 'Cancel' },
  grids: { zh: '已负责 {n} 个网格', en: 'patrols {n} grids' },
  none: { zh: '该区县没有可安排现场核实的人员。', en: 'Nobody in this district may do site visits.' },
  chosen: { zh: '已选 {n} 人', en: '{n} chosen' },
});

export function PatrolPicker({ id, version, lang }: { id: number; version: number; lang: Lang }) {
  const [open, setOpen] = useState(false);
  const [filter, setFilter] = useState('');
  const [chosen, setChosen] = useState<Set<number> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const people = useQuery({ ...trpc.grids.patrolCandidates.queryOptions({ id }), enabled: open });
  const save = useMutation(trpc.grids.setPatrolStaff.mutationOptions());
  const picked = useMemo(() => chosen ?? new Set((people.data ?? []).filter((p) => p.bound).map((p) => p.id)), [chosen, people.data]);
  if (!open) {
    return (
      <button className="edit-button" data-testid="patrol-edit" onClick={() => (setOpen(true), setChosen(null), setError(null))}>
        {sayPicker(lang, 'edit')}
      </button>
    );
  }
  const shown = (people.data ?? []).filter((p) => !filter || p.displayName.includes(filter));
  const toggle = (pid: number) => {
    const next = new Set(picked);
    if (next.has(pid)) next.delete(pid);
    else next.add(pid);
    setChosen(next);
  };
  return (
    <form
      className="edit-form patrol-picker"
      data-testid="patrol-picker"
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        save.mutateAsync({ id, version, userIds: [...picked] }).then(() => setOpen(false), (err: unknown) => setError(errorText(err, lang)));
      }}
    >
      <input placeholder={sayPicker(lang, 'filter')} value={filter} onChange={(e) => setFilter(e.target.value)} aria-label={sayPicker(lang, 'filter')} />
      {people.isSuccess && !people.data.length && <p>{sayPicker(lang, 'none')}</p>}
      <ul className="patrol-list">
        {shown.map((p) => (
          <li key={p.id}>
            <label>
              <input type="checkbox" name="patrol" value={p.id} checked={picked.has(p.id)} onChange={() => toggle(p.id)} />
              {p.displayName} <small>{roleLabel(p.roleCode, lang)} · {sayPicker(lang, 'grids').replace('{n}', String(p.grids))}</small>
            </label>
          </li>
        ))}
      </ul>
      <p>{sayPicker(lang, 'chosen').replace('{n}', String(picked.size))}</p>
      {error && <p className="error" role="alert">{error}</p>}
      <button type="submit" disabled={save.isPending}>{sayPicker(lang, 'save')}</button>{' '}
      <button type="button" className="link" onClick={() => setOpen(false)}>
        {sayPicker(lang, 'cancel')}
      </button>
    </form>
  );
}
