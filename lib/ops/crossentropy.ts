// Fused log-softmax cross-entropy with a per-token loss weight: the single place where a training
// method (sft, vggm, truncate, GRPO) turns into gradients is the weight vector passed here.
import { Params, type GpuContext, type Tensor } from '../gpu/index.ts';
import { grid1d } from './grid.ts';

export interface CrossEntropyOutputs {
  loss: Tensor;
  logprob: Tensor;
  entropy: Tensor;
  /** When given: gradScale * weight * (softmax - onehot) / temperature, exact zeros on weight-0 rows. */
  dlogits?: Tensor;
}

export interface CrossEntropyOpts {
  rows: number;
  vocab: number;
  temperature: number;
  gradScale: number;
}

/** Lanes per row: enough to cover small vocabularies in one or two strides, 256 for large ones. */
function lanes(vocab: number): number {
  if (vocab <= 128) return 32;
  if (vocab <= 2048) return 64;
  return 256;
}

export function crossEntropy(ctx: GpuContext, logits: Tensor, targets: Tensor, weights: Tensor, out: CrossEntropyOutputs, opts: CrossEntropyOpts): void {
  const { rows, vocab, temperature, gradScale } = opts;
  if (!(temperature > 0)) throw new Error(`crossEntropy: temperature must be > 0, got ${temperature}`);
  if (targets.dtype !== 'u32') throw new Error(`crossEntropy: targets must be u32, got ${targets.dtype}`);
  const want: [Tensor | undefined, number][] = [
    [logits, rows * vocab], [targets, rows], [weights, rows], [out.loss, rows], [out.logprob, rows], [out.entropy, rows], [out.dlogits, rows * vocab],
  ];
  for (const [t, n] of want) if (t && t.size !== n) throw new Error(`crossEntropy: ${t.name} has ${t.size} elements, expected ${n}`);
  const { grid, rowStride } = grid1d(rows, 1, ctx.gpu.limits.maxComputeWorkgroupsPerDimension);
  const params = new Params().u32(rows).u32(vocab).u32(rowStride).f32(1 / temperature).f32(gradScale);
  const tensors = [logits, targets, weights, out.loss, out.logprob, out.entropy];
  if (out.dlogits) tensors.push(out.dlogits);
  const p = ctx.pipelines.kernel('cross_entropy', { WG: lanes(vocab) }, out.dlogits ? 'main' : 'forward');
  ctx.rec.dispatch(p, grid, tensors, params);
}
