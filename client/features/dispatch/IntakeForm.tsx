// Registering a case (受理登记): channel, category by 大类/小类 with search, the place by a click
// on the map, a place-name search or typed coordinates in their system (WGS-84, GCJ-02, BD-09),
// address, description, urgency, the caller (stored apart, masked for most roles) and photos.
// While the place and category are set, the routing answer with its reason and the open cases of
// the same subclass nearby (a duplicate hint, each a link) follow (dispatch.intakePreview). One
// idempotency key per report: a double click or a retry never makes two cases. A refusal says
// what is wrong in the user's language and keeps what was typed. What is typed lives in a draft
// store above the form's error boundary (draft-store.ts): a render error shows its message and
// a button that brings the form back as it was. Typed coordinates are checked against the city's
// area as they are typed (longitude and latitude the other way round: one click swaps them), and
// each text shows its limit while typed (the same numbers as the server's, domain/request-limits.ts).
import { useEffect, useMemo, useRef, useState } from 'react';
import { coordsCheck } from '../../../domain/coords.ts';
import { CHANNELS, isPublicChannel, type Channel, type ReportField } from '../../../domain/vocabulary.ts';
import { messageOf } from '../../../domain/messages.ts';
import { TEXT_LIMITS, overLimits, type LimitedField } from '../../../domain/request-limits.ts';
import { ErrorBoundary } from '../../lib/ErrorBoundary.tsx';
import { useSession } from '../../lib/session.ts';
import { draftAfterSent, useDraft, type DraftPhoto } from './draft-store.ts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Marker, type Map as MlMap } from 'maplibre-gl';
import { trpc } from '../../lib/api.ts';
import { useMapInteraction } from '../../lib/map-interaction.ts';
import { errorText, say, type Lang } from '../../lib/i18n.ts';
import type { MapInteraction } from '../../map/MapView.tsx';
import { CategoryPicker, CrsSelect, uploadPhoto } from './CaseActions.tsx';
import { retryLater } from './outbox-rules.ts';
import { sayDispatch } from './dispatch-strings.ts';


export interface Draft {
  channel: Channel;
  categoryCode: string;
  lng: string;
  lat: string;
  crs: 'wgs84' | 'gcj02' | 'bd09';
  address: string;
  description: string;
  urgency: 'normal' | 'urgent';
  callerName: string;
  callerPhone: string;
  anonymous: boolean;
  photos: DraftPhoto[];
  /** This report's idempotency key: kept with the draft, so a retry after any failure is the same report. */
  key: string;
}

const empty = (channel: Channel): Draft => ({ channel, categoryCode: '', lng: '', lat: '', crs: 'wgs84', address: '', description: '', urgency: 'normal', callerName: '', callerPhone: '', anonymous: false, photos: [], key: crypto.randomUUID() });

/** What is missing before a draft can be sent (field keys of the strings); swapped coordinates count as a missing place. */
export function draftMissing(d: Draft): ReportField[] {
  const out: ReportField[] = [];
  if (!d.categoryCode) out.push('category');
  const c = coordsCheck(Number.parseFloat(d.lng), Number.parseFloat(d.lat));
  if (c === 'incomplete' || c === 'swapped') out.push('location');
  if (!d.description.trim()) out.push('description');
  return out;
}

/** A text's count against its limit, shown while typing (red beyond it). */
function Counter({ value, field, always }: { value: string; field: LimitedField; always?: boolean }) {
  const n = value.trim().length;
  const max = TEXT_LIMITS[field];
  if (!always && n < max * 0.8) return null;
  return <span className={`counter ${n > max ? 'over' : ''}`} data-testid={`count-${field}`} aria-live="polite">{n} / {max}</span>;
}

/** The register call's input of a draft. */
export function registerInputOf(d: Draft, idempotencyKey: string) {
  const publicChannel = isPublicChannel(d.channel);
  return {
    channel: d.channel,
    categoryCode: d.categoryCode,
    lng: Number.parseFloat(d.lng),
    lat: Number.parseFloat(d.lat),
    crs: d.crs,
    urgency: d.urgency,
    description: d.description.trim(),
    ...(d.address.trim() ? { address: d.address.trim() } : {}),
    ...(publicChannel && (d.callerName.trim() || d.callerPhone.trim() || d.anonymous)
      ? { reporter: { ...(d.callerName.trim() && !d.anonymous ? { name: d.callerName.trim() } : {}), ...(d.callerPhone.trim() ? { phone: d.callerPhone.replace(/[\s-]/g, '') } : {}), anonymous: d.anonymous } }
      : {}),
    ...(d.photos.some((p) => p.ref) ? { photos: d.photos.flatMap((p) => (p.ref ? [p.ref] : [])) } : {}),
    idempotencyKey,
  };
}

/** Takes the map's clicks while the form is open: a click places the case (WGS-84, the map's own system). */
function usePlacePicker(active: boolean, at: [number, number] | null, onPick: (lng: number, lat: number) => void) {
  const pick = useRef(onPick);
  pick.current = onPick;
  const marker = useRef<{ map: MlMap; m: Marker } | null>(null);
  const mode = useMemo<MapInteraction | null>(
    () =>
      active
        ? {
            id: 'intake-place',
            start: ({ map }) => {
              const canvas = map.getCanvas();
              canvas.style.cursor = 'crosshair';
              const onClick = (e: { lngLat: { lng: number; lat: number } }) => pick.current(e.lngLat.lng, e.lngLat.lat);
              map.on('click', onClick);
              marker.current = { map, m: new Marker({ color: '#ff3b30' }) };
              return () => {
                map.off('click', onClick);
                canvas.style.cursor = '';
                marker.current?.m.remove();
                marker.current = null;
              };
            },
          }
        : null,
    [active],
  );
  useMapInteraction(mode);
  useEffect(() => {
    const mk = marker.current;
    if (!mk) return;
    if (at) mk.m.setLngLat(at).addTo(mk.map);
    else mk.m.remove();
  }, [at, mode]);
}

export type RegisterInput = ReturnType<typeof registerInputOf>;

type Deliver = (input: RegisterInput, blobs: Blob[]) => Promise<{ id: number; code: string } | 'kept'>;
interface FormProps {
  lang: Lang;
  defaultChannel: Channel;
  onOpen(c: { id: number; lng: number; lat: number }): void;
  /** The phone's form (no map to click: the GPS button places it). */
  compact?: boolean;
  /** How a report is sent (the phone page keeps it in its outbox first and says 'kept' while it cannot be sent); by default it is registered at once. */
  deliver?: Deliver;
}

/**
 * The intake form: its draft (draft-store.ts) and what the last report came to live here, above
 * the error boundary around the fields, so that a render error never loses what was typed.
 */
export function IntakeForm(props: FormProps) {
  const { lang, defaultChannel, compact } = props;
  // one draft per person and form (a caller's number typed by one operator is not shown to the next one signing in on this tab)
  const who = useSession()?.actor?.name ?? 'anonymous';
  const [d, setD] = useDraft<Draft>(`${who}.${compact ? 'phone' : 'desk'}`, () => empty(defaultChannel));
  const [outcome, setOutcome] = useState<{ id: number; code: string; lng: number; lat: number } | 'kept' | null>(null);
  const qc = useQueryClient();
  return (
    <ErrorBoundary
      fallback={(message, reset) => (
        <div className="error" role="alert" data-testid="form-crashed">
          {sayDispatch(lang, 'formFailed')} {message}{' '}
          {/* the form again, with what it shows from the server asked anew (an answer it could not show may be what failed) */}
          <button type="button" data-testid="form-restore" onClick={() => void qc.resetQueries(trpc.dispatch.intakePreview.pathFilter()).then(reset, reset)}>{sayDispatch(lang, 'formRestore')}</button>
        </div>
      )}
    >
      <IntakeFields {...props} d={d} setD={setD} outcome={outcome} setOutcome={setOutcome} />
    </ErrorBoundary>
  );
}

function IntakeFields({ lang, onOpen, compact, deliver, d, setD, outcome, setOutcome }: FormProps & {
  d: Draft;
  setD: (next: Partial<Draft> | ((d: Draft) => Draft)) => void;
  outcome: { id: number; code: string; lng: number; lat: number } | 'kept' | null;
  setOutcome: (o: { id: number; code: string; lng: number; lat: number } | 'kept' | null) => void;
}) {
  const [gps, setGps] = useState<string | null>(null);
  const keyRef = useRef(d.key);
  keyRef.current = d.key;
  const [uploading, setUploading] = useState(0);
  // after a refused submit, what is still missing follows the typing (a fixed field stops being marked)
  const [checked, setChecked] = useState(false);
  const missing: ReportField[] = checked ? draftMissing(d) : [];
  const over = overLimits(d);
  const [photoError, setPhotoError] = useState<string | null>(null);
  const [place, setPlace] = useState('');
  const set = (patch: Partial<Draft>) => setD(patch);
  const lng = Number.parseFloat(d.lng);
  const lat = Number.parseFloat(d.lat);
  const where = coordsCheck(lng, lat);
  const located = where === 'ok';
  // the map speaks WGS-84: the marker shows a typed GCJ-02/BD-09 point where the server will put it (the preview's answer)
  const preview = useQuery(trpc.dispatch.intakePreview.queryOptions({ lng, lat, crs: d.crs, category: d.categoryCode }, { enabled: located && !!d.categoryCode, retry: false }));
  const at: [number, number] | null = located && preview.data ? [preview.data.lng, preview.data.lat] : located && d.crs === 'wgs84' ? [lng, lat] : null;
  usePlacePicker(!compact, at, (x, y) => set({ lng: x.toFixed(6), lat: y.toFixed(6), crs: 'wgs84' }));
  const places = useQuery(trpc.search.query.queryOptions({ q: place.trim() }, { enabled: place.trim().length >= 2 }));
  const registerCall = useMutation(trpc.dispatch.register.mutationOptions());
  const register = useMutation({
    // 'always': the phone's deliver keeps the report in its outbox when offline (the default 'online' would pause it, silently, and a closed tab would lose it)
    networkMode: 'always',
    mutationFn: async (input: RegisterInput) => {
      const blobs = d.photos.flatMap((p) => (!p.ref && p.blob ? [p.blob] : []));
      if (deliver) return deliver(input, blobs);
      // at the desk: photos that could not be uploaded when taken go up now
      const refs = [];
      for (const b of blobs) refs.push((await uploadPhoto(b)).ref);
      const photos = [...(input.photos ?? []), ...refs];
      return registerCall.mutateAsync({ ...input, ...(photos.length ? { photos } : {}) });
    },
    onSuccess: (r) => {
      setOutcome(r === 'kept' ? 'kept' : { ...r, lng, lat });
      // (the fields are read-only while it is sent; a map click or a GPS fix that came meanwhile is not lost either)
      const was = sentDraft.current;
      setD((cur) => (was ? draftAfterSent(cur, was, () => empty(was.channel)) : empty(cur.channel)));
      setChecked(false);
    },
  });
  const sentDraft = useRef<Draft | null>(null);
  const publicChannel = isPublicChannel(d.channel);
  const doneCase = outcome && outcome !== 'kept' ? outcome : null;
  // what became of the report is said at the top of the form: brought into view (on a phone the button is a screen below)
  const said = useRef<HTMLParagraphElement>(null);
  useEffect(() => said.current?.scrollIntoView({ block: 'nearest' }), [outcome]);
  return (
    <form
      className="intake-form"
      data-testid="intake-form"
      onSubmit={(e) => {
        e.preventDefault();
        setChecked(true);
        if (!draftMissing(d).length && !overLimits(d).length) {
          sentDraft.current = d;
          register.mutate(registerInputOf(d, d.key));
        }
      }}
    >
      {outcome === 'kept' && <p ref={said} className="ok" role="status" data-testid="kept-offline">{sayDispatch(lang, 'offlineKept')}</p>}
      {doneCase && (
        <p ref={said} className="ok" role="status" data-testid="registered">
          {sayDispatch(lang, 'registered')}{' '}
          <button type="button" className="link" data-code={doneCase.code} onClick={() => onOpen(doneCase)}>{doneCase.code}</button>
        </p>
      )}
      {/* read-only while the report is being sent (up to SEND_TIMEOUT_MS): what is typed then would be lost when the form empties */}
      <fieldset className="intake-fields" disabled={register.isPending} data-testid="intake-fields" style={{ display: 'contents' }}>
        <label className={`field ${missing.includes('category') ? 'invalid' : ''}`}>
          <span>{say(lang, 'field_category')} *</span>
          <CategoryPicker lang={lang} value={d.categoryCode} onChange={(categoryCode) => set({ categoryCode })} />
        </label>
        <div className={`field ${missing.includes('location') || where === 'swapped' ? 'invalid' : ''}`} data-field="location">
          <span>{say(lang, 'field_location')} *</span>
          {!compact && <span className="muted hint">{sayDispatch(lang, 'pickOnMap')}</span>}
          {compact && (
            <button
              type="button"
              name="gps"
              onClick={() => {
                setGps(sayDispatch(lang, 'gps'));
                navigator.geolocation?.getCurrentPosition(
                  (p) => { set({ lng: p.coords.longitude.toFixed(6), lat: p.coords.latitude.toFixed(6), crs: 'wgs84' }); setGps(null); },
                  (err) => setGps(err.message),
                  { enableHighAccuracy: true, timeout: 15_000 },
                );
              }}
            >
              {sayDispatch(lang, 'useGps')}
            </button>
          )}
          {gps && <span className="muted"> {gps}</span>}
          <span className="coords">
            <input name="lng" inputMode="decimal" placeholder="117.65" value={d.lng} onChange={(e) => set({ lng: e.target.value })} aria-label={say(lang, 'field_lng')} />
            <input name="lat" inputMode="decimal" placeholder="24.51" value={d.lat} onChange={(e) => set({ lat: e.target.value })} aria-label={say(lang, 'field_lat')} />
            <CrsSelect lang={lang} name="crs" value={d.crs} onChange={(v) => set({ crs: v as Draft['crs'] })} />
          </span>
          {where === 'swapped' && (
            <p className="error" role="alert" data-testid="coords-swapped">
              {sayDispatch(lang, 'coordsSwapped')}{' '}
              <button type="button" data-testid="swap-coords" onClick={() => set({ lng: d.lat, lat: d.lng })}>{sayDispatch(lang, 'swapCoords')}</button>
            </p>
          )}
          {where === 'outside' && <p className="error" role="alert" data-testid="coords-outside">{sayDispatch(lang, 'outsideCity')}</p>}
          <input type="search" name="place" placeholder={sayDispatch(lang, 'placeSearch')} value={place} onChange={(e) => setPlace(e.target.value)} />
          {place.trim().length >= 2 && places.data && (
            <ul className="search-results">
              {places.data.slice(0, 6).map((h) => (
                <li key={`${h.kind}:${h.id}`}>
                  <button type="button" onClick={() => { set({ lng: ((h.bbox[0] + h.bbox[2]) / 2).toFixed(6), lat: ((h.bbox[1] + h.bbox[3]) / 2).toFixed(6), crs: 'wgs84', address: d.address || h.label }); setPlace(''); }}>
                    {lang === "en" ? h.labelEn ?? h.label : h.label} <span className="muted">{say(lang, `kind_${h.kind}`, h.kind)}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
        {located && preview.data && (
          <div className="preview" data-testid="route-preview">
            <b>{sayDispatch(lang, 'routing')}</b>{' '}
            {[lang === 'en' ? null : preview.data.districtName, preview.data.townshipName, preview.data.villageName, preview.data.gridCode].filter(Boolean).join(' › ')}
            <div data-testid="route-unit">
              {preview.data.unit ? `${sayDispatch(lang, 'routeUnit')}: ${lang === 'en' ? preview.data.unit.nameEn : preview.data.unit.name} — ${lang === 'en' ? preview.data.reasonEn : preview.data.reason}` : sayDispatch(lang, 'routeNone')}
            </div>
            <div className="nearby" data-testid="nearby">
              {preview.data.nearby.cases.length ? (
                <>
                  <b>{sayDispatch(lang, 'nearby')}</b> ({preview.data.nearby.radiusMeters} m)
                  <ul>
                    {preview.data.nearby.cases.map((c) => (
                      <li key={c.id}>
                        <button type="button" className="link" onClick={() => onOpen({ id: c.id, lng, lat })}>{c.code}</button> {say(lang, `status_${c.status}`, c.status)} · {c.distanceMeters} m · {c.address}
                      </li>
                    ))}
                  </ul>
                </>
              ) : (
                <span className="muted">{sayDispatch(lang, 'nearbyNone')}</span>
              )}
            </div>
          </div>
        )}
        {located && preview.error && <p className="error" role="alert">{errorText(preview.error, lang)}</p>}
        <label className="field">
          <span>{say(lang, 'field_channel')}</span>
          <select name="channel" value={d.channel} onChange={(e) => set({ channel: e.target.value as Channel })}>
            {CHANNELS.map((c) => <option key={c} value={c}>{say(lang, `channel_${c}`)}</option>)}
          </select>
        </label>
        <label className={`field ${over.some((o) => o.field === 'address') ? 'invalid' : ''}`}>
          <span>{say(lang, 'field_address')} <Counter value={d.address} field="address" /></span>
          <input name="address" value={d.address} onChange={(e) => set({ address: e.target.value })} />
        </label>
        <label className={`field ${missing.includes('description') || over.some((o) => o.field === 'description') ? 'invalid' : ''}`}>
          <span>{say(lang, 'field_description')} * <Counter value={d.description} field="description" always /></span>
          <textarea name="description" rows={3} value={d.description} onChange={(e) => set({ description: e.target.value })} />
        </label>
        <label className="field">
          <span>{say(lang, 'field_urgency')}</span>
          <select name="urgency" value={d.urgency} onChange={(e) => set({ urgency: e.target.value as Draft['urgency'] })}>
            <option value="normal">{sayDispatch(lang, 'urgency_normal')}</option>
            <option value="urgent">{sayDispatch(lang, 'urgency_urgent')}</option>
          </select>
        </label>
        {publicChannel && (
          <fieldset className="caller">
            <legend>{sayDispatch(lang, 'caller')}</legend>
            <input name="callerName" placeholder={sayDispatch(lang, 'callerName')} value={d.callerName} disabled={d.anonymous} onChange={(e) => set({ callerName: e.target.value })} />
            <Counter value={d.callerName} field="callerName" />
            <input name="callerPhone" type="tel" placeholder={sayDispatch(lang, 'callerPhone')} value={d.callerPhone} onChange={(e) => set({ callerPhone: e.target.value })} />
            <label><input type="checkbox" name="anonymous" checked={d.anonymous} onChange={(e) => set({ anonymous: e.target.checked })} /> {sayDispatch(lang, 'anonymous')}</label>
          </fieldset>
        )}
        <label className="field">
          <span>{sayDispatch(lang, 'photo')}</span>
          <input
            type="file"
            name="photo"
            accept="image/jpeg,image/png,image/webp"
            capture="environment"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (!file) return;
              setPhotoError(null);
              // added to the draft of this report only (a report sent meanwhile has a new key: the photo is not its)
              const forKey = d.key;
              const add = (p: DraftPhoto) => keyRef.current === forKey && setD((x) => ({ ...x, photos: [...x.photos, p].slice(0, 6) }));
              setUploading((n) => n + 1);
              uploadPhoto(file)
                .then(add, (err) => {
                  // no network (or no answer): the picture itself is kept with the report and sent with it
                  if (retryLater(err)) add({ blob: file, thumbUrl: URL.createObjectURL(file) });
                  else setPhotoError(errorText(err, lang));
                })
                .finally(() => setUploading((n) => n - 1));
            }}
          />
          {d.photos.map((p) => <img key={p.ref ?? p.thumbUrl} className="thumb" src={p.thumbUrl} alt={sayDispatch(lang, 'photo')} data-testid="intake-photo" data-kept={p.ref ? undefined : 'yes'} />)}
          {photoError && <span className="error" role="alert" data-testid="photo-error">{photoError}</span>}
        </label>
      </fieldset>
      {missing.length > 0 && <p className="error" role="alert" data-testid="form-missing">{sayDispatch(lang, 'needed')}{missing.map((k) => say(lang, `field_${k}`)).join('、')}</p>}
      {over.length > 0 && (
        <p className="error" role="alert" data-testid="form-too-long">
          {over.map((o) => `${messageOf('input.textTooLong', { field: o.field, max: o.max }, lang)}${lang === 'zh' ? `（已输入 ${o.length}）` : ` (${o.length} typed)`}`).join(lang === 'zh' ? '；' : '; ')}
        </p>
      )}
      {register.error && <p className="error" role="alert" data-testid="form-error">{errorText(register.error, lang)}</p>}
      <button type="submit" className="primary" data-testid="register" disabled={register.isPending || uploading > 0}>{sayDispatch(lang, 'register')}</button>
    </form>
  );
}
