// `npm run db:seed`: migrate, then build the demo city into an empty database.
// CITYGRID_SEED picks another deterministic city; the same seed gives the same city.
import { runWithEngine } from '../db/cli.ts';
import { isSeeded, seedCity } from './seed.ts';

await runWithEngine('Seeding (nothing was written)', async (engine, env) => {
  if (await isSeeded(engine.db)) {
    console.log(`Already seeded (${engine.location}): nothing to do. Point CITYGRID_DATA_DIR or DATABASE_URL at an empty database to seed again.`);
    return;
  }
  const t0 = performance.now();
  const report = await seedCity(engine.db, { seed: env.CITYGRID_SEED, log: (l) => console.log(`  ${l}`) });
  console.log(`Seeded the demo city (seed ${report.seed}) in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${report.cases} cases, ${report.events} events.`);
});
