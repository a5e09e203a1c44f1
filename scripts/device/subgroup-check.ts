// The subgroup-dependent kernels (tuned matmul, subgroup attention forward and backward) against
// the float64 references, for every subgroup size an adapter may report: 4 (SwiftShader), 8-32
// (Intel), 32 (NVIDIA, AMD wave32), 64 (AMD wave64). The launchers choose their path from the
// reported size (lib/ops/matmul.ts, lib/ops/attention.ts: subgroup kernels at >= 8 lanes, the
// plain ones below), so each size is forced by reporting it; the kernels then run at the
// adapter's real subgroup size (lavapipe: 8 lanes at 256 bits, 16 with LP_NATIVE_VECTOR_WIDTH=512).
// Used by test/gpu/subgroups.test.ts and, on a real GPU, by scripts/device/run.sh.
// Prints one JSON line: { adapter, realSubgroupSizes, limits, cases: [{ reported, kernel, path, error }] },
// `error` being the max of |got - want| / (atol + rtol |want|): <= 1 passes. Exit 1 when one fails.
import { createContext, GpuContext, read, releaseGpu, type Tensor } from '../../lib/gpu/index.ts';
import type { DispatchTimer } from '../../lib/gpu/recorder.ts';
import { attentionBackward, attentionForward } from '../../lib/ops/attention.ts';
import { matmul } from '../../lib/ops/matmul.ts';
import { Rng } from '../../lib/util/rng.ts';
import { attentionBackwardRef, attentionForwardRef, type AttnShape } from '../../test/ops/attention.ref.ts';
import { matmulRef } from '../../test/ops/matmul.ref.ts';

export const REPORTED_SIZES = [4, 8, 16, 32, 64] as const;

export interface SubgroupCase {
  reported: number;
  kernel: string;
  /** the pipelines that ran, e.g. "matmul" or "matmul_naive" */
  path: string[];
  error: number;
}

/** Records which pipelines a piece of work dispatched (a DispatchTimer that times nothing). */
class LabelTap implements DispatchTimer {
  readonly labels = new Set<string>();
  beginPass(encoder: GPUCommandEncoder, label: string): GPUComputePassEncoder {
    this.labels.add(label.split(':')[0]);
    return encoder.beginComputePass();
  }
  beforeSubmit(): void {}
}

function maxScaledError(got: ArrayLike<number>, want: ArrayLike<number>, atol: number, rtol: number): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i] - want[i]) / (atol + rtol * Math.abs(want[i]));
    if (!Number.isFinite(got[i]) || Number.isNaN(e)) return Infinity;
    worst = Math.max(worst, e);
  }
  return worst;
}

function randn(rng: Rng, n: number): Float64Array {
  // rounded to f32 so the reference starts from the values the device sees
  return Float64Array.from(Float32Array.from({ length: n }, () => rng.normal()));
}

async function runCase(ctx: GpuContext, reported: number, kernel: string, work: (tap: LabelTap) => Promise<number>): Promise<SubgroupCase> {
  const tap = new LabelTap();
  ctx.rec.timer = tap;
  try {
    const error = await work(tap);
    return { reported, kernel, path: [...tap.labels].sort(), error };
  } finally {
    ctx.rec.timer = undefined;
  }
}

/** All cases for one reported size, in a context that reports it. */
export async function checkReportedSize(base: GpuContext, reported: number): Promise<SubgroupCase[]> {
  const ctx = new GpuContext({ ...base.gpu, subgroupSizes: [reported, reported] });
  const rng = new Rng(reported);
  const up = (x: Float64Array, shape: number[], name: string): Tensor => ctx.pool.upload(Float32Array.from(x), shape, name);
  const cases: SubgroupCase[] = [];
  // m not a multiple of the 16-row tile, n not of the 32-column tile; n, k multiples of 4 so the tuned kernel may run.
  for (const [transA, transB] of [
    [false, true],
    [false, false],
    [true, false],
  ] as const) {
    const m = 44,
      n = 40,
      k = 36;
    cases.push(
      await runCase(ctx, reported, `matmul${transA ? ' A^T' : ''}${transB ? ' B^T' : ''}`, async () => {
        const a = randn(rng, m * k),
          b = randn(rng, k * n);
        const ta = up(a, transA ? [k, m] : [m, k], 'a'),
          tb = up(b, transB ? [n, k] : [k, n], 'b');
        const out = ctx.pool.alloc([m, n], 'out');
        matmul(ctx, ta, tb, out, { m, n, k, transA, transB });
        ctx.rec.submit();
        const got = await read(ctx.gpu, out);
        for (const t of [ta, tb, out]) ctx.pool.free(t);
        return maxScaledError(got, matmulRef(a, b, { m, n, k, transA, transB }), 1e-5, 1e-4);
      }),
    );
  }
  const s: AttnShape = { batch: 2, seqLen: 45, heads: 4, kvHeads: 2, headDim: 8 };
  const qn = s.batch * s.seqLen * s.heads * s.headDim,
    kn = s.batch * s.seqLen * s.kvHeads * s.headDim;
  const q = randn(rng, qn),
    k = randn(rng, kn),
    v = randn(rng, kn),
    dout = randn(rng, qn);
  const want = attentionForwardRef(q, k, v, s);
  const grads = attentionBackwardRef(dout, q, k, v, s);
  cases.push(
    await runCase(ctx, reported, 'attention forward + backward', async () => {
      const tq = up(q, [qn], 'q'),
        tk = up(k, [kn], 'k'),
        tv = up(v, [kn], 'v'),
        tdo = up(dout, [qn], 'dout');
      const out = ctx.pool.alloc([qn], 'out'),
        lse = ctx.pool.alloc([s.batch * s.heads * s.seqLen], 'lse');
      const dq = ctx.pool.alloc([qn], 'dq'),
        dk = ctx.pool.alloc([kn], 'dk'),
        dv = ctx.pool.alloc([kn], 'dv');
      attentionForward(ctx, tq, tk, tv, out, lse, s);
      attentionBackward(ctx, tdo, tq, tk, tv, out, lse, dq, dk, dv, s);
      ctx.rec.submit();
      const got = await Promise.all([out, dq, dk, dv].map((t) => read(ctx.gpu, t)));
      for (const t of [tq, tk, tv, tdo, out, lse, dq, dk, dv]) ctx.pool.free(t);
      return Math.max(maxScaledError(got[0], want.out, 2e-5, 1e-4), ...[grads.dq, grads.dk, grads.dv].map((w, i) => maxScaledError(got[i + 1], w, 1e-4, 1e-3)));
    }),
  );
  ctx.destroy(); // its pool and recorder; the device is the base context's
  return cases;
}

/** Every reported size on the acquired adapter (sizes only the plain path can serve need no subgroups). */
export async function checkAllSizes(): Promise<{ adapter: string; realSubgroupSizes: [number, number] | null; limits: Record<string, number>; cases: SubgroupCase[] }> {
  const base = await createContext();
  const cases: SubgroupCase[] = [];
  try {
    for (const size of REPORTED_SIZES) {
      // the subgroup kernels need the 'subgroups' feature on the real device; without it only the plain path exists
      if (size >= 8 && !base.gpu.subgroupSizes) continue;
      cases.push(...(await checkReportedSize(base, size)));
    }
  } finally {
    base.destroy();
  }
  const { maxBufferSize, maxStorageBufferBindingSize } = base.gpu.limits;
  return { adapter: base.gpu.adapterName, realSubgroupSizes: base.gpu.subgroupSizes ?? null, limits: { maxBufferSize, maxStorageBufferBindingSize }, cases };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await checkAllSizes();
  releaseGpu();
  console.log(JSON.stringify(r));
  if (r.cases.some((c) => !(c.error <= 1))) process.exitCode = 1;
}
