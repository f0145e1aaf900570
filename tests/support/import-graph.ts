// The project's import graph as the TypeScript sources write it, type-only imports and
// re-exports included: import-x's no-cycle skips `import type`, so a circle made only of types
// (db/engine.ts ↔ db/engine-seams.ts once) passes lint. Relative specifiers only (packages
// cannot import us back); a specifier's `?url`-style suffix is dropped.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SPECIFIER = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]*?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/** The relative specifiers a source file names in import/export statements and dynamic imports. */
export function specifiersOf(source: string): string[] {
  return [...source.matchAll(SPECIFIER)].map((m) => (m[1] ?? m[2]).replace(/\?.*$/, ''));
}

/** Every circle in a graph (file → files it imports), as its strongly connected components of two or more files, or one file importing itself. */
export function cyclesOf(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** The import graph of the project's TypeScript under `folders` (paths relative to `root`). */
export function projectGraph(root: string, folders: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) {
        if (name !== 'node_modules') walk(p);
      } else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) {
        const targets = specifiersOf(readFileSync(p, 'utf8'))
          .map((s) => resolve(dirname(p), s))
          .filter((t) => existsSync(t))
          .map((t) => relative(root, t));
        graph.set(relative(root, p), [...new Set(targets)]);
      }
    }
  };
  for (const f of folders) if (existsSync(join(root, f))) walk(join(root, f));
  return graph;
}
