// Table 1 from per-problem outcomes: accuracy per (row, seed, tier), and the paired differences
// the paper's claims rest on (VGGM − SFT, each method's GRPO gain), each with a two-stage bootstrap
// interval over seeds × problems, a verdict that is 'inconclusive' whenever the interval holds 0,
// and the smallest difference the design can detect (docs/statistics.md). Grouping and pairing
// are arquero's; the resampling is lib/report/stats.ts pairedBootstrap.
import * as aq from 'arquero';
import type { Rng } from '../util/rng.ts';
import { point, type Axis, type Point, type ResultSet } from './results.ts';
import { pairedBootstrap } from './stats.ts';

/** One model's greedy verdict on one problem. */
export interface Outcome {
  row: string;
  seed: number;
  tier: string;
  /** problem id: the pairing key, with the seed */
  id: string;
  correct: 0 | 1;
}

export interface Comparison {
  id: string;
  label: string;
  /** a − b */
  a: string;
  b: string;
}

/** Accuracy in % per (row, tier), one value per seed in `seeds` order. */
export function accuracyBySeed(outcomes: readonly Outcome[], seeds: readonly number[]): Map<string, number[]> {
  const rows = aq
    .from(outcomes as Outcome[])
    .groupby('row', 'tier', 'seed')
    .rollup({ acc: aq.op.mean('correct'), n: aq.op.count() })
    .objects() as { row: string; tier: string; seed: number; acc: number }[];
  const out = new Map<string, number[]>();
  for (const r of rows) {
    const k = `${r.row}\u0000${r.tier}`;
    const v = out.get(k) ?? new Array<number>(seeds.length).fill(NaN);
    v[seeds.indexOf(r.seed)] = 100 * r.acc;
    out.set(k, v);
  }
  return out;
}

/** Per seed, the per-problem differences a − b in percentage points (problems both rows answered). */
export function pairedDiffs(outcomes: readonly Outcome[], c: Comparison, tier: string, seeds: readonly number[]): number[][] {
  // one row per (seed, problem) with a column per compared row, then the difference where both answered
  const joined = aq
    .from(outcomes as Outcome[])
    .params({ tier, a: c.a, b: c.b })
    .filter((d: Outcome, $: { tier: string; a: string; b: string }) => d.tier === $.tier && (d.row === $.a || d.row === $.b))
    .groupby('seed', 'id')
    .pivot('row', 'correct')
    .filter((d: Record<string, number | null>, $: { a: string; b: string }) => d[$.a] != null && d[$.b] != null)
    .derive({ d: (d: Record<string, number>, $: { a: string; b: string }) => 100 * (d[$.a] - d[$.b]) })
    .groupby('seed')
    .rollup({ d: aq.op.array_agg('d') })
    .objects() as { seed: number; d: number[] }[];
  const bySeed = new Map(joined.map((r) => [r.seed, r.d]));
  return seeds.map((s) => {
    const d = bySeed.get(s);
    if (!d?.length) throw new Error(`paired difference ${c.id} on ${tier}: seed ${s} has no problem answered by both ${c.a} and ${c.b}`);
    return d;
  });
}

/**
 * The paired differences of `comparisons` on each tier, as a deltaBars set: per seed the mean
 * difference (values), the bootstrap interval, verdict and minimum detectable difference.
 */
export function pairedDifferenceSet(
  outcomes: readonly Outcome[],
  comparisons: readonly Comparison[],
  tiers: readonly string[],
  seeds: readonly number[],
  x: Axis,
  rng: Rng,
  opts: { resamples: number; level: number; power: number },
): ResultSet {
  const points: Point[] = [];
  for (const c of comparisons)
    for (const tier of tiers) {
      const b = pairedBootstrap(pairedDiffs(outcomes, c, tier, seeds), rng, opts);
      points.push({ ...point(c.id, tier, b.perSeed), interval: { lo: b.lo, hi: b.hi }, verdict: b.verdict, mde: b.mde });
    }
  const pct = Math.round(opts.level * 100);
  return {
    title: 'Paired differences (a − b, percentage points)',
    chart: 'deltaBars',
    group: { title: 'Difference', order: comparisons.map((c) => c.id), labels: Object.fromEntries(comparisons.map((c) => [c.id, c.label])) },
    x,
    y: { title: 'Accuracy difference', unit: 'pp' },
    interval: `${pct}% two-stage bootstrap over seeds × problems (${opts.resamples} resamples; docs/statistics.md); "inconclusive" when it holds 0`,
    points,
  };
}
