// The URL is the store for screen state: every reader parses the address, every writer
// replaces it (a view change is not a history entry) and announces the change, so the
// header and the console stay in step, and back/forward or a pasted link restore a screen. A
// screen's own keys (the grid editor's edit and district) survive the console's writes.
import { useCallback, useEffect, useRef, useState } from 'react';
import { parseUrlState, serializeOver, type UrlDefaults, type UrlState } from './url-state.ts';

export const URL_EVENT = 'citygrid:url';

export function writeUrl(pathname: string, search: string, push = false): void {
  const url = `${pathname}${search ? `?${search}` : ''}`;
  if (push) window.history.pushState(null, '', url);
  else window.history.replaceState(null, '', url);
  window.dispatchEvent(new Event(URL_EVENT));
}

export function useUrlState(defaults: UrlDefaults): [UrlState, (patch: Partial<UrlState> | ((s: UrlState) => Partial<UrlState>)) => void] {
  const [state, setState] = useState(() => parseUrlState(window.location.search, defaults));
  const current = useRef(state);
  current.current = state;
  useEffect(() => {
    const sync = () => {
      const next = parseUrlState(window.location.search, defaults);
      current.current = next;
      setState(next);
    };
    window.addEventListener('popstate', sync);
    window.addEventListener(URL_EVENT, sync);
    return () => {
      window.removeEventListener('popstate', sync);
      window.removeEventListener(URL_EVENT, sync);
    };
  }, [defaults]);
  const update = useCallback(
    (patch: Partial<UrlState> | ((s: UrlState) => Partial<UrlState>)) => {
      const s = current.current;
      const next = { ...s, ...(typeof patch === 'function' ? patch(s) : patch) };
      writeUrl(window.location.pathname, serializeOver(window.location.search, next, defaults));
    },
    [defaults],
  );
  return [state, update];
}
