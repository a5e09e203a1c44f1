import { describe, expect, it } from 'vitest';
import { ropeBackward, ropeForward, ropeInvFreq } from '../../lib/ops/rope.ts';
import { Rng } from '../../lib/util/rng.ts';
import { f32, maxScaledError, poison, randn, run, useGpu } from '../helpers/gpu.ts';
import { ropeRef } from './rope.ref.ts';

const { ctx } = useGpu();
// headDim 80 -> 40 pairs per head, 3 heads (120 lanes, WG = 64), 70 rows (over 64 row groups, so
// some workgroups walk two rows), positions up to 300.
const rows = 70,
  heads = 3,
  headDim = 80,
  theta = 1e6;
// Angles up to 300 rad: the GPU's f32 angle (pos * invFreq) is within 0.5 ulp(300) = 1.5e-5 of the
// float64 one, plus f32 cos/sin error: 1e-4 absolute on ~N(0,1) inputs.
const ATOL = 1e-4,
  RTOL = 1e-4;

function setup(seed: number) {
  const rng = new Rng(seed);
  const x = f32(randn(rng, rows * heads * headDim));
  const pos = Uint32Array.from({ length: rows }, (_, r) => (r === 0 ? 0 : rng.int(1, 300)));
  return { x, pos };
}

describe('rope', () => {
  for (const dir of ['forward', 'backward'] as const) {
    for (const inPlace of [false, true]) {
      it(`${dir} matches float64 (in place: ${inPlace})`, async () => {
        const c = ctx();
        const { x, pos } = setup(dir === 'forward' ? 8 : 9);
        const tx = c.pool.upload(x, [rows, heads * headDim], 'x');
        const out = inPlace ? tx : c.pool.alloc([rows, heads * headDim], 'out');
        if (!inPlace) poison(c, out);
        const fn = dir === 'forward' ? ropeForward : ropeBackward;
        fn(c, tx, c.pool.upload(pos, [rows], 'pos', 'u32'), out, { rows, heads, headDim, theta });
        const want = ropeRef(x, pos, ropeInvFreq(headDim, theta), rows, heads, headDim, dir === 'forward' ? 1 : -1);
        expect(maxScaledError(await run(c, out), want, ATOL, RTOL)).toBeLessThanOrEqual(1);
      });
    }
  }

  it('the backward reference is the transpose of the forward: <R x, d> = <x, R^T d>', () => {
    const { x, pos } = setup(10);
    const d = randn(new Rng(11), x.length);
    const f = ropeInvFreq(headDim, theta);
    const rx = ropeRef(x, pos, f, rows, heads, headDim, 1);
    const rtd = ropeRef(d, pos, f, rows, heads, headDim, -1);
    const lhs = rx.reduce((s, v, i) => s + v * d[i], 0);
    const rhs = x.reduce((s, v, i) => s + v * rtd[i], 0);
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-9 * (1 + Math.abs(lhs)));
  });
});
