// The results-file contract: results/<name>.json, the single source every table and figure is
// rendered from (by the reproduction script when it finishes, and again by `npm run figures`).
//
// Data are tidy: a file holds named sets; a set is a list of points (group, x) with one value per
// seed plus their mean and 95% t interval, and the paper's number beside ours where it has one.
// A table (method × benchmark) is a set whose groups are rows and whose x values are columns; a
// figure series (accuracy vs samples) is a set with numeric x.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { writeFileAtomic } from '../util/atomic.ts';
import type { Scale } from '../util/cli.ts';
import { intervalVerdict, summarize, type Verdict } from './stats.ts';

/** How a set is drawn when its file's name has no dedicated entry in the figures registry. */
export type ChartKind = 'groupedBars' | 'histogram' | 'lines' | 'loss' | 'deltaBars' | 'ratioBars' | 'table';

export interface Axis {
  /** Axis / column title, e.g. "Benchmark", "Samples seen". */
  title: string;
  /** Unit shown in axis titles, e.g. "%", "nats", "samples". */
  unit?: string;
  /** Category order (groups or categorical x); categories not listed follow in order of appearance. */
  order?: string[];
  /** Display labels for category keys, e.g. { gsm8k: 'GSM8K' }. */
  labels?: Record<string, string>;
}

export interface Measured {
  /** One value per seed, aligned with the point's `seeds` (or the set's, or the file's). */
  values: number[];
  n: number;
  mean: number;
  std: number | null;
  /** Half-width of the 95% Student-t interval; null with a single seed. */
  ci95: number | null;
}

export interface Point extends Measured {
  /** Row / series key: a method or model, e.g. "vggm". */
  group: string;
  /** Column / x position: a benchmark key, or a number (samples, step, entropy bin centre). */
  x: string | number;
  /** The paper's number for this cell, where the paper prints one (same unit as ours). */
  paper?: number | null;
  /** Seeds of `values` when they differ from the set's (e.g. a spike seen in one seed only). */
  seeds?: number[];
  /** A marker such as "spike". */
  flag?: string;
  /** An interval other than the t interval over seeds (the set's `interval` names how it was made):
   *  Table 1's paired differences carry their two-stage bootstrap interval here. */
  interval?: { lo: number; hi: number };
  /** Which side of 0 `interval` lies on; 'inconclusive' when it holds 0 (lib/report/stats.ts). */
  verdict?: Verdict;
  /** The smallest true difference the design detects with 80% power (same unit as the values). */
  mde?: number;
}

export interface ResultSet {
  title: string;
  chart: ChartKind;
  group: Axis;
  x: Axis;
  y: Axis;
  /** Decimals shown in markdown (default 1 for %, else 3 significant digits). */
  decimals?: number;
  /** Seeds of the values when they differ from the file's. */
  seeds?: number[];
  /** How the points' `interval`s were made, e.g. "95% two-stage bootstrap over seeds × problems". */
  interval?: string;
  points: Point[];
  notes?: string[];
}

export interface ResultsFile {
  /** File stem and figures-registry key: "table1", "fig2", … */
  name: string;
  title: string;
  scale: Scale;
  seeds: number[];
  /** Everything needed to rerun: model config, data counts, hyper-parameters. */
  config: Record<string, unknown>;
  wallTimeSec: number;
  /** The command that wrote this file, e.g. "tsx scripts/table1.ts --scale cpu". */
  createdBy: string;
  createdAt: string;
  sets: Record<string, ResultSet>;
  /** What the paper says in words (e.g. "SFT peaks at 9k samples on GSM8K"), to read beside ours. */
  paperNotes?: string[];
  notes?: string[];
}

/** Summarise per-seed values into a Measured (mean, std, 95% t interval). */
export function measured(values: readonly number[]): Measured {
  const s = summarize(values);
  return { values: [...values], n: s.n, mean: s.mean, std: s.std, ci95: s.ci95 };
}

/** The seeds of a point's values: its own where it has them, else its set's, else the file's. */
export function pointSeeds(p: Pick<Point, 'seeds'>, set: Pick<ResultSet, 'seeds'>, fileSeeds: readonly number[]): readonly number[] {
  return p.seeds ?? set.seeds ?? fileSeeds;
}

/** A point from per-seed values: point('vggm', 'gsm8k', [81, 83, 82], { paper: 83.1 }). */
export function point(group: string, x: string | number, values: readonly number[], extra: Pick<Point, 'paper' | 'seeds' | 'flag'> = {}): Point {
  return { group, x, ...measured(values), ...extra };
}

/** The command line that is running, relative to the working directory, for `createdBy`. */
export function commandLine(argv: readonly string[] = process.argv): string {
  const script = argv[1] ? relative(process.cwd(), argv[1]) || argv[1] : '';
  const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return ['tsx', script, ...argv.slice(2)].filter(Boolean).map(quote).join(' ');
}

/** Ordered unique categories: the axis order first, then the rest in order of appearance. */
export function categories(axis: Axis, seen: readonly (string | number)[]): string[] {
  const all = [...new Set(seen.map(String))];
  const ordered = (axis.order ?? []).filter((k) => all.includes(k));
  return [...ordered, ...all.filter((k) => !ordered.includes(k))];
}

export function label(axis: Axis, key: string | number): string {
  return axis.labels?.[String(key)] ?? String(key);
}

/** 12000 → "12k", 1500000 → "1.5M" (sample counts in labels). */
export function compactNumber(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e3) return `${+(v / 1e3).toPrecision(3)}k`;
  return `${+v.toPrecision(3)}`;
}

/** "Accuracy (%)" */
export function axisTitle(axis: Axis): string {
  return axis.unit ? `${axis.title} (${axis.unit})` : axis.title;
}

// ---- io --------------------------------------------------------------------------------------

export function resultsPath(outDir: string, name: string): string {
  return join(outDir, `${name}.json`);
}

/** Validate and write results/<name>.json atomically; returns the path. */
export function writeResults(outDir: string, file: ResultsFile): string {
  validateResults(file, `results ${file?.name}`);
  const path = resultsPath(outDir, file.name);
  const text = formatResults(file);
  writeFileAtomic(path, text);
  return path;
}

/**
 * Indented JSON for readable diffs, but one line per point (a loss curve would otherwise take a
 * dozen lines per step). Points are swapped for placeholders, the rest is indented, and each
 * placeholder is replaced by its point's compact JSON.
 */
export function formatResults(file: ResultsFile): string {
  const compact: string[] = [];
  const sets = Object.fromEntries(Object.entries(file.sets).map(([id, set]) => [id, { ...set, points: set.points.map((p) => `\u0000${compact.push(JSON.stringify(p)) - 1}`) }]));
  return JSON.stringify({ ...file, sets }, null, 2).replace(/"\\u0000(\d+)"/g, (_, i: string) => compact[Number(i)]) + '\n';
}

/** Read and validate a results file; throws a one-line Error naming the file on any problem. */
export function readResults(path: string): ResultsFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: cannot read results JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  validateResults(raw, path);
  return raw;
}

/**
 * Check the shape, and that every mean/ci95 agrees with its per-seed values (a hand-edited or
 * stale file would otherwise render numbers nobody measured).
 */
export function validateResults(v: unknown, where: string): asserts v is ResultsFile {
  const fail = (msg: string): never => {
    throw new Error(`${where}: invalid results file: ${msg}`);
  };
  if (typeof v !== 'object' || v === null) fail('not an object');
  const f = v as Record<string, unknown>;
  for (const k of ['name', 'title', 'scale', 'createdBy', 'createdAt'] as const) {
    if (typeof f[k] !== 'string') fail(`'${k}' must be a string`);
  }
  if (!/^[\w.-]+$/.test(f.name as string)) fail(`name '${f.name}' must be a plain file stem`);
  if (!['smoke', 'cpu', 'paper'].includes(f.scale as string)) fail(`scale '${f.scale}' is not smoke|cpu|paper`);
  if (!Array.isArray(f.seeds) || !f.seeds.every(Number.isInteger)) fail(`'seeds' must be an array of integers`);
  if (typeof f.wallTimeSec !== 'number' || !(f.wallTimeSec >= 0)) fail(`'wallTimeSec' must be a number ≥ 0`);
  if (typeof f.config !== 'object' || f.config === null) fail(`'config' must be an object`);
  if (typeof f.sets !== 'object' || f.sets === null) fail(`'sets' must be an object`);
  for (const [id, s] of Object.entries(f.sets as Record<string, ResultSet>)) {
    if (!s || typeof s.title !== 'string' || typeof s.chart !== 'string') fail(`set '${id}' needs title and chart`);
    for (const a of ['group', 'x', 'y'] as const) if (!s[a] || typeof s[a].title !== 'string') fail(`set '${id}' needs ${a}.title`);
    if (!Array.isArray(s.points)) fail(`set '${id}': points must be an array`);
    s.points.forEach((p, i) => {
      const at = `set '${id}' point ${i} (${p?.group}, ${p?.x})`;
      if (typeof p.group !== 'string' || (typeof p.x !== 'string' && typeof p.x !== 'number')) fail(`${at}: needs group and x`);
      if (!Array.isArray(p.values) || p.values.length === 0 || !p.values.every(Number.isFinite)) fail(`${at}: values must be finite numbers`);
      const seeds = pointSeeds(p, s, f.seeds as number[]);
      if (p.values.length !== seeds.length) fail(`${at}: ${p.values.length} values for ${seeds.length} seeds`);
      const m = summarize(p.values);
      const close = (a: number | null, b: number | null) => (a === null || b === null ? a === b : Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)));
      if (!close(p.mean, m.mean) || !close(p.ci95, m.ci95) || !close(p.std, m.std) || p.n !== m.n) fail(`${at}: mean/std/ci95/n disagree with its values`);
      if (p.paper !== undefined && p.paper !== null && !Number.isFinite(p.paper)) fail(`${at}: paper must be a number or null`);
      if (p.interval !== undefined) {
        if (typeof s.interval !== 'string') fail(`${at}: an interval needs the set's 'interval' to say how it was made`);
        if (!(Number.isFinite(p.interval.lo) && Number.isFinite(p.interval.hi) && p.interval.lo <= p.interval.hi)) fail(`${at}: interval must be finite with lo ≤ hi`);
        if (p.verdict !== undefined && p.verdict !== intervalVerdict(p.interval.lo, p.interval.hi)) fail(`${at}: verdict '${p.verdict}' disagrees with its interval`);
      } else if (p.verdict !== undefined) fail(`${at}: a verdict needs an interval`);
      if (p.mde !== undefined && !(Number.isFinite(p.mde) && p.mde >= 0)) fail(`${at}: mde must be a number ≥ 0`);
    });
  }
}
