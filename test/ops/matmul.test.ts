import { describe, expect, it } from 'vitest';
import { matmul, tunedMatmulFits, type MatmulKernel } from '../../lib/ops/matmul.ts';
import { Rng } from '../../lib/util/rng.ts';
import { f32, maxScaledError, poison, randn, run, useGpu } from '../helpers/gpu.ts';
import { matmulRef } from './matmul.ref.ts';

const { ctx } = useGpu();

// Inputs ~N(0,1), k <= 100: the f32 sum has |error| ~ sqrt(k) * 6e-8 * |terms|, far below these.
const ATOL = 1e-4;
const RTOL = 1e-4;

interface Case {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  bias: boolean;
  accumulate: boolean;
  kernel: MatmulKernel;
}

// Tuned tiles are 16 rows x 32 columns x 4 along k: shapes straddle them (m=37 leaves a 5-row
// tile, n=44 a 12-column one). n=45 / k=23 / odd m with transA take the naive fallback.
const cases: Case[] = [];
for (const transA of [false, true]) {
  for (const transB of [false, true]) {
    cases.push({ m: transA ? 36 : 37, n: 44, k: 52, transA, transB, bias: false, accumulate: false, kernel: 'tuned' });
    cases.push({ m: transA ? 20 : 21, n: 76, k: 100, transA, transB, bias: true, accumulate: true, kernel: 'tuned' });
    cases.push({ m: 13, n: 45, k: 23, transA, transB, bias: transA, accumulate: transB, kernel: 'auto' });
  }
}
cases.push({ m: 37, n: 44, k: 52, transA: false, transB: true, bias: true, accumulate: true, kernel: 'naive' });

describe('matmul', () => {
  it.each(cases)('matches float64: m=$m n=$n k=$k transA=$transA transB=$transB bias=$bias acc=$accumulate $kernel', async (cs) => {
    const c = ctx();
    const { m, n, k, transA, transB } = cs;
    const rng = new Rng(m * 1000 + n * 10 + k);
    const a = f32(randn(rng, m * k));
    const b = f32(randn(rng, k * n));
    const bias = cs.bias ? f32(randn(rng, n)) : undefined;
    const old = cs.accumulate ? f32(randn(rng, m * n)) : undefined;
    const ta = c.pool.upload(Float32Array.from(a), [m * k], 'a');
    const tb = c.pool.upload(Float32Array.from(b), [k * n], 'b');
    const tbias = bias ? c.pool.upload(Float32Array.from(bias), [n], 'bias') : undefined;
    const out = c.pool.alloc([m, n], 'out');
    if (old) c.pool.gpu.device.queue.writeBuffer(out.buffer, 0, Float32Array.from(old));
    else poison(c, out);
    matmul(c, ta, tb, out, { m, n, k, transA, transB, bias: tbias, accumulate: cs.accumulate, kernel: cs.kernel });
    const got = await run(c, out);
    const want = matmulRef(a, b, { m, n, k, transA, transB, bias, accumulateInto: old });
    expect(maxScaledError(got, want, ATOL, RTOL)).toBeLessThanOrEqual(1);
  });

  it('takes the tuned kernel for the model shapes on this device', () => {
    const c = ctx();
    // On lavapipe (subgroups of 8) every model shape must hit the fast path; elsewhere this documents the rule.
    const expected = !!c.gpu.subgroupSizes && c.gpu.subgroupSizes[0] >= 8;
    expect(tunedMatmulFits(c, { m: 4096, n: 352, k: 128 })).toBe(expected);
    expect(tunedMatmulFits(c, { m: 128, n: 352, k: 4096, transA: true })).toBe(expected);
    expect(tunedMatmulFits(c, { m: 37, n: 45, k: 52 })).toBe(false);
  });

  it('rejects a too-small output with a one-line error', () => {
    const c = ctx();
    const t = c.pool.alloc([8], 't');
    expect(() => matmul(c, t, t, t, { m: 4, n: 4, k: 2 })).toThrow(/out t has 8 elements, needs 4x4/);
  });
});
