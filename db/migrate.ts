// `npm run db:migrate`: apply pending migrations to the configured engine, then exit. Like every
// start, it first checks that the applied migrations are the files (docs/decisions/0009): an
// applied migration edited afterwards is refused with one line naming it.
import { runWithEngine } from './cli.ts';
import { engineInfo } from './engine.ts';

await runWithEngine('Migration', async (engine) => {
  const info = await engineInfo(engine);
  console.log(`Migrated: ${info.engine} engine (${engine.location}), PostGIS ${info.postgis}, ${info.migrations} migrations applied, each as its file in db/migrations or a known earlier version.`);
});
