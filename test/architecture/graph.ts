// The import graph of lib/ and scripts/, read from the sources with TypeScript's own pre-processor
// (ts.preProcessFile: static imports, re-exports, `import type` and dynamic import() calls), and
// the two checks docs/architecture.md states: every edge goes to a layer its file's layer uses,
// and no file reaches itself again.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** file (repository-relative, '/'-separated) -> the repository files it imports */
export type ImportGraph = Map<string, string[]>;

export interface Layer {
  name: string;
  /** the files of the layer; a file belongs to the first layer whose pattern matches it */
  files: RegExp;
  /** the other layers its files may import */
  uses: string[];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) return sourceFiles(p);
      return /\.(ts|mts|js|mjs)$/.test(f) && !f.endsWith('.d.ts') ? [p] : [];
    });
}

const repoPath = (root: string, p: string) => relative(root, p).split('\\').join('/');

/** The repository files that the source text of `file` imports (package imports are not edges). */
export function importsOfSource(root: string, file: string, text: string): string[] {
  const { importedFiles } = ts.preProcessFile(text, true, true);
  const to = importedFiles.filter((i) => i.fileName.startsWith('.')).map((i) => repoPath(root, resolve(dirname(file), i.fileName)));
  return [...new Set(to)].sort();
}

/** The imports of every source file under `dirs` of `root`. */
export function importGraph(root: string, dirs: string[]): ImportGraph {
  const g: ImportGraph = new Map();
  for (const file of dirs.flatMap((d) => sourceFiles(join(root, d)))) g.set(repoPath(root, file), importsOfSource(root, file, readFileSync(file, 'utf8')));
  return g;
}

export function layerOf(layers: readonly Layer[], file: string): string | undefined {
  return layers.find((l) => l.files.test(file))?.name;
}

/** Every edge that leaves its layer for one the layer does not use, and every file in no layer. */
export function forbiddenEdges(g: ImportGraph, layers: readonly Layer[]): string[] {
  const byName = new Map(layers.map((l) => [l.name, l]));
  const out: string[] = [];
  for (const [from, tos] of g) {
    const a = layerOf(layers, from);
    if (!a) {
      out.push(`${from}: in no layer`);
      continue;
    }
    for (const to of tos) {
      const b = layerOf(layers, to);
      if (b === a) continue;
      if (!b || !byName.get(a)!.uses.includes(b)) out.push(`${from} (${a}) -> ${to} (${b ?? 'no layer'})`);
    }
  }
  return out;
}

/** The strongly connected components with more than one file, or a file importing itself (Tarjan). */
export function cycles(g: ImportGraph): string[][] {
  const index = new Map<string, number>(),
    low = new Map<string, number>();
  const stack: string[] = [],
    onStack = new Set<string>(),
    out: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of g.get(v) ?? []) {
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
      if (scc.length > 1 || (g.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of [...g.keys()].sort()) if (!index.has(v)) visit(v);
  return out;
}

/** The layer graph of `uses` as an import graph, so that `cycles` checks it too. */
export function layerGraph(layers: readonly Layer[]): ImportGraph {
  return new Map(layers.map((l) => [l.name, [...l.uses]]));
}
