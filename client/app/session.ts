// Who is signed in: auth.me, loaded before the console starts (the feeds need a session or a
// display token). A small store with a hook; the server decides everything, the client only
// hides what the answer says it may not do.
import { useSyncExternalStore } from 'react';
import { api, setAuthHeaders, whenSignedOut, type RouterOutputs } from './api.ts';
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

// an expired session shows the sign-in screen again instead of failing call after call
whenSignedOut(() => void loadSession().catch(() => {}));

export async function loadSession(): Promise<Me> {
  setAuthHeaders({ csrf: null, display: displayTokenOf(window.location.search) });
  return set(await api.auth.me.query());
}

export async function signIn(username: string, password: string): Promise<Me> {
  return set(await api.auth.login.mutate({ username, password }));
}

/** Ends the session and starts the page afresh, so nothing of this user's data stays in memory. */
export async function signOut(): Promise<void> {
  await api.auth.logout.mutate().catch(() => {});
  window.location.assign(window.location.pathname);
}

export function useSession(): Me | null {
  return useSyncExternalStore(
    (l) => (listeners.add(l), () => listeners.delete(l)),
    () => current,
  );
}

export const may = (me: Me | null, permission: string): boolean => !!me?.actor?.permissions.includes(permission);
