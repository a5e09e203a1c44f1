// The report's headline: Table 1's verdict lines (paired per-seed differences against the paper's
// direction), shown before any prose; and the Markdown text helpers that keep results strings text.
import { describe, expect, it } from 'vitest';
import { table1Verdicts } from '../../lib/report/headline.ts';
import { mdCode, mdText } from '../../lib/report/markdown.ts';
import { buildReportHtml, markdownToSafeHtml } from '../../lib/report/page.ts';
import { point, type ResultsFile } from '../../lib/report/results.ts';

function table1(values: Record<string, number[]>, paper: Record<string, number>): ResultsFile {
  const points = Object.entries(values).map(([k, v]) => {
    const [group, x] = k.split('/');
    return point(group, x, v, { paper: paper[group] ?? null });
  });
  return {
    name: 'table1', title: 'Table 1', scale: 'smoke', seeds: [1, 2, 3], config: {}, wallTimeSec: 1, createdBy: 'test', createdAt: '2026-01-01T00:00:00Z',
    sets: { accuracy: { title: 'Accuracy', chart: 'groupedBars', group: { title: 'Method', labels: { vggm: 'VGGM', sft: 'SFT' } }, x: { title: 'Benchmark' }, y: { title: 'Accuracy', unit: '%' }, points } },
  };
}

const paper = { vggm: 83.1, sft: 78.2, base: 66.2 };

describe('table1Verdicts', () => {
  it('pairs seeds: a steady gain agrees, a steady loss is opposite, noise is inconclusive', () => {
    const f = table1({
      'vggm/a': [50, 61, 72], 'sft/a': [48, 59, 70], // +2 on every seed despite the spread across seeds
      'vggm/b': [40, 41, 42], 'sft/b': [45, 46, 47], // −5 on every seed
      'vggm/c': [40, 50, 45], 'sft/c': [45, 45, 45], // −5, +5, 0
    }, paper);
    const [line] = table1Verdicts(f);
    expect(line.title).toBe('VGGM vs SFT');
    expect(line.cells.map((c) => [c.x, c.agreement])).toEqual([['a', 'agrees'], ['b', 'opposite'], ['c', 'inconclusive']]);
    expect(line.cells[0].ours).toBeCloseTo(2, 12);
    expect(line.cells[0].ci95).toBeCloseTo(0, 12);
    expect(line.cells[0].paper).toBeCloseTo(4.9, 12);
  });

  it('one seed is inconclusive; a cell without the paper number says so; older "+" keys are read', () => {
    const one = { ...table1({ 'vggm/a': [50], 'sft/a': [40] }, paper), seeds: [1] };
    expect(table1Verdicts(one)[0].cells[0]).toMatchObject({ ours: 10, ci95: null, agreement: 'inconclusive' });
    const noPaper = table1({ 'vggm/a': [50, 51, 52], 'sft/a': [40, 41, 42] }, {});
    expect(table1Verdicts(noPaper)[0].cells[0].agreement).toBe('no paper number');
    const plus = table1({ 'vggm+grpo/a': [50, 51, 52], 'sft+grpo/a': [40, 41, 42] }, {});
    expect(table1Verdicts(plus).map((l) => [l.treated, l.baseline])).toEqual([['vggm+grpo', 'sft+grpo']]);
  });
});

describe('report page order', () => {
  it('opens with the Table 1 chart and its verdict lines, before the prose summary', () => {
    const f = table1({ 'vggm/a': [50, 51, 52], 'sft/a': [40, 41, 43], 'base/a': [30, 30, 31] }, paper);
    const html = buildReportHtml({
      title: 'R', figures: [{ file: f, md: '# Table 1\n\n| a |\n|---|\n| 1 |\n', spec: { mark: 'bar' } as never }],
      summary: '# What reproduced\n\nProse.', bench: null, explorer: null, notes: [],
    });
    const main = html.slice(html.indexOf('<main>'));
    const at = (s: string) => main.indexOf(s);
    expect(at('id="fig-0-table1"')).toBeGreaterThan(0);
    expect(at('<ul class="verdicts">')).toBeGreaterThan(at('id="fig-0-table1"'));
    expect(at('id="summary"')).toBeGreaterThan(at('<ul class="verdicts">'));
    expect(main).toContain('<li><b>VGGM vs SFT</b> (%): a: paper +4.9, ours +9.7 ± 1.4 <span class="verdict ok">agrees</span></li>');
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
