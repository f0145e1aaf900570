// `npm run db:migrate`: apply pending migrations to the configured engine, then exit.
import { runWithEngine } from './cli.ts';
import { engineInfo } from './engine.ts';

await runWithEngine('Migration', async (engine) => {
  const info = await engineInfo(engine);
  console.log(`Migrated: ${info.engine} engine (${engine.location}), PostGIS ${info.postgis}, ${info.migrations} migrations applied.`);
});
