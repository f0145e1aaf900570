// The work queue (dispatch.queue): the cases waiting for one of the user's actions now, most
// urgent first (working time left in the running step), narrowed by action; a dispatcher
// selects cases and dispatches them in one go, each to its suggested unit, and sees each case's
// result. A row opens the case (its panel holds the action forms). Live: the stream's events
// invalidate the queue (client/lib/live-cache.ts), so it follows the other windows.
import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { trpc, type RouterOutputs } from '../../lib/api.ts';
import { may, useSession } from '../../lib/session.ts';
import { errorText, say, type Lang } from '../../lib/i18n.ts';
import { transitionOf } from '../../../domain/transitions.ts';
import { formatMinutes, sayDispatch } from './dispatch-strings.ts';

type Row = RouterOutputs['dispatch']['queue'][number];
type BulkResult = RouterOutputs['dispatch']['bulkDispatch']['results'][number];

const LIGHT_CLASS: Record<string, string> = { green: 'light-green', yellow: 'light-yellow', red: 'light-red', none: 'light-none' };

export function WorkQueue({ lang, onOpen }: { lang: Lang; onOpen(row: { id: number; lng: number; lat: number }): void }) {
  const me = useSession();
  const [only, setOnly] = useState<string | null>(null);
  const [picked, setPicked] = useState<Set<number>>(new Set());
  const [results, setResults] = useState<BulkResult[] | null>(null);
  const q = useQuery(trpc.dispatch.queue.queryOptions({ limit: 200 }));
  const bulk = useMutation(trpc.dispatch.bulkDispatch.mutationOptions({ onSuccess: (r) => { setResults(r.results); setPicked(new Set()); } }));
  const rows: Row[] = q.data ?? [];
  const kinds = [...new Set(rows.flatMap((r) => r.actions))];
  const shown = only ? rows.filter((r) => r.actions.includes(only)) : rows;
  const canBulk = may(me, 'case.dispatch');
  const dispatchable = shown.filter((r) => r.actions.includes('dispatch'));
  const byId = new Map(rows.map((r) => [r.id, r]));
  // only what is still shown and still waits for dispatch (the queue follows the other windows)
  const chosen = dispatchable.filter((r) => picked.has(r.id));
  return (
    <section className="work-queue" data-testid="work-queue">
      <div className="queue-head">
        <b data-testid="queue-count">{shown.length}</b> {sayDispatch(lang, 'queueCount')}
        <span className="chips">
          <button className={only === null ? 'on' : ''} onClick={() => setOnly(null)}>{sayDispatch(lang, 'queueAll')}</button>
          {kinds.map((k) => (
            <button key={k} data-filter-action={k} className={only === k ? 'on' : ''} onClick={() => setOnly(only === k ? null : k)}>
              {transitionOf(k)?.[lang] ?? k} ({rows.filter((r) => r.actions.includes(k)).length})
            </button>
          ))}
        </span>
      </div>
      {q.error && <p className="error" role="alert">{errorText(q.error, lang)}</p>}
      {q.isSuccess && shown.length === 0 && <p className="muted" data-testid="queue-empty">{sayDispatch(lang, 'queueEmpty')}</p>}
      {canBulk && dispatchable.length > 0 && (
        <div className="bulk">
          <label><input type="checkbox" data-testid="select-all" checked={dispatchable.every((r) => picked.has(r.id))} onChange={(e) => setPicked(e.target.checked ? new Set(dispatchable.map((r) => r.id)) : new Set())} /> {sayDispatch(lang, 'selectAll')}</label>
          <button data-testid="bulk-dispatch" disabled={!chosen.length || bulk.isPending} onClick={() => bulk.mutate({ items: chosen.map((r) => ({ id: r.id, version: r.version })) })}>
            {sayDispatch(lang, 'bulkDispatch')} ({chosen.length})
          </button>
        </div>
      )}
      {bulk.error && <p className="error" role="alert">{errorText(bulk.error, lang)}</p>}
      {results && (
        <div className="bulk-results" data-testid="bulk-results">
          <b>{sayDispatch(lang, 'bulkResult')}</b>
          <ul>
            {results.map((r) => (
              <li key={r.id} className={r.ok ? 'ok' : 'error'} data-case={r.id}>
                {byId.get(r.id)?.code ?? r.id}: {r.ok ? sayDispatch(lang, 'dispatched') : `${sayDispatch(lang, 'refused')} · ${errorText(r, lang)}`}
              </li>
            ))}
          </ul>
        </div>
      )}
      <ol className="queue-rows">
        {shown.map((r) => (
          <li key={r.id} data-case={r.id} data-code={r.code} className={`queue-row ${LIGHT_CLASS[r.light]}`}>
            {canBulk && r.actions.includes('dispatch') && (
              <input type="checkbox" aria-label={r.code} checked={picked.has(r.id)} onChange={(e) => setPicked((s) => { const n = new Set(s); if (e.target.checked) n.add(r.id); else n.delete(r.id); return n; })} />
            )}
            <button className="row-open" onClick={() => onOpen(r)}>
              <span className="row-top">
                <i className={`dot ${LIGHT_CLASS[r.light]}`} /> <b>{r.code}</b> {lang === 'en' ? r.categoryNameEn : r.categoryName}
                {r.urgency === 'urgent' && <span className="badge urgent">{sayDispatch(lang, 'urgency_urgent')}</span>}
                {r.escalationLevel ? <span className="badge escalated">{sayDispatch(lang, 'escalated')} {r.escalationLevel}</span> : null}
                {r.farVisit && <span className="badge far">{sayDispatch(lang, 'far')}</span>}
              </span>
              <span className="row-sub muted">
                {say(lang, `status_${r.status}`, r.status)} · {formatMinutes(lang, r.minutesLeft)} · {r.address}
                {r.departmentName ? ` · ${r.departmentName}` : r.suggestedDepartmentName ? ` · → ${r.suggestedDepartmentName}` : ''}
              </span>
              <span className="row-actions">{r.actions.map((a) => transitionOf(a)?.[lang] ?? a).join(' / ')}</span>
            </button>
          </li>
        ))}
      </ol>
      {q.isPending && <p className="muted">{say(lang, 'loading')}</p>}
    </section>
  );
}
