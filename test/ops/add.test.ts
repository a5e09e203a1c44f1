import { describe, expect, it } from 'vitest';
import { add } from '../../lib/ops/add.ts';
import { Rng } from '../../lib/util/rng.ts';
import { f32, maxScaledError, poison, randn, run, useGpu } from '../helpers/gpu.ts';

const { ctx } = useGpu();

describe('add', () => {
  it.each([1, 257, 100_003])('matches the float64 reference for n=%i', async (n) => {
    const c = ctx();
    const rng = new Rng(n);
    const a = f32(randn(rng, n));
    const b = f32(randn(rng, n));
    const ta = c.pool.upload(a, [n], 'a');
    const tb = c.pool.upload(b, [n], 'b');
    const out = c.pool.alloc([n], 'out');
    poison(c, out);
    add(c, ta, tb, out);
    const got = await run(c, out);
    const want = a.map((x, i) => x + b[i]);
    expect(maxScaledError(got, want, 1e-6, 1e-6)).toBeLessThanOrEqual(1);
  });
});
