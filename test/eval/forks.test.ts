import { describe, expect, it } from 'vitest';
import { analyseForks, forkMask, histogram, stepIndices } from '../../lib/eval/forks.ts';

describe('fork tokens', () => {
  it('marks exactly the top 20% of tokens by entropy across rollouts', () => {
    const r1 = { entropy: [0.1, 2.0, 0.2, 0.3, 0.1], step: [0, 0, 0, 0, 0], tLast: null };
    const r2 = { entropy: [0.0, 0.0, 3.0, 0.05, 0.0], step: [0, 0, 0, 0, 0], tLast: null };
    const { masks, threshold } = forkMask([r1, r2], 0.2);
    expect(Array.from(masks[0])).toEqual([0, 1, 0, 0, 0]);
    expect(Array.from(masks[1])).toEqual([0, 0, 1, 0, 0]);
    expect(threshold).toBe(2.0);
  });

  it('places forks by normalised position, step and T_last', () => {
    // 10 tokens, high entropy at the first two (early, step 0, before T_last at 6)
    const entropy = [5, 4, 0.1, 0.1, 0.1, 0.1, 0.2, 0.1, 0.1, 0.1];
    const step = stepIndices(['a', 'b\n', 'c', 'd', '.', 'f', 'W', 'g', ' ?', 'i']);
    expect(step).toEqual([0, 0, 1, 1, 1, 2, 2, 2, 2, 3]);
    const a = analyseForks([{ entropy, step, tLast: 6 }], { positionBins: 5, maxStep: 2 });
    expect(a.forks).toBe(2);
    expect(a.position.forks).toEqual([2, 0, 0, 0, 0]);
    expect(a.position.rate[0]).toBe(1);
    expect(a.steps.forks).toEqual([2, 0, 0]);
    expect(a.steps.tokens).toEqual([2, 3, 5]); // last bin holds steps ≥ 2
    expect(a.tLast.before).toMatchObject({ tokens: 6, forks: 2 });
    expect(a.tLast.before.meanEntropy).toBeCloseTo(9.4 / 6, 12);
    expect(a.tLast.after.forks).toBe(0);
    expect(a.tLast.after.tokens).toBe(4);
    expect(a.meanEntropy).toBeCloseTo(9.9 / 10, 12);
  });

  it('histograms clamp to the edge bins', () => {
    expect(histogram([-1, 0, 0.5, 0.99, 1, 7], 2, 0, 1).counts).toEqual([2, 4]);
  });
});
