import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compareResults } from '../../lib/report/compare.ts';
import { formatResults, point, type ResultsFile } from '../../lib/report/results.ts';

const axis = (title: string) => ({ title });
function file(seeds: number[], rows: Record<string, number[]>): ResultsFile {
  return {
    name: 'table1',
    title: 'T',
    scale: 'smoke',
    seeds,
    config: {},
    wallTimeSec: 1,
    createdBy: 'test',
    createdAt: '2026-12-07T00:00:00Z',
    sets: {
      accuracy: {
        title: 'A',
        chart: 'groupedBars',
        group: axis('Method'),
        x: axis('Benchmark'),
        y: axis('Accuracy'),
        points: Object.entries(rows).map(([g, v]) => point(g, 'gsm8k', v)),
      },
    },
  };
}

describe('compareResults', () => {
  it('compares only the seeds both files hold, aligned by seed, not by position', () => {
    const committed = file([1, 2, 3], { sft: [50, 60, 70], vggm: [55, 65, 75] });
    const rerun = file([2], { sft: [60], vggm: [65] });
    const c = compareResults(committed, rerun);
    expect(c.sharedSeeds).toEqual([2]);
    expect(c.compared).toBe(2);
    expect(c.differences).toEqual([]);
    expect(c.largestGap).toBe(0);
  });

  it('reports each differing cell, and honours an absolute tolerance', () => {
    const committed = file([1, 2], { sft: [50, 60], vggm: [55, 65] });
    const rerun = file([1, 2], { sft: [50, 60.5], vggm: [55, 64] });
    const exact = compareResults(committed, rerun);
    expect(exact.differences.map((d) => `${d.group} ${d.seed} ${d.expected}→${d.got}`)).toEqual(['sft 2 60→60.5', 'vggm 2 65→64']);
    expect(exact.largestGap).toBe(1);
    expect(compareResults(committed, rerun, 0.5).differences.map((d) => d.group)).toEqual(['vggm']);
    expect(compareResults(committed, rerun, 1).differences).toEqual([]);
  });

  it("uses a point's own seeds where it has them, and names cells only one file has", () => {
    const committed = file([1, 2], { sft: [50, 60] });
    committed.sets.accuracy.points.push({ ...point('spikes', 'gsm8k', [3]), seeds: [2] });
    const rerun = file([2], { sft: [60], base: [90] });
    const c = compareResults(committed, rerun);
    expect(c.compared).toBe(1);
    expect(c.onlyInExpected).toEqual(['accuracy/spikes/gsm8k seed 2']);
    expect(c.onlyInGot).toEqual(['accuracy/base/gsm8k seed 2']);
  });

  it('rejects a negative tolerance', () => {
    expect(() => compareResults(file([1], { sft: [1] }), file([1], { sft: [1] }), -1)).toThrow(/tolerance/);
  });
});

describe('scripts/compare-results.ts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'compare-'));
  const write = (name: string, f: ResultsFile) => {
    const p = join(dir, name);
    writeFileSync(p, formatResults(f));
    return p;
  };
  const run = (...args: string[]) => spawnSync('npx', ['tsx', 'scripts/compare-results.ts', ...args], { encoding: 'utf8' });

  it('exits 0 on the same values, 1 on a difference, 2 on a file it cannot read', () => {
    const a = write('a.json', file([1, 2], { sft: [50, 60] }));
    const same = write('same.json', file([1], { sft: [50] }));
    const other = write('other.json', file([1], { sft: [51] }));
    const agree = run(a, same);
    expect(agree.status).toBe(0);
    expect(agree.stdout).toMatch(/seeds 1: 1 cells compared, 1 the same, 0 different/);
    const diff = run(a, other);
    expect(diff.status).toBe(1);
    expect(diff.stdout).toMatch(/accuracy\/sft\/gsm8k seed 1: expected 50, got 51/);
    const bad = run(a, join(dir, 'missing.json'));
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});
