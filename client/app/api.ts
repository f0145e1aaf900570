// The one tRPC client. Types come from the server by `import type` only.
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../../server/router.ts';

export const api = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: '/trpc' })] });
export type RouterOutputs = inferRouterOutputs<AppRouter>;
