// Pieces every details panel uses: show one thing loaded over tRPC (a query), a field list, an edit form.
import { useState, type ReactNode } from 'react';
import { errorText, say, type Lang, type StringKey } from './i18n.ts';

/** What `LoadedView` needs of a query: a TanStack `useQuery` result is one. */
export type Loaded<T> = { status: 'pending'; error: unknown } | { status: 'error'; error: unknown } | { status: 'success'; data: T };

export type Field = [StringKey, ReactNode];

export function FieldList({ lang, fields }: { lang: Lang; fields: Field[] }) {
  return (
    <dl className="fields">
      {fields
        .filter(([, v]) => v !== null && v !== undefined && v !== '')
        .map(([k, v]) => (
          <div key={k} data-field={k}>
            <dt>{say(lang, k)}</dt>
            <dd>{v}</dd>
          </div>
        ))}
    </dl>
  );
}

export function LoadedView<T>({ lang, state, children }: { lang: Lang; state: Loaded<T>; children: (data: T) => ReactNode }) {
  if (state.status === 'pending') return <p className="muted">{say(lang, 'loading')}</p>;
  if (state.status === 'error') return <p className="error">{say(lang, 'failed')}{errorText(state.error, lang)}</p>;
  return <>{children(state.data)}</>;
}

export function formatTime(lang: Lang, iso: string | null | undefined): string | null {
  if (!iso) return null;
  return new Date(iso).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}

/** The usual panel: one record (`state`: its query), a title, a field list, and what follows (an edit form). */
export function RecordDetails<T>(p: { lang: Lang; state: Loaded<T>; title: (d: T) => ReactNode; fields: (d: T) => Field[]; after?: (d: T) => ReactNode }) {
  const { state } = p;
  return (
    <LoadedView lang={p.lang} state={state}>
      {(d) => (
        <>
          <h2 data-testid="details-title">{p.title(d)}</h2>
          <FieldList lang={p.lang} fields={p.fields(d)} />
          {p.after?.(d)}
        </>
      )}
    </LoadedView>
  );
}

/** One field of an edit form: a text, a whole number, or a choice among values. */
export interface EditField {
  key: string;
  label: StringKey;
  kind: 'text' | 'int' | 'select';
  options?: { value: string; label: string }[];
}

/**
 * The edit control of a details panel: an Edit button (shown only where the server said the
 * user may edit), then a form; the server's answer (a refusal, a stale version) is shown as it
 * comes. `onSave` gets the values as typed (ints parsed): a mutation, whose invalidations
 * (client/lib/invalidations.ts) load the record again.
 */
export function EditForm({ lang, fields, initial, onSave }: {
  lang: Lang;
  fields: EditField[];
  initial: Record<string, string | number | null>;
  onSave: (values: Record<string, string | number>) => Promise<unknown>;
}) {
  const [open, setOpen] = useState(false);
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!open) {
    return (
      <button
        className="edit-button"
        data-testid="edit"
        onClick={() => {
          setValues(Object.fromEntries(fields.map((f) => [f.key, String(initial[f.key] ?? '')])));
          setError(null);
          setOpen(true);
        }}
      >
        {say(lang, 'edit')}
      </button>
    );
  }
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await onSave(Object.fromEntries(fields.map((f) => [f.key, f.kind === 'int' ? Number(values[f.key]) : values[f.key]])));
      setOpen(false);
    } catch (err) {
      setError(errorText(err, lang));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="edit-form"
      data-testid="edit-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      {fields.map((f) => (
        <label key={f.key}>
          {say(lang, f.label)}
          {f.kind === 'select' ? (
            <select name={f.key} value={values[f.key]} onChange={(e) => setValues({ ...values, [f.key]: e.target.value })}>
              {f.options!.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          ) : (
            <input name={f.key} inputMode={f.kind === 'int' ? 'numeric' : undefined} value={values[f.key]} onChange={(e) => setValues({ ...values, [f.key]: e.target.value })} />
          )}
        </label>
      ))}
      {error && <p className="error" role="alert">{error}</p>}
      <button type="submit" disabled={busy}>{say(lang, 'save')}</button>{' '}
      <button type="button" className="link" onClick={() => setOpen(false)}>
        {say(lang, 'cancel')}
      </button>
    </form>
  );
}
