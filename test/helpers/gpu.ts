// Shared helpers for GPU tests: one device per test file (acquired in beforeAll, destroyed in
// afterAll, never at import time), poisoned outputs, and float64 comparisons.
import { afterAll, beforeAll } from 'vitest';
import { createContext, read, releaseGpu, write, type GpuContext, type Tensor } from '../../lib/gpu/index.ts';
import { Rng } from '../../lib/util/rng.ts';

export function useGpu(): { ctx: () => GpuContext } {
  let ctx: GpuContext | undefined;
  beforeAll(async () => {
    ctx = await createContext();
  });
  afterAll(() => {
    ctx?.destroy();
    releaseGpu();
  });
  return { ctx: () => ctx! };
}

/** Fill a tensor with NaN so that any element a kernel fails to write fails the comparison. */
export function poison(ctx: GpuContext, t: Tensor): void {
  write(ctx.gpu, t, new Float32Array(t.size).fill(Number.NaN));
}

export function randn(rng: Rng, n: number, scale = 1): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal() * scale;
  return out;
}

/** Round to f32 so the float64 reference starts from exactly the values the GPU sees. */
export function f32(xs: ArrayLike<number>): Float64Array {
  return Float64Array.from(Float32Array.from(xs));
}

/** Submit the recorded work and read a tensor back. */
export async function run(ctx: GpuContext, t: Tensor): Promise<Float32Array> {
  ctx.rec.submit();
  return read(ctx.gpu, t);
}

/**
 * Max error of `got` against `want`, measured as |got - want| / (atol + rtol * |want|).
 * A value ≤ 1 means every element is within tolerance; NaN/Inf anywhere gives Infinity.
 */
export function maxScaledError(got: ArrayLike<number>, want: ArrayLike<number>, atol: number, rtol: number): number {
  if (got.length !== want.length) throw new Error(`length ${got.length} vs ${want.length}`);
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    const e = Math.abs(got[i] - want[i]) / (atol + rtol * Math.abs(want[i]));
    if (!Number.isFinite(got[i]) || Number.isNaN(e)) return Infinity;
    if (e > worst) worst = e;
  }
  return worst;
}
