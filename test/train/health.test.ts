// The stop message of a NaN says what is on disk, and the divergence rule of docs/cache.md.
import { describe, expect, it } from 'vitest';
import { divergence, DIVERGENCE_RULE, NonFiniteError } from '../../lib/train/health.ts';
import type { MetricRecord } from '../../lib/train/metrics.ts';

describe('NonFiniteError', () => {
  it('never claims a checkpoint that does not exist, and says when the newest one may be the bad one', () => {
    expect(new NonFiniteError(3, 'loss', 0, NaN, null).message).toBe(
      'step 3: loss is NaN at element 0; stopped. No checkpoint was written yet: the next run starts again from step 0.',
    );
    expect(new NonFiniteError(7, 'gradient norm', 0, Infinity, 4).message).toMatch(
      /stopped\. The newest checkpoint \(after step 4\) predates the failure; a resumed run starts there\.$/,
    );
    expect(new NonFiniteError(4, 'loss', 0, NaN, 4).message).toMatch(
      /after step 4\) holds the weights this step started from, which may be what failed: --force retrains from step 0\.$/,
    );
  });
});

const steps = (losses: number[], gradNorm = (_i: number) => 1): MetricRecord[] => losses.map((loss, i) => ({ step: i, kind: 'step', loss, gradNorm: gradNorm(i) }));

describe('divergence', () => {
  it('passes a falling loss, a flat one and one that ends below twice its start', () => {
    expect(divergence(steps([3, 2.5, 2, 1.5, 1, 0.9, 0.8, 0.7, 0.6, 0.5]))).toBeNull();
    expect(divergence(steps(Array(40).fill(1.2)))).toBeNull();
    expect(divergence(steps([1, 1, 1, 1, 1, 1, 1, 1, 1, 1.99]))).toBeNull();
    expect(divergence([])).toBeNull();
  });

  it('flags an end loss above 2x the start (means over the first and last 10% of steps)', () => {
    const losses = [...Array(18).fill(2), 5, 9613];
    expect(divergence(steps(losses))).toBe('mean loss of the last 2 steps 4809 is 2404.5× that of the first 2 (2.000; limit 2×)');
  });

  it('flags a gradient norm over the bound in any run, GRPO included (its loss is not a fit measure)', () => {
    expect(divergence(steps([2, 1.9, 1.8], (i) => (i === 1 ? 2e13 : 1)))).toBe('gradient norm 2.00e+13 at step 1 is above 1e+4');
    const grpo: MetricRecord[] = [
      { step: 0, kind: 'grpo', loss: -5, gradNorm: 0.3 },
      { step: 1, kind: 'grpo', loss: 80, gradNorm: 0.4 },
    ];
    expect(divergence(grpo)).toBeNull();
    expect(divergence([...grpo, { step: 2, kind: 'grpo', loss: 0, gradNorm: DIVERGENCE_RULE.maxGradNorm * 2 }])).toMatch(/^gradient norm 2\.00e\+4 at step 2/);
    // other record kinds (diagnostics, gradient variance) are not steps
    expect(divergence([...steps([1, 1]), { step: 1, kind: 'gradvar', gradNorm: 1e9 }])).toBeNull();
  });
});
