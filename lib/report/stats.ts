// Summary statistics for results over a few seeds (typically n = 3): mean, sample standard
// deviation and a 95% confidence interval from Student's t distribution (the normal 1.96 would
// understate the interval for n = 3 by a factor of 2.2). A percentile bootstrap is available for
// larger samples (e.g. over evaluation problems), where the t assumption is less apt.
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
  return tQuantile(0.5 + level / 2, xs.length - 1) * sampleStd(xs) / Math.sqrt(xs.length);
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
export function bootstrapCI(
  xs: readonly number[], rng: Rng, opts: { resamples?: number; level?: number } = {},
): [number, number] {
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
  const q = (p: number) => {
    // Linear interpolation between order statistics (type 7, as R and numpy default).
    const h = (B - 1) * p;
    const lo = Math.floor(h);
    return means[lo] + (h - lo) * ((means[Math.min(lo + 1, B - 1)] ?? means[lo]) - means[lo]);
  };
  return [q((1 - level) / 2), q((1 + level) / 2)];
}

// ---- Student's t distribution ---------------------------------------------------------------

/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
export function tCdf(t: number, df: number): number {
  if (!(df > 0)) throw new Error(`tCdf: degrees of freedom must be > 0, got ${df}`);
  const x = df / (df + t * t);
  const tail = 0.5 * regIncBeta(x, df / 2, 0.5); // P(T > |t|)
  return t >= 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t with `df` degrees of freedom (inverse of tCdf). */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`tQuantile: p must be in (0, 1), got ${p}`);
  if (!(df > 0)) throw new Error(`tQuantile: degrees of freedom must be > 0, got ${df}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -tQuantile(1 - p, df);
  // Bracket, then bisect: the CDF is monotone, and 200 halvings of a bracket reach double precision
  // for any df, which matters more here than speed (it is called once per table cell).
  let lo = 0;
  let hi = 1;
  while (tCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (tCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Regularised incomplete beta I_x(a, b) (continued fraction, modified Lentz). */
function regIncBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The continued fraction converges fast for x < (a+1)/(a+b+2); use the symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) return (front * betaCf(x, a, b)) / a;
  return 1 - (front * betaCf(1 - x, b, a)) / b;
}

function betaCf(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return h;
}

// Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for positive arguments.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];
function lnGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * z))) - lnGamma(1 - z);
  z -= 1;
  let x = LANCZOS[0];
  for (let i = 1; i < 9; i++) x += LANCZOS[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(x);
}

// ---- loss spikes ---------------------------------------------------------------------------

export interface SpikeOptions {
  /** How many preceding values estimate the noise (default 20). */
  window?: number;
  /** Robust z threshold: spike if y > level + z · noise (default 5). */
  z?: number;
  /** Also require y > level · (1 + minRise), so a noiseless curve is not all spikes (default 0.05). */
  minRise?: number;
}

/**
 * Indices of loss spikes. The level is the median of the last 5 values (short, so a falling curve
 * does not count as a jump); the noise is the robust spread (1.4826 · MAD / √2) of successive
 * differences over the preceding window, which a smooth trend barely inflates. One spike does not
 * hide the next: medians ignore it. The first `window` values are never flagged.
 */
export function findSpikes(ys: readonly number[], opts: SpikeOptions = {}): number[] {
  const w = opts.window ?? 20;
  const z = opts.z ?? 5;
  const minRise = opts.minRise ?? 0.05;
  if (!(w >= 6)) throw new Error(`findSpikes: window must be ≥ 6, got ${w}`);
  const out: number[] = [];
  for (let i = w; i < ys.length; i++) {
    const level = median(ys.slice(i - 5, i));
    const diffs: number[] = [];
    for (let j = i - w + 1; j < i; j++) diffs.push(ys[j] - ys[j - 1]);
    const dMed = median(diffs);
    const noise = (1.4826 * median(diffs.map((d) => Math.abs(d - dMed)))) / Math.SQRT2;
    if (ys[i] > level + z * noise && ys[i] > level * (1 + minRise)) out.push(i);
  }
  return out;
}

export function median(xs: readonly number[]): number {
  check(xs, 'median');
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
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
 * and a positive gap is taken as it is. Within an existing gap a seed whose own gap is ≤ 0 has no
 * share and is left out.
 */
export function gapShare(baseline: readonly number[], treated: readonly number[], reference: readonly number[]): GapShare {
  if (treated.length !== baseline.length || reference.length !== baseline.length) {
    throw new Error(`gapShare: ${baseline.length}, ${treated.length} and ${reference.length} values: one per seed each`);
  }
  const diffs = baseline.map((b, i) => reference[i] - b);
  const gap = summarize(diffs);
  const exists = gap.ci95 === null ? gap.mean > 0 : gap.mean - gap.ci95 > 0;
  const kept = exists ? diffs.map((d, i) => (d > 0 ? i : -1)).filter((i) => i >= 0) : [];
  return { gap, exists, kept, shares: kept.map((i) => (treated[i] - baseline[i]) / diffs[i]) };
}
