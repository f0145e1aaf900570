// A test that writes runs in a transaction that is always rolled back, and hands that
// transaction to everything it touches: the engine handle (as an engine whose `db` is the
// transaction: an app or a tRPC caller built on it reads, writes and audits refusals in it, and
// its mutations open savepoints in it), and so the caches keyed by the handle (session policy,
// audit coalescing, indicators), which are the transaction's own and die with it.
// On the embedded engine a query on the root handle while a transaction is open would wait
// for it forever (it is refused with a message instead, inside the transaction's work): pass
// `tx` or the engine handed to you on, never `engine.db`. A NOTIFY inside a rolled-back
// transaction is never delivered (`listen` on these engines says so): live-delivery tests use
// a fresh engine (tests/support/test-db.ts freshEngine).
//
// Two shapes:
// - inRolledBackTransaction(engine, fn): one test (or one step of one), rolled back at the end.
// - rolledBackSuite(open): one transaction for a test file, opened on first use and rolled
//   back after its last test; `setup` writes the file's fixtures in it (users, sessions,
//   tokens, made once), `run` runs each test in a savepoint of it that is rolled back, so tests
//   see the fixtures and never each other. Work runs one piece at a time, inside the
//   transaction (so the embedded engine refuses a stray root-handle query at once).
import { AsyncLocalStorage } from 'node:async_hooks';
import { afterAll } from 'vitest';
import type { Db, Engine } from '../../db/engine.ts';

const ROLLBACK = new Error('rolled back on purpose (test)');

type Work<T> = (tx: Db, engine: Engine) => Promise<T>;

/** An engine whose handle is `db()` (a transaction), otherwise `root`'s. */
function engineOver(root: () => Engine, db: () => Db): Engine {
  return {
    get kind() {
      return root().kind;
    },
    get db() {
      return db();
    },
    get location() {
      return root().location;
    },
    get capabilities() {
      return root().capabilities;
    },
    // statements inside the transaction are timed by the engine that runs them
    get onStatement() {
      return root().onStatement;
    },
    set onStatement(hook) {
      root().onStatement = hook;
    },
    close: async () => {
      throw new Error('An engine over a test transaction is not closed: the transaction ends with its test.');
    },
    listen: async () => {
      throw new Error('LISTEN on a test transaction would never hear a NOTIFY sent in it (delivered at commit, and this one is rolled back): use freshEngine for live delivery.');
    },
    notify: (db, channel, payload) => root().notify(db, channel, payload),
  };
}

/** The engine `engine` as seen from inside its transaction `tx`. */
export function engineOn(engine: Engine, tx: Db): Engine {
  return engineOver(() => engine, () => tx);
}

/**
 * Runs `fn` in a transaction on `engine` that is rolled back afterwards, with the transaction
 * and an engine over it; returns what `fn` returns. On an engine over a transaction (one handed
 * out here) it nests: a savepoint, rolled back.
 */
export async function inRolledBackTransaction<T>(engine: Engine, fn: Work<T>): Promise<T> {
  let out: T;
  try {
    await engine.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      out = await fn(tx, engineOn(engine, tx));
      throw ROLLBACK;
    });
  } catch (err) {
    if (err !== ROLLBACK) throw err;
    return out!;
  }
  throw new Error('the test transaction committed: it must always be rolled back');
}

export interface RolledBackSuite {
  /** An engine whose handle is the innermost transaction of the suite open now (build apps and callers on it once). */
  readonly engine: Engine;
  /** Runs `fn` in the suite's transaction itself: what it writes stays until the file's last test (fixtures). */
  setup<T>(fn: Work<T>): Promise<T>;
  /** Runs `fn` in a savepoint of the suite's transaction that is rolled back (a test); inside another `run`, nests. */
  run<T>(fn: Work<T>): Promise<T>;
  /** Rolls the suite's transaction back now (afterAll does it too): the root handle is free again. */
  end(): Promise<void>;
}

/**
 * One rolled-back transaction for the tests where this is called (a file, or a describe): opened
 * on the first `setup` or `run` on the engine `open` gives, rolled back in afterAll.
 */
export function rolledBackSuite(open: () => Promise<Engine>): RolledBackSuite {
  const inWork = new AsyncLocalStorage<true>();
  let root: Engine | undefined;
  let current: Db | undefined;
  let started: Promise<void> | undefined;
  let ended: Promise<void> | undefined;
  let ending: Promise<void> | undefined;
  const queue: (((outer: Db) => Promise<void>) | null)[] = [];
  let wake: (() => void) | undefined;
  const push = (job: ((outer: Db) => Promise<void>) | null) => {
    queue.push(job);
    wake?.();
  };
  const next = async () => {
    while (!queue.length) await new Promise<void>((r) => (wake = r));
    wake = undefined;
    return queue.shift()!;
  };
  const engine = engineOver(
    () => {
      if (!root) throw new Error('the suite has not started: use its engine inside setup or run');
      return root;
    },
    () => {
      if (!current) throw new Error('the suite transaction is not open: use its engine inside setup or run');
      return current;
    },
  );

  const start = () =>
    (started ??= (async () => {
      root = await open();
      let ready!: () => void;
      const opened = new Promise<void>((r) => (ready = r));
      ended = root.db
        .transaction(async (t) => {
          current = t as unknown as Db;
          ready();
          // the work runs here, in the transaction's own async context
          for (let job = await next(); job; job = await next()) await job(current);
          throw ROLLBACK;
        })
        .then(
          () => {
            throw new Error('the suite transaction committed: it must always be rolled back');
          },
          (err) => {
            if (err !== ROLLBACK) throw err;
          },
        )
        .finally(() => {
          current = undefined;
        });
      await Promise.race([opened, ended]);
    })());

  const submit = async <T>(work: (outer: Db) => Promise<T>): Promise<T> => {
    if (ending) throw new Error('the suite transaction has been rolled back already: nothing more runs in it');
    await start();
    return new Promise<T>((resolve, reject) => push((outer) => inWork.run(true, () => work(outer)).then(resolve, reject)));
  };

  const nest = async <T>(fn: Work<T>): Promise<T> => {
    const outer = current!;
    let out: T;
    try {
      await outer.transaction(async (t) => {
        current = t as unknown as Db;
        try {
          out = await fn(current, engine);
        } finally {
          current = outer;
        }
        throw ROLLBACK;
      });
    } catch (err) {
      if (err !== ROLLBACK) throw err;
      return out!;
    }
    throw new Error('a test savepoint was released: it must always be rolled back');
  };

  const end = () =>
    (ending ??= (async () => {
      if (!started) return;
      await started.catch(() => {});
      push(null);
      await ended;
    })());
  afterAll(end);

  return {
    engine,
    setup: (fn) => (inWork.getStore() ? fn(current!, engine) : submit(() => fn(current!, engine))),
    run: (fn) => (inWork.getStore() ? nest(fn) : submit(() => nest(fn))),
    end,
  };
}
