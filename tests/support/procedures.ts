// Every procedure of the API with its meta (permission, scope, public), read from the router
// itself, so a new procedure is covered by the matrix and PII tests or makes them fail.
import { appRouter } from '../../server/router.ts';
import type { Meta } from '../../server/trpc.ts';

export interface ProcedureInfo {
  path: string;
  type: 'query' | 'mutation' | 'subscription';
  meta: Meta;
}

export function listProcedures(): ProcedureInfo[] {
  const procs = (appRouter._def as unknown as { procedures: Record<string, { _def: { type: ProcedureInfo['type']; meta?: Meta } }> }).procedures;
  return Object.entries(procs).map(([path, p]) => ({ path, type: p._def.type, meta: p._def.meta ?? {} }));
}

/** Calls `path` (e.g. 'grids.byId') on a caller. */
export function callPath(caller: unknown, path: string, input: unknown): Promise<unknown> {
  const fn = path.split('.').reduce((o: unknown, k) => (o as Record<string, unknown>)[k], caller) as (i: unknown) => Promise<unknown>;
  return fn(input);
}

/** The tRPC error code of a failed call, or 'OK'. */
export async function outcome(p: Promise<unknown>): Promise<{ code: string; message: string; value?: unknown }> {
  try {
    return { code: 'OK', message: '', value: await p };
  } catch (err) {
    return { code: (err as { code?: string }).code ?? 'THROWN', message: (err as Error).message };
  }
}
