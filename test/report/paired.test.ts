// Table 1's grouping and pairing (arquero) on hand-made outcomes: accuracy per seed, per-problem
// differences paired by (seed, problem), and the differences set with bootstrap intervals.
import { describe, expect, it } from 'vitest';
import { accuracyBySeed, pairedDiffs, pairedDifferenceSet, type Outcome } from '../../lib/report/paired.ts';
import { validateResults } from '../../lib/report/results.ts';
import { Rng } from '../../lib/util/rng.ts';

const o = (row: string, seed: number, tier: string, id: string, correct: 0 | 1): Outcome => ({ row, seed, tier, id, correct });
// seed 1: a right on p1, p2; b right on p2, p3. seed 2: a right on p1; b on none. One math problem.
const outcomes: Outcome[] = [
  o('a', 1, 'gsm8k', 'p1', 1),
  o('a', 1, 'gsm8k', 'p2', 1),
  o('a', 1, 'gsm8k', 'p3', 0),
  o('b', 1, 'gsm8k', 'p1', 0),
  o('b', 1, 'gsm8k', 'p2', 1),
  o('b', 1, 'gsm8k', 'p3', 1),
  o('a', 2, 'gsm8k', 'p1', 1),
  o('a', 2, 'gsm8k', 'p2', 0),
  o('a', 2, 'gsm8k', 'p3', 0),
  o('b', 2, 'gsm8k', 'p1', 0),
  o('b', 2, 'gsm8k', 'p2', 0),
  o('b', 2, 'gsm8k', 'p3', 0),
  o('a', 1, 'math', 'm1', 1),
  o('b', 1, 'math', 'm1', 0),
  o('a', 2, 'math', 'm1', 1),
  o('b', 2, 'math', 'm1', 1),
];
const cmp = { id: 'a-b', label: 'a − b', a: 'a', b: 'b' };

describe('paired outcomes', () => {
  it('accuracy in % per (row, tier), one value per seed in the order asked', () => {
    const acc = accuracyBySeed(outcomes, [2, 1]);
    const near = (xs: number[]) => xs.map((x) => expect.closeTo(x, 9));
    expect(acc.get('a\u0000gsm8k')).toEqual(near([100 / 3, 200 / 3]));
    expect(acc.get('b\u0000gsm8k')).toEqual(near([0, 200 / 3]));
    expect(acc.get('b\u0000math')).toEqual([100, 0]);
  });

  it('differences are paired by seed and problem, in percentage points', () => {
    const d = pairedDiffs(outcomes, cmp, 'gsm8k', [1, 2]);
    expect(d.map((x) => [...x].sort((p, q) => p - q))).toEqual([
      [-100, 0, 100],
      [0, 0, 100],
    ]);
    expect(() => pairedDiffs(outcomes, cmp, 'gsm8k', [1, 3])).toThrow(/seed 3 has no problem answered by both a and b/);
  });

  it('the differences set: per-seed means, an interval around them, a verdict and an mde; it validates', () => {
    const set = pairedDifferenceSet(outcomes, [cmp], ['gsm8k', 'math'], [1, 2], { title: 'Benchmark' }, new Rng(1), { resamples: 500, level: 0.95, power: 0.8 });
    const g = set.points.find((p) => p.x === 'gsm8k')!;
    expect(g.values).toEqual([expect.closeTo(0, 9), expect.closeTo(100 / 3, 9)]);
    expect(g.interval!.lo).toBeLessThanOrEqual(g.mean);
    expect(g.interval!.hi).toBeGreaterThanOrEqual(g.mean);
    expect(g.verdict).toBe('inconclusive');
    expect(g.mde).toBeGreaterThan(0);
    const file = { name: 't', title: 't', scale: 'smoke', seeds: [1, 2], config: {}, wallTimeSec: 1, createdBy: 'x', createdAt: 'x', sets: { differences: set } };
    expect(() => validateResults(file, 'test')).not.toThrow();
    // a verdict that disagrees with its interval is caught
    const bad = structuredClone(file);
    bad.sets.differences.points[0].verdict = 'positive';
    expect(() => validateResults(bad, 'test')).toThrow(/verdict 'positive' disagrees with its interval/);
  });
});
