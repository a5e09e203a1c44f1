import { describe, expect, it } from 'vitest';
import { bootstrapCI, ciHalfWidth, gapShare, intervalVerdict, mean, pairedBootstrap, sampleStd, summarize, tCdf, tQuantile, zQuantile } from '../../lib/report/stats.ts';
import { Rng } from '../../lib/util/rng.ts';

describe('Student t', () => {
  // Two-sided 95% critical values from printed t tables (e.g. NIST/SEMATECH handbook, R qt()).
  it.each([
    [1, 12.7062047],
    [2, 4.30265273],
    [3, 3.18244631],
    [4, 2.77644511],
    [9, 2.26215716],
    [29, 2.04522964],
    [1000, 1.96233908],
  ])('t(0.975, df=%i) = %f', (df, want) => {
    expect(tQuantile(0.975, df)).toBeCloseTo(want, 6);
  });

  it('one-sided 95% and lower quantiles', () => {
    expect(tQuantile(0.95, 5)).toBeCloseTo(2.01504837, 6);
    expect(tQuantile(0.025, 2)).toBeCloseTo(-4.30265273, 6);
    expect(tQuantile(0.5, 7)).toBe(0);
  });

  // jstat's incomplete beta is good to ~2e-8 (at t = 0, df = 1): seven decimals, far finer than any interval shown.
  it('CDF matches closed forms for df = 1 (Cauchy) and df = 2', () => {
    for (const t of [-3, -0.5, 0, 0.7, 2, 10]) {
      expect(tCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 7);
      expect(tCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 7);
    }
  });

  it('quantile inverts the CDF', () => {
    for (const df of [1.5, 3, 17])
      for (const p of [0.01, 0.3, 0.9, 0.999]) {
        expect(tCdf(tQuantile(p, df), df)).toBeCloseTo(p, 8);
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
    expect(s.ci95!).toBeCloseTo((4.30265273 * 1.60935) / Math.sqrt(3), 3);
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

describe('normal quantiles (jstat)', () => {
  it('z(0.975) and z(0.8) as printed in normal tables; bad p refused', () => {
    expect(zQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(zQuantile(0.8)).toBeCloseTo(0.841621, 6);
    expect(() => zQuantile(0)).toThrow(/p must be in/);
  });
});

describe('pairedBootstrap (seeds × problems)', () => {
  // correctness differences a − b per problem: +1 a right only, −1 b right only, 0 both or neither
  const seedDiffs = (rng: Rng, n: number, pPlus: number, pMinus: number) =>
    Array.from({ length: n }, () => {
      const u = rng.next();
      return u < pPlus ? 1 : u < pPlus + pMinus ? -1 : 0;
    });

  it('one seed: the problem bootstrap, whose SE is the paired-difference SE of the sample', () => {
    const d = seedDiffs(new Rng(3), 1000, 0.2, 0.1);
    const r = pairedBootstrap([d], new Rng(5), { resamples: 4000 });
    const m = mean(d);
    expect(r.mean).toBeCloseTo(m, 12);
    const seAnalytic = sampleStd(d) / Math.sqrt(d.length);
    expect(r.se / seAnalytic).toBeGreaterThan(0.9);
    expect(r.se / seAnalytic).toBeLessThan(1.1);
    expect(r.lo).toBeLessThan(m);
    expect(r.hi).toBeGreaterThan(m);
    expect(r.verdict).toBe('positive'); // +0.1 with SE ~0.017
    expect(r.mde).toBeCloseTo((1.959964 + 0.841621) * r.se, 5);
    expect(r.problems).toEqual([1000]);
  });

  it('deterministic given the rng; seed-to-seed spread widens the interval beyond the problems alone', () => {
    const rng = new Rng(9);
    const same = [0, 1, 2].map(() => seedDiffs(rng, 300, 0.15, 0.1));
    const a = pairedBootstrap(same, new Rng(1));
    expect(pairedBootstrap(same, new Rng(1))).toEqual(a);
    // the same problems' noise, but each seed shifted: seeds disagree by ±0.2
    const spread = same.map((d, s) => d.map((x) => x + [-0.2, 0, 0.2][s]));
    const b = pairedBootstrap(spread, new Rng(1));
    expect(b.mean).toBeCloseTo(a.mean, 12);
    expect(b.hi - b.lo).toBeGreaterThan(2 * (a.hi - a.lo));
    expect(b.perSeed.map((x, s) => x - a.perSeed[s])).toEqual([-0.2, 0, 0.2].map((x) => expect.closeTo(x, 12)));
  });

  it('an interval that holds zero is inconclusive; empty input refused', () => {
    const rng = new Rng(4);
    const r = pairedBootstrap([seedDiffs(rng, 100, 0.1, 0.1), seedDiffs(rng, 100, 0.1, 0.1)], new Rng(2));
    expect(r.lo).toBeLessThan(0);
    expect(r.hi).toBeGreaterThan(0);
    expect(r.verdict).toBe('inconclusive');
    expect(intervalVerdict(-3, -1)).toBe('negative');
    expect(intervalVerdict(-1, 0)).toBe('inconclusive');
    expect(() => pairedBootstrap([], new Rng(1))).toThrow(/no seeds/);
    expect(() => pairedBootstrap([[]], new Rng(1))).toThrow(/no values/);
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
    // A caller's own interval verdict decides whether the gap exists (Table 2: the paired bootstrap).
    expect(gapShare([10], [15], [20], false)).toMatchObject({ exists: false, kept: [], shares: [] });
    expect(gapShare([20, 22, 21], [25, 28, 21], [40, 44, 20], true)).toMatchObject({ exists: true, kept: [0, 1] });
  });
});
