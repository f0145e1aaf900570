// The architecture's import rules mean it: planted violations are refused by the project's own
// ESLint configuration (eslint.config.js), and the same imports written the allowed way pass.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

const root = resolve(import.meta.dirname, '..');
let eslint: ESLint;

/** The rule ids ESLint reports for `code` as if it were the file at `path` (relative to the repo). */
async function violations(path: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: join(root, path) });
  return r.messages.map((m) => m.ruleId ?? m.message);
}

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

describe('import direction', () => {
  it.each([
    ['domain/planted.ts', "import { appRouter } from '../server/router.ts';\nexport const x = appRouter;", 'domain imports nothing of ours'],
    ['domain/planted.ts', "import { rows } from '../db/engine.ts';\nexport const x = rows;", 'not even db/'],
    ['server/planted.ts', "import { generateCases } from '../data/generators/cases.ts';\nexport const x = generateCases;", 'the server takes nothing from data/ but the seed'],
    ['server/planted.ts', "import { x as y } from '../client/lib/api.ts';\nexport const x = y;", 'the server never imports the client'],
    ['server/auth/planted.ts', "import { authenticate } from '../http/request-auth.ts';\nexport const x = authenticate;", 'auth is below http'],
    ['db/planted.ts', "import { appRouter } from '../server/router.ts';\nexport const x = appRouter;", 'db/ is the bottom layer'],
    ['data/planted.ts', "import { appRouter } from '../server/router.ts';\nexport const x = appRouter;", 'data/ builds on db/ only'],
    ['client/app/planted.ts', "import { appRouter } from '../../server/router.ts';\nexport const x = appRouter;", 'the client imports server types only'],
    ['client/features/cases/planted.ts', "import { GridDetails } from '../grids/GridDetails.tsx';\nexport const x = GridDetails;", 'features never import each other'],
    ['client/features/cases/planted.ts', "import { writeChecked } from '../../../db/geometry-guard.ts';\nexport const x = writeChecked;", 'the client takes rules from domain/, never from db/'],
    ['client/features/cases/planted.ts', "import { GridDetails } from '../../features/grids/GridDetails.tsx';\nexport const x = GridDetails;", 'nor a sibling by the long way round'],
    ['client/features/cases/deep/planted.ts', "import { GridDetails } from '../../grids/GridDetails.tsx';\nexport const x = GridDetails;", 'nor from a feature\'s subfolder'],
    ['client/features/cases/planted.ts', "export { GridDetails } from '../grids/GridDetails.tsx';", 'nor re-exported'],
    ['client/features/cases/planted.ts', "import { LAYERS } from '../../app/layer-list.ts';\nexport const x = LAYERS;", 'a feature never imports the composition'],
    ['client/lib/planted.ts', "import { casesLayer } from '../features/cases/cases.tsx';\nexport const x = casesLayer;", 'the shared library imports no feature'],
    ['client/map/planted.ts', "import { Console } from '../app/Console.tsx';\nexport const x = Console;", 'the map shell imports no composition'],
  ])('%s: %s is refused (%s)', async (path, code) => {
    // the client's rules are the typescript-eslint variant (it tells type-only imports apart)
    expect((await violations(path, code)).filter((id) => id === 'no-restricted-imports' || id === '@typescript-eslint/no-restricted-imports' || id === 'import-x/no-restricted-paths')).not.toEqual([]);
  });

  it.each([
    ["export const x = () => import('../grids/GridDetails.tsx');", 'a dynamic import of a sibling'],
    ["export const x = () => import('../../features/grids/GridDetails.tsx');", 'the long way round'],
    ["const p = '../grids/GridDetails.tsx';\nexport const x = () => import(p);", 'a path the rules cannot read'],
  ])('a feature: %s is refused (%s)', async (code) => {
    expect(await violations('client/features/cases/planted.ts', code)).toContain('no-restricted-syntax');
  });

  it.each([
    ['server/planted.ts', "import { seedCity } from '../data/seed.ts';\nexport const x = seedCity;"],
    ['client/app/planted.ts', "import type { AppRouter } from '../../server/router.ts';\nexport type X = AppRouter;"],
    ['client/app/planted.ts', "import { MESSAGES } from '../../domain/messages.ts';\nexport const x = MESSAGES;"],
    ['server/planted.ts', "import { MESSAGES } from '../domain/messages.ts';\nexport const x = MESSAGES;"],
    ['domain/planted.ts', "import { MESSAGES } from './messages.ts';\nexport const x = MESSAGES;"],
    ['client/features/cases/planted.ts', "import { toWgs84 } from '../../../domain/coords.ts';\nexport const x = toWgs84;"],
    ['data/planted.ts', "import { gridCode } from '../domain/codes.ts';\nexport const x = gridCode;"],
    ['client/features/cases/planted.ts', "import { trpc } from '../../lib/api.ts';\nimport { selectCases } from './cases-data.ts';\nexport const x = [trpc, selectCases];"],
    ['client/features/cases/planted.ts', "export const x = () => import('./CaseDetails.tsx');"],
    ['client/app/planted.ts', "import { casesLayer } from '../features/cases/cases.tsx';\nexport const x = casesLayer;"],
  ])('%s: the allowed way passes (%s)', async (path, code) => {
    expect(await violations(path, code)).toEqual([]);
  });
});

describe('no import circles', () => {
  const dir = join(root, 'server', '__lint_planted__');
  beforeAll(() => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'a.ts'), "import { b } from './b.ts';\nexport const a = () => b();\n");
    writeFileSync(join(dir, 'b.ts'), "import { a } from './a.ts';\nexport const b = () => a();\n");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a planted circle between two modules is refused', async () => {
    const [r] = await eslint.lintFiles([join(dir, 'a.ts')]);
    expect(r.messages.map((m) => m.ruleId)).toContain('import-x/no-cycle');
  });
  it('the client has none (features, library, map shell, composition)', async () => {
    const results = await eslint.lintFiles(['client/**/*.{ts,tsx}']);
    expect(results.flatMap((r) => r.messages.filter((m) => m.ruleId === 'import-x/no-cycle').map((m) => `${r.filePath}: ${m.message}`))).toEqual([]);
  });
  it('the server and the domain rules have none (auth ↔ sessions and auth ↔ http included)', async () => {
    const results = await eslint.lintFiles(['server/auth/**/*.ts', 'server/http/**/*.ts', 'domain/**/*.ts']);
    expect(results.flatMap((r) => r.messages.filter((m) => m.ruleId === 'import-x/no-cycle').map((m) => `${r.filePath}: ${m.message}`))).toEqual([]);
  });
});
