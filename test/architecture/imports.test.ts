// The layers of docs/architecture.md, enforced: the table is read from that file, the import graph
// from the sources (test/architecture/graph.ts). The synthetic graphs show that the checks fail on
// what they are meant to catch.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cycles, forbiddenEdges, importGraph, importsOfSource, layerGraph, layerOf, type ImportGraph, type Layer } from './graph.ts';

const root = resolve(import.meta.dirname, '../..');

/** The layer table of docs/architecture.md: | layer | `files regex` | uses, comma-separated |. */
function layersOfDoc(markdown: string): Layer[] {
  const rows = markdown.split('\n').filter((l) => /^\| \w+ \| `/.test(l));
  return rows.map((row) => {
    const cells = row
      .split(/(?<!\\)\|/)
      .slice(1, -1)
      .map((c) => c.trim());
    const [name, files, uses] = cells;
    return { name, files: new RegExp(files.slice(1, -1).replace(/\\\|/g, '|')), uses: uses ? uses.split(',').map((u) => u.trim()) : [] };
  });
}

const layers = layersOfDoc(readFileSync(resolve(root, 'docs/architecture.md'), 'utf8'));
const graph = importGraph(root, ['lib', 'scripts']);

describe('the layer table of docs/architecture.md', () => {
  it('is read whole: every layer it uses is a layer, and the layers do not use each other in a circle', () => {
    expect(layers.map((l) => l.name)).toEqual([
      'util',
      'gpu',
      'config',
      'ops',
      'model',
      'tokenizer',
      'grade',
      'data',
      'methods',
      'eval',
      'train',
      'bench',
      'report',
      'repro',
      'refs',
      'scripts',
    ]);
    const names = new Set(layers.map((l) => l.name));
    for (const l of layers) for (const u of l.uses) expect(names.has(u), `${l.name} uses ${u}`).toBe(true);
    expect(cycles(layerGraph(layers))).toEqual([]);
  });

  it('puts the method rules in their own layer and the rest of lib/train above evaluation', () => {
    expect(layerOf(layers, 'lib/train/weights.ts')).toBe('methods');
    expect(layerOf(layers, 'lib/train/pipeline.ts')).toBe('train');
    expect(layerOf(layers, 'lib/eval/answer.ts')).toBe('grade');
    expect(layerOf(layers, 'lib/eval/evaluate.ts')).toBe('eval');
  });
});

describe('the import graph of lib/ and scripts/', () => {
  it('is read from the sources, static, type-only and dynamic imports alike', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('lib/train/pipeline.ts')).toContain('lib/train/weights.ts');
    expect(graph.get('scripts/sft.ts')).toContain('lib/train/pipeline.ts');
  });

  it('has no import of a layer that its layer does not use, and no file outside the layers', () => {
    expect(forbiddenEdges(graph, layers)).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(cycles(graph)).toEqual([]);
  });
});

describe('the checks themselves', () => {
  const g = (edges: Record<string, string[]>): ImportGraph => new Map(Object.entries(edges));

  it('fail on a forbidden import, e.g. the report reaching into training or util into the GPU', () => {
    const ok = g({ 'lib/report/report.ts': ['lib/data/dataset.ts', 'lib/train/weights.ts'], 'lib/data/dataset.ts': [], 'lib/train/weights.ts': [] });
    expect(forbiddenEdges(ok, layers)).toEqual([]);
    const leak = g({
      ...Object.fromEntries(ok),
      'lib/report/report.ts': ['lib/train/cache.ts'],
      'lib/util/cli.ts': ['lib/gpu/device.ts'],
      'lib/train/cache.ts': [],
      'lib/gpu/device.ts': [],
    });
    expect(forbiddenEdges(leak, layers)).toEqual(['lib/report/report.ts (report) -> lib/train/cache.ts (train)', 'lib/util/cli.ts (util) -> lib/gpu/device.ts (gpu)']);
  });

  it('fail on an evaluation module importing training (the eval <-> train cycle)', () => {
    const leak = g({ 'lib/eval/evaluate.ts': ['lib/train/order.ts'], 'lib/train/order.ts': [] });
    expect(forbiddenEdges(leak, layers)).toEqual(['lib/eval/evaluate.ts (eval) -> lib/train/order.ts (train)']);
  });

  it('fail on a file in no layer', () => {
    expect(forbiddenEdges(g({ 'lib/misc/x.ts': [] }), layers)).toEqual(['lib/misc/x.ts: in no layer']);
  });

  it('find every cycle, within a layer too, and nothing in a graph without one', () => {
    expect(cycles(g({ a: ['b'], b: ['c'], c: [] }))).toEqual([]);
    expect(cycles(g({ 'lib/tokenizer/bpe.ts': ['lib/tokenizer/index.ts'], 'lib/tokenizer/index.ts': ['lib/tokenizer/bpe.ts'], x: ['x'], y: ['lib/tokenizer/bpe.ts'] }))).toEqual([
      ['lib/tokenizer/bpe.ts', 'lib/tokenizer/index.ts'],
      ['x'],
    ]);
  });

  it('catch a forbidden import added to a real source file', () => {
    const file = resolve(root, 'lib/util/atomic.ts');
    const text = readFileSync(file, 'utf8') + "\nexport const leak = () => import('../gpu/device.ts');\n";
    const edited = new Map(graph).set('lib/util/atomic.ts', importsOfSource(root, file, text));
    expect(forbiddenEdges(edited, layers)).toEqual(['lib/util/atomic.ts (util) -> lib/gpu/device.ts (gpu)']);
  });
});
