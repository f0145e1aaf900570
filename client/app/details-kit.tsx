// Pieces every details panel uses: load one thing over tRPC, show a field list.
import { useEffect, useState, type ReactNode } from 'react';
import { errorText, t, type Lang, type StringKey } from './i18n.ts';

export type Loaded<T> = { status: 'loading' } | { status: 'ready'; data: T } | { status: 'error'; error: string };

export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ status: 'loading' });
  useEffect(() => {
    let live = true;
    setState({ status: 'loading' });
    load().then(
      (data) => live && setState({ status: 'ready', data }),
      (err: Error) => live && setState({ status: 'error', error: errorText(err) }),
    );
    return () => {
      live = false;
    };
  }, [key]);
  return state;
}

/** `useLoad` with a `reload` (after a change): the key gains a round number. */
export function useReloadable<T>(load: () => Promise<T>, key: string): [Loaded<T>, () => void] {
  const [round, setRound] = useState(0);
  return [useLoad(load, `${key}#${round}`), () => setRound((r) => r + 1)];
}

export type Field = [StringKey, ReactNode];

export function FieldList({ lang, fields }: { lang: Lang; fields: Field[] }) {
  return (
    <dl className="fields">
      {fields
        .filter(([, v]) => v !== null && v !== undefined && v !== '')
        .map(([k, v]) => (
          <div key={k} data-field={k}>
            <dt>{t(lang, k)}</dt>
            <dd>{v}</dd>
          </div>
        ))}
    </dl>
  );
}

export function LoadedView<T>({ lang, state, children }: { lang: Lang; state: Loaded<T>; children: (data: T) => ReactNode }) {
  if (state.status === 'loading') return <p className="muted">{t(lang, 'loading')}</p>;
  if (state.status === 'error') return <p className="error">{t(lang, 'failed')}{state.error}</p>;
  return <>{children(state.data)}</>;
}

export function formatTime(lang: Lang, iso: string | null | undefined): string | null {
  if (!iso) return null;
  return new Date(iso).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}

/** The usual panel: one record loaded over tRPC, a title, a field list, and what follows (an edit form); `reload` loads it again. */
export function RecordDetails<T>(p: { lang: Lang; load: () => Promise<T>; loadKey: string; title: (d: T) => ReactNode; fields: (d: T) => Field[]; after?: (d: T, reload: () => void) => ReactNode }) {
  const [state, reload] = useReloadable(p.load, p.loadKey);
  return (
    <LoadedView lang={p.lang} state={state}>
      {(d) => (
        <>
          <h2 data-testid="details-title">{p.title(d)}</h2>
          <FieldList lang={p.lang} fields={p.fields(d)} />
          {p.after?.(d, reload)}
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
 * comes. `onSave` gets the values as typed (ints parsed).
 */
export function EditForm({ lang, fields, initial, onSave, onSaved }: {
  lang: Lang;
  fields: EditField[];
  initial: Record<string, string | number | null>;
  onSave: (values: Record<string, string | number>) => Promise<unknown>;
  onSaved: () => void;
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
        {t(lang, 'edit')}
      </button>
    );
  }
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await onSave(Object.fromEntries(fields.map((f) => [f.key, f.kind === 'int' ? Number(values[f.key]) : values[f.key]])));
      setOpen(false);
      onSaved();
    } catch (err) {
      setError(errorText(err));
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
          {t(lang, f.label)}
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
      <button type="submit" disabled={busy}>{t(lang, 'save')}</button>{' '}
      <button type="button" className="link" onClick={() => setOpen(false)}>
        {t(lang, 'cancel')}
      </button>
    </form>
  );
}
