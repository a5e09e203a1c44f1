// One renderer per results name: results JSON → { markdown, Vega-Lite spec }. The reproduction
// script calls publishResults() when it finishes; `npm run figures` calls rerenderResults() on the
// committed JSON. Both go through renderResults(), so a figure can never differ between the two.
//
// Set ids each paper figure expects (other sets still render, in a generic panel each):
//   table1          accuracy (group = method, x = benchmark, y = accuracy %, paper numbers),
//                   differences (group = comparison, x = benchmark, y = pp, bootstrap intervals)
//   diagnostics     answers (x = measure, y = %), wrongFacts (x = result written), entropy (nats)
//   table2          accuracy (group = model/setting), gapClosed (optional ratio per benchmark)
//   fig1            entropy (histogram, group = model), forkPositions (x = position, y = share)
//   fig2            gsm8k, math (x = samples, y = accuracy %), loss (x = step), lossSpikes
//   budget_forcing  delta (group = method, x = benchmark, y = accuracy change in pp)
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { writeFileAtomic } from '../util/atomic.ts';
import {
  column,
  groupedBars,
  histogram,
  lines,
  loss,
  ratioBars,
  row,
  titled,
  topLevel,
  type BarOptions,
  type HistogramOptions,
  type LineOptions,
  type RatioOptions,
  type Spec,
} from './charts.ts';
import { resultsToMarkdown } from './markdown.ts';
import { renderChart } from './render.ts';
import { readResults, resultsPath, writeResults, type ResultSet, type ResultsFile } from './results.ts';

export interface Rendered {
  md: string;
  /** Null when the file has nothing to draw (only 'table' sets). */
  spec: TopLevelSpec | null;
}

type PanelOptions = Partial<BarOptions & HistogramOptions & LineOptions & RatioOptions>;

interface Layout {
  /** Rows of set ids, drawn left to right; sets not named here follow, one per row. */
  rows: string[][];
  /** Options per set id, on top of the defaults for its chart kind. */
  options?: Record<string, PanelOptions>;
  /** Panel titles per set id (default: the set's title). */
  titles?: Record<string, string>;
  /** Lines above the tables in the markdown. */
  intro?: (file: ResultsFile) => string[];
}

// Light/dark pairs: a method and the same method + GRPO (Table 1's row order).
const PAIRED = ['#bab0ac', '#79706e', '#9ecae9', '#4c78a8', '#ffbf79', '#f58518', '#a1d99b', '#54a24b'];

function pairedColors(set: ResultSet | undefined): Record<string, string> {
  const keys = set ? [...new Set([...(set.group.order ?? []), ...set.points.map((p) => p.group)])] : [];
  return Object.fromEntries(keys.map((k, i) => [k, PAIRED[i % PAIRED.length]]));
}

// What an accuracy or a share in % can be: CI bands are clipped to it.
const PERCENT: [number, number] = [0, 100];

const scaleNote = (f: ResultsFile) =>
  `Ours: a small model in the synthetic teacher world at scale \`${f.scale}\`; the paper: 7–8B models on real benchmarks. Compare directions and gaps, not levels.`;

const LAYOUTS: Record<string, Layout> = {
  table1: {
    rows: [['accuracy'], ['differences']],
    options: { accuracy: { paperLabel: 'Paper (Qwen2.5-7B)', seedDots: true, yDomain: [0, 100] }, differences: { zeroRule: true, seedDots: true } },
    intro: (f) => [scaleNote(f)],
  },
  diagnostics: {
    rows: [['answers'], ['wrongFacts', 'entropy']],
    options: { answers: { seedDots: true, yDomain: [0, 100] }, wrongFacts: { seedDots: true, yDomain: [0, 100] }, entropy: { seedDots: true } },
    intro: (f) => [
      scaleNote(f),
      'What "sees but does not learn" means, measured on the Table 1 models of the same run (docs/mechanism.md): the answer before and after the verification, how often the model verifies, whether it writes the teacher\'s systematic wrong facts, and its entropy on held-out teacher first passes.',
    ],
  },
  table2: {
    rows: [['accuracy'], ['gapClosed']],
    options: {
      accuracy: { paperLabel: 'Paper', seedDots: true, yDomain: [0, 100] },
      gapClosed: { reference: 1, referenceLabel: 'gap fully closed' },
    },
    intro: (f) => [scaleNote(f)],
  },
  fig1: {
    rows: [['entropy'], ['forkPositions']],
    options: { entropy: { logY: true }, forkPositions: { bounds: PERCENT }, forkSteps: { bounds: PERCENT } },
  },
  fig2: {
    rows: [['gsm8k', 'math'], ['loss']],
    options: { gsm8k: { markPeak: true, bounds: PERCENT }, math: { markPeak: true, bounds: PERCENT }, gradVariance: { bounds: [0, Infinity] } },
  },
  budget_forcing: {
    rows: [['delta']],
    options: { delta: { zeroRule: true, paperLabel: 'Paper', seedDots: true } },
  },
};

/** One set drawn by its chart kind with the layout's options. */
function panel(file: ResultsFile, id: string, opts: PanelOptions): Spec | null {
  const set = file.sets[id];
  const fileSeeds = set.seeds ?? file.seeds;
  switch (set.chart) {
    case 'groupedBars':
      return groupedBars(set, { fileSeeds, ...opts });
    case 'deltaBars':
      return groupedBars(set, { fileSeeds, zeroRule: true, ...opts });
    case 'histogram':
      return histogram(set, { fileSeeds, ...opts });
    case 'lines':
      return lines(set, { fileSeeds, ...opts });
    case 'loss': {
      const spikes = file.sets[`${id}Spikes`];
      return loss(set, { fileSeeds, spikes, ...opts });
    }
    case 'ratioBars':
      return ratioBars(set, { fileSeeds, ...opts });
    case 'table':
      return null;
  }
}

/** Markdown and Vega-Lite spec of a results file (the registry layout for its name, else generic). */
export function renderResults(file: ResultsFile): Rendered {
  const layout = LAYOUTS[file.name] ?? { rows: [] };
  const options: Record<string, PanelOptions> = { ...layout.options };
  if (file.name === 'table1') options.accuracy = { ...options.accuracy, colors: pairedColors(file.sets.accuracy) };
  // Spike sets are drawn on their loss panel, not on their own.
  const drawnElsewhere = new Set(Object.keys(file.sets).filter((id) => id.endsWith('Spikes') && file.sets[id.slice(0, -6)]?.chart === 'loss'));
  const listed = new Set(layout.rows.flat());
  const rowsOfIds = [
    ...layout.rows.map((r) => r.filter((id) => file.sets[id])),
    ...Object.keys(file.sets)
      .filter((id) => !listed.has(id) && !drawnElsewhere.has(id))
      .map((id) => [id]),
  ].filter((r) => r.length > 0);

  const panelRows: Spec[] = [];
  for (const ids of rowsOfIds) {
    const panels = ids
      .map((id) => {
        const p = panel(file, id, options[id] ?? {});
        return p && titled(p, layout.titles?.[id] ?? file.sets[id].title);
      })
      .filter((p): p is Spec => p !== null);
    if (panels.length) panelRows.push(panels.length === 1 ? panels[0] : row(panels));
  }
  const n = file.seeds.length;
  const subtitle = `ours: scale ${file.scale}, ${n} seed${n === 1 ? '' : 's'}${n > 1 ? ', mean ± 95% CI' : ''}`;
  // Always a vconcat, even of one row: the figure's title then sits above the panels' own titles.
  const body = panelRows.length === 0 ? null : { ...column(panelRows, 30), resolve: { scale: { color: 'independent', shape: 'independent' } } };
  return {
    md: resultsToMarkdown(file, { sets: Object.keys(file.sets).filter((id) => !drawnElsewhere.has(id)), intro: layout.intro?.(file) }),
    spec: body ? topLevel(body, file.title, subtitle) : null,
  };
}

export interface Published {
  json: string;
  md: string;
  vl?: string;
  svg?: string;
  png?: string;
}

/** Render <name>.md/.vl.json/.svg/.png in `outDir` from a results file already in memory. */
export async function renderOutputs(outDir: string, file: ResultsFile): Promise<Omit<Published, 'json'>> {
  const { md, spec } = renderResults(file);
  const mdPath = join(outDir, `${file.name}.md`);
  writeFileAtomic(mdPath, md);
  if (!spec) return { md: mdPath };
  return { md: mdPath, ...(await renderChart(spec, join(outDir, file.name))) };
}

/**
 * What a reproduction script calls at the end: write results/<name>.json first (the numbers are
 * the expensive part and survive a rendering failure), then its markdown and chart files.
 */
export async function publishResults(outDir: string, file: ResultsFile): Promise<Published> {
  const json = writeResults(outDir, file);
  return { json, ...(await renderOutputs(outDir, file)) };
}

/** Re-render <outDir>/<name>.json's markdown and chart files (no training, no GPU). */
export async function rerenderResults(outDir: string, name: string): Promise<Published> {
  const json = resultsPath(outDir, name);
  const file = readResults(json);
  if (file.name !== name) throw new Error(`${json}: its name field is '${file.name}', expected '${name}'`);
  return { json, ...(await renderOutputs(outDir, file)) };
}
