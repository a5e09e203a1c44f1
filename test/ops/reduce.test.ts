import { describe, expect, it } from 'vitest';
import { columnSum } from '../../lib/ops/reduce.ts';
import { write } from '../../lib/gpu/index.ts';
import { Rng } from '../../lib/util/rng.ts';
import { f32, maxScaledError, poison, randn, run, useGpu } from '../helpers/gpu.ts';
import { columnSumRef } from './reduce.ref.ts';

const { ctx } = useGpu();

describe('columnSum', () => {
  // rows ~N(0,1): an f32 sum of 300 terms errs by ~1e-6; 1e-5 leaves room and still catches a missed row.
  it.each([
    { rows: 300, n: 13, accumulate: false },
    { rows: 7, n: 130, accumulate: true },
  ])('matches float64 for rows=$rows n=$n accumulate=$accumulate', async ({ rows, n, accumulate }) => {
    const c = ctx();
    const rng = new Rng(rows + n);
    const x = f32(randn(rng, rows * n));
    const old = accumulate ? f32(randn(rng, n)) : undefined;
    const tx = c.pool.upload(x, [rows, n], 'x');
    const out = c.pool.alloc([n], 'out');
    if (old) write(c.gpu, out, old);
    else poison(c, out);
    columnSum(c, tx, out, { rows, n, accumulate });
    expect(maxScaledError(await run(c, out), columnSumRef(x, rows, n, old), 1e-5, 1e-5)).toBeLessThanOrEqual(1);
  });
});
