// `npm start` builds the client only when its inputs changed since the last build: a SHA-256 of
// every file that shapes dist/client (client/, domain/, the Vite and TypeScript config, the lock
// file) and of the VITE_* environment, kept beside the build in dist/client/.build-stamp. The
// stamp is written only after a build succeeded, so an interrupted build is built again.
// `npm run build` passes --force (always builds, then stamps); start, the browser tests and the
// bench build only when needed, so a CI run that built once does not build again.
// Edit INPUTS when the client starts depending on another folder; server code is imported by
// the client as types only (lint enforces it), which a build erases, so it is not an input.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

export const INPUTS = ['client', 'domain', 'vite.config.ts', 'tsconfig.json', 'package-lock.json'];
export const STAMP_FILE = join('dist', 'client', '.build-stamp');

/** The stamp of the client's inputs under `root`: paths and contents in a stable order, plus VITE_* variables. */
export function inputsStamp(root: string, env: NodeJS.ProcessEnv = process.env): string {
  const h = createHash('sha256');
  const add = (p: string) => {
    if (!existsSync(p)) return;
    if (statSync(p).isDirectory()) for (const name of readdirSync(p).sort()) add(join(p, name));
    else h.update(relative(root, p)).update('\0').update(readFileSync(p)).update('\0');
  };
  for (const input of INPUTS) add(join(root, input));
  for (const k of Object.keys(env).filter((k) => k.startsWith('VITE_')).sort()) h.update(`${k}=${env[k]}\0`);
  return h.digest('hex');
}

/** Whether dist/client is missing or was built from other inputs. */
export function needsBuild(root: string, stamp = inputsStamp(root)): boolean {
  const file = join(root, STAMP_FILE);
  if (!existsSync(join(root, 'dist', 'client', 'index.html')) || !existsSync(file)) return true;
  return readFileSync(file, 'utf8').trim() !== stamp;
}

/** Builds with `build` when needed (always with `force`) and records the stamp; answers whether it built. */
export function buildIfChanged(root: string, build: () => void, force = false): boolean {
  const stamp = inputsStamp(root);
  if (!force && !needsBuild(root, stamp)) return false;
  build();
  writeFileSync(join(root, STAMP_FILE), `${stamp}\n`);
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = resolve(import.meta.dirname, '..');
  const built = buildIfChanged(root, () => {
    const r = spawnSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }, process.argv.includes('--force'));
  if (!built) console.log('client unchanged since its last build (dist/client/.build-stamp): not rebuilt');
}
