import { describe, expect, it } from 'vitest';
import { batchIndices } from '../../lib/train/order.ts';
import { derivedSeed } from '../../lib/util/seed.ts';

describe('batchIndices', () => {
  it('is a function of (seed, step) and covers each epoch exactly once', () => {
    const n = 10,
      B = 3;
    const seen: number[] = [];
    for (let s = 0; s < 10; s++) seen.push(...batchIndices(7, s, n, B)); // 30 = 3 epochs
    for (let e = 0; e < 3; e++) expect(seen.slice(e * n, (e + 1) * n).sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
    expect(batchIndices(7, 4, n, B)).toEqual(seen.slice(12, 15));
    expect(seen.slice(0, n)).not.toEqual(seen.slice(n, 2 * n)); // epochs are reshuffled
    expect(batchIndices(8, 0, n, n)).not.toEqual(batchIndices(7, 0, n, n));
  });
  it('derives distinct seeds per stream and index', () => {
    const s = new Set([derivedSeed(1, 'a'), derivedSeed(1, 'b'), derivedSeed(1, 'a', 1), derivedSeed(2, 'a')]);
    expect(s.size).toBe(4);
  });
});
