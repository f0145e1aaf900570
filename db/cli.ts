// Shared shell for the one-shot commands (db:migrate, db:seed): validated environment, the
// engine opened and always closed, failures as one line and exit code 1.
import { readEnv, type Env } from './env.ts';
import { migrateEngine, openEngine, type Engine } from './engine.ts';

export async function runWithEngine(what: string, body: (engine: Engine, env: Env) => Promise<void>): Promise<void> {
  let engine: Engine | undefined;
  try {
    const env = readEnv();
    engine = await openEngine({ databaseUrl: env.DATABASE_URL, dataDir: env.CITYGRID_DATA_DIR });
    await migrateEngine(engine);
    await body(engine, env);
  } catch (err) {
    console.error(`${what} failed: ${String((err as Error)?.message ?? err).split('\n')[0]}`);
    process.exitCode = 1;
  } finally {
    await engine?.close();
  }
}
