// Lint: TypeScript rules plus the architecture's import direction (docs/decisions/0001):
// client → server (type-only) → db, and data → db. No cycles, no barrels, features apart.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import globals from 'globals';

const restrict = (patterns) => ['error', { patterns }];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', '.scratch/**', 'db/migrations/**', 'bench/results.json', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs'] })] },
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
      'no-restricted-imports': restrict([{ group: ['**/features/*/**', '!./**'], message: 'Features never import each other; compose them in client/app.' }]),
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: { 'no-restricted-imports': restrict([{ group: ['**/client/**', '**/data/generators/**'], message: 'The server depends on db/ only (and data/seed.ts to seed an empty database).' }]) },
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
