// Pieces every details panel uses: load one thing over tRPC, show a field list.
import { useEffect, useState, type ReactNode } from 'react';
import { t, type Lang, type StringKey } from './i18n.ts';

export type Loaded<T> = { status: 'loading' } | { status: 'ready'; data: T } | { status: 'error'; error: string };

export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ status: 'loading' });
  useEffect(() => {
    let live = true;
    setState({ status: 'loading' });
    load().then(
      (data) => live && setState({ status: 'ready', data }),
      (err: Error) => live && setState({ status: 'error', error: err.message }),
    );
    return () => {
      live = false;
    };
  }, [key]);
  return state;
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

/** The usual panel: one record loaded over tRPC, a title and a field list. */
export function RecordDetails<T>(p: { lang: Lang; load: () => Promise<T>; loadKey: string; title: (d: T) => ReactNode; fields: (d: T) => Field[] }) {
  const state = useLoad(p.load, p.loadKey);
  return (
    <LoadedView lang={p.lang} state={state}>
      {(d) => (
        <>
          <h2 data-testid="details-title">{p.title(d)}</h2>
          <FieldList lang={p.lang} fields={p.fields(d)} />
        </>
      )}
    </LoadedView>
  );
}
