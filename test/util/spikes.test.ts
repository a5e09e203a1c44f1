// The one loss-spike rule: the trainer's step-by-step counter and the whole-curve findSpikes (the
// report's fakes, the figure's notebook) flag the same steps.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SPIKE_RULE, findSpikes, SpikeCounter } from '../../lib/util/spikes.ts';
import { Rng } from '../../lib/util/rng.ts';

describe('the loss-spike rule', () => {
  it('counts a jump above the trailing window as a spike, not a smooth decline', () => {
    const s = new SpikeCounter({ window: 5, k: 3, minRelStd: 0.01 });
    const losses = [5, 4.8, 4.6, 4.4, 4.2, 4.0, 3.8, 9.0, 3.6, 3.5];
    const flags = losses.map((l, i) => s.push(i, l));
    expect(flags).toEqual([false, false, false, false, false, false, false, true, false, false]);
    expect(s.spikeSteps).toEqual([7]);
    expect(s.spikes).toBe(1);
  });

  it('flags the injected jumps of a noisy falling curve, the same on the whole curve as step by step', () => {
    const rng = new Rng(3);
    const ys = Array.from({ length: 300 }, (_, i) => 3 * Math.exp(-i / 80) + 0.5 + 0.01 * rng.normal());
    ys[120] += 0.6;
    ys[250] += 0.4;
    const found = findSpikes(ys);
    expect(found).toContain(120);
    expect(found).toContain(250);
    expect(found.every((i) => i >= DEFAULT_SPIKE_RULE.window)).toBe(true);
    // the trainer feeds the counter step by step and logs each step's flag
    const live = new SpikeCounter();
    const flags = ys.map((y, i) => live.push(i, y));
    expect(flags.flatMap((f, i) => (f ? [i] : []))).toEqual(found);
  });

  it('finds none on a flat curve or before the window is full', () => {
    expect(findSpikes(new Array(50).fill(1))).toEqual([]);
    expect(findSpikes([1, 1, 1, 9], { window: 5, k: 3, minRelStd: 0.01 })).toEqual([]);
    expect(findSpikes([1, 1, 1, 1, 1, 9], { window: 5, k: 3, minRelStd: 0.01 })).toEqual([5]);
  });
});
