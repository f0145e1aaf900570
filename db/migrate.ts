// `npm run db:migrate`: apply pending migrations to the configured engine, then exit.
import { engineInfo, migrateEngine, openEngine } from './engine.ts';

const engine = await openEngine({ databaseUrl: process.env.DATABASE_URL || undefined, dataDir: process.env.CITYGRID_DATA_DIR }).catch((err: Error) => {
  console.error(`Cannot migrate: ${err.message}`);
  process.exit(1);
});
try {
  await migrateEngine(engine);
  const info = await engineInfo(engine);
  console.log(`Migrated: ${info.engine} engine (${engine.location}), PostGIS ${info.postgis}, ${info.migrations} migrations applied.`);
} catch (err) {
  console.error(`Migration failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await engine.close();
}
