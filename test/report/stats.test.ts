import { describe, expect, it } from 'vitest';
import {
  bootstrapCI, ciHalfWidth, findSpikes, gapShare, mean, median, sampleStd, summarize, tCdf, tQuantile,
} from '../../lib/report/stats.ts';
import { Rng } from '../../lib/util/rng.ts';

describe('Student t', () => {
  // Two-sided 95% critical values from printed t tables (e.g. NIST/SEMATECH handbook, R qt()).
  it.each([
    [1, 12.7062047], [2, 4.30265273], [3, 3.18244631], [4, 2.77644511],
    [9, 2.26215716], [29, 2.04522964], [1000, 1.96233908],
  ])('t(0.975, df=%i) = %f', (df, want) => {
    expect(tQuantile(0.975, df)).toBeCloseTo(want, 6);
  });

  it('one-sided 95% and lower quantiles', () => {
    expect(tQuantile(0.95, 5)).toBeCloseTo(2.01504837, 6);
    expect(tQuantile(0.025, 2)).toBeCloseTo(-4.30265273, 6);
    expect(tQuantile(0.5, 7)).toBe(0);
  });

  it('CDF matches closed forms for df = 1 (Cauchy) and df = 2', () => {
    for (const t of [-3, -0.5, 0, 0.7, 2, 10]) {
      expect(tCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 12);
      expect(tCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 12);
    }
  });

  it('quantile inverts the CDF', () => {
    for (const df of [1.5, 3, 17]) for (const p of [0.01, 0.3, 0.9, 0.999]) {
      expect(tCdf(tQuantile(p, df), df)).toBeCloseTo(p, 10);
    }
  });

  it('rejects bad arguments with a message', () => {
    expect(() => tQuantile(1, 3)).toThrow(/p must be in/);
    expect(() => tQuantile(0.5, 0)).toThrow(/degrees of freedom/);
  });
});

describe('summaries', () => {
  it('mean, sample std and t interval of three seeds', () => {
    // [1, 2, 3]: mean 2, s = 1, half-width = t(0.975, 2) / sqrt(3).
    expect(mean([1, 2, 3])).toBe(2);
    expect(sampleStd([1, 2, 3])).toBeCloseTo(1, 14);
    expect(ciHalfWidth([1, 2, 3])).toBeCloseTo(4.30265273 / Math.sqrt(3), 6);
    // [78.2, 80.1, 76.9]: deviations -0.2, 1.7, -1.5, so s = sqrt(5.18 / 2) = 1.60935.
    const s = summarize([78.2, 80.1, 76.9]);
    expect(s.n).toBe(3);
    expect(s.mean).toBeCloseTo(78.4, 10);
    expect(s.std!).toBeCloseTo(1.60935, 4);
    expect(s.ci95!).toBeCloseTo(4.30265273 * 1.60935 / Math.sqrt(3), 3);
  });

  it('one value has a mean but no interval; empty and NaN input are refused', () => {
    expect(summarize([5])).toEqual({ n: 1, mean: 5, std: null, ci95: null });
    expect(() => mean([])).toThrow(/no values/);
    expect(() => summarize([1, NaN])).toThrow(/non-finite/);
    expect(() => sampleStd([1])).toThrow(/at least 2/);
  });

  it('bootstrap interval is deterministic and close to the t interval for a large normal sample', () => {
    const rng = new Rng(1);
    const xs = Array.from({ length: 400 }, () => 10 + 2 * rng.normal());
    const a = bootstrapCI(xs, new Rng(7), { resamples: 1000 });
    const b = bootstrapCI(xs, new Rng(7), { resamples: 1000 });
    expect(a).toEqual(b);
    const m = mean(xs);
    const h = ciHalfWidth(xs);
    expect(a[0]).toBeLessThan(m);
    expect(a[1]).toBeGreaterThan(m);
    expect((a[1] - a[0]) / 2).toBeGreaterThan(0.8 * h);
    expect((a[1] - a[0]) / 2).toBeLessThan(1.2 * h);
  });
});

describe('gapShare', () => {
  it('shares of a gap that clears seed noise, per seed; a seed with no gap of its own is left out', () => {
    // gaps 10, 12, 11: mean 11, CI 4.303 * 1 / sqrt(3) = 2.48, well above 0
    const g = gapShare([20, 22, 21], [25, 28, 21], [30, 34, 32]);
    expect(g.exists).toBe(true);
    expect(g.gap.mean).toBeCloseTo(11, 12);
    expect(g.kept).toEqual([0, 1, 2]);
    expect(g.shares[0]).toBeCloseTo(0.5, 12);
    expect(g.shares[1]).toBeCloseTo(0.5, 12);
    expect(g.shares[2]).toBe(0);
    // gaps 20, 22, -1: mean 13.7 but CI 4.303 * 12.7 / sqrt(3) = 31.6 reaches below 0: no gap, no shares
    const noisy = gapShare([20, 22, 21], [25, 28, 21], [40, 44, 20]);
    expect(noisy.exists).toBe(false);
    expect(noisy.shares).toEqual([]);
    // gaps 10, 11, 12, 9, -1: mean 8.2, CI 2.776 * 5.26 / sqrt(5) = 6.5, so a gap; the 5th seed has none
    const some = gapShare([20, 20, 20, 20, 20], [25, 25, 25, 25, 25], [30, 31, 32, 29, 19]);
    expect(some.exists).toBe(true);
    expect(some.kept).toEqual([0, 1, 2, 3]);
    expect(some.shares[3]).toBeCloseTo(5 / 9, 12);
  });

  it('the 1-5 point single-seed gaps of results/table2 at 2 seeds are not a gap', () => {
    // llama-like math, seeds 1 and 2: SFT 24, 30; VGGM 32, 37; distill 26, 18 (`git show 1a009c9:results/table2.md`)
    expect(gapShare([24, 30], [32, 37], [26, 18]).exists).toBe(false);
    // qwen-like gsm8k: SFT 10, 15; distill 14, 10: a gap of 4 in one seed, -5 in the other
    expect(gapShare([10, 15], [20, 29], [14, 10]).exists).toBe(false);
  });

  it('one seed: no interval, a positive gap is taken as it is; mismatched lengths are refused', () => {
    expect(gapShare([10], [15], [20])).toMatchObject({ exists: true, kept: [0], shares: [0.5] });
    expect(gapShare([10], [15], [10]).exists).toBe(false);
    expect(() => gapShare([1, 2], [1], [1, 2])).toThrow(/one per seed/);
  });
});

describe('findSpikes', () => {
  it('flags isolated jumps on a noisy falling curve, not the fall itself', () => {
    const rng = new Rng(3);
    const ys = Array.from({ length: 300 }, (_, i) => 3 * Math.exp(-i / 80) + 0.5 + 0.01 * rng.normal());
    ys[120] += 0.6;
    ys[121] += 0.5; // right after another spike: still found (the median ignores the first)
    ys[250] += 0.4;
    expect(findSpikes(ys)).toEqual([120, 121, 250]);
  });

  it('a flat curve has no spikes; the median is the middle value', () => {
    expect(findSpikes(new Array(50).fill(1))).toEqual([]);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
