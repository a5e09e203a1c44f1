// Vega-Lite spec builders for the paper's tables and figures, from one ResultSet each.
// Builders return a plain (non-top-level) spec so figures.ts can place several panels side by
// side; topLevel() adds the schema and title. All data are inlined (no URLs: rendering stays
// offline and deterministic) and every axis title carries its unit.
import type { TopLevelSpec } from 'vega-lite';
import { axisTitle, categories, compactNumber, label, pointSeeds, type Point, type ResultSet } from './results.ts';

/** A Vega-Lite (sub)spec as a plain object; vega-lite validates it when compiling. */
export type Spec = Record<string, unknown>;

/** Vega-Lite's default categorical palette (tableau10), assigned to groups in their order. */
export const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#eeca3b', '#9d755d', '#ff9da6', '#bab0ac'];

export interface GroupStyle {
  /** Colours by group key; groups not listed take PALETTE colours in order. */
  colors?: Record<string, string>;
  /** Seeds of the file, to name each value in tooltips when neither point nor set names them. */
  fileSeeds?: readonly number[];
}

export function topLevel(spec: Spec, title?: string, subtitle?: string | string[]): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(title ? { title: subtitle ? { text: title, subtitle } : title } : {}),
    ...spec,
  } as TopLevelSpec;
}

interface Row {
  group: string;
  groupLabel: string;
  x: string | number;
  xLabel: string;
  mean: number;
  lo: number;
  hi: number;
  ci95: number | null;
  n: number;
  paper: number | null;
  flag: string | null;
  /** "s1 81.2, s2 83, s3 82.1": each seed's value, for tooltips. */
  perSeed: string;
}

function perSeed(set: ResultSet, p: Point, fileSeeds: readonly number[]): string {
  const seeds = pointSeeds(p, set, fileSeeds);
  return p.values.map((v, i) => `s${seeds[i] ?? '?'} ${+v.toPrecision(4)}`).join(', ');
}

function rows(set: ResultSet, points: readonly Point[] = set.points, fileSeeds: readonly number[] = []): Row[] {
  return points.map((p) => ({
    group: p.group,
    groupLabel: label(set.group, p.group),
    x: p.x,
    xLabel: label(set.x, p.x),
    mean: p.mean,
    lo: p.interval?.lo ?? p.mean - (p.ci95 ?? 0),
    hi: p.interval?.hi ?? p.mean + (p.ci95 ?? 0),
    ci95: p.ci95,
    n: p.n,
    paper: p.paper ?? null,
    flag: p.flag ?? null,
    perSeed: perSeed(set, p, fileSeeds),
  }));
}

/** One record per seed value: what per-seed dots and per-seed loss curves are drawn from. */
function seedRows(set: ResultSet, fileSeeds: readonly number[], points: readonly Point[] = set.points) {
  return points.flatMap((p) => {
    const seeds = pointSeeds(p, set, fileSeeds);
    // Only the fields the marks use: loss curves can have thousands of points per seed.
    return p.values.map((v, i) => ({ groupLabel: label(set.group, p.group), x: p.x, xLabel: label(set.x, p.x), seed: seeds[i] ?? i, value: v }));
  });
}

function groupLabels(set: ResultSet): string[] {
  return categories(
    set.group,
    set.points.map((p) => p.group),
  ).map((g) => label(set.group, g));
}
function xLabels(set: ResultSet): string[] {
  return categories(
    set.x,
    set.points.map((p) => p.x),
  ).map((x) => label(set.x, x));
}

/** Colour encoding by group label, stable across panels of one figure. */
function colorEncoding(set: ResultSet, style: GroupStyle = {}, legend: boolean | Spec = true): Spec {
  const keys = categories(
    set.group,
    set.points.map((p) => p.group),
  );
  if (keys.length < 2) legend = false; // one group: the panel title already says what it is
  let next = 0;
  const range = keys.map((k) => style.colors?.[k] ?? PALETTE[next++ % PALETTE.length]);
  return {
    field: 'groupLabel',
    type: 'nominal',
    title: set.group.title,
    scale: { domain: keys.map((k) => label(set.group, k)), range },
    legend: legend === true ? { orient: 'right' } : legend === false ? null : { orient: 'right', ...legend },
  };
}

function hasCi(set: ResultSet): boolean {
  return set.points.some((p) => p.ci95 !== null || p.interval !== undefined);
}

export interface BarOptions extends GroupStyle {
  /** Label of the paper's marker in the legend, e.g. "Paper (Qwen2.5-7B)". */
  paperLabel?: string;
  /** Draw each seed's value as a small dot on its bar. */
  seedDots?: boolean;
  /** Seeds of the file (for per-seed dots when the set has none of its own). */
  fileSeeds?: readonly number[];
  /** A rule at y = 0 (for signed values such as deltas). */
  zeroRule?: boolean;
  /** Fixed y domain, e.g. [0, 100] for accuracy. */
  yDomain?: [number, number];
  /** Pixel width of one bar. */
  barWidth?: number;
}

/**
 * Grouped bars: x = category (benchmark), bars within it = groups (methods), height = our mean,
 * whiskers = 95% CI, black diamonds = the paper's numbers. Tables 1 and 2, budget-forcing deltas.
 */
export function groupedBars(set: ResultSet, opts: BarOptions = {}): Spec {
  const data = rows(set, set.points, opts.fileSeeds);
  const nGroups = groupLabels(set).length;
  const nX = xLabels(set).length;
  const bw = opts.barWidth ?? (nGroups > 4 ? 14 : 20);
  const x = { field: 'xLabel', type: 'nominal', title: set.x.title, sort: xLabels(set), axis: { labelAngle: 0, labelFontSize: 13 } };
  const xOffset = { field: 'groupLabel', type: 'nominal', sort: groupLabels(set), scale: { paddingInner: 0.08 } };
  const yTitle = axisTitle(set.y);
  // clamp: a CI whisker past a fixed domain (accuracy below 0%) stops at the axis.
  const yScale = opts.yDomain ? { domain: opts.yDomain, clamp: true } : { zero: true };
  const layers: Spec[] = [
    {
      mark: { type: 'bar' },
      encoding: {
        x,
        xOffset,
        y: { field: 'mean', type: 'quantitative', title: yTitle, scale: yScale },
        color: colorEncoding(set, opts),
        tooltip: [
          { field: 'groupLabel', title: set.group.title },
          { field: 'xLabel', title: set.x.title },
          { field: 'mean', format: '.2f', title: 'ours (mean)' },
          { field: 'ci95', format: '.2f', title: '95% CI ±' },
          { field: 'paper', title: 'paper' },
          { field: 'n', title: 'seeds' },
          { field: 'perSeed', title: 'per seed' },
        ],
      },
    },
  ];
  if (hasCi(set)) {
    layers.push({
      mark: { type: 'rule', color: '#222', strokeWidth: 1.5 },
      encoding: { x, xOffset, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } },
    });
  }
  if (opts.seedDots && opts.fileSeeds) {
    layers.push({
      data: { values: seedRows(set, opts.fileSeeds) },
      mark: { type: 'point', size: 14, filled: true, color: '#333', opacity: 0.55 },
      encoding: {
        x,
        xOffset,
        y: { field: 'value', type: 'quantitative' },
        tooltip: [{ field: 'groupLabel', title: set.group.title }, { field: 'xLabel', title: set.x.title }, { field: 'seed' }, { field: 'value', format: '.4~g' }],
      },
    });
  }
  if (data.some((r) => r.paper !== null)) layers.push(paperMarks({ x, xOffset, y: { field: 'paper', type: 'quantitative' } }, opts.paperLabel));
  if (opts.zeroRule) {
    layers.push({ mark: { type: 'rule', color: '#555' }, encoding: { y: { datum: 0 } } });
  }
  return {
    data: { values: data },
    width: nX * (nGroups * bw + 24),
    height: 260,
    layer: layers,
    resolve: { scale: { y: 'shared' } },
  };
}

/** Black diamonds at the paper's numbers, with their own legend entry. */
function paperMarks(position: Spec, paperLabel = 'Paper'): Spec {
  return {
    transform: [{ filter: 'datum.paper !== null' }],
    mark: { type: 'point', filled: true, size: 70, color: 'black', opacity: 1, stroke: 'white', strokeWidth: 1 },
    encoding: {
      ...position,
      shape: {
        datum: paperLabel,
        type: 'nominal',
        scale: { range: ['diamond'] },
        legend: { title: null, orient: 'right', symbolFillColor: 'black', symbolStrokeColor: 'black', symbolOpacity: 1 },
      },
    },
  };
}

export interface HistogramOptions extends GroupStyle {
  /** Log-scaled y (token entropy is heavily concentrated near 0). Empty bins are dropped. */
  logY?: boolean;
  /** Panel width in px. */
  width?: number;
}

/**
 * Histograms, one panel per group, of binned values (x = bin centre, y = fraction or count):
 * token entropy per model (Fig. 1 a–c). Bin width is the spacing of the bin centres.
 */
export function histogram(set: ResultSet, opts: HistogramOptions = {}): Spec {
  const xs = [...new Set(set.points.map((p) => Number(p.x)))].sort((a, b) => a - b);
  let w = Infinity;
  for (let i = 1; i < xs.length; i++) w = Math.min(w, xs[i] - xs[i - 1]);
  if (!Number.isFinite(w)) w = 1;
  const positive = set.points.map((p) => p.mean).filter((m) => m > 0);
  // A log axis has no zero: bars rise from the decade below the smallest non-empty bin, and the
  // ticks are the decades (vega's own log ticks crowd a small panel).
  const floor = 10 ** Math.floor(Math.log10(Math.min(...positive, 1)));
  const top = 10 ** Math.ceil(Math.log10(Math.max(...positive, floor * 10)));
  const decades: number[] = [];
  for (let v = floor; v <= top * 1.0001; v *= 10) decades.push(+v.toPrecision(1));
  const data = rows(set, set.points, opts.fileSeeds)
    .filter((r) => !opts.logY || r.mean > 0)
    .map((r) => ({ ...r, x0: Number(r.x) - w / 2, x1: Number(r.x) + w / 2, lo: opts.logY ? Math.max(r.lo, floor) : Math.max(0, r.lo) }));
  const xTitle = axisTitle(set.x);
  const yEnc = opts.logY
    ? { field: 'mean', type: 'quantitative', title: axisTitle(set.y), scale: { type: 'log', domain: [floor, top] }, axis: { values: decades, format: '~g' } }
    : { field: 'mean', type: 'quantitative', title: axisTitle(set.y) };
  const layer: Spec[] = [
    {
      mark: { type: 'bar', binSpacing: 0, stroke: 'white', strokeWidth: 0.5 },
      encoding: {
        x: { field: 'x0', type: 'quantitative', title: xTitle, scale: { domain: [xs[0] - w / 2, xs[xs.length - 1] + w / 2], nice: false } },
        x2: { field: 'x1' },
        y: yEnc,
        ...(opts.logY ? { y2: { datum: floor } } : {}),
        color: colorEncoding(set, opts, false),
        tooltip: [
          { field: 'groupLabel', title: set.group.title },
          { field: 'x', title: `${xTitle} (bin centre)` },
          { field: 'mean', format: '.4~g', title: 'mean' },
          { field: 'ci95', format: '.3~g', title: '95% CI ±' },
          { field: 'perSeed', title: 'per seed' },
        ],
      },
    },
  ];
  if (hasCi(set)) {
    layer.push({
      mark: { type: 'rule', color: '#333', opacity: 0.7 },
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } },
    });
  }
  return {
    data: { values: data },
    facet: { column: { field: 'groupLabel', type: 'nominal', title: null, sort: groupLabels(set), header: { labelFontSize: 13, labelFontWeight: 'bold' } } },
    spec: { width: opts.width ?? 210, height: 200, layer },
  };
}

export interface LineOptions extends GroupStyle {
  /** Circle each group's best mean and label its x (Fig. 2: where accuracy peaks). */
  markPeak?: boolean;
  /** The values the quantity can take, e.g. [0, 100] for an accuracy in %, [0, Infinity] for a
   *  variance: the CI band is clipped to them, since a t interval over a few seeds can reach past
   *  a bound the quantity itself cannot cross. */
  bounds?: [number, number];
  /** Log-scaled x. */
  logX?: boolean;
  width?: number;
  height?: number;
  /** Fixed y domain. */
  yDomain?: [number, number];
  /** Show the legend (off for all but one panel of a figure). */
  legend?: boolean;
}

/**
 * Lines of the mean over seeds with a shaded 95% CI band, one per group: accuracy vs training
 * samples (Fig. 2 a,b), fork-token position distribution (Fig. 1 d).
 */
export function lines(set: ResultSet, opts: LineOptions = {}): Spec {
  const [lowest, highest] = opts.bounds ?? [-Infinity, Infinity];
  const data = rows(set, set.points, opts.fileSeeds).map((r) => ({ ...r, lo: Math.max(r.lo, lowest), hi: Math.min(r.hi, highest) }));
  const x = { field: 'x', type: 'quantitative', title: axisTitle(set.x), scale: opts.logX ? { type: 'log' } : { zero: false, nice: false }, axis: numberAxis(set) };
  const y = { field: 'mean', type: 'quantitative', title: axisTitle(set.y), scale: opts.yDomain ? { domain: opts.yDomain, clamp: true } : { zero: false } };
  // The band layer would otherwise give the legend its 18%-opacity fill: draw legend entries as
  // solid line strokes.
  const color = colorEncoding(set, opts, opts.legend === false ? false : { symbolType: 'stroke', symbolStrokeWidth: 3, symbolOpacity: 1 });
  const layer: Spec[] = [];
  if (hasCi(set)) {
    layer.push({
      mark: { type: 'area', opacity: 0.18 },
      encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color },
    });
  }
  layer.push({
    mark: { type: 'line', strokeWidth: 2, point: { size: 30, filled: true } },
    encoding: {
      x,
      y,
      color,
      tooltip: [
        { field: 'groupLabel', title: set.group.title },
        { field: 'x', title: axisTitle(set.x) },
        { field: 'mean', format: '.4~g' },
        { field: 'ci95', format: '.3~g', title: '95% CI ±' },
        { field: 'perSeed', title: 'per seed' },
      ],
    },
  });
  if (opts.markPeak) {
    const peaks = peakRows(data);
    layer.push(
      {
        data: { values: peaks },
        mark: { type: 'point', size: 220, strokeWidth: 2, filled: false },
        encoding: { x, y, color },
      },
      {
        data: { values: peaks },
        mark: { type: 'text', dy: -14, fontSize: 11, fontWeight: 'bold' },
        encoding: { x, y, text: { field: 'peakLabel' }, color },
      },
    );
  }
  return { data: { values: data }, width: opts.width ?? 320, height: opts.height ?? 240, layer };
}

/** Sample counts and steps read better as 2k, 10k than as 2,000, 10,000. */
function numberAxis(set: ResultSet): Spec {
  const maxAbs = Math.max(...set.points.map((p) => Math.abs(Number(p.x))));
  return maxAbs >= 10_000 ? { format: '~s' } : {};
}

function peakRows(data: Row[]): (Row & { peakLabel: string })[] {
  const best = new Map<string, Row>();
  for (const r of data) {
    const b = best.get(r.group);
    if (!b || r.mean > b.mean) best.set(r.group, r);
  }
  return [...best.values()].map((r) => ({ ...r, peakLabel: `peak at ${compactNumber(Number(r.x))}` }));
}

export interface LossOptions extends GroupStyle {
  fileSeeds: readonly number[];
  /** Spikes to mark: points (group, step) with the seed(s) they occurred in and the loss there. */
  spikes?: ResultSet;
  width?: number;
  height?: number;
  /** Log-scaled y. */
  logY?: boolean;
}

/**
 * Training-loss curves (Fig. 2 c): one panel per group (method), one thin line per seed, and red
 * triangles at the spikes. Per-seed lines, not the mean: averaging seeds would smooth away
 * exactly the spikes the figure is about.
 */
export function loss(set: ResultSet, opts: LossOptions): Spec {
  const data = seedRows(set, opts.fileSeeds).map((r) => ({ ...r, kind: 'curve' }));
  const spikes = opts.spikes ? seedRows({ ...opts.spikes, group: set.group, x: set.x }, opts.fileSeeds).map((r) => ({ ...r, kind: 'spike' })) : [];
  if (spikes.length) data.sort((a, b) => Number(a.x) - Number(b.x));
  const x = { field: 'x', type: 'quantitative', title: axisTitle(set.x), scale: { nice: false }, axis: numberAxis(set) };
  const y = { field: 'value', type: 'quantitative', title: axisTitle(set.y), scale: opts.logY ? { type: 'log' } : { zero: false } };
  const layer: Spec[] = [
    {
      transform: [{ filter: "datum.kind === 'curve'" }],
      mark: { type: 'line', strokeWidth: 1, opacity: 0.85, clip: true },
      encoding: { x, y, color: colorEncoding(set, opts, false), detail: { field: 'seed', type: 'nominal' } },
    },
  ];
  if (spikes.length) {
    layer.push({
      transform: [{ filter: "datum.kind === 'spike'" }],
      mark: { type: 'point', shape: 'triangle-up', filled: true, color: '#d62728', size: 55 },
      encoding: {
        x,
        y,
        tooltip: [{ field: 'groupLabel', title: set.group.title }, { field: 'seed' }, { field: 'x', title: axisTitle(set.x) }, { field: 'value', format: '.4~g', title: 'loss' }],
        shape: {
          datum: `loss spike (${spikes.length} in all)`,
          type: 'nominal',
          scale: { range: ['triangle-up'] },
          legend: { title: null, orient: 'right', symbolFillColor: '#d62728', symbolStrokeColor: '#d62728', symbolOpacity: 1 },
        },
      },
    });
  }
  return {
    // One data source so the facet sees every group, including one with spikes but no curve.
    data: { values: [...data, ...spikes] },
    facet: { column: { field: 'groupLabel', type: 'nominal', title: null, sort: groupLabels(set), header: { labelFontSize: 13, labelFontWeight: 'bold' } } },
    spec: { width: opts.width ?? 300, height: opts.height ?? 200, layer },
  };
}

export interface RatioOptions extends GroupStyle {
  paperLabel?: string;
  /** Where the reference rule sits (1 for a ratio, 0 for a difference). */
  reference?: number;
  referenceLabel?: string;
  width?: number;
}

/**
 * Horizontal bars of a ratio per category and group with a reference rule (e.g. ours ÷ paper per
 * benchmark, or the share of the SFT→distill gap that VGGM closes), with CI whiskers.
 */
export function ratioBars(set: ResultSet, opts: RatioOptions = {}): Spec {
  const data = rows(set, set.points, opts.fileSeeds);
  const ref = opts.reference ?? 1;
  const y = { field: 'xLabel', type: 'nominal', title: set.x.title, sort: xLabels(set) };
  const yOffset = { field: 'groupLabel', type: 'nominal', sort: groupLabels(set) };
  const xEnc = { field: 'mean', type: 'quantitative', title: axisTitle(set.y), scale: { zero: true } };
  const nBars = xLabels(set).length * groupLabels(set).length;
  const layer: Spec[] = [
    {
      mark: { type: 'bar' },
      encoding: {
        y,
        yOffset,
        x: xEnc,
        color: colorEncoding(set, opts),
        tooltip: [
          { field: 'groupLabel', title: set.group.title },
          { field: 'xLabel', title: set.x.title },
          { field: 'mean', format: '.3~g' },
          { field: 'ci95', format: '.3~g', title: '95% CI ±' },
          { field: 'paper' },
          { field: 'perSeed', title: 'per seed' },
        ],
      },
    },
  ];
  if (hasCi(set)) {
    layer.push({ mark: { type: 'rule', color: '#222', strokeWidth: 1.5 }, encoding: { y, yOffset, x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } } });
  }
  layer.push(
    {
      data: { values: [{ ref, refLabel: opts.referenceLabel ?? `${ref}` }] },
      mark: { type: 'rule', strokeDash: [5, 3], color: '#444', strokeWidth: 1.5 },
      encoding: { x: { field: 'ref', type: 'quantitative' } },
    },
    {
      data: { values: [{ ref, refLabel: opts.referenceLabel ?? `${ref}` }] },
      mark: { type: 'text', align: 'right', baseline: 'bottom', dx: -4, y: -3, fontSize: 11 },
      encoding: { x: { field: 'ref', type: 'quantitative' }, text: { field: 'refLabel' } },
    },
    {
      mark: { type: 'text', align: 'left', dx: 6, fontSize: 11 },
      encoding: { y, yOffset, x: { field: 'hi', type: 'quantitative' }, text: { field: 'mean', type: 'quantitative', format: '.2f' } },
    },
  );
  if (data.some((r) => r.paper !== null)) layer.push(paperMarks({ y, yOffset, x: { field: 'paper', type: 'quantitative' } }, opts.paperLabel));
  return { data: { values: data }, width: opts.width ?? 360, height: Math.max(120, nBars * 22), layer };
}

/** Panels side by side (a row of a figure); `gap` in px. */
export function row(panels: Spec[], gap = 24): Spec {
  return { hconcat: panels, spacing: gap };
}

/** Panels stacked. */
export function column(panels: Spec[], gap = 24): Spec {
  return { vconcat: panels, spacing: gap };
}

/** A panel with its own title (e.g. "(a) GSM8K"). */
export function titled(spec: Spec, title: string): Spec {
  return { ...spec, title: { text: title, fontSize: 13, fontWeight: 'bold', anchor: 'start' } };
}
