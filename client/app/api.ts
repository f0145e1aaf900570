// The one tRPC client. Types come from the server by `import type` only. Every request carries
// the session's CSRF token (changes are refused without it) and, on a wall screen, its display
// token; the session cookie itself is HttpOnly and travels on its own.
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../../server/router.ts';

const auth: { csrf: string | null; display: string | null } = { csrf: null, display: null };

export function setAuthHeaders(next: { csrf: string | null; display: string | null }): void {
  Object.assign(auth, next);
}

export const api = createTRPCClient<AppRouter>({
  links: [
    httpBatchLink({
      url: '/trpc',
      headers: () => ({ ...(auth.csrf ? { 'x-csrf-token': auth.csrf } : {}), ...(auth.display ? { 'x-display-token': auth.display } : {}) }),
    }),
  ],
});
export type RouterOutputs = inferRouterOutputs<AppRouter>;
