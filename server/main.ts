// `npm start`: validate the environment, open the engine, migrate, seed an empty database
// with the demo city, then serve API + client on HOST:PORT. Operator mistakes (bad URL, no
// PostGIS, unwritable data folder, port in use, a stored setting its policy refuses) end with
// one readable line and exit code 1.
// On an embedded data folder it also writes the server file beside the lock (pid, address,
// a secret), so command-line tools go through it while it runs (docs/decisions/0011).
import { createServer } from 'node:net';
import { serve } from '@hono/node-server';
import { ConfigError } from '../db/config-error.ts';
import { newCliSecret, writeServerFile } from '../db/cli.ts';
import { engineInfo, migrateEngine, openEngine, type Engine } from '../db/engine.ts';
import { isSeeded, seedCity } from '../data/seed.ts';
import { readEnv, type Env } from '../db/env.ts';
import { DEMO_PASSWORD } from './auth/demo-accounts.ts';
import { ensureDemoAccounts, ensureFirstAdmin, FIRST_ADMIN } from './auth/first-run.ts';
import { createApp } from './app.ts';
import { loadCasesLayer } from './cases/cases-feed.ts';
import { CITY } from './auth/actor.ts';
import { startEscalations } from './dispatch/escalation.ts';
import { assertStoredSettings } from './settings/settings.ts';
import { startPhotoPurge } from './photos/photo-purge.ts';

async function main(): Promise<void> {
  const t0 = performance.now();
  const env = readEnv();
  await assertPortFree(env.HOST, env.PORT); // fail fast, before minutes of seeding
  const engine = await openEngine({ databaseUrl: env.DATABASE_URL, dataDir: env.CITYGRID_DATA_DIR });
  // the command line's way in: only for a data folder (a PostgreSQL server takes many processes; memory:// has no folder)
  const localCli = engine.kind === 'embedded' && engine.location !== 'memory' ? { secret: newCliSecret() } : undefined;
  let unannounce = () => {};
  let stopEscalations = async () => {};
  let stopPhotoPurge = async () => {};
  const stop = async () => {
    unannounce(); // first: a command arriving now opens the folder itself once the lock is gone
    await stopEscalations().catch(() => {});
    await stopPhotoPurge().catch(() => {});
    await engine.close().catch(() => {});
  };
  // registered before the (long) first seeding, so Ctrl-C still closes the database cleanly
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      console.log(`\n${sig}: closing the database …`);
      void stop().then(() => process.exit(sig === 'SIGINT' ? 130 : 0));
    });
  }
  try {
    await migrateEngine(engine);
    // every stored setting passes its policy, or no start: the refusal names each bad one (key, value, why)
    await assertStoredSettings(engine.db);
    if (env.CITYGRID_NO_SEED !== '1' && !(await isSeeded(engine.db))) {
      console.log('Empty database: building the Zhangzhou demo city (synthetic geography, illustrative) …');
      const report = await seedCity(engine.db, { seed: env.CITYGRID_SEED, ifEmpty: true, log: (l) => console.log(`  ${l}`) });
      if (report) console.log(`  ${report.cases.toLocaleString('en')} cases, ${report.events.toLocaleString('en')} events`);
      else console.log('  another process seeded it meanwhile');
    }
    await ensureAccounts(engine, env);
    // the first run of the case feed's statements in a fresh embedded engine is ~2× slower (WASM
    // code paths warming up): pay that on a one-hour period now, not in a viewer's first request
    await loadCasesLayer(engine.db, { from: '2022-01-01T00:00:00+08:00', to: '2022-01-01T01:00:00+08:00', scope: CITY }).catch(() => {});
    const info = await engineInfo(engine);
    const port = await listen(engine, env.HOST, env.PORT, { production: env.CITYGRID_MODE === 'production', trustProxy: env.CITYGRID_TRUST_PROXY === '1', cspOrigins: env.CITYGRID_CSP_ORIGINS, localCli });
    if (localCli) {
      const remove = writeServerFile(engine.location, { pid: process.pid, host: env.HOST, port, secret: localCli.secret });
      unannounce = () => {
        unannounce = () => {};
        remove();
      };
      process.once('exit', () => unannounce()); // any other way out (process.exit) removes it too
    }
    if (env.CITYGRID_ESCALATION_SECONDS > 0) stopEscalations = startEscalations(engine, { intervalMs: env.CITYGRID_ESCALATION_SECONDS * 1000 });
    // uploads never cited by a case go after app_meta photos.unattached_purge_hours (a pass every 15 minutes)
    stopPhotoPurge = startPhotoPurge(engine);
    const url = `http://${env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST}:${port}/`;
    console.log(
      `CityGrid ready in ${((performance.now() - t0) / 1000).toFixed(1)} s — ${info.engine} engine (${engine.location}), PostgreSQL ${info.postgres}, PostGIS ${info.postgis}, ${info.migrations} migrations — ${url}`,
    );
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The first administrator (always) and, in demo mode, the demo accounts. */
async function ensureAccounts(engine: Engine, env: Env): Promise<void> {
  const admin = await ensureFirstAdmin(engine.db, { password: env.CITYGRID_ADMIN_PASSWORD });
  if (admin.created && admin.oneTimePassword) {
    console.log(
      `\n  First run: administrator '${FIRST_ADMIN}' created with the one-time password\n\n      ${admin.oneTimePassword}\n\n` +
        '  It is shown only now and is not stored: sign in and choose a new one.\n',
    );
  } else if (admin.created) {
    console.log(`First run: administrator '${FIRST_ADMIN}' created with the password from CITYGRID_ADMIN_PASSWORD.`);
  }
  if (env.CITYGRID_MODE === 'demo') {
    const n = await ensureDemoAccounts(engine.db);
    console.log(`Demo mode: ${n ? `${n} demo accounts created` : 'demo accounts'} (one per role, password '${DEMO_PASSWORD}', see README). Set CITYGRID_MODE=production to refuse them.`);
  } else {
    console.log('Production mode: demo accounts are refused; session cookies are Secure (serve CityGrid behind HTTPS).');
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

/** Serves the app; resolves with the port actually bound (PORT=0 picks a free one). */
function listen(engine: Engine, hostname: string, port: number, opts: { production: boolean; trustProxy: boolean; cspOrigins?: string; localCli?: { secret: string } }): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = serve({ fetch: createApp(engine, opts).fetch, hostname, port }, (info) => resolvePromise(info.port));
    server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, hostname, port)));
  });
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(`CityGrid cannot start: ${err.message}`);
  } else {
    // one line: the first line of the message (a query error carries its SQL below it)
    const first = String((err as Error)?.message ?? err).split('\n')[0];
    console.error(`CityGrid failed to start: ${first}${process.env.CITYGRID_DEBUG ? '' : ' (set CITYGRID_DEBUG=1 for details)'}`);
    if (process.env.CITYGRID_DEBUG) console.error(err);
  }
  process.exit(1);
});
