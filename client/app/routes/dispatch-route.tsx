// 受理派遣: the work of the case workflow beside the map — the work queue of whoever signs in
// (dispatcher, department handler, shift lead, intake operator: dispatch.queue gives each their
// own) and, for those who register cases, the intake form (its place picked on the map). A case
// opened from either shows in the details panel with its action forms.
import { useState } from 'react';
import { may, useSession } from '../../lib/session.ts';
import { writeUrl } from '../../lib/use-url-state.ts';
import { WorkQueue } from '../../features/dispatch/WorkQueue.tsx';
import { IntakeForm } from '../../features/dispatch/IntakeForm.tsx';
import { sayDispatch } from '../../features/dispatch/dispatch-strings.ts';
import type { RouteDef, RouteProps } from './route.ts';
import { readableQuery } from '../../lib/url-state.ts';

/** Opens a case in the details panel and brings the map to it (through the address, like every screen state). */
export function openCase(c: { id: number; lng: number; lat: number }): void {
  const q = new URLSearchParams(window.location.search);
  q.set('sel', `case:${c.id}`);
  if (Number.isFinite(c.lng) && Number.isFinite(c.lat)) q.set('view', `${c.lng.toFixed(5)},${c.lat.toFixed(5)},16`);
  const layers = (q.get('layers') ?? '').split(',').filter(Boolean);
  if (q.has('layers') && !layers.includes('cases')) q.set('layers', [...layers, 'cases'].join(','));
  writeUrl(window.location.pathname, readableQuery(q));
}

function DispatchPanel({ lang }: RouteProps) {
  const me = useSession();
  const canRegister = may(me, 'case.create');
  const [tab, setTab] = useState<'queue' | 'intake'>(() => (new URLSearchParams(window.location.search).get('tab') === 'intake' && canRegister ? 'intake' : 'queue'));
  const show = (next: 'queue' | 'intake') => {
    setTab(next);
    const q = new URLSearchParams(window.location.search);
    if (next === 'intake') q.set('tab', 'intake');
    else q.delete('tab');
    writeUrl(window.location.pathname, readableQuery(q));
  };
  return (
    <div className="dispatch-panel" data-testid="dispatch-panel">
      <nav className="tabs">
        <button data-tab="queue" className={tab === 'queue' ? 'on' : ''} onClick={() => show('queue')}>{sayDispatch(lang, 'tabQueue')}</button>
        {canRegister && <button data-tab="intake" className={tab === 'intake' ? 'on' : ''} onClick={() => show('intake')}>{sayDispatch(lang, 'tabIntake')}</button>}
      </nav>
      {tab === 'queue' ? <WorkQueue lang={lang} onOpen={openCase} /> : <IntakeForm lang={lang} defaultChannel="12345" onOpen={openCase} />}
    </div>
  );
}

export const dispatchRoute: RouteDef = { path: '/dispatch', title: 'routeDispatch', permissions: ['case.read'], Panel: DispatchPanel };
