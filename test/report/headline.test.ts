// The report's headline: Table 1's verdict lines (the differences set's bootstrap intervals, or
// paired per-seed differences in older files, against the paper's direction), shown before any
// prose; and the Markdown text helpers that keep results strings text.
import { describe, expect, it } from 'vitest';
import { renderResults } from '../../lib/report/figures.ts';
import { TABLE1_DIFFERENCES, table1Verdicts } from '../../lib/report/headline.ts';
import { mdCode, mdText } from '../../lib/report/markdown.ts';
import { buildReportHtml, markdownToSafeHtml } from '../../lib/report/page.ts';
import { point, readResults, type Point, type ResultSet, type ResultsFile } from '../../lib/report/results.ts';
import type { Verdict } from '../../lib/report/stats.ts';

function table1(values: Record<string, number[]>, paper: Record<string, number>): ResultsFile {
  const points = Object.entries(values).map(([k, v]) => {
    const [group, x] = k.split('/');
    return point(group, x, v, { paper: paper[group] ?? null });
  });
  return {
    name: 'table1',
    title: 'Table 1',
    scale: 'smoke',
    seeds: [1, 2, 3],
    config: {},
    wallTimeSec: 1,
    createdBy: 'test',
    createdAt: '2026-01-01T00:00:00Z',
    sets: {
      accuracy: {
        title: 'Accuracy',
        chart: 'groupedBars',
        group: { title: 'Method', labels: { vggm: 'VGGM', sft: 'SFT' } },
        x: { title: 'Benchmark' },
        y: { title: 'Accuracy', unit: '%' },
        points,
      },
    },
  };
}

const paper = { vggm: 83.1, sft: 78.2, base: 66.2 };

describe('table1Verdicts: files without the differences set (per-seed t fallback)', () => {
  it('pairs seeds: a steady gain agrees, a steady loss is opposite, noise is inconclusive', () => {
    const f = table1(
      {
        'vggm/a': [50, 61, 72],
        'sft/a': [48, 59, 70], // +2 on every seed despite the spread across seeds
        'vggm/b': [40, 41, 42],
        'sft/b': [45, 46, 47], // −5 on every seed
        'vggm/c': [40, 50, 45],
        'sft/c': [45, 45, 45], // −5, +5, 0
      },
      paper,
    );
    const h = table1Verdicts(f);
    expect(h.source).toBe('seeds');
    const [line] = h.lines;
    expect(line.title).toBe('VGGM vs SFT');
    expect(line.cells.map((c) => [c.x, c.agreement])).toEqual([
      ['a', 'agrees'],
      ['b', 'opposite'],
      ['c', 'inconclusive'],
    ]);
    expect(line.cells[0].ours).toBeCloseTo(2, 12);
    expect(line.cells[0].ci95).toBeCloseTo(0, 12);
    expect(line.cells[0].paper).toBeCloseTo(4.9, 12);
  });

  it('one seed is inconclusive; a cell without the paper number says so; older "+" keys are read', () => {
    const one = { ...table1({ 'vggm/a': [50], 'sft/a': [40] }, paper), seeds: [1] };
    expect(table1Verdicts(one).lines[0].cells[0]).toMatchObject({ ours: 10, ci95: null, interval: null, agreement: 'inconclusive' });
    const noPaper = table1({ 'vggm/a': [50, 51, 52], 'sft/a': [40, 41, 42] }, {});
    expect(table1Verdicts(noPaper).lines[0].cells[0].agreement).toBe('no paper number');
    const plus = table1({ 'vggm+grpo/a': [50, 51, 52], 'sft+grpo/a': [40, 41, 42] }, {});
    expect(table1Verdicts(plus).lines.map((l) => [l.treated, l.baseline])).toEqual([['vggm+grpo', 'sft+grpo']]);
  });

  it('the committed results/table1.json (written before the differences set) still gives verdict lines', () => {
    const file = readResults('results/table1.json');
    const h = table1Verdicts(file);
    expect(h.source).toBe(file.sets.differences ? 'bootstrap' : 'seeds');
    if (file.sets.differences) return;
    expect(h.lines.map((l) => [l.treated, l.baseline])).toEqual([
      ['vggm', 'sft'],
      ['vggm_grpo', 'sft_grpo'],
      ['sft', 'base'],
    ]);
  });
});

/** Table 1 with a differences set as scripts/table1.ts writes it (lib/report/paired.ts). */
function withDifferences(f: ResultsFile, diffs: Record<string, [number, number, number, Verdict | undefined]>): ResultsFile {
  const points: Point[] = Object.entries(diffs).map(([k, [m, lo, hi, verdict]]) => {
    const [group, x] = k.split('/');
    // per-seed values whose t interval would differ from the bootstrap's: the headline must not use it
    return { ...point(group, x, [m - 9, m, m + 9]), interval: { lo, hi }, ...(verdict ? { verdict } : {}), mde: 3 };
  });
  const set: ResultSet = {
    title: 'Paired differences',
    chart: 'deltaBars',
    group: { title: 'Difference', order: TABLE1_DIFFERENCES.map((c) => c.id), labels: Object.fromEntries(TABLE1_DIFFERENCES.map((c) => [c.id, c.label])) },
    x: { title: 'Benchmark', labels: { a: 'A', b: 'B' } },
    y: { title: 'Accuracy difference', unit: 'pp' },
    interval: '95% two-stage bootstrap over seeds × problems',
    points,
  };
  return { ...f, sets: { ...f.sets, differences: set } };
}

describe('table1Verdicts: files with the differences set (bootstrap)', () => {
  // The accuracy set's per-seed values say VGGM − SFT = +10 on a with a tight t interval; the
  // bootstrap interval (problems resampled too) holds 0: the page must follow the bootstrap.
  const acc = table1(
    {
      'vggm/a': [50, 51, 52],
      'sft/a': [40, 41, 42],
      'vggm/b': [50, 51, 52],
      'sft/b': [40, 41, 42],
      'base/a': [30, 30, 30],
      'base_grpo/a': [31, 32, 33],
    },
    { ...paper, base_grpo: 74.2 },
  );
  const f = withDifferences(acc, {
    'vggm-sft/a': [10, -1.5, 21.5, 'inconclusive'],
    'vggm-sft/b': [10, 2, 18, 'positive'],
    'grpo-gain-base/a': [2, 0.5, 3.5, undefined], // no stored verdict: read from the interval
  });

  it('reads intervals and verdicts from the set, in its order, with the paper from the accuracy set', () => {
    const h = table1Verdicts(f);
    expect(h.source).toBe('bootstrap');
    expect(h.how).toContain('95% two-stage bootstrap over seeds × problems');
    expect(h.lines.map((l) => [l.title, l.treated, l.baseline, l.unit])).toEqual([
      ['SFT (VGGM) − SFT (No Masking)', 'vggm', 'sft', 'pp'],
      ['GRPO gain on Base', 'base_grpo', 'base', 'pp'],
    ]);
    const [vs, gain] = h.lines;
    expect(vs.cells.map((c) => [c.xLabel, c.ours, c.interval, c.ci95, c.verdict, c.agreement])).toEqual([
      ['A', 10, { lo: -1.5, hi: 21.5 }, null, 'inconclusive', 'inconclusive'],
      ['B', 10, { lo: 2, hi: 18 }, null, 'positive', 'agrees'],
    ]);
    expect(vs.cells[0].paper).toBeCloseTo(4.9, 12);
    expect(gain.cells[0]).toMatchObject({ verdict: 'positive', agreement: 'agrees' });
    expect(gain.cells[0].paper).toBeCloseTo(8, 12);
  });

  it('a bootstrap interval on the other side of 0 from the paper is opposite; no paper number is said', () => {
    const g = withDifferences(table1({ 'vggm/a': [1, 2, 3], 'sft/a': [4, 5, 6] }, paper), { 'vggm-sft/a': [-3, -6, -0.5, 'negative'] });
    expect(table1Verdicts(g).lines[0].cells[0].agreement).toBe('opposite');
    const n = withDifferences(table1({ 'vggm/a': [1, 2, 3], 'sft/a': [4, 5, 6] }, {}), { 'vggm-sft/a': [-3, -6, -0.5, 'negative'] });
    expect(table1Verdicts(n).lines[0].cells[0].agreement).toBe('no paper number');
  });

  it('the page shows the same interval and verdict as table1.md', () => {
    const html = buildReportHtml({
      title: 'R',
      figures: [{ file: f, ...renderResults(f) }],
      summary: null,
      bench: null,
      explorer: null,
      notes: [],
    });
    const md = renderResults(f).md;
    expect(md).toContain('10.0 [-1.5, 21.5] inconclusive');
    expect(html).toContain('A: paper +4.9, ours +10.0 [−1.5, +21.5] <span class="verdict open">inconclusive</span>');
    expect(html).toContain('B: paper +4.9, ours +10.0 [+2.0, +18.0] <span class="verdict ok">agrees</span>');
    expect(html).not.toContain('± its 95% t interval');
  });
});

describe('report page order', () => {
  it('opens with the Table 1 chart and its verdict lines, before the prose summary', () => {
    const f = table1({ 'vggm/a': [50, 51, 52], 'sft/a': [40, 41, 43], 'base/a': [30, 30, 31] }, paper);
    const html = buildReportHtml({
      title: 'R',
      figures: [{ file: f, md: '# Table 1\n\n| a |\n|---|\n| 1 |\n', spec: { mark: 'bar' } as never }],
      summary: '# What reproduced\n\nProse.',
      bench: null,
      explorer: null,
      notes: [],
    });
    const main = html.slice(html.indexOf('<main>'));
    const at = (s: string) => main.indexOf(s);
    expect(at('id="fig-0-table1"')).toBeGreaterThan(0);
    expect(at('<ul class="verdicts">')).toBeGreaterThan(at('id="fig-0-table1"'));
    expect(at('id="summary"')).toBeGreaterThan(at('<ul class="verdicts">'));
    expect(main).toContain('<li><b>VGGM vs SFT</b> (%): a: paper +4.9, ours +9.7 ± 1.4 <span class="verdict ok">agrees</span></li>');
  });
});

describe('report page: the diagnostics', () => {
  it("Table 1's headline links the diagnostics section when the run wrote one, and only then", () => {
    const f = table1({ 'vggm/a': [50, 51, 52], 'sft/a': [40, 41, 43] }, paper);
    const diag: ResultsFile = { ...f, name: 'diagnostics', title: 'Diagnostics <what>', sets: { answers: { ...f.sets.accuracy, title: 'Answers' } } };
    const page = (files: ResultsFile[]) =>
      buildReportHtml({ title: 'R', figures: files.map((file) => ({ file, ...renderResults(file) })), summary: null, bench: null, explorer: null, notes: [] });
    const html = page([f, diag]);
    expect(html).toContain('<section id="fig-1-diagnostics-section">');
    expect(html).toContain('<a href="#fig-1-diagnostics-section">Diagnostics &lt;what&gt;</a>');
    expect(html.indexOf('href="#fig-1-diagnostics-section">Diagnostics')).toBeLessThan(html.indexOf('id="summary"'));
    expect(page([f])).not.toContain('diagnostics');
  });
});

describe('results strings stay text', () => {
  it('mdText escapes markup; mdCode fences any backtick run', () => {
    expect(mdText('a <b> & c\nd')).toBe('a &lt;b&gt; &amp; c d');
    expect(mdCode('x')).toBe('`x`');
    expect(mdCode('a `b` ``c``')).toBe('``` a `b` ``c`` ```');
    expect(mdCode('`x`')).toBe('`` `x` ``');
    const html = markdownToSafeHtml(`made by ${mdCode('tsx ` <img src=x onerror=alert(1)> `')}`);
    expect(html).toBe('<p>made by <code>tsx ` &lt;img src=x onerror=alert(1)&gt; `</code></p>\n');
  });

  it('Markdown: raw HTML is shown as text, script links lose their href', () => {
    expect(markdownToSafeHtml('<script>alert(1)</script>')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(markdownToSafeHtml('[x](javascript:alert(1)) [y](https://a.b/c) [z](#t)')).toBe('<p><a>x</a> <a href="https://a.b/c">y</a> <a href="#t">z</a></p>\n');
    expect(markdownToSafeHtml('| a |\n|--:|\n| 1 |')).toContain('<td align="right">1</td>');
  });
});
