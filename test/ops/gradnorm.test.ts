// Squared gradient norm against a float64 sum, on whole tensors and on an offset view of a flat
// buffer. Tolerance: relative 1e-5 (f32 partial sums of <= 64 terms, then fixed trees).
import { describe, expect, it } from 'vitest';
import { gradNormSq } from '../../lib/ops/gradnorm.ts';
import { Rng } from '../../lib/util/rng.ts';
import { f32, poison, randn, run, useGpu } from '../helpers/gpu.ts';
import { gradNormSqRef } from './adamw.ref.ts';

const { ctx } = useGpu();

describe('gradNormSq', () => {
  it.each([1, 1000, 65_537, 3_000_001])('matches the float64 sum of squares for n=%i, bit-identical on a rerun', async (n) => {
    const c = ctx();
    const g = f32(randn(new Rng(n), n, 0.01));
    const tg = c.pool.upload(Float32Array.from(g), [n], 'grads');
    const out = c.pool.alloc([1], 'normSq');
    poison(c, out);
    gradNormSq(c, tg, out);
    const first = (await run(c, out))[0];
    const want = gradNormSqRef(g);
    expect(Math.abs(first - want) / want).toBeLessThan(1e-5);
    poison(c, out);
    gradNormSq(c, tg, out);
    expect((await run(c, out))[0]).toBe(first);
  });

  it('reduces only its view of a flat buffer', async () => {
    const c = ctx();
    const flat = c.pool.upload(new Float32Array(64 + 5000 + 100).fill(1000), [5164], 'flat');
    const g = f32(randn(new Rng(3), 5000));
    const view = c.pool.view(flat, 64, [5000], 'view');
    c.gpu.device.queue.writeBuffer(flat.buffer, 64 * 4, Float32Array.from(g));
    const out = c.pool.alloc([1], 'normSq');
    poison(c, out);
    gradNormSq(c, view, out);
    const got = (await run(c, out))[0];
    expect(Math.abs(got - gradNormSqRef(g)) / gradNormSqRef(g)).toBeLessThan(1e-5);
  });
});
