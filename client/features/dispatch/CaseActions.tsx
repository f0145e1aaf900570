// The workflow's controls on a case: every action of the table (domain/transitions.ts) that the
// case allows now and the user holds the right of, as a button; each opens a form made from the
// action's fields (required and optional), one widget per field kind (FIELD_WIDGETS). A refused
// move says why in the user's language and keeps what was typed. tests/unit/case-actions.test.ts
// lists the transitions without a control.
import { useState, type ReactNode } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { api, trpc, authHeaders, type RouterOutputs } from '../../lib/api.ts';
import { may, useSession } from '../../lib/session.ts';
import { errorText, say, type Lang } from '../../lib/i18n.ts';
import { FIELD_KINDS, RETURN_REASONS, SATISFACTIONS, possibleActions, transitionOf, type FieldName, type Transition } from '../../../domain/transitions.ts';
import { INPUT_CRS } from '../../../domain/coords.ts';
import { sayAction } from '../../lib/workflow-strings.ts';

type Values = Partial<Record<FieldName, string | number | boolean>>;
type Kind = (typeof FIELD_KINDS)[FieldName];
interface WidgetProps {
  lang: Lang;
  /** The case the form moves. */
  caseId: number;
  field: FieldName;
  values: Values;
  set(patch: Values): void;
}

/** The widget of each field kind: a field with no widget would be an action nobody can take in the console. */
export const FIELD_WIDGETS: Record<Kind, (p: WidgetProps) => ReactNode> = {
  text: ({ field, values, set }) => <textarea name={field} rows={2} maxLength={500} value={String(values[field] ?? '')} onChange={(e) => set({ [field]: e.target.value })} />,
  ref: (p) => <PhotoInput {...p} />,
  id: (p) => (p.field === 'assigneeId' ? <PersonSelect {...p} /> : <DepartmentSelect {...p} />),
  returnReason: ({ lang, field, values, set }) => (
    <select name={field} value={String(values[field] ?? '')} onChange={(e) => set({ [field]: e.target.value || undefined })}>
      <option value="">{sayAction(lang, 'choose')}</option>
      {RETURN_REASONS.map((r) => <option key={r} value={r}>{sayAction(lang, `rr_${r}`, r)}</option>)}
    </select>
  ),
  boolean: ({ lang, field, values, set }) => (
    <span className="choice">
      <label><input type="radio" name={field} checked={values[field] === true} onChange={() => set({ [field]: true })} /> {sayAction(lang, 'passedYes')}</label>
      <label><input type="radio" name={field} checked={values[field] === false} onChange={() => set({ [field]: false })} /> {sayAction(lang, 'passedNo')}</label>
    </span>
  ),
  amount: ({ field, values, set }) => <input name={field} type="number" min={0.5} max={720} step={0.5} value={String(values[field] ?? '')} onChange={(e) => set({ [field]: e.target.value ? Number(e.target.value) : undefined })} />,
  limitUnit: ({ lang, field, values, set }) => (
    <select name={field} value={String(values[field] ?? '')} onChange={(e) => set({ [field]: e.target.value || undefined })}>
      <option value="">{sayAction(lang, 'choose')}</option>
      {(['working_hour', 'working_day', 'hour'] as const).map((u) => <option key={u} value={u}>{sayAction(lang, `unit_${u}`, u)}</option>)}
    </select>
  ),
  satisfaction: ({ lang, field, values, set }) => (
    <select name={field} value={String(values[field] ?? '')} onChange={(e) => set({ [field]: e.target.value || undefined })}>
      <option value="">{sayAction(lang, 'choose')}</option>
      {SATISFACTIONS.map((x) => <option key={x} value={x}>{sayAction(lang, `sat_${x}`, x)}</option>)}
    </select>
  ),
  category: (p) => <CategoryPicker lang={p.lang} value={String(p.values[p.field] ?? '')} onChange={(code) => p.set({ [p.field]: code || undefined })} />,
  lng: (p) => (p.field === 'standLng' ? <PositionInput {...p} /> : <input name={p.field} type="number" step="any" value={String(p.values[p.field] ?? '')} onChange={(e) => p.set({ [p.field]: e.target.value ? Number(e.target.value) : undefined })} />),
  lat: (p) => (p.field === 'standLat' ? null : <input name={p.field} type="number" step="any" value={String(p.values[p.field] ?? '')} onChange={(e) => p.set({ [p.field]: e.target.value ? Number(e.target.value) : undefined })} />),
  crs: (p) => (p.field === 'standCrs' ? null : <CrsSelect lang={p.lang} name={p.field} value={String(p.values[p.field] ?? 'wgs84')} onChange={(v) => p.set({ [p.field]: v })} />),
};

/** Fields drawn by another field's widget (the visit position is one control for three fields). */
const DRAWN_WITH: Partial<Record<FieldName, FieldName>> = { standLat: 'standLng', standCrs: 'standLng' };

export function CrsSelect({ lang, name, value, onChange }: { lang: Lang; name: string; value: string; onChange(v: string): void }) {
  return (
    <select name={name} value={value} onChange={(e) => onChange(e.target.value)}>
      {INPUT_CRS.map((c) => <option key={c} value={c}>{sayAction(lang, `crs_${c}`, c)}</option>)}
    </select>
  );
}

type Category = RouterOutputs['dispatch']['categories'][number];

/** 大类/小类 with a search over names and codes. */
export function CategoryPicker({ lang, value, onChange }: { lang: Lang; value: string; onChange(code: string): void }) {
  const q = useQuery({ ...trpc.dispatch.categories.queryOptions(), staleTime: Infinity });
  const [search, setSearch] = useState('');
  const all: Category[] = q.data ?? [];
  const needle = search.trim().toLowerCase();
  const shown = needle ? all.filter((c) => c.code.toLowerCase().includes(needle) || c.name.includes(search.trim()) || c.nameEn.toLowerCase().includes(needle) || c.majorName.includes(search.trim())) : all;
  const majors = [...new Map(shown.map((c) => [`${c.kind}-${c.majorCode}`, c])).values()];
  return (
    <span className="category-picker">
      <input type="search" name="categorySearch" placeholder={sayAction(lang, 'searchCategory')} value={search} onChange={(e) => setSearch(e.target.value)} />
      <select name="categoryCode" value={value} onChange={(e) => onChange(e.target.value)} size={needle ? Math.min(8, shown.length + 1) : undefined}>
        <option value="">{sayAction(lang, 'choose')}</option>
        {majors.map((m) => (
          <optgroup key={`${m.kind}-${m.majorCode}`} label={`${m.kind === 'component' ? '部件' : '事件'} ${m.majorCode} ${m.majorName}`}>
            {shown.filter((c) => c.kind === m.kind && c.majorCode === m.majorCode).map((c) => (
              <option key={c.code} value={c.code}>{c.code} {lang === 'en' ? c.nameEn : c.name}</option>
            ))}
          </optgroup>
        ))}
      </select>
    </span>
  );
}

function DepartmentSelect({ lang, field, values, set }: WidgetProps) {
  const q = useQuery({ ...trpc.dispatch.departments.queryOptions(), staleTime: Infinity });
  return (
    <select name={field} value={String(values[field] ?? '')} onChange={(e) => set({ [field]: e.target.value ? Number(e.target.value) : undefined })}>
      <option value="">{sayAction(lang, 'choose')}</option>
      {(q.data ?? []).map((d) => <option key={d.id} value={d.id}>{lang === 'en' ? d.nameEn : d.name}</option>)}
    </select>
  );
}

/** The people a site visit may go to (dispatch.visitStaff): the case's grid's people first, each with their open visits. */
function PersonSelect({ lang, caseId, field, values, set }: WidgetProps) {
  const q = useQuery(trpc.dispatch.visitStaff.queryOptions({ id: caseId }));
  return (
    <select name={field} value={String(values[field] ?? '')} onChange={(e) => set({ [field]: e.target.value ? Number(e.target.value) : undefined })}>
      <option value="">{sayAction(lang, 'choose')}</option>
      {(q.data ?? []).map((u) => (
        <option key={u.id} value={u.id}>
          {u.displayName}{u.onGrid ? ` · ${sayAction(lang, 'onGrid')}` : ''} · {u.openVisits}
        </option>
      ))}
    </select>
  );
}

/** Uploads an image through the photo route (its own size limit, checked and re-encoded on the server); resolves to its reference. */
export async function uploadPhoto(file: Blob, signal?: AbortSignal): Promise<{ ref: string; thumbUrl: string }> {
  const res = await fetch('/api/photos', { method: 'POST', body: file, signal, headers: { 'content-type': file.type || 'application/octet-stream', ...authHeaders() } });
  const body = (await res.json().catch(() => ({}))) as { ref?: string; thumbUrl?: string; error?: unknown; reason?: string; params?: Record<string, string> };
  if (!res.ok || !body.ref) {
    const refusal = (typeof body.error === 'object' && body.error) || body;
    throw Object.assign(new Error(`${res.status}`), refusal, { data: { httpStatus: res.status, ...refusal } });
  }
  return { ref: body.ref, thumbUrl: body.thumbUrl ?? `/api/photos/${body.ref.slice(6)}/thumb` };
}

function PhotoInput({ lang, field, values, set }: WidgetProps) {
  const [state, setState] = useState<{ busy: boolean; error: string | null; thumb: string | null }>({ busy: false, error: null, thumb: null });
  return (
    <span className="photo-input">
      <input
        type="file"
        name={field}
        accept="image/jpeg,image/png,image/webp"
        capture="environment"
        aria-label={sayAction(lang, 'takePhoto')}
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (!file) return;
          setState({ busy: true, error: null, thumb: null });
          uploadPhoto(file).then(
            (p) => {
              set({ [field]: p.ref });
              setState({ busy: false, error: null, thumb: p.thumbUrl });
            },
            (err) => {
              set({ [field]: undefined });
              setState({ busy: false, error: errorText(err, lang), thumb: null });
            },
          );
        }}
      />
      {state.busy && <span className="muted">{sayAction(lang, 'uploading')}</span>}
      {state.thumb && values[field] && <img className="thumb" src={state.thumb} alt={sayAction(lang, 'photoReady')} data-testid="photo-ready" />}
      {state.error && <span className="error" role="alert" data-testid="photo-error">{state.error}</span>}
    </span>
  );
}

/** Where the person stands (GPS, WGS-84): the browser's position, for a site visit. */
function PositionInput({ lang, values, set }: WidgetProps) {
  const [state, setState] = useState<'idle' | 'busy' | 'ok' | string>('idle');
  return (
    <span className="position-input">
      <button
        type="button"
        name="locate"
        onClick={() => {
          if (!navigator.geolocation) return setState(`${sayAction(lang, 'noGps')}—`);
          setState('busy');
          navigator.geolocation.getCurrentPosition(
            (p) => {
              set({ standLng: Math.round(p.coords.longitude * 1e6) / 1e6, standLat: Math.round(p.coords.latitude * 1e6) / 1e6, standCrs: 'wgs84' });
              setState('ok');
            },
            (err) => setState(`${sayAction(lang, 'noGps')}${err.message}`),
            { enableHighAccuracy: true, timeout: 15_000 },
          );
        }}
      >
        {sayAction(lang, 'locate')}
      </button>
      {state === 'busy' && <span className="muted"> {sayAction(lang, 'locating')}</span>}
      {values.standLng !== undefined && <span className="muted" data-testid="stood"> {sayAction(lang, 'located')} {Number(values.standLng).toFixed(5)}, {Number(values.standLat).toFixed(5)}</span>}
      {state !== 'idle' && state !== 'busy' && state !== 'ok' && <span className="error"> {state}</span>}
    </span>
  );
}

/** The facts the table's guards read, from a case as cases.byId answers. */
export type CaseFacts = Pick<RouterOutputs['cases']['byId'], 'id' | 'status' | 'version' | 'pending' | 'checkPassed' | 'source' | 'repliedAt' | 'satisfaction'>;

/** The actions this person may take on the case now, in the table's order. */
export function actionsFor(c: CaseFacts, allowed: (permission: string) => boolean): Transition[] {
  return possibleActions({ status: c.status, pending: (c.pending as 'extension' | 'park' | null) ?? null, checkPassed: c.checkPassed, fromPublic: c.source === 'public' })
    .filter((x) => allowed(x.permission))
    .filter((x) => !(x.action === 'reply' && c.repliedAt) && !(x.action === 'callback' && c.satisfaction));
}

/** The action bar of a case: a button per action, the open action's form below. */
export function CaseActions({ lang, c }: { lang: Lang; c: CaseFacts }) {
  const me = useSession();
  const [open, setOpen] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const actions = actionsFor(c, (p) => may(me, p));
  return (
    <section className="case-actions" data-testid="case-actions">
      <h3>{sayAction(lang, 'actions')}</h3>
      {!actions.length && <p className="muted">{sayAction(lang, 'noActions')}</p>}
      <div className="action-buttons">
        {actions.map((x) => (
          <button key={x.action} data-action={x.action} className={open === x.action ? 'on' : ''} onClick={() => setOpen(open === x.action ? null : x.action)}>
            {x[lang]}
          </button>
        ))}
      </div>
      {done && <p className="ok" role="status" data-testid="action-done">{sayAction(lang, 'done')}{done}</p>}
      {open && actions.some((x) => x.action === open) && (
        <ActionForm key={open} lang={lang} action={open} caseId={c.id} version={c.version} onDone={(x) => { setOpen(null); setDone(x[lang]); }} onCancel={() => setOpen(null)} />
      )}
    </section>
  );
}

const filled = (v: unknown) => v !== undefined && v !== null && !(typeof v === 'string' && !v.trim());

/** One action's form: its fields, a client-side check of the required ones, the server's answer in the user's language. */
export function ActionForm({ lang, action, caseId, version, onDone, onCancel, initial }: { lang: Lang; action: string; caseId: number; version?: number; onDone(x: Transition): void; onCancel?(): void; initial?: Values }) {
  const x = transitionOf(action)!;
  const [values, setValues] = useState<Values>(initial ?? {});
  // the version the person saw when they opened the form: a move by someone else meanwhile is a conflict, not overwritten
  const [seen] = useState(version);
  const [checked, setChecked] = useState(false);
  const missing: FieldName[] = checked ? x.required.filter((f) => !filled(values[f])) : [];
  const move = useMutation({
    mutationKey: [['dispatch', action]],
    mutationFn: (input: Record<string, unknown>) => (api.dispatch as unknown as Record<string, { mutate(i: unknown): Promise<unknown> }>)[action].mutate(input),
    onSuccess: () => onDone(x),
  });
  const fields = [...x.required, ...x.optional].filter((f) => !DRAWN_WITH[f]);
  return (
    <form
      className="action-form"
      data-testid="action-form"
      data-form-action={action}
      onSubmit={(e) => {
        e.preventDefault();
        setChecked(true);
        if (x.required.some((f) => !filled(values[f]))) return;
        const input: Record<string, unknown> = { id: caseId, ...(seen !== undefined ? { version: seen } : {}) };
        for (const [k, v] of Object.entries(values)) if (filled(v)) input[k] = typeof v === 'string' ? v.trim() : v;
        move.mutate(input);
      }}
    >
      <h4>{x[lang]}</h4>
      {fields.map((f) => (
        <label key={f} className={`field ${missing.includes(f) ? 'invalid' : ''}`} data-field={f}>
          <span>{say(lang, `field_${f}`)}{x.required.includes(f) ? ' *' : ''}</span>
          {FIELD_WIDGETS[FIELD_KINDS[f]]({ lang, caseId, field: f, values, set: (patch) => setValues((v) => ({ ...v, ...patch })) })}
        </label>
      ))}
      {missing.length > 0 && <p className="error" role="alert" data-testid="form-missing">{sayAction(lang, 'missing')}{missing.map((f) => say(lang, `field_${f}`)).join('、')}</p>}
      {move.error && <p className="error" role="alert" data-testid="form-error">{errorText(move.error, lang)}</p>}
      <div className="form-buttons">
        <button type="submit" disabled={move.isPending}>{sayAction(lang, 'submit')}</button>
        {onCancel && <button type="button" onClick={onCancel}>{sayAction(lang, 'cancel')}</button>}
      </div>
    </form>
  );
}

/** The action bar of the case open in the details panel (its data: the panel's own cases.byId query, shared from the cache). */
export function CaseWork({ lang, id }: { lang: Lang; id: number }) {
  const q = useQuery(trpc.cases.byId.queryOptions({ id }));
  // a wall screen's answer has no reporter field: it never acts
  if (!q.data || !('reporter' in q.data)) return null;
  return <CaseActions lang={lang} c={q.data} />;
}
