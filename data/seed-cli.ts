// `npm run db:seed`: migrate, then build the demo city into an empty database.
// CITYGRID_SEED picks another deterministic city; the same seed gives the same city.
import { migrateEngine, openEngine } from '../db/engine.ts';
import { isSeeded, seedCity } from './seed.ts';

const engine = await openEngine({ databaseUrl: process.env.DATABASE_URL || undefined, dataDir: process.env.CITYGRID_DATA_DIR }).catch((err: Error) => {
  console.error(`Cannot seed: ${err.message}`);
  process.exit(1);
});
try {
  await migrateEngine(engine);
  if (await isSeeded(engine.db)) {
    console.log(`Already seeded (${engine.location}): nothing to do. Point CITYGRID_DATA_DIR or DATABASE_URL at an empty database to seed again.`);
  } else {
    const seed = process.env.CITYGRID_SEED ? Number(process.env.CITYGRID_SEED) : undefined;
    const t0 = performance.now();
    const report = await seedCity(engine.db, { seed, log: (l) => console.log(`  ${l}`) });
    console.log(`Seeded the demo city (seed ${report.seed}) in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${report.cases} cases, ${report.events} events.`);
  }
} catch (err) {
  console.error(`Seeding failed, nothing was written: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await engine.close();
}
