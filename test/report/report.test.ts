import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderResults, rerenderResults } from '../../lib/report/figures.ts';
import { decimalsFor } from '../../lib/report/markdown.ts';
import { withBaseConfig } from '../../lib/report/render.ts';
import { buildReport, listResults } from '../../lib/report/report.ts';
import { label, readResults, type ResultSet } from '../../lib/report/results.ts';
import { makeFixture } from './explorer-fixture.ts';
import { BENCH, makeResultsDir } from './report-fixture.ts';

/** Markdown tables of a file, in order: rows of cells, header first, separator dropped. */
function mdTables(md: string): string[][][] {
  const out: string[][][] = [];
  let cur: string[][] | null = null;
  for (const l of md.split('\n')) {
    if (!l.startsWith('|')) {
      cur = null;
      continue;
    }
    if (/^\|[:\-|]+\|$/.test(l)) continue;
    if (!cur) out.push((cur = []));
    cur.push(l.slice(2, -2).split(' | '));
  }
  return out;
}

/** "12k" → 12000, "1.5M" → 1500000, "0.05" → 0.05. */
const fromLabel = (s: string) => Number(s.replace(/k$/, 'e3').replace(/M$/, 'e6'));

/** Every cell of a set's markdown table against the JSON: ours "mean ± ci" and the paper's number. */
function checkTable(set: ResultSet, table: string[][]): number {
  const d = decimalsFor(set);
  const tol = 0.5 * 10 ** -d + 1e-9;
  const [header, ...body] = table;
  const close = (cell: string, mean: number, ci: number | null) => {
    const [m, c] = cell.split(' ± ').map(Number);
    expect(Math.abs(m - mean)).toBeLessThanOrEqual(tol);
    if (ci === null) expect(c).toBeUndefined();
    else expect(Math.abs(c - ci)).toBeLessThanOrEqual(tol);
  };
  let cells = 0;
  if (set.points.some((p) => typeof p.x === 'string')) {
    for (const p of set.points) {
      const row = body.find((r) => r[0] === label(set.group, p.group))!;
      const col = header.indexOf(`${label(set.x, p.x)} ours`);
      close(row[col], p.mean, p.ci95);
      if (p.paper != null) expect(Math.abs(Number(row[col + 1]) - p.paper)).toBeLessThanOrEqual(tol);
      cells++;
    }
  } else {
    for (const row of body) {
      const x = fromLabel(row[0].replace(/ \(.*$/, ''));
      header.slice(1).forEach((g, i) => {
        const p = set.points.find((q) => Number(q.x) === x && label(set.group, q.group) === g);
        if (!p) return expect(row[i + 1]).toBe('–');
        close(row[i + 1], p.mean, p.ci95);
        cells++;
      });
    }
  }
  return cells;
}

describe('figures from the committed JSON', () => {
  it('re-rendered markdown tables hold exactly the numbers of every results file', async () => {
    const dir = makeResultsDir();
    const { names } = listResults(dir);
    expect(names.slice(0, 5)).toEqual(['table1', 'table2', 'fig1', 'fig2', 'budget_forcing']);
    let cells = 0;
    for (const name of names) {
      const p = await rerenderResults(dir, name);
      const file = readResults(p.json);
      const md = readFileSync(p.md, 'utf8');
      const tables = mdTables(md);
      const ids = Object.keys(file.sets).filter((id) => !(id.endsWith('Spikes') && file.sets[id.slice(0, -6)]));
      expect(tables).toHaveLength(ids.length);
      ids.forEach((id, i) => (cells += checkTable(file.sets[id], tables[i])));
    }
    expect(cells).toBeGreaterThan(150);
  });

  it('lists only results files: run summaries, bench.json and explorer.json are not rendered', () => {
    const dir = makeResultsDir();
    const { names, others } = listResults(dir);
    expect(others).toEqual(['bench', 'eval-sft-vggm-smoke']);
    expect(names).not.toContain('bench');
  });
});

describe('static report', () => {
  const fx = makeFixture();

  it('inlines every chart spec, table, the bench rows, the summary and the explorer data, with nothing to fetch', () => {
    const dir = makeResultsDir();
    const built = buildReport({ out: dir, explorer: 'refresh', data: fx.ds.dir, scale: 'smoke', models: fx.models, perTier: 4 });
    expect(built.refreshed).toBe(true);
    const html = readFileSync(built.html, 'utf8');
    expect(html).not.toMatch(/<script[^>]+\bsrc=/i);
    expect(html).not.toMatch(/<link[^>]+href=/i);
    expect(html).not.toMatch(/<img[^>]+src=["']?https?:/i);
    const json = (id: string) => JSON.parse(html.match(new RegExp(`<script type="application/json" id="${id}">(.*?)</script>`, 's'))![1]);
    const specs = json('specs') as Record<string, unknown>;
    for (const name of built.figures) {
      const { spec } = renderResults(readResults(join(dir, `${name}.json`)));
      const key = Object.keys(specs).find((k) => k.endsWith(`-${name}`))!;
      expect(specs[key]).toEqual(JSON.parse(JSON.stringify(withBaseConfig(spec!))));
    }
    expect(Object.keys(specs)).toHaveLength(built.figures.length + 1); // + the bench chart
    expect(json('explorer-data')).toEqual(JSON.parse(readFileSync(join(dir, 'explorer.json'), 'utf8')));
    for (const r of BENCH.rows) expect(html).toContain(`<td>${r.name}</td>`);
    expect(html).toContain('<strong>VGGM above SFT on GSM8K</strong>');
    // table1's markdown rendered: every "mean ± ci" cell is in the page
    const t1 = readResults(join(dir, 'table1.json'));
    for (const p of t1.sets.accuracy.points) expect(html).toContain(`${p.mean.toFixed(1)} ± ${p.ci95!.toFixed(1)}`);
    // the page's own scripts stay inside their elements
    expect(html.match(/<\/script>/g)!.length).toBe(html.match(/<script[ >]/g)!.length);
  });

  it('keeps the explorer.json already there when the world data is absent, and says so', () => {
    const dir = makeResultsDir();
    buildReport({ out: dir, explorer: 'refresh', data: fx.ds.dir, scale: 'smoke', models: fx.models, perTier: 2 });
    const before = readFileSync(join(dir, 'explorer.json'), 'utf8');
    const again = buildReport({ out: dir, explorer: 'refresh', data: join(dir, 'no-such-data'), scale: 'smoke' });
    expect(again.refreshed).toBe(false);
    expect(again.explorer).toBe(join(dir, 'explorer.json'));
    expect(readFileSync(join(dir, 'explorer.json'), 'utf8')).toBe(before);
    expect(again.notes.join('\n')).toMatch(/no world data at .*no-such-data/);
  });

  it('script: a missing results folder is one line and exit 2', () => {
    const run = (...a: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'scripts/report.ts', ...a], { encoding: 'utf8', timeout: 60_000 });
    const none = run('--out', '/nonexistent-results');
    expect(none.status).toBe(2);
    expect(none.stderr.trim()).toBe("report: error: no results folder '/nonexistent-results'");
  });
});
