// The demo city for the database benchmarks: CITYGRID_DATA_DIR or the default data folder,
// seeded first if empty (as npm start does); if another process holds it, a throwaway folder
// is seeded instead (~1–2 min). The smoke pass opens the test city restored once (bench/smoke.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultDataDir, migrateEngine, openEngine, type Engine } from '../db/engine.ts';
import { ConfigError } from '../db/config-error.ts';
import { isSeeded, seedCity } from '../data/seed.ts';
import { SMOKE, smokeCity } from './smoke.ts';

export async function openSeeded(): Promise<{ engine: Engine; cleanup: () => void }> {
  let dir: string | undefined;
  let engine: Engine;
  if (SMOKE) return { engine: await openEngine({ dataDir: await smokeCity() }), cleanup: () => {} };
  try {
    engine = await openEngine({ dataDir: process.env.CITYGRID_DATA_DIR || defaultDataDir() });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    dir = mkdtempSync(join(tmpdir(), 'citygrid-feeds-'));
    console.log(`  data folder busy (${err.message.split('.')[0]}); seeding a throwaway one …`);
    engine = await openEngine({ dataDir: dir });
  }
  await migrateEngine(engine);
  if (!(await isSeeded(engine.db))) {
    console.log('  seeding the demo city …');
    await seedCity(engine.db, {});
  }
  return { engine, cleanup: () => dir && rmSync(dir, { recursive: true, force: true }) };
}

