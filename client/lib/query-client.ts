// The one QueryClient's policy (client/lib/api.ts makes it): server state is fresh for 30 s;
// a refusal (4xx, or any answer with a `data.reason` code) is an answer and is not asked again;
// no answer at all (the network, a 5xx) is retried once; a window regaining focus refetches
// nothing (wall screens sit unattended). After every mutation, `afterMutation` invalidates
// what it changed (client/lib/invalidations.ts).
import { MutationCache, QueryCache, QueryClient, type QueryKey } from '@tanstack/react-query';
import { notify } from './notices.ts';
import { errorText } from './i18n.ts';

export type AfterMutation = (qc: QueryClient, mutationKey: QueryKey | undefined, variables: unknown) => Promise<unknown>;

/** Whether an error is the server's refusal (a reason code, or a 4xx), not a failure to reach it. */
export function isRefusal(err: unknown): boolean {
  const data = (err as { data?: { reason?: unknown; httpStatus?: unknown } } | null)?.data;
  if (!data) return false;
  if (typeof data.reason === 'string') return true;
  return typeof data.httpStatus === 'number' && data.httpStatus >= 400 && data.httpStatus < 500;
}

export function makeQueryClient(afterMutation?: AfterMutation): QueryClient {
  const qc: QueryClient = new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        retry: (failures, err) => failures < 1 && !isRefusal(err),
        refetchOnWindowFocus: false,
      },
      // a change is never paused silently while the browser says offline: it is tried, and a failure is said (the phone's reports go to its outbox, docs/decisions/0022)
      mutations: { retry: false, networkMode: 'always' },
    },
    queryCache: new QueryCache({
      onError: (err, query) => {
        if (query.meta?.notify) notify(errorText(err));
      },
    }),
    mutationCache: new MutationCache({
      // settled, not only succeeded: a refusal such as a stale version means the copy shown is out of date too;
      // returned, so a mutation's promise resolves once what it changed has been loaded again
      onSettled: (_data, _error, variables, _result, mutation) => afterMutation?.(qc, mutation.options.mutationKey, variables),
    }),
  });
  return qc;
}
