// Helpers shared by the notebooks (Deno kernel): where the results are, showing markdown and
// charts, and re-deriving a file's summaries from its per-seed values. Runs under Deno only (the
// notebooks' kernel); everything it shows comes from lib/report, so a notebook renders exactly
// what `npm run figures` renders.
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderResults } from '../lib/report/figures.ts';
import { readResults, resultsPath, type Point, type ResultSet, type ResultsFile } from '../lib/report/results.ts';
import { specToSvg } from '../lib/report/render.ts';
import { summarize } from '../lib/report/stats.ts';

/**
 * The results folder: $VGGM_RESULTS_DIR (a relative path is taken from the kernel's working
 * directory, which Jupyter sets to this folder), else the repository's results/.
 */
export function resultsDir(): string {
  const env = Deno.env.get('VGGM_RESULTS_DIR');
  if (env) return isAbsolute(env) ? env : resolve(Deno.cwd(), env);
  return join(fileURLToPath(new URL('.', import.meta.url)), '..', 'results');
}

/** The reproduction script (scripts/<x>.ts) that writes each results name. */
const SCRIPTS: Record<string, string> = { table1: 'table1', table2: 'table2', fig1: 'figure1', fig2: 'figure2', budget_forcing: 'budget-forcing' };

/** Read and validate results/<name>.json; one line naming the file and the fix when missing. */
export function load(name: string): ResultsFile {
  const path = resultsPath(resultsDir(), name);
  try {
    Deno.statSync(path);
  } catch {
    throw new Error(`${path} not found: run scripts/${SCRIPTS[name] ?? name}.ts (it writes the file), or set VGGM_RESULTS_DIR`);
  }
  return readResults(path);
}

/** One line: what the file is, where it was read from and how it was made. */
export function provenance(file: ResultsFile): string {
  return `${file.title}: scale ${file.scale}, seeds ${file.seeds.join(', ')}, read from ${resultsDir()}, made by \`${file.createdBy}\` on ${file.createdAt.slice(0, 10)}`;
}

/**
 * A MIME bundle that Deno's kernel shows when it is a cell's last value. Each cell that shows
 * something ends with one of these, so that what it shows is its execute_result, one per cell,
 * which the notebook tests count (lib/report/late_output.py: why a result can arrive late).
 */
export interface Shown {
  [display: symbol]: () => Record<string, string>;
}

function shown(bundle: Record<string, string>): Shown {
  return { [Symbol.for('Jupyter.display')]: () => bundle };
}

/** Markdown, shown as the cell's result. */
export function md(text: string): Shown {
  return shown({ 'text/markdown': text, 'text/plain': text });
}

/** The results file as the report shows it: its markdown tables. */
export function showTables(file: ResultsFile): Shown {
  return md(renderResults(file).md);
}

/** The results file's figure (the registry's Vega-Lite layout), rendered to SVG. */
export async function showChart(file: ResultsFile): Promise<Shown> {
  const { spec } = renderResults(file);
  if (!spec) throw new Error(`${file.name}: nothing to draw`);
  const svg = await specToSvg(spec);
  return shown({ 'image/svg+xml': svg, 'text/plain': `${file.title} (SVG chart)` });
}

/** |a − b| ≤ tol · max(1, |b|), else throw naming what differs. */
export function assertClose(a: number, b: number, what: string, tol = 1e-9): void {
  if (!(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)))) throw new Error(`${what}: ${a} ≠ ${b}`);
}

/**
 * Recompute every point's n, mean, std and 95% CI from its per-seed values with lib/report/stats
 * and assert they equal the file's; returns how many points were checked.
 */
export function checkSummaries(file: ResultsFile): number {
  let checked = 0;
  for (const [id, set] of Object.entries(file.sets)) {
    for (const p of set.points) {
      const s = summarize(p.values);
      const at = `${file.name} ${id} (${p.group}, ${p.x})`;
      if (s.n !== p.n) throw new Error(`${at}: n ${p.n} ≠ ${s.n}`);
      assertClose(p.mean, s.mean, `${at} mean`);
      if ((s.ci95 === null) !== (p.ci95 === null)) throw new Error(`${at}: ci95 ${p.ci95} vs ${s.ci95}`);
      if (s.ci95 !== null) assertClose(p.ci95!, s.ci95, `${at} ci95`);
      checked++;
    }
  }
  return checked;
}

/** The set's points keyed by group then x. */
export function grid(set: ResultSet): Map<string, Map<string | number, Point>> {
  const out = new Map<string, Map<string | number, Point>>();
  for (const p of set.points) {
    if (!out.has(p.group)) out.set(p.group, new Map());
    out.get(p.group)!.set(p.x, p);
  }
  return out;
}

/** The point (group, x) of a set; throws naming the set when absent. */
export function at(set: ResultSet, group: string, x: string | number): Point {
  const p = set.points.find((q) => q.group === group && q.x === x);
  if (!p) throw new Error(`${set.title}: no point (${group}, ${x})`);
  return p;
}

/** The seeds of a point's values (its own, else its set's, else the file's). */
export function seedsOf(file: ResultsFile, set: ResultSet, p: Point): number[] {
  return p.seeds ?? set.seeds ?? file.seeds;
}

/** Per-seed a − b over the seeds both points have; the seeds used come back alongside. */
export function pairedDiff(file: ResultsFile, set: ResultSet, a: Point, b: Point): { seeds: number[]; values: number[] } {
  const sa = seedsOf(file, set, a), sb = seedsOf(file, set, b);
  const seeds = sa.filter((s) => sb.includes(s));
  return { seeds, values: seeds.map((s) => a.values[sa.indexOf(s)] - b.values[sb.indexOf(s)]) };
}

/** "1.23 ± 0.45" from values (± the 95% t half-width; no ± for one value). */
export function fmt(values: readonly number[], decimals = 1): string {
  const s = summarize(values);
  return s.ci95 === null ? s.mean.toFixed(decimals) : `${s.mean.toFixed(decimals)} ± ${s.ci95.toFixed(decimals)}`;
}

/** A markdown table from a header and rows of cells. */
export function mdTable(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), `|${header.map((_, i) => (i === 0 ? ':---' : '---:')).join('|')}|`, ...rows.map(line)].join('\n');
}
