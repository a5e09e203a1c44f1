// AdamW with in-kernel global-norm clipping; one call per parameter group (decayed / not decayed),
// each on views of the flat parameter, gradient and moment buffers. A group larger than one
// storage binding is updated in pieces (one dispatch each); the update is element-wise, so the
// result is bit-identical to one dispatch.
import { Params, rowSpans, type GpuContext, type Tensor } from '../gpu/index.ts';
import { grid1d } from './grid.ts';

export interface AdamWOpts {
  n: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Clip the global gradient norm to this; 0 or a non-finite value disables clipping. */
  maxGradNorm: number;
}

const WG = 256;

/** The stepScalars tensor's contents for optimizer step `step` (1-based) at learning rate `lr`. */
export function adamwStepScalars(step: number, lr: number, beta1: number, beta2: number): Float32Array {
  if (!(step >= 1)) throw new Error(`adamwStepScalars: step must be >= 1, got ${step}`);
  return Float32Array.of(lr, 1 - beta1 ** step, 1 - beta2 ** step, 0);
}

/**
 * One AdamW step on params[0..n) with grads clipped by min(1, maxGradNorm / sqrt(gradNormSq[0])).
 * stepScalars = (lr, 1 - beta1^t, 1 - beta2^t, unused), written each step before submit.
 */
export function adamw(ctx: GpuContext, params: Tensor, grads: Tensor, m: Tensor, v: Tensor, stepScalars: Tensor, gradNormSq: Tensor, opts: AdamWOpts): void {
  const { n } = opts;
  for (const t of [params, grads, m, v]) if (t.size !== n) throw new Error(`adamw: ${t.name} has ${t.size} elements, expected ${n}`);
  if (stepScalars.size < 3) throw new Error(`adamw: stepScalars ${stepScalars.name} needs (lr, 1-beta1^t, 1-beta2^t)`);
  const maxNorm = Number.isFinite(opts.maxGradNorm) && opts.maxGradNorm > 0 ? opts.maxGradNorm : 0;
  const pipeline = ctx.pipelines.kernel('adamw', { WG });
  const spans = rowSpans(n, 1, ctx.bindElements, `adamw over ${params.name}`);
  for (const { start, count } of spans) {
    const at = (t: Tensor) => (spans.length === 1 ? t : ctx.pool.piece(t, start, [count]));
    const { grid, rowStride } = grid1d(count, WG, ctx.gpu.limits.maxComputeWorkgroupsPerDimension);
    const p = new Params().u32(count).u32(rowStride).f32(opts.beta1).f32(opts.beta2).f32(opts.eps).f32(opts.weightDecay).f32(maxNorm);
    ctx.rec.dispatch(pipeline, grid, [at(params), at(grads), at(m), at(v), stepScalars, gradNormSq], p);
  }
}
