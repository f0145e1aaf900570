import { openEngine, migrateEngine, engineInfo } from '../db/engine.ts';
const t0=Date.now();
const e = await openEngine({ dataDir: 'memory://' });
console.log('open', Date.now()-t0);
await migrateEngine(e);
console.log('migrated', Date.now()-t0, await engineInfo(e));
await e.close();
