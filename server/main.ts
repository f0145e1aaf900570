// `npm start`: validate the environment, open the engine, migrate, seed an empty database
// with the demo city, then serve API + client on HOST:PORT. Operator mistakes (bad URL, no
// PostGIS, unwritable data folder, port in use) end with one readable line and exit code 1.
import { createServer } from 'node:net';
import { serve } from '@hono/node-server';
import { ConfigError } from '../db/config-error.ts';
import { engineInfo, migrateEngine, openEngine, type Engine } from '../db/engine.ts';
import { isSeeded, seedCity } from '../data/seed.ts';
import { readEnv } from './env.ts';
import { createApp } from './app.ts';

async function main(): Promise<void> {
  const t0 = performance.now();
  const env = readEnv();
  await assertPortFree(env.HOST, env.PORT); // fail fast, before minutes of seeding
  const engine = await openEngine({ databaseUrl: env.DATABASE_URL, dataDir: env.CITYGRID_DATA_DIR });
  const stop = async () => {
    await engine.close().catch(() => {});
  };
  try {
    await migrateEngine(engine);
    if (env.CITYGRID_NO_SEED !== '1' && !(await isSeeded(engine.db))) {
      console.log('Empty database: building the Zhangzhou demo city (synthetic geography, illustrative) …');
      const report = await seedCity(engine.db, { seed: env.CITYGRID_SEED, log: (l) => console.log(`  ${l}`) });
      console.log(`  ${report.cases.toLocaleString('en')} cases, ${report.events.toLocaleString('en')} events`);
    }
    const info = await engineInfo(engine);
    await listen(engine, env.HOST, env.PORT);
    const url = `http://${env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST}:${env.PORT}/`;
    console.log(
      `CityGrid ready in ${((performance.now() - t0) / 1000).toFixed(1)} s — ${info.engine} engine (${engine.location}), PostgreSQL ${info.postgres}, PostGIS ${info.postgis}, ${info.migrations} migrations — ${url}`,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      console.log(`\n${sig}: closing the database …`);
      void stop().then(() => process.exit(0));
    });
  }
}

function assertPortFree(hostname: string, port: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, hostname, port)));
    probe.listen(port, hostname, () => probe.close(() => resolvePromise()));
  });
}

function listenError(err: NodeJS.ErrnoException, hostname: string, port: number): Error {
  if (err.code === 'EADDRINUSE') return new ConfigError(`Port ${port} on ${hostname} is already in use. Stop the other program or start with PORT=<another port>.`);
  if (err.code === 'EACCES') return new ConfigError(`Not allowed to listen on ${hostname}:${port}. Use a port above 1023 (PORT=3000).`);
  if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') return new ConfigError(`HOST ${hostname} is not an address of this machine. Use HOST=127.0.0.1 or 0.0.0.0.`);
  return err;
}

function listen(engine: Engine, hostname: string, port: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const server = serve({ fetch: createApp(engine).fetch, hostname, port }, () => resolvePromise());
    server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, hostname, port)));
  });
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(`CityGrid cannot start: ${err.message}`);
  } else {
    console.error(`CityGrid failed to start: ${(err as Error)?.message ?? String(err)}`);
    if (process.env.CITYGRID_DEBUG) console.error(err);
    else console.error('(set CITYGRID_DEBUG=1 for details)');
  }
  process.exit(1);
});
