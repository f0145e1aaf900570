// Lint: TypeScript rules plus the architecture's import direction (docs/decisions/0001):
// client → server (type-only) → db, and data → db; everyone → domain/, which imports nothing of
// ours. No cycles, no barrels, features apart. tests/lint.test.ts plants violations and expects them refused.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import globals from 'globals';
import { readdirSync } from 'node:fs';

/** Each client feature folder, one zone apiece: it may import only its own folder of client/features (resolved paths, whatever the spelling). */
const featureZones = readdirSync(new URL('./client/features', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => ({ target: `./client/features/${d.name}`, from: './client/features', except: [`./${d.name}`], message: 'Features never import each other; compose them in client/app.' }));

const restrict = (patterns) => ['error', { patterns }];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', '.scratch/**', 'db/migrations/**', 'bench/results.json', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs'] })],
      // without these, import-x parses only .js files when following imports, and no-cycle
      // silently never sees a TypeScript cycle (tests/lint.test.ts plants one)
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
    },
    rules: {
      'import-x/no-cycle': 'error',
      'no-restricted-syntax': ['error', { selector: 'ExportAllDeclaration', message: 'No barrel files or export *: import from the module itself.' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // the client may only import server *types*
    files: ['client/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/server/**', '**/db/**', '**/data/**'], allowTypeImports: true, message: 'The client imports server code as types only (import type).' }] },
      ],
    },
  },
  {
    files: ['client/features/**/*.{ts,tsx}'],
    rules: {
      // a feature reaches its own files by ./, the shared library and the map by ../../lib and
      // ../../map; a sibling never (by any path), nor the composition that lists it (client/app)
      'no-restricted-imports': restrict([
        { regex: '^\\.\\./(?!\\.\\./)|/features/', message: 'Features never import each other; compose them in client/app.' },
        { regex: '^\\.\\./\\.\\./app/|/client/app/', message: 'A feature never imports client/app (the composition imports features, not the other way).' },
      ]),
      // the same rule on resolved paths, so no spelling (../../grids from a subfolder) gets round it
      'import-x/no-restricted-paths': ['error', { zones: [...featureZones, { target: './client/features', from: './client/app', message: 'A feature never imports client/app.' }] }],
      // and not by a dynamic import() either
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportAllDeclaration', message: 'No barrel files or export *: import from the module itself.' },
        { selector: "ImportExpression[source.type='Literal'][source.value=/^\\.\\.\\/(?!\\.\\.\\/)|\\/features\\/|\\/app\\//]", message: 'Features never import each other or client/app, dynamically neither.' },
        { selector: 'ImportExpression[source.type!="Literal"]', message: 'A feature imports modules by a literal path (so the import rules can see it).' },
      ],
    },
  },
  {
    // the shared client library and the map shell serve every feature: they import none, nor the composition
    files: ['client/lib/**/*.{ts,tsx}', 'client/map/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': restrict([{ regex: '/features/|/app/', message: 'client/lib and client/map import no feature and not client/app.' }]) },
  },
  {
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        { group: ['**/client/**'], message: 'The server never imports the client.' },
        { group: ['**/data/**', '!**/data/seed.ts'], message: 'The server depends on db/ and domain/; of data/ only data/seed.ts (to seed an empty database).' },
      ]),
    },
  },
  {
    // auth is below the HTTP transport: http/ reads cookies through auth/, never the other way
    files: ['server/auth/**/*.ts'],
    rules: { 'no-restricted-imports': restrict([{ group: ['**/http/**'], message: 'server/auth must not import server/http (cookies and session policy live in auth/).' }]) },
  },
  {
    // pure rules every side imports: nothing of ours (npm packages are fine)
    files: ['domain/**/*.ts'],
    rules: { 'no-restricted-imports': restrict([{ group: ['../*', '../**'], message: 'domain/ imports nothing of ours outside domain/ (it is imported by client, server and data alike).' }]) },
  },
  {
    files: ['db/**/*.ts'],
    rules: { 'no-restricted-imports': restrict([{ group: ['**/server/**', '**/client/**', '**/data/**'], message: 'db/ is the bottom layer: it imports nothing of ours above it.' }]) },
  },
  {
    files: ['data/**/*.ts'],
    rules: { 'no-restricted-imports': restrict([{ group: ['**/server/**', '**/client/**'], message: 'data/ builds on db/ only.' }]) },
  },
);
