// One case: code, category, source, state, unit, deadlines, where it is, its photos and its timeline
// (who did what and when, the routing reason, hand-offs, site-visit distances). The workflow's
// controls are composed below it by the app (client/app/details-extras.ts).
import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { trpc, type RouterOutputs } from '../../lib/api.ts';
import { may, useSession } from '../../lib/session.ts';
import { FieldList, LoadedView, formatTime } from '../../lib/details-kit.tsx';
import { errorText, say, type Lang } from '../../lib/i18n.ts';
import { LIGHT_COLOURS } from './case-colours.ts';
import { LIGHTS, type Light } from '../../../domain/case-light.ts';
import { stateGroupOf } from '../../../domain/workflow.ts';
import { sourceLabel } from './CaseControls.tsx';
import { sayAction } from '../../lib/workflow-strings.ts';

export function CaseDetails({ id, lang, onFly }: { id: number; lang: Lang; onFly(lng: number, lat: number, zoom: number): void }) {
  const state = useQuery(trpc.cases.byId.queryOptions({ id }));
  return (
    <LoadedView lang={lang} state={state}>
      {(c) => {
        const loc = c.location;
        const light: Light = (LIGHTS as readonly string[]).includes(c.light) ? (c.light as Light) : 'none';
        const where = [lang === 'en' ? loc.district?.nameEn : loc.district?.name, loc.township?.name, loc.village?.name].filter(Boolean).join(' › ');
        return (
          <>
            <h2 data-testid="details-title">
              {say(lang, 'kind_case')} <span data-testid="case-code">{c.code}</span>
            </h2>
            <FieldList
              lang={lang}
              fields={[
                ['f_category', lang === 'en' ? c.categoryNameEn : c.categoryName],
                ['f_source', `${sourceLabel(lang, c.source)} (${say(lang, `channel_${c.channel}`, c.channel)})`],
                ['f_state', [...new Set([say(lang, `state_${stateGroupOf(c.status)}`, c.status), say(lang, `status_${c.status}`, c.status)])].join(' · ')],
                ['f_light', <span key="l"><i className="swatch round" style={{ background: `rgb(${LIGHT_COLOURS[light].slice(0, 3).join(',')})` }} /> {say(lang, `light_${light}`)}</span>],
                ['f_unit', c.department ? (lang === 'en' ? c.department.nameEn : c.department.name) : null],
                ['f_reported', formatTime(lang, c.reportedAt)],
                ['f_handleDue', formatTime(lang, c.handleDueAt)],
                ['f_closeDue', formatTime(lang, c.closeDueAt)],
                ['f_closed', formatTime(lang, c.closedAt)],
                ['f_stageDue', c.closedAt ? null : formatTime(lang, c.stageDueAt)],
                ['f_description', c.description],
                ['f_address', c.address],
                ['f_location', where],
                ['f_grid', loc.gridCode],
                ['f_community', loc.community?.name],
              ]}
            />
            {'reporter' in c && c.reporter && <ReporterView lang={lang} caseId={c.id} reporter={c.reporter} />}
            <button className="link" onClick={() => onFly(c.lng, c.lat, 17)}>
              {say(lang, 'flyHere')}
            </button>
            {c.routeReason && <p className="route-reason" data-testid="route-reason"><b>{sayAction(lang, 'routeReason')}</b> {c.suggestedDepartment ? `${sayAction(lang, 'suggested')} ${lang === 'en' ? c.suggestedDepartment.nameEn : c.suggestedDepartment.name} · ` : ''}{lang === 'en' ? c.routeReasonEn ?? c.routeReason : c.routeReason}</p>}
            {c.pending && <p className="pending" data-testid="pending"><b>{sayAction(lang, 'pendingRequest')}</b> {sayAction(lang, `pending_${c.pending}`, c.pending)}{c.pendingDetail?.amount ? ` · ${c.pendingDetail.amount} ${sayAction(lang, `unit_${c.pendingDetail.unit}`, c.pendingDetail.unit ?? '')}` : ''}{c.pendingDetail?.reason ? ` · ${c.pendingDetail.reason}` : ''}</p>}
            {c.assignee && <p className="muted">{sayAction(lang, 'assignee')}: {c.assignee.displayName}</p>}
            {c.photos.length > 0 && (
              <div className="photos" data-testid="case-photos">
                {c.photos.map((p) => <a key={p.id} href={`/api/photos/${p.id}`} target="_blank" rel="noreferrer"><img className="thumb" src={`/api/photos/${p.id}/thumb`} alt={sayAction(lang, 'photos')} /></a>)}
              </div>
            )}
            <h3>{sayAction(lang, 'timeline')}</h3>
            <ol className="history" data-testid="timeline">
              {c.events.map((e) => (
                <li key={e.seq} data-event={e.type}>
                  <span className="muted">{formatTime(lang, e.at)}</span> <b>{say(lang, `event_${e.type}`, e.type)}</b> → {say(lang, `status_${e.toStatus}`, e.toStatus)}{' '}
                  <span className="muted">({[e.actorName, say(lang, `role_${e.actorRole}`, e.actorRole)].filter(Boolean).join(' · ')})</span>
                  {e.detail.departmentName && <div>{sayAction(lang, 'to')} {e.detail.departmentName}{e.detail.suggestedDepartmentName && e.detail.suggestedDepartmentName !== e.detail.departmentName ? ` (${sayAction(lang, 'suggested')} ${e.detail.suggestedDepartmentName})` : ''}</div>}
                  {e.detail.reasonCode && <div>{sayAction(lang, `rr_${e.detail.reasonCode}`, e.detail.reasonCode)}{e.detail.suggestedDepartmentName ? ` → ${e.detail.suggestedDepartmentName}` : ''}</div>}
                  {e.detail.assignee && <div className="muted">{sayAction(lang, 'assignee')}: {e.detail.assignee}</div>}
                  {e.detail.distanceMeters !== undefined && (
                    <div className={e.detail.far ? 'error' : 'muted'} data-testid={e.detail.far ? 'far-visit' : 'visit-distance'}>
                      {sayAction(lang, 'distance')} {e.detail.distanceMeters} m{e.detail.far ? ` · ${sayAction(lang, 'farVisit')} (≥ ${e.detail.farMeters} m)` : ''}
                    </div>
                  )}
                  {e.detail.satisfaction && <div>{sayAction(lang, `sat_${e.detail.satisfaction}`, e.detail.satisfaction)}</div>}
                  {e.reason && <div className="muted">{e.reason}</div>}
                </li>
              ))}
            </ol>
          </>
        );
      }}
    </LoadedView>
  );
}

// a wall screen's answer has no reporter field at all
type Reporter = NonNullable<Extract<RouterOutputs['cases']['byId'], { reporter: unknown }>['reporter']>;

/** The reporter, masked; roles with case.reporter.reveal may reveal it (an audited action on the server). */
function ReporterView({ lang, caseId, reporter }: { lang: Lang; caseId: number; reporter: Reporter }) {
  const me = useSession();
  const [shown, setShown] = useState<Reporter>(reporter);
  const reveal = useMutation(trpc.cases.revealReporter.mutationOptions({ onSuccess: (r) => r.reporter && setShown(r.reporter) }));
  return (
    <section className="reporter" data-testid="reporter">
      <h3>{say(lang, 'reporter')}</h3>
      <FieldList
        lang={lang}
        fields={[
          ['reporter', shown.anonymous ? say(lang, 'reporterAnonymous') : shown.name],
          ['reporterPhone', <span key="p" data-testid="reporter-phone">{shown.phone}</span>],
        ]}
      />
      {shown.masked && may(me, 'case.reporter.reveal') && (
        <button className="link" data-testid="reveal" onClick={() => reveal.mutate({ id: caseId })}>
          {say(lang, 'reveal')}
        </button>
      )}
      {reveal.error && <p className="error">{errorText(reveal.error, lang)}</p>}
    </section>
  );
}
