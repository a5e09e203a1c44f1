// Dense matmul with optional transposes, fused bias and accumulation (see kernels/matmul.wgsl).
import { Params, type GpuContext, type Tensor } from '../gpu/index.ts';
import { dummyTensor } from './dummy.ts';

export interface MatmulOptions {
  m: number;
  n: number;
  k: number;
  /** a is stored [k, m] and used transposed. */
  transA?: boolean;
  /** b is stored [n, k] and used transposed (a Hugging Face [out, in] weight in y = x W^T). */
  transB?: boolean;
  /** out += result (gradient accumulation) instead of out = result. */
  accumulate?: boolean;
  /** Added to every row of the result: bias [n]. */
  bias?: Tensor;
  /** Which kernel: 'auto' (default) picks the tuned one when the shape allows; the others are for benchmarks. */
  kernel?: MatmulKernel;
}

export type MatmulKernel = 'auto' | 'tuned' | 'naive';

/** Whether kernels/matmul.wgsl can run this shape on this device (vec4 along n and k, subgroups of >= 8). */
export function tunedMatmulFits(ctx: GpuContext, o: Pick<MatmulOptions, 'm' | 'n' | 'k' | 'transA'>): boolean {
  const sg = ctx.gpu.subgroupSizes;
  return !!sg && sg[0] >= 8 && o.n % 4 === 0 && o.k % 4 === 0 && (!o.transA || o.m % 4 === 0);
}

/** out[m,n] (= | +=) op(a)[m,k] @ op(b)[k,n] (+ bias[n]). Records one dispatch. */
export function matmul(ctx: GpuContext, a: Tensor, b: Tensor, out: Tensor, opts: MatmulOptions): void {
  const { m, n, k, transA = false, transB = false, accumulate = false, bias, kernel = 'auto' } = opts;
  if (!(m > 0 && n > 0 && k > 0)) throw new Error(`matmul: m, n, k must be positive (got ${m}, ${n}, ${k})`);
  if (a.size < m * k) throw new Error(`matmul: a ${a.name} has ${a.size} elements, needs ${m}x${k}`);
  if (b.size < k * n) throw new Error(`matmul: b ${b.name} has ${b.size} elements, needs ${k}x${n}`);
  if (out.size < m * n) throw new Error(`matmul: out ${out.name} has ${out.size} elements, needs ${m}x${n}`);
  if (bias && bias.size < n) throw new Error(`matmul: bias ${bias.name} has ${bias.size} elements, needs ${n}`);
  const fits = tunedMatmulFits(ctx, opts);
  if (kernel === 'tuned' && !fits) throw new Error(`matmul: tuned kernel needs n, k (and m when transA) multiples of 4 and subgroups >= 8`);
  const constants = { HAS_BIAS: bias ? 1 : 0, TRANS_A: transA ? 1 : 0, TRANS_B: transB ? 1 : 0 };
  const params = new Params()
    .u32(m)
    .u32(n)
    .u32(k)
    .u32(accumulate ? 1 : 0);
  const tensors = [a, b, bias ?? dummyTensor(ctx), out];
  if (fits && kernel !== 'naive') {
    ctx.rec.dispatch(ctx.pipelines.kernel('matmul', constants), [Math.ceil(n / 32), Math.ceil(m / 16)], tensors, params);
  } else {
    const TX = 8,
      TY = 8;
    ctx.rec.dispatch(ctx.pipelines.kernel('matmul_naive', { ...constants, TX, TY }), [Math.ceil(n / TX), Math.ceil(m / TY)], tensors, params);
  }
}
