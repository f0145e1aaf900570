// Work that must wait for a transaction's commit (a NOTIFY's follow-up, a cache to renew), for
// both write paths: tRPC mutations (server/trpc.ts) and the routes outside tRPC
// (server/http/write-route.ts). Hooks registered while the transaction is open run after it
// commits, in order; after a rollback they are dropped; one registered after the commit (by a
// hook) runs at once. A failing hook is logged, never turns a committed write into an error.

/** Registers a hook to run once the write has committed. */
export type AfterCommit = (fn: () => void | Promise<void>) => void;

export interface AfterCommitHooks {
  afterCommit: AfterCommit;
  /** The transaction committed: runs the hooks registered so far, one after another. */
  committed(): Promise<void>;
  /** The transaction rolled back: the hooks are dropped. */
  rolledBack(): void;
}

/** The hooks of one write; `where` names it in the log when a hook fails. */
export function afterCommitHooks(where: string): AfterCommitHooks {
  const hooks: (() => void | Promise<void>)[] = [];
  let state: 'open' | 'committed' | 'rolledBack' = 'open';
  const runHook = async (fn: () => void | Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      console.error(`[after-commit] ${where}: a hook failed`, err);
    }
  };
  return {
    afterCommit: (fn) => {
      if (state === 'open') hooks.push(fn);
      else if (state === 'committed') void runHook(fn); // registered late (by a hook): it is after the commit already
    },
    async committed() {
      state = 'committed';
      for (const fn of hooks.splice(0)) await runHook(fn);
    },
    rolledBack() {
      state = 'rolledBack';
      hooks.length = 0;
    },
  };
}
