// Who is signed in: auth.me, loaded before the console starts (the feeds need a session or a
// display token). A small store with a hook; the server decides everything, the client only
// hides what the answer says it may not do.
import { useSyncExternalStore } from 'react';
import { api, queryClient, setAuthHeaders, whenSignedOut, type RouterOutputs } from './api.ts';
import { displayTokenOf } from './url-state.ts';

export type Me = RouterOutputs['auth']['me'];
export type SignedIn = NonNullable<Me['actor']>;

let current: Me | null = null;
const listeners = new Set<() => void>();

function set(me: Me): Me {
  current = me;
  setAuthHeaders({ csrf: me.csrfToken, display: displayTokenOf(window.location.search) });
  listeners.forEach((l) => l());
  return me;
}

/**
 * The session ended (expired, or ended elsewhere): nothing of this user's server state stays in the
 * cache for whoever signs in next, and the sign-in screen shows again instead of failing call after call.
 */
export function sessionLost(): Promise<void> {
  // cleared once the session is known again, not at once: the refused answer that told us is still
  // on its way to its query, whose screen shows the refusal (a revoked wall token) before it goes
  return loadSession()
    .then(
      () => {},
      () => {},
    )
    .finally(() => queryClient.clear());
}
whenSignedOut(() => void sessionLost());

export async function loadSession(): Promise<Me> {
  setAuthHeaders({ csrf: null, display: displayTokenOf(window.location.search) });
  return set(await api.auth.me.query());
}

export async function signIn(username: string, password: string): Promise<Me> {
  const me = await api.auth.login.mutate({ username, password });
  queryClient.clear(); // a new user starts from an empty cache
  return set(me);
}

/** Ends the session and starts the page afresh, so nothing of this user's data stays in memory. */
export async function signOut(): Promise<void> {
  await api.auth.logout.mutate().catch(() => {});
  queryClient.clear();
  window.location.assign(window.location.pathname);
}

export function useSession(): Me | null {
  return useSyncExternalStore(
    (l) => (listeners.add(l), () => listeners.delete(l)),
    () => current,
  );
}

export const may = (me: Me | null, permission: string): boolean => !!me?.actor?.permissions.includes(permission);
