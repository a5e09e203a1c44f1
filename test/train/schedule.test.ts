// Learning-rate schedule: warm-up is linear to the peak, cosine decays to peak * minRatio, flat after.
import { describe, expect, it } from 'vitest';
import { learningRate } from '../../lib/train/schedule.ts';

const o = { peak: 1e-3, warmup: 10, total: 110, minRatio: 0.1 };

describe('learningRate', () => {
  it('warms up linearly and reaches the peak at the end of warm-up', () => {
    expect(learningRate(0, o)).toBeCloseTo(1e-4, 12);
    expect(learningRate(4, o)).toBeCloseTo(5e-4, 12);
    expect(learningRate(9, o)).toBeCloseTo(1e-3, 12);
    expect(learningRate(10, o)).toBeCloseTo(1e-3, 12);
  });

  it('follows a half cosine to the floor and stays there', () => {
    // Halfway through the decay the cosine term is 0: floor + (peak - floor) / 2.
    expect(learningRate(60, o)).toBeCloseTo(1e-4 + 0.5 * 9e-4, 12);
    expect(learningRate(35, o)).toBeCloseTo(1e-4 + 0.5 * 9e-4 * (1 + Math.cos(Math.PI / 4)), 12);
    expect(learningRate(110, o)).toBeCloseTo(1e-4, 12);
    expect(learningRate(500, o)).toBeCloseTo(1e-4, 12);
    let prev = Infinity;
    for (let s = 10; s <= 110; s++) {
      const lr = learningRate(s, o);
      expect(lr).toBeLessThanOrEqual(prev);
      prev = lr;
    }
  });

  it('handles no warm-up and rejects bad arguments', () => {
    expect(learningRate(0, { ...o, warmup: 0 })).toBeCloseTo(1e-3, 12);
    expect(() => learningRate(-1, o)).toThrow(/non-negative/);
    expect(() => learningRate(0, { ...o, warmup: 200 })).toThrow(/warmup/);
    expect(() => learningRate(0, { ...o, minRatio: 2 })).toThrow(/minRatio/);
  });
});
