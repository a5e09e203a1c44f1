// Builds results/index.html from what is in the results folder: every results/<name>.json
// (rendered by renderResults, the code that makes the .md/.svg/.png), results/bench.json,
// results/README.md and results/explorer.json. The explorer data is refreshed from the world data
// and the model cache when they are on this machine, else the committed file is used as it is.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadDataset } from '../data/dataset.ts';
import { worldDataDir } from '../data/cache.ts';
import { cacheRoot } from '../util/paths.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import type { Scale } from '../util/cli.ts';
import { extractExplorer, findModelRuns, validateExplorer, type ExplorerData } from './explorer.ts';
import { renderResults } from './figures.ts';
import { buildReportHtml, type ReportFigure } from './page.ts';
import { readResults } from './results.ts';

/** The paper's order first; other results files follow by name. */
const ORDER = ['table1', 'diagnostics', 'table2', 'fig1', 'fig2', 'budget_forcing'];

/** JSON files in `dir` that are not results files: written by other tools, read here by name. */
const NOT_RESULTS = new Set(['bench', 'explorer']);

/**
 * The stems of the results files in `dir` (JSON objects with `sets`), in report order, and the
 * other JSON files (eval/entropy run summaries, bench, explorer) that figures must not render.
 */
export function listResults(dir: string): { names: string[]; others: string[] } {
  const stems = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.vl.json'))
    .map((f) => f.slice(0, -5));
  const names: string[] = [],
    others: string[] = [];
  for (const s of stems) {
    let isResults = false;
    if (!NOT_RESULTS.has(s)) {
      try {
        const v = JSON.parse(readFileSync(join(dir, `${s}.json`), 'utf8')) as unknown;
        isResults = typeof v === 'object' && v !== null && 'sets' in v;
      } catch {
        isResults = true; // unreadable: let readResults report it by name
      }
    }
    (isResults ? names : others).push(s);
  }
  const rank = (n: string) => (ORDER.includes(n) ? ORDER.indexOf(n) : ORDER.length);
  names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return { names, others: others.sort() };
}

export interface ReportOptions {
  out: string;
  /** refresh: rebuild explorer.json from the data and the model cache when present; keep: use the file. */
  explorer: 'refresh' | 'keep';
  /** World data folder (default: the cached world of `scale`, world seed 1). */
  data?: string;
  /** Scale of the explorer's data (default: the results files', else cpu). */
  scale?: Scale;
  /** Model cache folder (default .cache/models). */
  models?: string;
  perTier?: number;
}

export interface ReportBuilt {
  html: string;
  explorer: string | null;
  /** Whether explorer.json was rebuilt in this run. */
  refreshed: boolean;
  figures: string[];
  notes: string[];
}

export function buildReport(o: ReportOptions): ReportBuilt {
  const notes: string[] = [];
  const { names } = listResults(o.out);
  const figures: ReportFigure[] = names.map((n) => {
    const file = readResults(join(o.out, `${n}.json`));
    return { file, ...renderResults(file) };
  });
  const scales = [...new Set(figures.map((f) => f.file.scale))];
  if (scales.length > 1) notes.push(`results files of several scales: ${scales.join(', ')}`);
  const scale: Scale = o.scale ?? figures.find((f) => f.file.name === 'table1')?.file.scale ?? scales[0] ?? 'cpu';

  let bench = null;
  const benchPath = join(o.out, 'bench.json');
  if (existsSync(benchPath)) {
    const b = JSON.parse(readFileSync(benchPath, 'utf8'));
    if (!Array.isArray(b?.rows)) throw new Error(`${benchPath}: no rows array`);
    bench = b;
  }
  const readmePath = join(o.out, 'README.md');
  const summary = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : null;

  const explorerPath = join(o.out, 'explorer.json');
  let explorer: ExplorerData | null = null;
  let refreshed = false;
  const dataDir = o.data ?? worldDataDir(scale, 1);
  if (o.explorer === 'refresh' && existsSync(join(dataDir, 'manifest.json'))) {
    const ds = loadDataset(dataDir);
    explorer = extractExplorer(ds, scale, { perTier: o.perTier, runs: findModelRuns(o.models ?? cacheRoot(), ds, scale) });
    writeFileAtomic(explorerPath, JSON.stringify(explorer) + '\n');
    refreshed = true;
  } else if (existsSync(explorerPath)) {
    const v = JSON.parse(readFileSync(explorerPath, 'utf8')) as unknown;
    validateExplorer(v, explorerPath);
    explorer = v;
    if (o.explorer === 'refresh') notes.push(`explorer: no world data at ${relative(process.cwd(), dataDir)}; the explorer.json already in ${o.out} was used`);
  } else if (o.explorer === 'refresh') {
    notes.push(`explorer: no world data at ${relative(process.cwd(), dataDir)} and no explorer.json`);
  }

  const html = join(o.out, 'index.html');
  writeFileAtomic(html, buildReportHtml({ title: 'VGGM on WebGPU: reproduction report', figures, summary, bench, explorer, notes }));
  return { html, explorer: explorer ? explorerPath : null, refreshed, figures: names, notes };
}
