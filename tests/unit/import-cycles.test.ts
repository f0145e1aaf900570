// No import circle anywhere in the project, type-only ones included (lint's import-x/no-cycle
// does not see `import type`): the graph is read from the sources (tests/support/import-graph.ts).
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cyclesOf, projectGraph, specifiersOf } from '../support/import-graph.ts';

const root = resolve(import.meta.dirname, '../..');

describe('the import graph', () => {
  it.each([
    ["import type { Db } from './engine.ts';", ['./engine.ts']],
    ["export type { EngineCapabilities } from './engine-seams.ts';", ['./engine-seams.ts']],
    ["import { a,\n  b } from '../x.ts';", ['../x.ts']],
    ["import workerUrl from 'maplibre-gl/dist/w.mjs?url';", []],
    ["const m = await import('./lazy.ts');", ['./lazy.ts']],
    ["import './side-effect.ts';", ['./side-effect.ts']],
    ["import raw from './style.css?inline';", ['./style.css']],
  ])('reads %j as %j (type-only, re-export, multi-line, package, dynamic, bare, suffix)', (src, want) => {
    expect(specifiersOf(src)).toEqual(want);
  });

  it('finds a circle made only of type imports, and a file importing itself', () => {
    const g = new Map([
      ['db/engine.ts', ['db/engine-seams.ts', 'db/schema.ts']],
      ['db/engine-seams.ts', ['db/engine.ts']],
      ['db/schema.ts', []],
      ['a.ts', ['a.ts']],
    ]);
    expect(cyclesOf(g)).toEqual(expect.arrayContaining([['db/engine-seams.ts', 'db/engine.ts'], ['a.ts']]));
    expect(cyclesOf(g)).toHaveLength(2);
  });

  it('finds none in a chain', () => {
    expect(cyclesOf(new Map([['a', ['b']], ['b', ['c']], ['c', []]]))).toEqual([]);
  });

  it('has no circle in the project (client, server, db, data, domain, tests, bench)', () => {
    const graph = projectGraph(root, ['client', 'server', 'db', 'data', 'domain', 'tests', 'bench']);
    expect(graph.size).toBeGreaterThan(200);
    expect(graph.get('db/engine.ts')).toContain('db/engine-seams.ts');
    expect(cyclesOf(graph)).toEqual([]);
  });
});
