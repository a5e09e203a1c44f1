// Several AdamW steps (bias correction, decoupled decay, changing lr) against the float64
// reference, with the global-norm clip active and inactive, on a view inside a flat buffer whose
// other elements must stay untouched. Tolerance after 6 steps: |err| <= 1e-6 + 1e-5|want|.
import { describe, expect, it } from 'vitest';
import { write } from '../../lib/gpu/index.ts';
import { adamw, adamwStepScalars } from '../../lib/ops/adamw.ts';
import { gradNormSq } from '../../lib/ops/gradnorm.ts';
import { Rng } from '../../lib/util/rng.ts';
import { f32, maxScaledError, randn, run, useGpu } from '../helpers/gpu.ts';
import { adamwRef, gradNormSqRef } from './adamw.ref.ts';

const { ctx } = useGpu();

describe('adamw', () => {
  it.each([
    { maxGradNorm: 0.05, clipped: true },
    { maxGradNorm: 1e6, clipped: false },
    { maxGradNorm: 0, clipped: false },
  ])('follows the reference over 6 steps (%o)', async ({ maxGradNorm, clipped }) => {
    const c = ctx();
    const n = 1234,
      off = 128,
      total = off + n + 77;
    const opts = { n, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, maxGradNorm };
    const rng = new Rng(n + maxGradNorm);
    const p = f32(randn(rng, n, 0.5));
    const m = new Float64Array(n),
      v = new Float64Array(n);
    const flat = c.pool.upload(new Float32Array(total).fill(7), [total], 'flatParams');
    const tp = c.pool.view(flat, off, [n], 'params');
    write(c.gpu, tp, Float32Array.from(p));
    const tg = c.pool.alloc([n], 'grads');
    const tm = c.pool.alloc([n], 'm'),
      tv = c.pool.alloc([n], 'v');
    const scalars = c.pool.alloc([4], 'stepScalars');
    const normSq = c.pool.alloc([1], 'normSq');
    for (let step = 1; step <= 6; step++) {
      const lr = 1e-3 * step;
      const g = f32(randn(rng, n, 0.01));
      write(c.gpu, tg, Float32Array.from(g));
      write(c.gpu, scalars, adamwStepScalars(step, lr, opts.beta1, opts.beta2));
      gradNormSq(c, tg, normSq);
      adamw(c, tp, tg, tm, tv, scalars, normSq, opts);
      c.rec.submit();
      const nsq = gradNormSqRef(g);
      expect(Math.sqrt(nsq) > maxGradNorm && maxGradNorm > 0).toBe(clipped);
      adamwRef(p, g, m, v, step, lr, nsq, opts);
    }
    expect(maxScaledError(await run(c, tp), p, 1e-6, 1e-5)).toBeLessThanOrEqual(1);
    expect(maxScaledError(await run(c, tm), m, 1e-9, 1e-5)).toBeLessThanOrEqual(1);
    expect(maxScaledError(await run(c, tv), v, 1e-12, 1e-5)).toBeLessThanOrEqual(1);
    const all = await run(c, flat);
    expect([...all.subarray(0, off), ...all.subarray(off + n)].every((x) => x === 7)).toBe(true);
  });
});
