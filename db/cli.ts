// Shared shell for the one-shot commands: validated environment, the engine opened and always
// closed, failures as one line and exit code 1, and the line that says which way it went
// (docs/decisions/0011). The embedded engine has one owner per data folder, so:
// - `runCommand` (accounts:reset-password, report): while a CityGrid server holds the folder,
//   the command goes through it (POST /local/cli/<command> on a loopback address, with the
//   secret from the server file beside the lock); otherwise it opens the folder itself. On a
//   PostgreSQL server (DATABASE_URL) it always connects itself (that engine takes many processes).
// - `runWithEngine` (db:migrate, db:seed): never through a server; refused while one runs.
// Also the server file itself: written by server/main.ts, read here.
import { randomBytes } from 'node:crypto';
import { readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ConfigError } from './config-error.ts';
import { readEnv, type Env } from './env.ts';
import { dataDirOwner, defaultDataDir, migrateEngine, openEngine, type Db, type Engine } from './engine.ts';

/** Beside `citygrid.lock`: how to reach the server that holds the folder (mode 0600). */
export const SERVER_FILE = 'citygrid.server.json';
/** The server's route for commands (server/http/local-cli.ts): `POST /local/cli/<command name>`. */
export const LOCAL_CLI_PATH = '/local/cli';
/** `detail.via` of the audit rows the commands write. */
export const VIA_DIRECT = 'command line';
export const VIA_SERVER = 'command line through the server';
/** How long the command line waits for the server's answer. */
const SERVER_ANSWER_MS = 5 * 60_000;

/** A command that runs the same whether the command line opens the database or the server runs it. */
export interface CliCommand<I> {
  /** The npm script (and the route's last path segment), e.g. 'accounts:reset-password'. */
  name: string;
  /** The subject of the failure line: `<what> failed: …` (say there whether anything changed). */
  what: string;
  /** The command's raw input from its arguments; throws a ConfigError on a bad argument. */
  args(argv: string[]): unknown;
  /** Validates the raw input, on the command line and again in the server. */
  input: z.ZodType<I>;
  /** Does the work (audited by the command itself, with `via`) and returns the lines to print. */
  run(db: Db, input: I, ctx: { via: string; now: Date; ip?: string }): Promise<string[]>;
}

// ---- the server file -------------------------------------------------------------------------

const serverFileSchema = z.object({
  pid: z.int().min(1),
  host: z.string().min(1).max(255),
  port: z.int().min(1).max(65535),
  secret: z.string().regex(/^[\w-]{43}$/),
});
export type ServerFile = z.infer<typeof serverFileSchema>;

/** 32 random bytes, base64url. */
export const newCliSecret = () => randomBytes(32).toString('base64url');

/**
 * Puts the server file in place atomically (written aside with mode 0600, then renamed over any
 * earlier one) and returns its removal, for a clean stop.
 */
export function writeServerFile(dataDir: string, s: ServerFile): () => void {
  const file = join(dataDir, SERVER_FILE);
  const aside = `${file}.${process.pid}.tmp`;
  rmSync(aside, { force: true }); // left by a crash: its mode would be kept
  writeFileSync(aside, `${JSON.stringify(serverFileSchema.parse(s))}\n`, { mode: 0o600, flag: 'wx' });
  try {
    renameSync(aside, file);
  } catch (err) {
    rmSync(aside, { force: true });
    throw err;
  }
  return () => rmSync(file, { force: true });
}

/** The address a local client dials for a server listening on `host` (a wildcard is reached on loopback). */
export function serverUrl(host: string, port: number): string {
  const h = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' || host === '[::]' ? '::1' : host.replace(/^\[(.*)\]$/, '$1');
  return `http://${h.includes(':') ? `[${h}]` : h}:${port}`;
}

export interface RunningServer {
  pid: number;
  url: string;
  secret: string;
  dataDir: string;
}

/** Who holds a data folder: nobody (or a stale lock), a server that takes commands, or another process. */
export type FolderHolder =
  | { kind: 'none' }
  | ({ kind: 'server' } & RunningServer)
  | { kind: 'other'; pid: number; serverFileUnreadable: boolean };

export function folderHolder(dataDir: string): FolderHolder {
  const pid = dataDirOwner(dataDir);
  if (pid === null) return { kind: 'none' };
  let raw: string;
  try {
    raw = readFileSync(join(dataDir, SERVER_FILE), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { kind: 'other', pid, serverFileUnreadable: code === 'EACCES' || code === 'EPERM' };
  }
  let parsed;
  try {
    parsed = serverFileSchema.safeParse(JSON.parse(raw));
  } catch {
    parsed = null;
  }
  // a file of another process (a server that died, its pid now the lock's owner's) is not this one's
  if (!parsed?.success || parsed.data.pid !== pid) return { kind: 'other', pid, serverFileUnreadable: false };
  return { kind: 'server', pid, url: serverUrl(parsed.data.host, parsed.data.port), secret: parsed.data.secret, dataDir };
}

// ---- the two shells --------------------------------------------------------------------------

/** Whether the module at `url` is the script node was started with (a command file is also imported by the server). */
export function isMain(url: string): boolean {
  if (!process.argv[1]) return false;
  try {
    // node loads modules by their real path: a checkout reached through a symlink must still match
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(url));
  } catch {
    return false;
  }
}

const dataDirOf = (env: Env) => resolve(env.CITYGRID_DATA_DIR ?? defaultDataDir());
const embeddedFolder = (env: Env) => !env.DATABASE_URL && !(env.CITYGRID_DATA_DIR ?? '').startsWith('memory://');
const say = (line: string) => console.error(line);

function fail(what: string, err: unknown): void {
  console.error(`${what} failed: ${String((err as Error)?.message ?? err).split('\n')[0]}`);
  process.exitCode = 1;
}

/** Opens the database itself (migrating it), says so, runs `body`, and always closes it. */
async function direct(env: Env, body: (engine: Engine) => Promise<void>): Promise<void> {
  const engine = await openEngine({ databaseUrl: env.DATABASE_URL, dataDir: embeddedFolder(env) ? dataDirOf(env) : env.CITYGRID_DATA_DIR });
  try {
    if (engine.kind === 'server') say(`(connected to the PostgreSQL server ${engine.location})`);
    else if (engine.location === 'memory') say('(opened an in-memory database: nothing is kept)');
    else say(`(opened the data folder ${engine.location} directly)`);
    // holding the lock, no server serves this folder: a server file left here is stale
    if (embeddedFolder(env)) rmSync(join(dataDirOf(env), SERVER_FILE), { force: true });
    await migrateEngine(engine);
    await body(engine);
  } finally {
    await engine.close();
  }
}

/**
 * db:migrate and db:seed: they need the folder for themselves, so while a server holds it they
 * are refused (it migrated the folder at its start and seeds an empty one itself).
 */
export async function runWithEngine(what: string, body: (engine: Engine, env: Env) => Promise<void>): Promise<void> {
  try {
    const env = readEnv();
    if (embeddedFolder(env)) {
      const holder = folderHolder(dataDirOf(env));
      if (holder.kind === 'server') {
        throw new ConfigError(
          `the CityGrid server (pid ${holder.pid}, ${holder.url}) holds the data folder ${holder.dataDir}; it already migrated it when it started. ` +
            'Stop the server to migrate or seed from the command line.',
        );
      }
    }
    await direct(env, (engine) => body(engine, env));
  } catch (err) {
    fail(what, err);
  }
}

/** A command that may go through the running server: see the top of this file. */
export async function runCommand<I>(cmd: CliCommand<I>, argv: string[] = process.argv.slice(2)): Promise<void> {
  // `npm run report | head`: a reader that has seen enough is no failure (the rest goes nowhere; the database still closes cleanly)
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
  try {
    const env = readEnv();
    const raw = cmd.args(argv);
    const checked = cmd.input.safeParse(raw);
    if (!checked.success) {
      // the shared primitives name their field in their message already
      const field = (p: PropertyKey[]) => p.map(String).join('.');
      throw new ConfigError(checked.error.issues.map((i) => (i.path.length && !i.message.startsWith(field(i.path)) ? `${field(i.path)}: ${i.message}` : i.message)).join('; '));
    }
    if (embeddedFolder(env)) {
      const holder = folderHolder(dataDirOf(env));
      if (holder.kind === 'server') {
        say(`(through the running CityGrid server, pid ${holder.pid}, ${holder.url})`);
        const lines = await throughServer(holder, cmd.name, raw);
        if (lines !== 'gone') {
          for (const l of lines) console.log(l);
          return;
        }
        say('(the server stopped meanwhile)');
      } else if (holder.kind === 'other') {
        throw new ConfigError(
          holder.serverFileUnreadable
            ? `a CityGrid server (pid ${holder.pid}) holds the data folder ${dataDirOf(env)}, but its ${SERVER_FILE} is not readable by you: run this as the user that runs the server.`
            : `the data folder ${dataDirOf(env)} is in use by another CityGrid process (pid ${holder.pid}) that takes no commands: a server still starting (it takes them once it is ready) or another command. Try again then, or stop it.`,
        );
      }
    }
    await direct(env, async (engine) => {
      for (const l of await cmd.run(engine.db, checked.data, { via: VIA_DIRECT, now: new Date() })) console.log(l);
    });
  } catch (err) {
    fail(cmd.what, err);
  }
}

/** The server's answer: its lines, or 'gone' when it stopped before the request reached it. */
async function throughServer(s: RunningServer, name: string, input: unknown): Promise<string[] | 'gone'> {
  let res: Response;
  try {
    res = await fetch(`${s.url}${LOCAL_CLI_PATH}/${name}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify(input),
      signal: AbortSignal.timeout(SERVER_ANSWER_MS),
    });
  } catch (err) {
    const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    // refused before anything was sent, and the folder is free now: the caller opens it itself
    if (code === 'ECONNREFUSED' && dataDirOwner(s.dataDir) === null) return 'gone';
    const sent = code === 'ECONNREFUSED' ? '' : ' If it got the request, its audit log shows what it did.';
    throw new ConfigError(`the running CityGrid server (pid ${s.pid}) did not answer at ${s.url} (${code}).${sent}`);
  }
  type Answer = { lines?: unknown; error?: unknown; reason?: unknown } | null;
  const body = (await res.json().catch(() => null)) as Answer;
  if (res.ok && Array.isArray(body?.lines) && body.lines.every((l) => typeof l === 'string')) return body.lines as string[];
  const reason = typeof body?.reason === 'string' ? ` ${body.reason}` : '';
  const error = typeof body?.error === 'string' ? `: ${body.error}` : '';
  // a server bound to one non-loopback address is reached on that address, which is not loopback
  const hint = body?.reason === 'cli.notLocal' ? ` It is reached at ${s.url}: start it with HOST=127.0.0.1 or HOST=0.0.0.0, or stop it to run this command.` : '';
  throw new ConfigError(`the running CityGrid server (pid ${s.pid}) refused it (HTTP ${res.status}${reason})${error}${hint}`);
}
