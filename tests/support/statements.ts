// Watching the statements an engine runs: its timing hook (engine.onStatement) is set for the
// length of one piece of work and taken off again, whatever happens, so no test leaves a hook
// on the shared engine (or has to take it off by hand). A hook already there is called too.
import type { Engine, StatementTiming } from '../../db/engine.ts';

/** Runs `fn`, calling `hook` with every statement `engine` runs meanwhile (inside transactions too). */
export async function watchStatements<T>(engine: Engine, hook: (s: StatementTiming) => void, fn: () => Promise<T>): Promise<T> {
  const before = engine.onStatement;
  engine.onStatement = (s) => {
    before?.(s);
    hook(s);
  };
  try {
    return await fn();
  } finally {
    engine.onStatement = before;
  }
}

/** Runs `fn` and returns what it returns with the statements `engine` ran meanwhile. */
export async function statementsOf<T>(engine: Engine, fn: () => Promise<T>): Promise<{ result: T; statements: StatementTiming[] }> {
  const statements: StatementTiming[] = [];
  const result = await watchStatements(engine, (s) => statements.push(s), fn);
  return { result, statements };
}
