import { describe, expect, it } from 'vitest';
import { meanPassAtK, passAtK } from '../../lib/eval/passk.ts';
import { Rng } from '../../lib/util/rng.ts';

// Exact combinatorial definition: probability that a k-subset of n samples holds a correct one.
function binom(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}
const exact = (n: number, c: number, k: number) => 1 - binom(n - c, k) / binom(n, k);

describe('passAtK', () => {
  it('equals the combinatorial definition', () => {
    for (const [n, c, k] of [
      [10, 3, 1],
      [10, 3, 5],
      [8, 0, 4],
      [8, 8, 1],
      [20, 1, 8],
      [5, 2, 4],
    ]) {
      expect(passAtK(n, c, k)).toBeCloseTo(exact(n, c, k), 12);
    }
  });
  it('pass@1 is the fraction correct; pass@n is "any correct"', () => {
    expect(passAtK(8, 3, 1)).toBeCloseTo(3 / 8, 14);
    expect(passAtK(8, 1, 8)).toBe(1);
    expect(passAtK(8, 0, 8)).toBe(0);
  });
  it('is unbiased: its mean matches Monte-Carlo draws of k-subsets', () => {
    const rng = new Rng(3);
    const n = 12,
      c = 4,
      k = 3;
    const pool = Array.from({ length: n }, (_, i) => i < c);
    let hits = 0;
    const trials = 20000;
    for (let t = 0; t < trials; t++) if (rng.shuffle(pool.slice()).slice(0, k).some(Boolean)) hits++;
    expect(Math.abs(hits / trials - passAtK(n, c, k))).toBeLessThan(0.02);
  });
  it('rejects k > n and non-integers', () => {
    expect(() => passAtK(4, 1, 5)).toThrow(/k ≤ n/);
    expect(() => passAtK(4.5, 1, 1)).toThrow(/integers/);
  });
  it('averages over problems', () => {
    expect(
      meanPassAtK(
        [
          { n: 4, c: 4 },
          { n: 4, c: 0 },
        ],
        2,
      ),
    ).toBe(0.5);
  });
});
