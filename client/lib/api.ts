// The one tRPC client. Types come from the server by `import type` only. Every request carries
// the session's CSRF token (changes are refused without it) and, on a wall screen, its display
// token; the session cookie itself is HttpOnly and travels on its own.
import { createTRPCClient, httpBatchLink, httpLink, httpSubscriptionLink, splitLink, type HTTPHeaders } from '@trpc/client';
import { GRID_DRAFT_PROCEDURES, MAX_BATCH, UNBATCHED } from '../../domain/request-limits.ts';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import type { QueryClient } from '@tanstack/react-query';
import { makeQueryClient } from './query-client.ts';
import { invalidateAfter } from './invalidations.ts';
import type { AppRouter } from '../../server/router.ts';

const auth: { csrf: string | null; display: string | null } = { csrf: null, display: null };

export function setAuthHeaders(next: { csrf: string | null; display: string | null }): void {
  Object.assign(auth, next);
}

let onSignedOut: (() => void) | null = null;

/** Called when the server answers 401 (the session expired or was ended elsewhere). */
export function whenSignedOut(f: () => void): void {
  onSignedOut = f;
}

const fetchNoticingSignOut = async (url: URL | RequestInfo, init?: RequestInit) => {
  const res = await fetch(url, init);
  if (res.status === 401 && !String(url).includes('auth.')) onSignedOut?.();
  return res;
};
/** The headers every call carries (the CSRF token, a wall screen's display token): plain-HTTP uploads send them too. */
export const authHeaders = (): Record<string, string> => ({ ...(auth.csrf ? { 'x-csrf-token': auth.csrf } : {}), ...(auth.display ? { 'x-display-token': auth.display } : {}) });
const headers = (): HTTPHeaders => ({ ...(auth.csrf ? { 'x-csrf-token': auth.csrf } : {}), ...(auth.display ? { 'x-display-token': auth.display } : {}) });
const alone = new Set<string>(UNBATCHED);
const gridDrafts = new Set<string>(GRID_DRAFT_PROCEDURES);

/**
 * The live stream (SSE). EventSource sends no custom headers: a wall screen's display token rides
 * in the address (`display=`, which the server accepts on reads); the session cookie goes by itself.
 */
function tokenEventSource(): typeof EventSource {
  return class TokenEventSource extends EventSource {
    constructor(url: string | URL, init?: EventSourceInit) {
      const u = String(url);
      super(auth.display ? `${u}${u.includes('?') ? '&' : '?'}display=${encodeURIComponent(auth.display)}` : u, init);
    }
  };
}

/** Subscriptions over SSE; sign-in and password changes go alone (the server refuses them batched); the rest in batches within the server's limit. */
export const api = createTRPCClient<AppRouter>({
  links: [
    splitLink({
      condition: (op) => op.type === 'subscription',
      // (made only where there is an EventSource: Node, where the unit tests import this module, has none)
      true: httpSubscriptionLink({ url: '/trpc', EventSource: typeof EventSource === 'undefined' ? undefined : tokenEventSource() }),
      false: splitLink({
        condition: (op) => alone.has(op.path),
        true: httpLink({ url: '/trpc', fetch: fetchNoticingSignOut, headers }),
        false: splitLink({
          // a grid draft or import: alone and by POST, queries too (a URL holds ~16 KB; the body up to BODY_LIMITS.gridDraft)
          condition: (op) => gridDrafts.has(op.path),
          true: httpLink({ url: '/trpc', fetch: fetchNoticingSignOut, headers, methodOverride: 'POST' }),
          false: httpBatchLink({ url: '/trpc', maxItems: MAX_BATCH, fetch: fetchNoticingSignOut, headers }),
        }),
      }),
    }),
  ],
});
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;

/** A QueryClient with the app's policy whose mutations invalidate what they change (client/lib/invalidations.ts). */
export const newQueryClient = (): QueryClient => makeQueryClient((qc, key, input) => invalidateAfter(qc, trpc, key, input));

/** The page's one cache of server state (provided at the root; cleared when the session ends). */
export const queryClient = newQueryClient();

/** Query and mutation options over `api`: `useQuery(trpc.x.y.queryOptions(input))`, `trpc.x.y.queryKey()`/`pathFilter()`. */
export const trpc = createTRPCOptionsProxy<AppRouter>({ client: api, queryClient });
