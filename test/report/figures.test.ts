import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publishResults, renderResults, rerenderResults } from '../../lib/report/figures.ts';
import { decimalsFor, resultsToMarkdown, setToMarkdown } from '../../lib/report/markdown.ts';
import { commandLine, point, readResults, validateResults, writeResults, type ResultsFile } from '../../lib/report/results.ts';
import { ALL_FAKES, fakeFig2, fakeTable1 } from './fake.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'figures-'));

/** Parse a markdown table into rows of cells (header first, separator dropped). */
function mdTable(md: string): string[][] {
  return md
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|[:\-|]+\|$/.test(l))
    .map((l) => l.slice(2, -2).split(' | '));
}

describe('results files', () => {
  it('round-trips through write and read, and validation catches numbers that disagree with their seeds', () => {
    const dir = tmp();
    const f = fakeTable1();
    const path = writeResults(dir, f);
    expect(readResults(path)).toEqual(f);
    // one line per point, the rest indented
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines.filter((l) => l.trimStart().startsWith('{"group":'))).toHaveLength(18);
    expect(lines).toContain('  "name": "table1",');
    const bad = structuredClone(f);
    bad.sets.accuracy.points[4].mean += 0.5;
    writeFileSync(path, JSON.stringify(bad));
    expect(() => readResults(path)).toThrow(/point 4 \(base\+grpo, math\): mean\/std\/ci95\/n disagree/);
    expect(() => readResults(join(dir, 'missing.json'))).toThrow(/missing\.json: cannot read results JSON/);
  });

  it('refuses a wrong number of seed values, non-finite values and a bad scale', () => {
    const f = fakeTable1();
    const p = f.sets.accuracy.points[0];
    const g = { ...f, sets: { accuracy: { ...f.sets.accuracy, points: [{ ...p, ...point('base', 'gsm8k', [1, 2]) }] } } };
    expect(() => validateResults(g, 'x')).toThrow(/2 values for 3 seeds/);
    expect(() => validateResults({ ...f, scale: 'huge' }, 'x')).toThrow(/scale 'huge'/);
    expect(() => point('a', 'b', [1, NaN])).toThrow(/non-finite/);
  });

  it('records the command line, quoting what a shell would split', () => {
    expect(commandLine(['/usr/bin/node', `${process.cwd()}/scripts/table1.ts`, '--scale', 'cpu', '--note', "it's"])).toBe(`tsx scripts/table1.ts --scale cpu --note 'it'\\''s'`);
  });
});

describe('markdown', () => {
  it('table cells are the JSON numbers: ours mean ± CI beside the paper', () => {
    const f = fakeTable1();
    const set = f.sets.accuracy;
    const rows = mdTable(setToMarkdown(set));
    const header = rows[0];
    expect(header.slice(0, 3)).toEqual(['Method', 'GSM8K ours', 'GSM8K paper']);
    let checked = 0;
    for (const p of set.points) {
      const r = rows.find((row) => row[0] === set.group.labels![p.group])!;
      const col = header.indexOf(`${set.x.labels![p.x as string]} ours`);
      const [m, ci] = r[col].split(' ± ').map(Number);
      expect(m).toBeCloseTo(p.mean, 1);
      expect(Math.abs(m - p.mean)).toBeLessThanOrEqual(0.05 + 1e-9);
      expect(Math.abs(ci - p.ci95!)).toBeLessThanOrEqual(0.05 + 1e-9);
      expect(Number(r[col + 1])).toBe(p.paper);
      checked++;
    }
    expect(checked).toBe(18);
  });

  it('series tables are thinned to 15 rows, keeping the first and last x', () => {
    const set = fakeFig2().sets.loss;
    const md = setToMarkdown(set);
    const rows = mdTable(md).slice(1);
    expect(rows).toHaveLength(15);
    expect(rows[0][0]).toBe('0');
    expect(rows[14][0]).toBe('1490');
    const d = decimalsFor(set);
    expect(d).toBe(2); // losses of a few nats: 3 significant digits
    expect(md).toMatch(/15 of 150 rows shown/);
    const last = set.points.find((p) => p.group === 'vggm' && p.x === 1490)!;
    expect(rows[14][2]).toBe(`${last.mean.toFixed(d)} ± ${last.ci95!.toFixed(d)}`);
  });

  it('whole file: provenance line, one section per set, the paper notes', () => {
    const md = resultsToMarkdown(fakeTable1());
    expect(md).toMatch(/^# Table 1: Benchmark performance\n/);
    expect(md).toContain('seeds 1, 2, 3');
    expect(md).toContain('`tsx scripts/table1.ts --scale smoke`');
    expect(md).toContain('## Accuracy by method and benchmark');
    expect(md).toContain('## What the paper reports');
  });
});

describe('figures registry', () => {
  it.each(ALL_FAKES.map((f) => [f().name, f] as const))('%s: publish writes json, md, vl, svg, png; rerender reproduces them byte for byte', async (_name, make) => {
    const dir = tmp();
    const f = make();
    const p = await publishResults(dir, f);
    for (const k of ['json', 'md', 'vl', 'svg', 'png'] as const) expect(statSync(p[k]!).size).toBeGreaterThan(k === 'png' ? 20_000 : 100);
    const first = { md: readFileSync(p.md, 'utf8'), svg: readFileSync(p.svg!, 'utf8'), png: readFileSync(p.png!) };
    await rerenderResults(dir, f.name);
    expect(readFileSync(p.md, 'utf8')).toBe(first.md);
    expect(readFileSync(p.svg!, 'utf8')).toBe(first.svg);
    expect(readFileSync(p.png!).equals(first.png)).toBe(true);
    // every group label of every drawn set is on the chart (legend, facet header or axis)
    for (const [id, set] of Object.entries(f.sets)) {
      if (set.chart === 'table' || id.endsWith('Spikes')) continue;
      for (const g of new Set(set.points.map((q) => q.group))) {
        const lbl = (set.group.labels?.[g] ?? g).replace(/&/g, '&amp;').replace(/'/g, '&#39;');
        if (new Set(set.points.map((q) => q.group)).size > 1) expect(first.svg).toContain(lbl);
      }
    }
  });

  it('table1 draws one paper diamond per paper number and titles the figure', () => {
    const f = fakeTable1();
    const { spec } = renderResults(f);
    const json = JSON.stringify(spec);
    expect(json).toContain('"Table 1: Benchmark performance"');
    expect(json).toContain('Paper (Qwen2.5-7B)');
    const s = spec as unknown as { vconcat: { data: { values: { paper: number | null }[] } }[] };
    expect(s.vconcat[0].data.values.filter((r) => r.paper !== null)).toHaveLength(18);
  });

  it('fig2 marks the loss spikes of its lossSpikes set on the loss panel', () => {
    const f = fakeFig2();
    const nSpikes = f.sets.lossSpikes.points.length;
    expect(nSpikes).toBeGreaterThan(3);
    expect(JSON.stringify(renderResults(f).spec)).toContain(`loss spike (${nSpikes} in all)`);
    expect(renderResults(f).md).not.toContain('## Loss spikes');
  });

  it('fig2 clips CI bands to what the quantity can take: accuracy in [0, 100], variance >= 0', () => {
    const f = fakeFig2();
    // Three seeds this far apart give t intervals that reach below 0 and above 100.
    f.sets.gsm8k.points[0] = point('sft', 1000, [0, 2, 60]);
    f.sets.gsm8k.points[1] = point('vggm', 1000, [99, 100, 40]);
    f.sets.gradVariance = {
      title: 'Gradient variance during SFT',
      chart: 'lines',
      group: f.sets.gsm8k.group,
      x: { title: 'Step' },
      y: { title: 'tr Cov(g)' },
      points: [point('sft', 20, [0.1, 0.2, 3]), point('vggm', 20, [1, 1.1, 1.2])],
    };
    for (const p of [f.sets.gsm8k.points[0], f.sets.gsm8k.points[1], f.sets.gradVariance.points[0]]) {
      expect(p.mean - p.ci95! < 0 || p.mean + p.ci95! > 100).toBe(true);
    }
    type Panel = { title?: { text?: string } | string; data?: { values: { group: string; x: number; lo: number; hi: number }[] } };
    const panels: Panel[] = [];
    const walk = (s: unknown): void => {
      if (!s || typeof s !== 'object') return;
      const o = s as Record<string, unknown>;
      if ((o as Panel).data?.values && o.layer) panels.push(o as Panel);
      for (const v of Object.values(o)) walk(v);
    };
    walk(renderResults(f).spec);
    const band = (title: string) => panels.find((p) => JSON.stringify(p.title ?? '').includes(title))!.data!.values;
    const acc = band('GSM8K');
    expect(acc.find((r) => r.group === 'sft' && r.x === 1000)!.lo).toBe(0);
    expect(acc.find((r) => r.group === 'vggm' && r.x === 1000)!.hi).toBe(100);
    const gv = band('Gradient variance');
    expect(gv.find((r) => r.group === 'sft')!.lo).toBe(0);
    // an interval inside the bounds is drawn as computed
    const v = f.sets.gradVariance.points[1];
    expect(gv.find((r) => r.group === 'vggm')!.lo).toBeCloseTo(v.mean - v.ci95!, 12);
  });

  it('npm run figures re-renders every results file in a folder (child process)', () => {
    const dir = tmp();
    const f: ResultsFile = fakeTable1();
    writeResults(dir, f);
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/figures.ts', '--out', dir], { encoding: 'utf8', timeout: 90_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^table1: .*table1\.md, .*table1\.svg, .*table1\.png/);
    expect(statSync(join(dir, 'table1.png')).size).toBeGreaterThan(20_000);
    const bad = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/figures.ts', '--out', dir, '--only', 'nope'], { encoding: 'utf8', timeout: 90_000 });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe(`figures: error: no ${dir}/nope.json`);
  });
});
