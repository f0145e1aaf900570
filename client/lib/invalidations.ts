// What each mutation changes, in one table: after a mutation settles, the queries listed under
// its path are invalidated (active ones load again at once; the mutation's promise waits for
// them), and nothing else. A new screen's mutations add their lines here. Every mutation is also
// audited; the audit screen loads its list afresh on each visit (and on a live `audit` event),
// so the lines need not name audit.list.
import type { QueryClient, QueryFilters, QueryKey } from '@tanstack/react-query';
import type { TRPCOptionsProxy } from '@trpc/tanstack-react-query';
import type { AppRouter } from '../../server/router.ts';
import { feedFilter } from './feed-keys.ts';
import { ACTIONS } from '../../domain/transitions.ts';

export type Trpc = TRPCOptionsProxy<AppRouter>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each line reads its own mutation's input
type Input = any;

const caseMoved = (t: Trpc, id: number): QueryFilters[] => [t.cases.byId.queryFilter({ id }), t.dispatch.queue.pathFilter(), t.dispatch.myTasks.pathFilter()];

/** mutation path → the queries it changes (`input`: the mutation's variables). */
export const INVALIDATIONS: Record<string, (t: Trpc, input: Input) => QueryFilters[]> = {
  'admin.createUser': (t) => [t.admin.users.pathFilter()],
  'admin.updateUser': (t) => [t.admin.users.pathFilter()],
  'admin.liftLoginLock': (t) => [t.admin.users.pathFilter()],
  'admin.resetPassword': (t) => [t.admin.users.pathFilter()],
  'admin.setPermission': (t) => [t.admin.options.pathFilter()],
  'admin.saveSetting': (t) => [t.admin.settings.pathFilter()],
  'admin.createToken': (t) => [t.admin.tokens.pathFilter()],
  'admin.revokeToken': (t) => [t.admin.tokens.pathFilter()],
  // a compound's name, households and party organisation: its panel, the city's figures, search hits, the map's labels
  'communities.update': (t, input: { id: number }) => [t.communities.byId.queryFilter({ id: input.id }), t.communities.summary.pathFilter(), t.search.query.pathFilter(), feedFilter('communities.bin')],
  // who answers for a responsibility grid: its panel, and the unit grids' panels that name the inspector
  'grids.assignResponsibility': (t, input: { id: number }) => [t.grids.responsibilityById.queryFilter({ id: input.id }), t.grids.byId.pathFilter()],
  // who patrols it (accounts): the same panels, and the picker's list
  'grids.setPatrolStaff': (t, input: { id: number }) => [t.grids.responsibilityById.queryFilter({ id: input.id }), t.grids.byId.pathFilter(), t.grids.patrolCandidates.queryFilter({ id: input.id })],
  // a published draft: every grid read (the editor's cells, details, history), the grid layers (the live event does the same for others)
  'grids.publish': (t) => [t.grids.pathFilter(), feedFilter('grids.bin'), feedFilter('responsibility-grids.bin')],
  // a move of the workflow: the case's panel and the work lists (the map's layer follows by the live event)
  ...Object.fromEntries(ACTIONS.map((a) => [`dispatch.${a}`, (t: Trpc, input: { id: number }) => caseMoved(t, input.id)])),
  'dispatch.bulkDispatch': (t, input: { items: { id: number }[] }) => [...input.items.map((i) => t.cases.byId.queryFilter({ id: i.id })), t.dispatch.queue.pathFilter()],
  'dispatch.register': (t) => [t.dispatch.queue.pathFilter(), t.dispatch.myTasks.pathFilter(), t.dispatch.intakePreview.pathFilter()],
  // not listed: cases.revealReporter changes no record (its panel shows the answer); auth.* reload the session
};

/** The mutation path of a tRPC mutation key (`[['admin', 'createUser']]`), or null. */
export function mutationPath(key: QueryKey | undefined): string | null {
  const first = key?.[0];
  return Array.isArray(first) && first.every((x) => typeof x === 'string') ? first.join('.') : null;
}

/** Invalidates what the mutation under `key` changed (nothing, for a mutation the table does not name). */
export async function invalidateAfter(qc: QueryClient, t: Trpc, key: QueryKey | undefined, input: unknown): Promise<void> {
  const path = mutationPath(key);
  const line = path ? INVALIDATIONS[path] : undefined;
  if (!line) return;
  await Promise.all(line(t, input).map((f) => qc.invalidateQueries(f)));
}
