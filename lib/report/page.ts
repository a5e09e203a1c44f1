// results/index.html: one self-contained page that opens from disk with no server and no
// network. Everything is inlined: the vega, vega-lite and vega-embed bundles from node_modules,
// each figure's Vega-Lite spec (the same spec renderResults gives the .svg/.png, so the page can
// never show other numbers), the markdown tables rendered to HTML, the benchmark rows, the
// plain-words summary (results/README.md) and the trace explorer's data (lib/report/explorer.ts).
// It opens with the headline (Table 1's chart and its verdict lines), then the prose.
//
// Nothing from results, README.md or the data runs as markup: strings are escaped where they are
// put into HTML; Markdown is rendered with raw HTML shown as text, and its output goes through an
// allowlist sanitiser (sanitize-html: no scripts, no event attributes, links only to http(s),
// mailto, anchors and relative paths); JSON goes into <script type="application/json"> with "<"
// escaped. test/report/hostile.test.ts opens a page built from hostile inputs in Chromium.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import type { TopLevelSpec } from 'vega-lite';
import type { BenchRow } from '../bench/results.ts';
import type { ExplorerData } from './explorer.ts';
import { table1Verdicts, type Headline } from './headline.ts';
import { withBaseConfig } from './render.ts';
import type { ResultsFile } from './results.ts';

export interface ReportFigure {
  file: ResultsFile;
  /** renderResults(file).md: tables with ours beside the paper. */
  md: string;
  spec: TopLevelSpec | null;
}

export interface ReportInput {
  title: string;
  figures: ReportFigure[];
  /** results/README.md (markdown), the plain-words summary of which claims reproduced. */
  summary: string | null;
  bench: { rows: BenchRow[]; meta?: Record<string, unknown> } | null;
  explorer: ExplorerData | null;
  /** Lines about inputs that were absent or skipped. */
  notes: string[];
}

const require = createRequire(import.meta.url);

/** The browser bundles, in load order (vega-embed expects globals vega and vegaLite). */
export function vegaBundles(): string[] {
  // The packages' "exports" maps hide their build/ folders from require.resolve: look them up
  // in the node_modules folders Node would search.
  const dirs = require.resolve.paths('vega') ?? [];
  return ['vega/build/vega.min.js', 'vega-lite/build/vega-lite.min.js', 'vega-embed/build/vega-embed.min.js'].map((p) => {
    const found = dirs.map((d) => join(d, p)).find((f) => existsSync(f));
    if (!found) throw new Error(`${p} not found in node_modules: run \`npm ci\``);
    return readFileSync(found, 'utf8');
  });
}

/** Text safe inside a <script> element: no "</script", no HTML comment openers. */
export function scriptSafe(s: string): string {
  return s.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** JSON for a <script type="application/json"> element. */
export function jsonScript(v: unknown): string {
  return JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Text for HTML element content or a double- or single-quoted attribute value. */
export function escapeHtml(s: unknown): string {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

// Raw HTML in Markdown is shown as the text it is, never parsed.
const markdown = new Marked({ gfm: true, renderer: { html: ({ text }) => escapeHtml(text) } });

/** What rendered Markdown may contain: text formatting, lists, tables, code, links. */
const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'p',
    'br',
    'hr',
    'blockquote',
    'ul',
    'ol',
    'li',
    'strong',
    'em',
    'del',
    'code',
    'pre',
    'a',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
  ],
  allowedAttributes: { a: ['href', 'title'], th: ['align'], td: ['align'], ol: ['start'], code: ['class'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'escape',
};

/** Markdown (results tables, README.md) as HTML that can hold no script. */
export function markdownToSafeHtml(md: string): string {
  return sanitizeHtml(markdown.parse(md, { async: false }) as string, SANITIZE);
}

/** Markdown of a results file without its top title (the page's section heading replaces it). */
function bodyOf(md: string): string {
  return md.replace(/^# .*\n+/, '');
}

function benchSpec(rows: BenchRow[]): TopLevelSpec {
  const values = rows
    .filter((r) => Number.isFinite(r.ratio) && r.ratio > 0)
    .map((r) => ({
      name: r.name,
      ratio: r.ratio,
      ours: r.ours,
      peer: r.peer,
      unit: r.unit,
      better: r.better ?? 'higher',
      verdict: (r.better === 'lower' ? r.ratio <= 1 : r.ratio >= 1) ? 'ours better or equal' : 'peer better',
    }));
  const ratios = values.map((v) => v.ratio);
  const lo = 10 ** Math.floor(Math.log10(Math.min(1, ...ratios))),
    hi = 10 ** Math.ceil(Math.log10(Math.max(1, ...ratios)) + 1e-9);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Ours ÷ peer', subtitle: 'log scale; the rule marks parity' },
    data: { values },
    width: 420,
    height: { step: 24 },
    layer: [
      {
        mark: { type: 'bar' },
        // Bars grow from parity (ratio 1): a log axis has no zero to grow from.
        encoding: {
          y: { field: 'name', type: 'nominal', title: null, sort: null },
          x: { field: 'ratio', type: 'quantitative', title: 'ratio (ours / peer)', scale: { type: 'log', domain: [lo, hi] } },
          x2: { datum: 1 },
          color: { field: 'verdict', type: 'nominal', title: null, scale: { domain: ['ours better or equal', 'peer better'], range: ['#54a24b', '#e45756'] } },
          tooltip: [
            { field: 'name' },
            { field: 'ours', format: '.4~g' },
            { field: 'peer', format: '.4~g' },
            { field: 'unit' },
            { field: 'ratio', format: '.3~g' },
            { field: 'better', title: 'better is' },
          ],
        },
      },
      { mark: { type: 'rule', color: '#333', strokeDash: [4, 3] }, encoding: { x: { datum: 1 } } },
    ],
  } as TopLevelSpec;
}

function benchTable(rows: BenchRow[]): string {
  const fmt = (x: number) => (Number.isFinite(x) ? (+x.toPrecision(4)).toLocaleString('en-US') : '–');
  const body = rows.map(
    (r) =>
      `<tr><td>${escapeHtml(r.name)}</td><td class="num">${fmt(r.ours)}</td><td class="num">${fmt(r.peer)}</td><td class="num">${Number.isFinite(r.ratio) ? r.ratio.toPrecision(3) : '–'}</td><td>${escapeHtml(r.unit)}</td><td>${escapeHtml(r.better ?? '')}</td><td>${escapeHtml(r.note ?? '')}</td></tr>`,
  );
  return `<table class="bench"><thead><tr><th>measure</th><th>ours</th><th>peer</th><th>ratio</th><th>unit</th><th>better is</th><th>note</th></tr></thead><tbody>${body.join('')}</tbody></table>`;
}

/** How the benchmark was run, in a line, with the whole meta object folded below it. */
function benchMeta(meta: Record<string, unknown> | undefined): string {
  if (!meta || !Object.keys(meta).length) return '';
  const m = meta as { command?: string; date?: string; machine?: { cpu?: string; cores?: number } };
  const bits = [
    m.command && `made by <code>${escapeHtml(m.command)}</code>`,
    m.date && `on ${escapeHtml(String(m.date).slice(0, 10))}`,
    m.machine?.cpu && `(${escapeHtml(m.machine.cpu)}${m.machine.cores ? `, ${escapeHtml(m.machine.cores)} cores` : ''})`,
  ].filter(Boolean);
  return `<p class="note">${bits.join(' ')}</p><details><summary>Everything recorded about the run (bench.json meta)</summary><pre class="note">${escapeHtml(JSON.stringify(meta, null, 2))}</pre></details>`;
}

const CSS = `
:root { --learned: #7fd49a; --seen: #ffd59a; --removed: #d9d9d9; --prompt: #8a8a8a; --ink: #1f2328; }
* { box-sizing: border-box; }
body { font: 15px/1.5 "DejaVu Sans", system-ui, sans-serif; color: var(--ink); margin: 0; background: #fafafa; }
header { background: #24292f; color: #fff; padding: 14px 28px; }
header h1 { margin: 0; font-size: 21px; }
header nav a { color: #cfe3ff; margin-right: 16px; font-size: 14px; }
main { max-width: 1320px; margin: 0 auto; padding: 10px 28px 60px; }
section { background: #fff; border: 1px solid #e1e4e8; border-radius: 6px; padding: 10px 22px 18px; margin: 18px 0; }
h2 { border-bottom: 1px solid #eaecef; padding-bottom: 4px; }
table { border-collapse: collapse; margin: 8px 0 14px; font-size: 13.5px; }
th, td { border: 1px solid #d0d7de; padding: 3px 9px; }
th { background: #f3f4f6; }
td.num, td[align="right"] { text-align: right; font-variant-numeric: tabular-nums; }
.chart { margin: 8px 0; overflow-x: auto; }
.chart-error { color: #b00020; white-space: pre-wrap; }
.note { color: #57606a; font-size: 13px; }
details summary { cursor: pointer; color: #0969da; }
#explorer .controls { display: flex; flex-wrap: wrap; gap: 14px; align-items: end; margin: 8px 0 12px; }
#explorer label { display: flex; flex-direction: column; font-size: 12.5px; color: #57606a; }
#explorer select { font-size: 14px; padding: 3px; max-width: 420px; }
.panes { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }
.pane { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 12px; background: #fff; min-width: 0; }
.pane h3 { margin: 4px 0 6px; font-size: 16px; }
.problem { font-size: 13.5px; background: #f6f8fa; padding: 6px 8px; border-radius: 4px; margin: 4px 0 8px; }
.tokens { font-family: "DejaVu Sans Mono", ui-monospace, monospace; font-size: 13.5px; line-height: 2.0; white-space: pre-wrap; word-break: break-word; }
.tk { border-radius: 2px; padding: 1px 0; }
.tk.prompt { color: var(--prompt); }
.tk.seen { background: var(--seen); }
.tk.learned { background: var(--learned); }
.tk.removed { background: var(--removed); color: #777; text-decoration: line-through; }
.tk.wrong { text-decoration: underline wavy #d1242f; text-underline-offset: 4px; }
.tk.fork { outline: 2px solid #6f42c1; outline-offset: -1px; }
.tlast { display: inline-block; background: #d1242f; color: #fff; font: bold 10.5px/1.3 "DejaVu Sans", sans-serif; padding: 0 4px; border-radius: 3px; margin: 0 3px; vertical-align: 1px; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 14px; font-size: 12.5px; margin: 4px 0 8px; align-items: center; }
.legend .tk { padding: 1px 5px; }
.sw { display: inline-block; width: 90px; height: 10px; background: linear-gradient(to right, #fff, #ffe08a, #f08c3c, #c4302b); border: 1px solid #ccc; vertical-align: middle; }
.stats { font-size: 12.5px; color: #57606a; margin: 6px 0; }
.gen { border-top: 1px dashed #d0d7de; padding: 6px 0; }
.verdict { font-size: 12.5px; font-weight: bold; padding: 1px 6px; border-radius: 3px; }
.verdict.ok { background: #dafbe1; color: #116329; }
.verdict.bad { background: #ffebe9; color: #a40e26; }
.verdict.open { background: #fff8c5; color: #7d4e00; }
ul.verdicts li { margin: 3px 0; }
.missing { color: #9a6700; font-size: 13px; }
@media (max-width: 1000px) { .panes { grid-template-columns: 1fr; } }
`;

/** One line per Table 1 comparison: the paper's difference and ours per benchmark, and the verdict. */
function verdictsHtml(h: Headline): string {
  if (!h.lines.length) return '';
  const signed = (v: number) => {
    const a = Math.abs(v).toFixed(1);
    return a === '0.0' ? a : `${v > 0 ? '+' : '−'}${a}`;
  };
  const css: Record<string, string> = { agrees: 'ok', opposite: 'bad', inconclusive: 'open', 'no paper number': 'open' };
  const items = h.lines.map((l) => {
    const cells = l.cells.map((c) => {
      const spread = c.ci95 !== null ? ` ± ${c.ci95.toFixed(1)}` : c.interval ? ` [${signed(c.interval.lo)}, ${signed(c.interval.hi)}]` : ' (1 seed)';
      const paper = c.paper === null ? '' : `paper ${signed(c.paper)}, `;
      return `${escapeHtml(c.xLabel)}: ${paper}ours ${signed(c.ours)}${spread} <span class="verdict ${css[c.agreement]}">${escapeHtml(c.agreement)}</span>`;
    });
    return `<li><b>${escapeHtml(l.title)}</b> (${escapeHtml(l.unit)}): ${cells.join('; ')}</li>`;
  });
  return `<ul class="verdicts">${items.join('')}</ul><p class="note">${escapeHtml(h.how)} It agrees with the paper when the interval excludes 0 on the paper's side, is opposite when it excludes 0 on the other side, and is inconclusive when it holds 0.</p>`;
}

/** Benchmark tables (categorical x) are shown open; long series tables start folded. */
function openTables(file: ResultsFile): boolean {
  return Object.values(file.sets).every((s) => s.points.every((p) => typeof p.x === 'string'));
}

/** The whole page as one HTML string. */
export function buildReportHtml(input: ReportInput): string {
  const figs = input.figures.map((f, i) => ({ ...f, id: `fig-${i}-${f.file.name.replace(/[^\w-]/g, '_')}` }));
  const specs: Record<string, unknown> = {};
  for (const f of figs) if (f.spec) specs[f.id] = withBaseConfig(f.spec);
  if (input.bench?.rows.length) specs['bench-chart'] = withBaseConfig(benchSpec(input.bench.rows));

  const link = (f: (typeof figs)[number]) => `<a href="#${f.id}-section">${escapeHtml(f.file.name)}</a>`;
  const nav = [
    ...figs.filter((f) => f.file.name === 'table1').map(link),
    '<a href="#summary">Summary</a>',
    ...figs.filter((f) => f.file.name !== 'table1').map(link),
    '<a href="#bench">Benchmarks</a>',
    '<a href="#explorer">Trace explorer</a>',
  ].join('');

  const summary = input.summary
    ? `<div class="md">${markdownToSafeHtml(input.summary)}</div>`
    : '<p class="missing">No results/README.md yet: the plain-words summary of which claims reproduced is written when the reproduction finishes.</p>';

  // Table 1's run also writes the mechanism diagnostics; the headline points to them when present.
  const diag = figs.find((f) => f.file.name === 'diagnostics');
  const diagnosticsLink = diag
    ? `<p class="note">Why: what the models learned from the teacher's traces (first pass vs final answer, verification, the teacher's wrong facts, entropy) is in <a href="#${diag.id}-section">${escapeHtml(diag.file.title)}</a>.</p>`
    : '';

  const section = (f: (typeof figs)[number]) => `
<section id="${f.id}-section">
  <h2>${escapeHtml(f.file.title)}</h2>
  ${f.spec ? `<div class="chart" id="${f.id}" data-name="${escapeHtml(f.file.name)}"></div>` : ''}
  ${f.file.name === 'table1' ? verdictsHtml(table1Verdicts(f.file)) + diagnosticsLink : ''}
  <details${openTables(f.file) ? ' open' : ''}><summary>Tables: ours (mean ± 95% CI over seeds) beside the paper</summary>${markdownToSafeHtml(bodyOf(f.md))}</details>
</section>`;
  // The headline (Table 1) comes first, before any prose; the other figures follow the summary.
  const headline = figs.filter((f) => f.file.name === 'table1').map(section);
  const figureSections = figs.filter((f) => f.file.name !== 'table1').map(section);

  const bench = input.bench?.rows.length
    ? `<div class="chart" id="bench-chart" data-name="bench"></div>${benchTable(input.bench.rows)}${benchMeta(input.bench.meta)}`
    : '<p class="missing">No results/bench.json yet (npm run bench).</p>';

  const explorer = `
<section id="explorer">
  <h2>Trace explorer</h2>
  <p class="note">Left: a teacher trace as a method trains on it. Each response token is coloured by its loss weight, from
  <code>weightExample</code> in lib/train/weights.ts: the same call the training data goes through. Right: the
  generations of the model that method trained, on held-out problems of the same tier, each token shaded by its
  entropy H<sub>t</sub>, fork tokens (top 20% by entropy) outlined, with the grader's verdict.</p>
  <div class="controls">
    <label>Method <select id="x-method"></select></label>
    <label>Tier <select id="x-tier"></select></label>
    <label>Teacher trace <select id="x-trace"></select></label>
    <label>Held-out problem <select id="x-problem"></select></label>
  </div>
  <div class="panes">
    <div class="pane" id="x-teacher"></div>
    <div class="pane" id="x-model"></div>
  </div>
  <div id="x-missing"></div>
</section>`;

  const notes = input.notes.length ? `<section><h2>Notes on this build</h2><ul>${input.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul></section>` : '';
  const client = readFileSync(new URL('./client.js', import.meta.url), 'utf8');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<style>${CSS}</style>
${vegaBundles()
  .map((b) => `<script>${scriptSafe(b)}</script>`)
  .join('\n')}
</head>
<body>
<header><h1>${escapeHtml(input.title)}</h1><nav>${nav}</nav></header>
<main>
${headline.join('\n')}
<section id="summary"><h2>Which of the paper's claims reproduced</h2>${summary}</section>
${figureSections.join('\n')}
<section id="bench"><h2>Benchmarks: ours vs. a peer implementation</h2>${bench}</section>
${explorer}
${notes}
</main>
<script type="application/json" id="specs">${jsonScript(specs)}</script>
<script type="application/json" id="explorer-data">${jsonScript(input.explorer)}</script>
<script>${scriptSafe(client)}</script>
</body>
</html>
`;
}
