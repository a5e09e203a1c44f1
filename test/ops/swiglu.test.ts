import { describe, expect, it } from 'vitest';
import { swigluBackward, swigluForward } from '../../lib/ops/swiglu.ts';
import { read } from '../../lib/gpu/index.ts';
import { Rng } from '../../lib/util/rng.ts';
import { f32, maxScaledError, poison, randn, run, useGpu } from '../helpers/gpu.ts';
import { swigluBackwardRef, swigluForwardRef } from './swiglu.ref.ts';

const { ctx } = useGpu();
// 18573 elements: more than 64 workgroups x 256 (so invocations loop), not a multiple of 256.
const rows = 151,
  ffn = 123;

function inputs(seed: number) {
  const rng = new Rng(seed);
  const gate = f32(randn(rng, rows * ffn, 3));
  gate[0] = -100; // exp overflow must give 0, not NaN
  gate[1] = 100;
  return { gate, up: f32(randn(rng, rows * ffn)), dout: f32(randn(rng, rows * ffn)) };
}

describe('swiglu', () => {
  it('forward matches float64', async () => {
    const c = ctx();
    const { gate, up } = inputs(6);
    const out = c.pool.alloc([rows, ffn], 'out');
    poison(c, out);
    swigluForward(c, c.pool.upload(gate, [rows, ffn], 'gate'), c.pool.upload(up, [rows, ffn], 'up'), out, { rows, ffn });
    // f32 exp and division: a few ulp.
    expect(maxScaledError(await run(c, out), swigluForwardRef(gate, up), 1e-6, 1e-5)).toBeLessThanOrEqual(1);
  });

  it('backward matches float64', async () => {
    const c = ctx();
    const { gate, up, dout } = inputs(7);
    const dgate = c.pool.alloc([rows, ffn], 'dgate');
    const dup = c.pool.alloc([rows, ffn], 'dup');
    poison(c, dgate);
    poison(c, dup);
    swigluBackward(c, c.pool.upload(dout, [rows, ffn], 'dout'), c.pool.upload(gate, [rows, ffn], 'gate'), c.pool.upload(up, [rows, ffn], 'up'), dgate, dup, { rows, ffn });
    const want = swigluBackwardRef(dout, gate, up);
    expect(maxScaledError(await run(c, dgate), want.dgate, 1e-6, 1e-5)).toBeLessThanOrEqual(1);
    expect(maxScaledError(await read(c.gpu, dup), want.dup, 1e-6, 1e-5)).toBeLessThanOrEqual(1);
  });

  it('the float64 backward reference matches finite differences', () => {
    const g = Float64Array.of(-2.5, -0.3, 0, 0.7, 3.1),
      u = Float64Array.of(1.2, -0.4, 2, 0.5, -1),
      d = Float64Array.of(0.3, -1, 0.5, 2, 1);
    const { dgate, dup } = swigluBackwardRef(d, g, u);
    const h = 1e-6;
    for (let i = 0; i < g.length; i++) {
      const f = (gg: number, uu: number) => swigluForwardRef(Float64Array.of(gg), Float64Array.of(uu))[0] * d[i];
      expect(dgate[i]).toBeCloseTo((f(g[i] + h, u[i]) - f(g[i] - h, u[i])) / (2 * h), 6);
      expect(dup[i]).toBeCloseTo((f(g[i], u[i] + h) - f(g[i], u[i] - h)) / (2 * h), 6);
    }
  });
});
