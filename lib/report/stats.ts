// Summary statistics for results over a few seeds (typically n = 3): mean, sample standard
// deviation and a 95% confidence interval from Student's t distribution (the normal 1.96 would
// understate the interval for n = 3 by a factor of 2.2); the t and normal quantiles come from
// jstat. Paired differences between methods are judged by a two-stage bootstrap over seeds and
// the problems within each seed (pairedBootstrap; docs/statistics.md says why and how).
import jStat from 'jstat';
import type { Rng } from '../util/rng.ts';

export interface Summary {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1 denominator); null when n < 2. */
  std: number | null;
  /** Half-width of the 95% t interval: mean ± ci95. Null when n < 2 (no spread to estimate). */
  ci95: number | null;
}

function check(xs: readonly number[], what: string): void {
  if (xs.length === 0) throw new Error(`${what}: no values`);
  for (const x of xs) if (!Number.isFinite(x)) throw new Error(`${what}: non-finite value ${x}`);
}

export function mean(xs: readonly number[]): number {
  check(xs, 'mean');
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation (Bessel-corrected); needs at least two values. */
export function sampleStd(xs: readonly number[]): number {
  check(xs, 'sampleStd');
  if (xs.length < 2) throw new Error('sampleStd: needs at least 2 values');
  const m = mean(xs);
  let ss = 0;
  for (const x of xs) ss += (x - m) ** 2;
  return Math.sqrt(ss / (xs.length - 1));
}

/** Half-width of the two-sided `level` confidence interval of the mean (t distribution). */
export function ciHalfWidth(xs: readonly number[], level = 0.95): number {
  if (xs.length < 2) throw new Error('ciHalfWidth: needs at least 2 values');
  return (tQuantile(0.5 + level / 2, xs.length - 1) * sampleStd(xs)) / Math.sqrt(xs.length);
}

export function summarize(xs: readonly number[]): Summary {
  check(xs, 'summarize');
  const n = xs.length;
  return {
    n,
    mean: mean(xs),
    std: n >= 2 ? sampleStd(xs) : null,
    ci95: n >= 2 ? ciHalfWidth(xs, 0.95) : null,
  };
}

/** Percentile bootstrap interval of the mean: [lo, hi] at `level`. Deterministic given `rng`. */
export function bootstrapCI(xs: readonly number[], rng: Rng, opts: { resamples?: number; level?: number } = {}): [number, number] {
  check(xs, 'bootstrapCI');
  const B = opts.resamples ?? 2000;
  const level = opts.level ?? 0.95;
  const means = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    let s = 0;
    for (let i = 0; i < xs.length; i++) s += xs[Math.floor(rng.next() * xs.length)];
    means[b] = s / xs.length;
  }
  means.sort();
  return [percentile(means, (1 - level) / 2), percentile(means, (1 + level) / 2)];
}

/** The p-quantile of sorted values, interpolating between order statistics (type 7, as R and numpy default). */
function percentile(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo] + (h - lo) * (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]);
}

/** Which side of zero an interval lies on; 'inconclusive' when it holds 0. */
export type Verdict = 'positive' | 'negative' | 'inconclusive';

export function intervalVerdict(lo: number, hi: number): Verdict {
  return lo > 0 ? 'positive' : hi < 0 ? 'negative' : 'inconclusive';
}

export interface PairedBootstrap {
  /** each seed's mean difference over its problems */
  perSeed: number[];
  /** the mean of perSeed: the estimate the interval is about */
  mean: number;
  /** percentile interval of the two-stage bootstrap at `level` */
  lo: number;
  hi: number;
  /** standard deviation of the bootstrap replicates: the estimate's standard error */
  se: number;
  /** the smallest true difference a two-sided test at 1 − level detects with probability `power`,
   *  given this standard error: (z(1 − α/2) + z(power)) · se */
  mde: number;
  verdict: Verdict;
  level: number;
  power: number;
  resamples: number;
  /** problems per seed */
  problems: number[];
}

/**
 * Two-stage (hierarchical) bootstrap of a paired difference measured on seeds × problems:
 * `diffs[s][i]` = a − b on problem i for seed s (e.g. 1, 0 or −1 for two models' correctness).
 * Each replicate draws the seeds with replacement, then, within each drawn seed, its problems with
 * replacement, and takes the mean over drawn seeds of each one's mean over drawn problems. The
 * two stages carry the two sources of error: which seeds were trained, and which problems were
 * asked (docs/statistics.md). Deterministic given `rng`.
 */
export function pairedBootstrap(diffs: readonly (readonly number[])[], rng: Rng, opts: { resamples?: number; level?: number; power?: number } = {}): PairedBootstrap {
  if (diffs.length === 0) throw new Error('pairedBootstrap: no seeds');
  diffs.forEach((d, s) => check(d, `pairedBootstrap seed ${s}`));
  const B = opts.resamples ?? 4000;
  const level = opts.level ?? 0.95;
  const power = opts.power ?? 0.8;
  if (!(B >= 100)) throw new Error(`pairedBootstrap: needs at least 100 resamples, got ${B}`);
  const perSeed = diffs.map((d) => mean(d));
  const S = diffs.length;
  const reps = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    let total = 0;
    for (let k = 0; k < S; k++) {
      const d = diffs[Math.floor(rng.next() * S)];
      let sum = 0;
      for (let j = 0; j < d.length; j++) sum += d[Math.floor(rng.next() * d.length)];
      total += sum / d.length;
    }
    reps[b] = total / S;
  }
  const m = mean(perSeed);
  let ss = 0;
  for (const r of reps) ss += (r - m) ** 2;
  const se = Math.sqrt(ss / (B - 1));
  reps.sort();
  const lo = percentile(reps, (1 - level) / 2);
  const hi = percentile(reps, (1 + level) / 2);
  return {
    perSeed,
    mean: m,
    lo,
    hi,
    se,
    mde: (zQuantile(0.5 + level / 2) + zQuantile(power)) * se,
    verdict: intervalVerdict(lo, hi),
    level,
    power,
    resamples: B,
    problems: diffs.map((d) => d.length),
  };
}

// ---- Student's t and the normal distribution (jstat) ------------------------------------------

/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
export function tCdf(t: number, df: number): number {
  if (!(df > 0)) throw new Error(`tCdf: degrees of freedom must be > 0, got ${df}`);
  return jStat.studentt.cdf(t, df);
}

/** The p-quantile of Student's t with `df` degrees of freedom (inverse of tCdf). */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`tQuantile: p must be in (0, 1), got ${p}`);
  if (!(df > 0)) throw new Error(`tQuantile: degrees of freedom must be > 0, got ${df}`);
  if (p === 0.5) return 0;
  return jStat.studentt.inv(p, df);
}

/** The p-quantile of the standard normal distribution. */
export function zQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`zQuantile: p must be in (0, 1), got ${p}`);
  return jStat.normal.inv(p, 0, 1);
}

export interface GapShare {
  /** reference − baseline, paired by seed: the gap there is to close. */
  gap: Summary;
  /** Whether the gap exists: its 95% t interval lies above zero (one seed: the gap is positive). */
  exists: boolean;
  /** Indices of the seeds whose shares are given: those with a positive gap of their own. */
  kept: number[];
  /** (treated − baseline) / (reference − baseline) of each kept seed; empty when the gap does not exist. */
  shares: number[];
}

/**
 * The share of the baseline → reference gap that a treatment closes, per seed (Table 2: how far
 * VGGM on N samples goes from no-mask SFT on N towards distillation on 40 × N). A share is only
 * asked for where there is a gap: the paired differences reference − baseline must have their
 * 95% t interval above zero, since dividing by a gap that seed noise could have made (1–5 points
 * on 100 problems) gives shares of 2 or 4 that mean nothing. With one seed there is no interval,
 * and a positive gap is taken as it is. A caller with a better interval (Table 2's paired
 * bootstrap over seeds × problems) passes its verdict as `exists`. Within an existing gap a seed
 * whose own gap is ≤ 0 has no share and is left out.
 */
export function gapShare(baseline: readonly number[], treated: readonly number[], reference: readonly number[], exists?: boolean): GapShare {
  if (treated.length !== baseline.length || reference.length !== baseline.length) {
    throw new Error(`gapShare: ${baseline.length}, ${treated.length} and ${reference.length} values: one per seed each`);
  }
  const diffs = baseline.map((b, i) => reference[i] - b);
  const gap = summarize(diffs);
  const has = exists ?? (gap.ci95 === null ? gap.mean > 0 : gap.mean - gap.ci95 > 0);
  const kept = has ? diffs.map((d, i) => (d > 0 ? i : -1)).filter((i) => i >= 0) : [];
  return { gap, exists: has, kept, shares: kept.map((i) => (treated[i] - baseline[i]) / diffs[i]) };
}
