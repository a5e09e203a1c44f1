// The report's headline: for the comparisons Table 1 is about, the paper's difference beside ours
// per benchmark, and whether ours agrees with the paper's direction. A results file that holds the
// paired `differences` set (scripts/table1.ts, lib/report/paired.ts) is read as it is: its
// two-stage bootstrap interval over seeds × problems and its verdict, so the page says what
// table1.md says. Files written before that set existed fall back to the mean over seeds of the
// paired per-seed difference with its 95% t interval. Either way a direction counts only when the
// interval excludes 0.
import type { Comparison } from './paired.ts';
import { categories, label, pointSeeds, type Point, type ResultSet, type ResultsFile } from './results.ts';
import { ciHalfWidth, intervalVerdict, mean, type Verdict } from './stats.ts';

/** The paired differences Table 1 computes (a − b), in the order the page lists them; the ids are
 *  the `differences` set's group keys. */
export const TABLE1_DIFFERENCES: readonly Comparison[] = [
  { id: 'vggm-sft', label: 'SFT (VGGM) − SFT (No Masking)', a: 'vggm', b: 'sft' },
  { id: 'vggm_grpo-sft_grpo', label: 'VGGM + GRPO − SFT + GRPO', a: 'vggm_grpo', b: 'sft_grpo' },
  { id: 'grpo-gain-base', label: 'GRPO gain on Base', a: 'base_grpo', b: 'base' },
  { id: 'grpo-gain-sft', label: 'GRPO gain on SFT (No Masking)', a: 'sft_grpo', b: 'sft' },
  { id: 'grpo-gain-vggm', label: 'GRPO gain on SFT (VGGM)', a: 'vggm_grpo', b: 'vggm' },
];

/** (treated, baseline) group keys the per-seed fallback compares, for files without the set. */
export const TABLE1_COMPARISONS: readonly [string, string][] = [
  ['vggm', 'sft'],
  ['vggm_grpo', 'sft_grpo'],
  ['sft', 'base'],
];

export type Agreement = 'agrees' | 'opposite' | 'inconclusive' | 'no paper number';

export interface Cell {
  x: string;
  xLabel: string;
  /** paper: treated − baseline in the set's unit; null when the paper has no number for either */
  paper: number | null;
  ours: number;
  /** ours' interval; null with one seed in the per-seed fallback (no spread to estimate) */
  interval: { lo: number; hi: number } | null;
  /** half-width of the 95% t interval (the per-seed fallback only; bootstrap intervals are not symmetric) */
  ci95: number | null;
  verdict: Verdict;
  agreement: Agreement;
}

export interface VerdictLine {
  treated: string;
  baseline: string;
  title: string;
  unit: string;
  cells: Cell[];
}

export interface Headline {
  /** 'bootstrap': read from the file's differences set; 'seeds': the per-seed t fallback */
  source: 'bootstrap' | 'seeds';
  /** how ours and its interval were made, in words */
  how: string;
  lines: VerdictLine[];
}

/** Group keys as the scripts write them ("vggm_grpo"); older files wrote "vggm+grpo". */
const canonical = (k: string) => k.replace(/\+/g, '_');

/** The verdict lines of a Table 1 results file; no lines when it has no accuracy set. */
export function table1Verdicts(file: ResultsFile): Headline {
  const acc = file.sets.accuracy ?? Object.values(file.sets).find((s) => s.points.some((p) => typeof p.x === 'string'));
  const diffs = file.sets.differences;
  if (acc && diffs?.points.some((p) => p.interval)) return fromDifferences(acc, diffs);
  return {
    source: 'seeds',
    how: "Ours: the mean over seeds of each seed's difference between the two methods, ± its 95% t interval over seeds.",
    lines: acc ? fromSeeds(acc, file.seeds) : [],
  };
}

function agreement(paper: number | null, verdict: Verdict): Agreement {
  if (paper === null) return 'no paper number';
  if (verdict === 'inconclusive' || paper === 0) return 'inconclusive';
  return (verdict === 'positive') === paper > 0 ? 'agrees' : 'opposite';
}

/** The paper's a − b on tier x, from the accuracy set's paper numbers. */
function paperDiff(acc: ResultSet, a: string, b: string, x: string): number | null {
  const at = (g: string) => acc.points.find((p) => canonical(p.group) === g && String(p.x) === x)?.paper;
  const pa = at(a),
    pb = at(b);
  return pa != null && pb != null ? pa - pb : null;
}

function fromDifferences(acc: ResultSet, diffs: ResultSet): Headline {
  const known = new Map(TABLE1_DIFFERENCES.map((c) => [c.id, c]));
  const lines: VerdictLine[] = [];
  for (const id of categories(
    diffs.group,
    diffs.points.map((p) => p.group),
  )) {
    const c = known.get(id);
    // A comparison this code does not know cannot be matched to the paper's rows: left out.
    if (!c) continue;
    const cells = categories(
      diffs.x,
      diffs.points.map((p) => p.x),
    ).flatMap((x): Cell[] => {
      const p = diffs.points.find((q) => q.group === id && String(q.x) === x);
      if (!p?.interval) return [];
      const verdict = p.verdict ?? intervalVerdict(p.interval.lo, p.interval.hi);
      const paper = paperDiff(acc, c.a, c.b, x);
      return [{ x, xLabel: label(diffs.x, x), paper, ours: p.mean, interval: p.interval, ci95: null, verdict, agreement: agreement(paper, verdict) }];
    });
    if (cells.length) lines.push({ treated: c.a, baseline: c.b, title: label(diffs.group, id), unit: diffs.y.unit ?? '', cells });
  }
  return {
    source: 'bootstrap',
    how: `Ours: the mean over seeds of each seed's mean per-problem difference; in brackets the interval of table1.md's paired differences: ${diffs.interval ?? 'a bootstrap over seeds × problems'}.`,
    lines,
  };
}

function fromSeeds(set: ResultSet, fileSeeds: number[]): VerdictLine[] {
  const groups = new Map(
    categories(
      set.group,
      set.points.map((p) => p.group),
    ).map((g) => [canonical(g), g]),
  );
  const lines: VerdictLine[] = [];
  for (const [t, b] of TABLE1_COMPARISONS) {
    const treated = groups.get(t),
      baseline = groups.get(b);
    if (treated === undefined || baseline === undefined) continue;
    const cells = categories(
      set.x,
      set.points.map((p) => p.x),
    ).flatMap((x) => {
      const c = seedCell(set, fileSeeds, treated, baseline, x);
      return c ? [c] : [];
    });
    if (cells.length) lines.push({ treated, baseline, title: `${label(set.group, treated)} vs ${label(set.group, baseline)}`, unit: set.y.unit ?? '', cells });
  }
  return lines;
}

function seedCell(set: ResultSet, fileSeeds: number[], treated: string, baseline: string, x: string): Cell | null {
  const at = (g: string) => set.points.find((p) => p.group === g && String(p.x) === x);
  const a = at(treated),
    b = at(baseline);
  if (!a || !b) return null;
  const seedsOf = (p: Point) => pointSeeds(p, set, fileSeeds);
  const sa = seedsOf(a),
    sb = seedsOf(b);
  // Pair seed with seed; a seed one method lacks is left out.
  const diffs = sa.flatMap((s, i) => {
    const j = sb.indexOf(s);
    return j >= 0 && i < a.values.length && j < b.values.length ? [a.values[i] - b.values[j]] : [];
  });
  if (!diffs.length) return null;
  const ours = mean(diffs);
  const ci95 = diffs.length >= 2 ? ciHalfWidth(diffs) : null;
  const paper = a.paper != null && b.paper != null ? a.paper - b.paper : null;
  const verdict = ci95 === null ? 'inconclusive' : intervalVerdict(ours - ci95, ours + ci95);
  return { x, xLabel: label(set.x, x), paper, ours, interval: ci95 === null ? null : { lo: ours - ci95, hi: ours + ci95 }, ci95, verdict, agreement: agreement(paper, verdict) };
}
