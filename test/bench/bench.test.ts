// The benchmark's contract, without timing anything: the script answers --help, the rows built
// from both sides' readings have the documented shape and ratios, and results/bench.json
// round-trips. (Speed itself is measured by `npm run bench`, never asserted in tests.)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matmulRows, modelRows, type MatmulReading, type ModelReading } from '../../lib/bench/compare.ts';
import { checkResult, formatTable, requiredRows, writeBenchResult, type BenchResult } from '../../lib/bench/results.ts';
import { modelMatmuls, shapeArg } from '../../lib/bench/shapes.ts';
import { rate, spread } from '../../lib/bench/summary.ts';
import { presetConfig } from '../../lib/model/config.ts';

const root = join(import.meta.dirname, '../..');

describe('summary', () => {
  it('takes the median of odd and even counts and keeps the range', () => {
    expect(spread([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5, n: 3 });
    expect(spread([4, 1, 3, 2]).median).toBe(2.5);
    expect(rate(10, [1, 2, 5])).toEqual({ median: 5, min: 2, max: 10, n: 3 });
    expect(() => spread([])).toThrow(/no measurements/);
  });
});

describe('model matmul shapes', () => {
  it('lists forward, input- and weight-gradient products with their per-step counts', () => {
    const c = presetConfig('qwen-like', 'cpu', 500);
    const rows = 64;
    const shapes = modelMatmuls(c, rows);
    // Every linear layer's forward flops appear once per use: the sum must match a direct count.
    const hd = c.dModel / c.heads;
    const perLayer = c.dModel * (c.heads * hd) * 2 + c.dModel * (c.kvHeads * hd) * 2 + c.dModel * c.ffn * 3;
    const fwdFlops = 2 * rows * (c.layers * perLayer + c.dModel * c.vocab);
    const total = shapes.reduce((s, x) => s + 2 * x.m * x.n * x.k * x.count, 0);
    expect(total).toBe(3 * fwdFlops);
    const lm = shapes.find((s) => s.name === 'lm_head_dw')!;
    expect(lm).toMatchObject({ m: 500, n: c.dModel, k: rows, transA: true, transB: false, count: 1 });
    expect(shapeArg(lm)).toBe(`500x${c.dModel}x${rows}:ta`);
  });
});

const sp = (median: number) => ({ median, min: median * 0.9, max: median * 1.1, n: 5 });
const reading = (m: number, n: number, k: number, transA: boolean, transB: boolean, gflops: number): MatmulReading => ({
  m,
  n,
  k,
  transA,
  transB,
  gflops: sp(gflops),
  ms: sp(((2 * m * n * k) / (gflops * 1e9)) * 1000),
});

function exampleResult(): BenchResult {
  const c = presetConfig('qwen-like', 'tiny', 50);
  const shapes = modelMatmuls(c, 16);
  const all = [{ m: 1024, n: 1024, k: 1024, transA: false, transB: false }, ...shapes];
  const ours = all.map((s) => reading(s.m, s.n, s.k, s.transA, s.transB, 20));
  const peer = all.map((s) => reading(s.m, s.n, s.k, s.transA, s.transB, 80));
  const o: ModelReading = { tokensPerS: sp(1000), peakRssMiB: 300, params: 1234 };
  const p: ModelReading = { tokensPerS: sp(4000), peakRssMiB: 200, params: 1234 };
  return { rows: [...matmulRows(shapes, ours, peer), ...modelRows('train', o, p), ...modelRows('sample', o, p)], meta: { note: 'test' } };
}

describe('bench.json', () => {
  it('has the required rows with ratio = ours/peer and round-trips through the writer', () => {
    const r = exampleResult();
    expect(() => checkResult(r)).not.toThrow();
    for (const name of requiredRows) expect(r.rows.map((x) => x.name)).toContain(name);
    const m = r.rows.find((x) => x.name === 'matmul_1024')!;
    expect(m.ratio).toBeCloseTo(0.25, 12);
    expect(r.rows.find((x) => x.name === 'matmul_model_step')!.ours).toBeCloseTo(20, 9);
    const mem = r.rows.find((x) => x.name === 'train_peak_rss_mib')!;
    expect(mem).toMatchObject({ ours: 300, peer: 200, ratio: 1.5, better: 'lower', unit: 'MiB' });
    const dir = mkdtempSync(join(tmpdir(), 'bench-test-'));
    try {
      const path = writeBenchResult(dir, r);
      const back = JSON.parse(readFileSync(path, 'utf8')) as BenchResult;
      checkResult(back);
      for (const row of back.rows) expect(Object.keys(row)).toEqual(expect.arrayContaining(['name', 'ours', 'peer', 'ratio', 'unit']));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(formatTable(r.rows)).toMatch(/train_tokens_per_s\s+tokens\/s\s+1000/);
  });

  it('rejects a result that misses a required row, and readings of different models', () => {
    const r = exampleResult();
    r.rows = r.rows.filter((x) => x.name !== 'sample_tokens_per_s');
    expect(() => checkResult(r)).toThrow(/missing rows sample_tokens_per_s/);
    const o: ModelReading = { tokensPerS: sp(1), peakRssMiB: 1, params: 10 };
    expect(() => modelRows('train', o, { ...o, params: 11 })).toThrow(/not the same model/);
    expect(() => matmulRows([], [], [])).toThrow(/ours has no timing for matmul 1024x1024x1024/);
  });
});

describe('scripts/bench.ts', () => {
  it('answers --help', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/bench.ts'), '--help'], { cwd: root, encoding: 'utf8' });
    expect(out).toMatch(/--threads/);
    expect(out).toMatch(/--profile/);
  });

  it('exits non-zero with one line on bad input', () => {
    let err: { status: number; stderr: string } | undefined;
    try {
      execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/bench.ts'), '--parts', 'bogus'], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      err = e as { status: number; stderr: string };
    }
    expect(err?.status).toBe(2);
    expect(err?.stderr.trim().split('\n')).toHaveLength(1);
    expect(err?.stderr).toMatch(/--parts/);
  });
});

describe('chart spec', () => {
  it('plots throughput ratios with whiskers around them and memory of both sides', async () => {
    const { benchChartSpec } = await import('../../lib/bench/chart.ts');
    const r = exampleResult();
    const spec = benchChartSpec(r.rows, 'test') as unknown as { hconcat: { data: { values: Record<string, number | string>[] } }[] };
    const [speed, mem] = spec.hconcat;
    expect(speed.data.values.map((v) => v.name)).toEqual(r.rows.filter((x) => x.better === 'higher').map((x) => x.name));
    for (const v of speed.data.values) {
      expect(v.lo as number).toBeLessThanOrEqual(v.ratio as number);
      expect(v.hi as number).toBeGreaterThanOrEqual(v.ratio as number);
    }
    expect(mem.data.values).toContainEqual({ name: 'train_peak_rss_mib', side: 'ours', value: 300 });
  });
});
