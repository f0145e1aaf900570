// The inspector's phone page (巡查): their site visits (verify and check tasks of their grids,
// dispatch.myTasks, most urgent first), each opening the visit's form with "record my position"
// (the engine measures how far from the case it was made and flags a far one); and a report of
// a new problem with photo and GPS position, or fixed on the spot, kept on the phone while
// offline or while the server is away (outbox.ts: IndexedDB, sent by itself when it can be). Sized for a phone held in the street: one column, large targets.
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { trpc } from '../../lib/api.ts';
import { useSession } from '../../lib/session.ts';
import { errorText, say, type Lang } from '../../lib/i18n.ts';
import { formatTime } from '../../lib/details-kit.tsx';
import { CaseWork } from './CaseActions.tsx';
import { IntakeForm } from './IntakeForm.tsx';
import { OUTBOX_RETRY_MS, discardKept, flushOutbox, readOutbox, retryKept, sendOrKeep, type Kept } from './outbox.ts';
import { sayDispatch } from './dispatch-strings.ts';

/** What the outbox holds (IndexedDB), read again whenever it changes. */
function useOutbox(user: string): Kept[] {
  const [items, setItems] = useState<Kept[]>([]);
  useEffect(() => {
    let live = true;
    const sync = () => void readOutbox(user).then((v) => live && setItems(v), () => undefined);
    sync();
    window.addEventListener('citygrid:outbox', sync);
    return () => {
      live = false;
      window.removeEventListener('citygrid:outbox', sync);
    };
  }, [user]);
  return items;
}

const onlineNow = () => navigator.onLine;
const subscribeOnline = (l: () => void) => {
  window.addEventListener('online', l);
  window.addEventListener('offline', l);
  return () => {
    window.removeEventListener('online', l);
    window.removeEventListener('offline', l);
  };
};

export function FieldPage({ lang }: { lang: Lang }) {
  const me = useSession();
  const user = me?.actor?.name ?? 'anonymous';
  const [tab, setTab] = useState<'tasks' | 'report'>('tasks');
  const [open, setOpen] = useState<number | null>(null);
  const tasks = useQuery(trpc.dispatch.myTasks.queryOptions({ limit: 100 }));
  const outbox = useOutbox(user);
  const online = useSyncExternalStore(subscribeOnline, onlineNow);
  const qc = useQueryClient();
  const [sending, setSending] = useState(false);
  const sendNow = (now: boolean) => {
    setSending(true);
    void flushOutbox(user, now)
      .then((n) => { if (n) void qc.invalidateQueries(trpc.dispatch.myTasks.pathFilter()); }, () => undefined)
      .finally(() => setSending(false));
  };
  const flushRef = useRef(sendNow);
  flushRef.current = sendNow;
  useEffect(() => {
    // at the start, when the network comes back (a fresh flush: one started offline may still be waiting for its timeout), and every OUTBOX_RETRY_MS
    const onOnline = () => flushRef.current(true);
    const tick = () => flushRef.current(false);
    tick();
    window.addEventListener('online', onOnline);
    const timer = setInterval(tick, OUTBOX_RETRY_MS);
    return () => {
      window.removeEventListener('online', onOnline);
      clearInterval(timer);
    };
  }, [user]);
  return (
    <div className="field-page" data-testid="field-page" data-online={online ? 'yes' : 'no'}>
      <nav className="field-tabs">
        <button className={tab === 'tasks' ? 'on' : ''} data-tab="tasks" onClick={() => { setTab('tasks'); setOpen(null); }}>{sayDispatch(lang, 'myTasks')} ({tasks.data?.length ?? '…'})</button>
        <button className={tab === 'report' ? 'on' : ''} data-tab="report" onClick={() => setTab('report')}>{sayDispatch(lang, 'report')}</button>
      </nav>
      {outbox.length > 0 && (
        <section className="outbox" data-testid="outbox">
          <b>{sayDispatch(lang, 'outbox')}: {outbox.length}</b>
          <ul>
            {outbox.map((k) => (
              <li key={k.key}>
                {formatTime(lang, k.keptAt)} · {k.input.description.slice(0, 40)}
                {k.photos?.length ? ` · ${sayDispatch(lang, 'photo')} ×${k.photos.length}` : ''}
                {k.refusal && <span className="error"> {errorText(k.refusal, lang)} <button onClick={() => void retryKept(user, k.key)}>{sayDispatch(lang, 'sendNow')}</button> <button aria-label="discard" onClick={() => void discardKept(k.key)}>✕</button></span>}
              </li>
            ))}
          </ul>
          <button data-testid="send-now" onClick={() => sendNow(true)}>{sayDispatch(lang, 'sendNow')}</button>
          {sending && <span className="muted"> {sayDispatch(lang, 'outboxSending')}</span>}
        </section>
      )}
      {tab === 'tasks' && open === null && (
        <ol className="task-list" data-testid="task-list">
          {tasks.error && <p className="error">{errorText(tasks.error, lang)}</p>}
          {tasks.data?.length === 0 && <p className="muted">{sayDispatch(lang, 'noTasks')}</p>}
          {tasks.data?.map((x) => (
            <li key={x.id} data-case={x.id} data-code={x.code}>
              <button className="task" onClick={() => setOpen(x.id)}>
                <b>{x.code}</b> {say(lang, `status_${x.status}`, x.status)}{!x.mine && <span className="badge">{sayDispatch(lang, 'colleagues')}</span>}
                <span className="muted"> {formatTime(lang, x.stageDueAt)} · {x.address}</span>
              </button>
            </li>
          ))}
        </ol>
      )}
      {tab === 'tasks' && open !== null && (
        <section className="task-open" data-testid="task-open">
          <button onClick={() => setOpen(null)}>← {sayDispatch(lang, 'back')}</button>
          <TaskCase lang={lang} id={open} />
        </section>
      )}
      {tab === 'report' && <IntakeForm lang={lang} compact defaultChannel="patrol" onOpen={(c) => { setTab('tasks'); setOpen(c.id); }} deliver={(input, blobs) => sendOrKeep(user, input, blobs)} />}
    </div>
  );
}

function TaskCase({ lang, id }: { lang: Lang; id: number }) {
  const q = useQuery(trpc.cases.byId.queryOptions({ id }));
  if (q.error) return <p className="error">{errorText(q.error, lang)}</p>;
  if (!q.data) return null;
  const c = q.data;
  return (
    <div className="task-case">
      <h2>{c.code} · {lang === 'en' ? c.categoryNameEn : c.categoryName}</h2>
      <p>{c.address}</p>
      <p className="muted">{c.description}</p>
      <CaseWork lang={lang} id={id} />
    </div>
  );
}
