// GRPO per-token loss and cross-entropy weights (kernels/grpo_loss.wgsl). Runs on the device
// between the forward pass (which produced `logprob`) and the cross-entropy gradient pass (which
// consumes `weight`), so a GRPO step needs no readback.
import { Params, type GpuContext, type Tensor } from '../gpu/index.ts';
import { grid1d } from './grid.ts';

const WG = 256;

export interface GrpoLossOptions {
  n: number;
  epsLow: number;
  /** Upper clip (DAPO's clip-higher); defaults to epsLow. */
  epsHigh?: number;
  /** KL coefficient; 0 disables the KL term (and `ref` may be omitted). */
  beta: number;
}

export interface GrpoLossOutputs {
  loss: Tensor;
  weight: Tensor;
  kl: Tensor;
  clipped: Tensor;
}

export function grpoLoss(
  ctx: GpuContext,
  logprob: Tensor,
  oldLogprob: Tensor,
  refLogprob: Tensor | null,
  advantage: Tensor,
  scale: Tensor,
  out: GrpoLossOutputs,
  opts: GrpoLossOptions,
): void {
  const { n, beta } = opts;
  const epsHigh = opts.epsHigh ?? opts.epsLow;
  if (beta !== 0 && !refLogprob) throw new Error('grpoLoss: beta > 0 needs reference log-probs');
  for (const t of [logprob, oldLogprob, refLogprob ?? logprob, advantage, scale, out.loss, out.weight, out.kl, out.clipped]) {
    if (t.size < n) throw new Error(`grpoLoss: tensor ${t.name} has ${t.size} elements, needs ${n}`);
  }
  const { grid, rowStride } = grid1d(n, WG, ctx.gpu.limits.maxComputeWorkgroupsPerDimension);
  const params = new Params().u32(n).u32(rowStride).f32(opts.epsLow).f32(epsHigh).f32(beta);
  ctx.rec.dispatch(
    ctx.pipelines.kernel('grpo_loss', { WG }),
    grid,
    [logprob, oldLogprob, refLogprob ?? logprob, advantage, scale, out.loss, out.weight, out.kl, out.clipped],
    params,
  );
}
