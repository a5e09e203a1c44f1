import { describe, expect, it } from 'vitest';
import { rmsnormBackward, rmsnormForward } from '../../lib/ops/rmsnorm.ts';
import { read, write } from '../../lib/gpu/index.ts';
import { Rng } from '../../lib/util/rng.ts';
import { f32, maxScaledError, poison, randn, run, useGpu } from '../helpers/gpu.ts';
import { rmsnormBackwardRef, rmsnormForwardRef } from './rmsnorm.ref.ts';

const { ctx } = useGpu();
const rows = 71,
  dim = 37,
  eps = 1e-6; // 64 rows per workgroup (forward, dx), 8 columns (dweight)

describe('rmsnorm', () => {
  it('forward matches float64 (out and rstd)', async () => {
    const c = ctx();
    const rng = new Rng(3);
    const x = f32(randn(rng, rows * dim, 2));
    const w = f32(randn(rng, dim));
    const out = c.pool.alloc([rows, dim], 'out');
    const rstd = c.pool.alloc([rows], 'rstd');
    poison(c, out);
    poison(c, rstd);
    rmsnormForward(c, c.pool.upload(x, [rows, dim], 'x'), c.pool.upload(w, [dim], 'w'), out, rstd, { rows, dim, eps });
    const want = rmsnormForwardRef(x, w, rows, dim, eps);
    // f32 normalisation: relative error ~1e-6 per element.
    expect(maxScaledError(await run(c, out), want.out, 1e-5, 1e-5)).toBeLessThanOrEqual(1);
    expect(maxScaledError(await read(c.gpu, rstd), want.rstd, 1e-6, 1e-5)).toBeLessThanOrEqual(1);
  });

  it.each([false, true])('backward matches float64 (accumulate=%s)', async (accumulate) => {
    const c = ctx();
    const rng = new Rng(4);
    const x = f32(randn(rng, rows * dim));
    const w = f32(randn(rng, dim));
    const dout = f32(randn(rng, rows * dim));
    const rstd = f32(rmsnormForwardRef(x, w, rows, dim, eps).rstd);
    const dx = c.pool.alloc([rows, dim], 'dx');
    const dw = c.pool.alloc([dim], 'dw');
    const oldDx = accumulate ? f32(randn(rng, rows * dim)) : undefined;
    const oldDw = accumulate ? f32(randn(rng, dim)) : undefined;
    if (oldDx && oldDw) {
      write(c.gpu, dx, oldDx);
      write(c.gpu, dw, oldDw);
    } else {
      poison(c, dx);
      poison(c, dw);
    }
    rmsnormBackward(c, c.pool.upload(dout, [rows, dim], 'dout'), c.pool.upload(x, [rows, dim], 'x'), c.pool.upload(w, [dim], 'w'), c.pool.upload(rstd, [rows], 'rstd'), dx, dw, {
      rows,
      dim,
      accumulateDx: accumulate,
      accumulateDweight: accumulate,
    });
    const want = rmsnormBackwardRef(dout, x, w, rstd, rows, dim);
    const wantDx = oldDx ? want.dx.map((v, i) => v + oldDx[i]) : want.dx;
    const wantDw = oldDw ? want.dweight.map((v, i) => v + oldDw[i]) : want.dweight;
    expect(maxScaledError(await run(c, dx), wantDx, 1e-5, 1e-4)).toBeLessThanOrEqual(1);
    expect(maxScaledError(await read(c.gpu, dw), wantDw, 1e-5, 1e-4)).toBeLessThanOrEqual(1);
  });

  it('the float64 backward reference matches finite differences of the forward', () => {
    const rng = new Rng(5);
    const r = 3,
      d = 5;
    const x = randn(rng, r * d),
      w = randn(rng, d),
      dout = randn(rng, r * d);
    const loss = (xx: Float64Array, ww: Float64Array) => rmsnormForwardRef(xx, ww, r, d, eps).out.reduce((s, v, i) => s + v * dout[i], 0);
    const { dx, dweight } = rmsnormBackwardRef(dout, x, w, rmsnormForwardRef(x, w, r, d, eps).rstd, r, d);
    const h = 1e-6;
    for (let i = 0; i < r * d; i++) {
      const xp = Float64Array.from(x);
      xp[i] += h;
      const xm = Float64Array.from(x);
      xm[i] -= h;
      expect(dx[i]).toBeCloseTo((loss(xp, w) - loss(xm, w)) / (2 * h), 6);
    }
    for (let j = 0; j < d; j++) {
      const wp = Float64Array.from(w);
      wp[j] += h;
      const wm = Float64Array.from(w);
      wm[j] -= h;
      expect(dweight[j]).toBeCloseTo((loss(x, wp) - loss(x, wm)) / (2 * h), 6);
    }
  });
});
