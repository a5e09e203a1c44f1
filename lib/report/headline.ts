// The report's headline: for the comparisons Table 1 is about, the paper's difference beside ours
// per benchmark, and whether ours agrees with the paper's direction. Ours is the mean over seeds
// of the paired per-seed difference (the two methods of one seed share its Base) with its 95% t
// interval; a direction counts only when the interval excludes 0.
import { ciHalfWidth, intervalVerdict, mean } from './stats.ts';
import { categories, label, type ResultSet, type ResultsFile } from './results.ts';

/** (treated, baseline) group keys of Table 1, in the order the page lists them. */
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
  /** half-width of the 95% t interval of ours; null with one seed */
  ci95: number | null;
  agreement: Agreement;
}

export interface VerdictLine {
  treated: string;
  baseline: string;
  title: string;
  unit: string;
  cells: Cell[];
}

/** Group keys as the scripts write them ("vggm_grpo"); older files wrote "vggm+grpo". */
const canonical = (k: string) => k.replace(/\+/g, '_');

/** The verdict lines of a Table 1 results file (its first categorical set); [] when it has none. */
export function table1Verdicts(file: ResultsFile): VerdictLine[] {
  const set = Object.values(file.sets).find((s) => s.points.some((p) => typeof p.x === 'string'));
  if (!set) return [];
  const groups = new Map(categories(set.group, set.points.map((p) => p.group)).map((g) => [canonical(g), g]));
  const lines: VerdictLine[] = [];
  for (const [t, b] of TABLE1_COMPARISONS) {
    const treated = groups.get(t), baseline = groups.get(b);
    if (treated === undefined || baseline === undefined) continue;
    const cells = categories(set.x, set.points.map((p) => p.x)).flatMap((x) => {
      const c = cell(set, file.seeds, treated, baseline, x);
      return c ? [c] : [];
    });
    if (cells.length) lines.push({ treated, baseline, title: `${label(set.group, treated)} vs ${label(set.group, baseline)}`, unit: set.y.unit ?? '', cells });
  }
  return lines;
}

function cell(set: ResultSet, fileSeeds: number[], treated: string, baseline: string, x: string): Cell | null {
  const at = (g: string) => set.points.find((p) => p.group === g && String(p.x) === x);
  const a = at(treated), b = at(baseline);
  if (!a || !b) return null;
  const seedsOf = (p: typeof a) => p.seeds ?? set.seeds ?? fileSeeds;
  const sa = seedsOf(a), sb = seedsOf(b);
  // Pair seed with seed; a seed one method lacks is left out.
  const diffs = sa.flatMap((s, i) => {
    const j = sb.indexOf(s);
    return j >= 0 && i < a.values.length && j < b.values.length ? [a.values[i] - b.values[j]] : [];
  });
  if (!diffs.length) return null;
  const ours = mean(diffs);
  const ci95 = diffs.length >= 2 ? ciHalfWidth(diffs) : null;
  const paper = a.paper != null && b.paper != null ? a.paper - b.paper : null;
  let agreement: Agreement = 'no paper number';
  if (paper !== null) {
    const v = ci95 === null ? 'inconclusive' : intervalVerdict(ours - ci95, ours + ci95);
    agreement = v === 'inconclusive' || paper === 0 ? 'inconclusive' : (v === 'positive') === paper > 0 ? 'agrees' : 'opposite';
  }
  return { x, xLabel: label(set.x, x), paper, ours, ci95, agreement };
}
