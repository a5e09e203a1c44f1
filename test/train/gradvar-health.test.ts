import { describe, expect, it } from 'vitest';
import { gradientVariance } from '../../lib/train/gradvar.ts';
import { assertFinite, NonFiniteError } from '../../lib/train/health.ts';
import { Rng } from '../../lib/util/rng.ts';

describe('gradientVariance', () => {
  it('is zero for identical gradients and computes the spread of hand-made ones', () => {
    expect(
      gradientVariance([
        [1, 2],
        [1, 2],
        [1, 2],
      ]).variance,
    ).toBe(0);
    // mean (1, 0); deviations (±1, 0) -> Σ||d||² = 2, /(K-1) = 2
    const v = gradientVariance([
      [2, 0],
      [0, 0],
    ]);
    expect(v.variance).toBe(2);
    expect(v.meanGradNormSq).toBe(1);
    expect(v.noiseToSignal).toBe(2);
    expect(v.meanNormSq).toBe(2);
  });

  it('recovers the trace of the covariance of noisy gradients', () => {
    const rng = new Rng(5);
    const n = 400,
      K = 16,
      sigma = 0.5;
    const signal = Array.from({ length: n }, () => rng.normal());
    const grads = Array.from({ length: K }, () => signal.map((s) => s + sigma * rng.normal()));
    const v = gradientVariance(grads);
    expect(v.variance / (n * sigma * sigma)).toBeGreaterThan(0.9);
    expect(v.variance / (n * sigma * sigma)).toBeLessThan(1.1);
    expect(v.meanCosineToRest).toBeGreaterThan(0.8);
  });

  it('needs two batches', () => {
    expect(() => gradientVariance([[1]])).toThrow(/≥ 2/);
  });
});

describe('health', () => {
  it('names the step and tensor of a NaN', () => {
    expect(() => assertFinite(3, 'loss', [1, 2])).not.toThrow();
    try {
      assertFinite(17, 'model.norm.weight.grad', [0, Infinity]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(NonFiniteError);
      expect((e as Error).message).toMatch(/step 17: model\.norm\.weight\.grad is Infinity at element 1/);
    }
  });
});
