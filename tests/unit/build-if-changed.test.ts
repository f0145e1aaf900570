// `npm start` rebuilds the client only when an input changed (scripts/build-if-changed.ts).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildIfChanged, inputsStamp } from '../../scripts/build-if-changed.ts';

let root: string;
let builds: number;
/** A stand-in for vite: writes the page it would build. */
const build = () => {
  builds++;
  mkdirSync(join(root, 'dist', 'client'), { recursive: true });
  writeFileSync(join(root, 'dist', 'client', 'index.html'), '<!doctype html>');
};

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'citygrid-stamp-'));
  builds = 0;
  mkdirSync(join(root, 'client', 'app'), { recursive: true });
  mkdirSync(join(root, 'domain'));
  mkdirSync(join(root, 'server'));
  writeFileSync(join(root, 'client', 'app', 'App.tsx'), 'export const App = 1;');
  writeFileSync(join(root, 'domain', 'codes.ts'), 'export const x = 1;');
  writeFileSync(join(root, 'server', 'main.ts'), 'export const y = 1;');
  writeFileSync(join(root, 'package-lock.json'), '{}');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('the client build at start', () => {
  it('builds on the first start, not on a second with unchanged sources', () => {
    expect(buildIfChanged(root, build)).toBe(true);
    expect(buildIfChanged(root, build)).toBe(false);
    expect(builds).toBe(1);
  });

  it.each([
    ['a client source changed', () => writeFileSync(join(root, 'client', 'app', 'App.tsx'), 'export const App = 2;')],
    ['a client source added', () => writeFileSync(join(root, 'client', 'app', 'New.tsx'), 'export const N = 1;')],
    ['a domain rule changed', () => writeFileSync(join(root, 'domain', 'codes.ts'), 'export const x = 2;')],
    ['the lock file changed', () => writeFileSync(join(root, 'package-lock.json'), '{"v":2}')],
    ['the built page is gone', () => rmSync(join(root, 'dist', 'client', 'index.html'))],
    ['the stamp is gone (an interrupted build)', () => rmSync(join(root, 'dist', 'client', '.build-stamp'))],
  ])('rebuilds when %s', (_, change) => {
    buildIfChanged(root, build);
    change();
    expect(buildIfChanged(root, build)).toBe(true);
    expect(builds).toBe(2);
  });

  it('a server-only change does not rebuild (the client imports server types only)', () => {
    buildIfChanged(root, build);
    writeFileSync(join(root, 'server', 'main.ts'), 'export const y = 2;');
    expect(buildIfChanged(root, build)).toBe(false);
  });

  it('a VITE_ variable is an input, another variable is not', () => {
    const a = inputsStamp(root, { PATH: '/bin' });
    expect(inputsStamp(root, { PATH: '/usr/bin' })).toBe(a);
    expect(inputsStamp(root, { PATH: '/bin', VITE_BASEMAP: 'x' })).not.toBe(a);
  });

  it('a failed build leaves no stamp, so the next start builds again', () => {
    expect(() => buildIfChanged(root, () => { throw new Error('vite failed'); })).toThrow('vite failed');
    expect(buildIfChanged(root, build)).toBe(true);
  });
});

describe('npm run build', () => {
  it('--force builds although nothing changed, and stamps what it built', () => {
    buildIfChanged(root, build);
    expect(buildIfChanged(root, build, true)).toBe(true);
    expect(buildIfChanged(root, build)).toBe(false);
    expect(builds).toBe(2);
  });
});
