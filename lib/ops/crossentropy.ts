// Fused log-softmax cross-entropy with a per-token loss weight: the single place where a training
// method (sft, vggm, truncate, GRPO) turns into gradients is the weight vector passed here.
// Logits larger than one storage binding are split into pieces of whole token rows, never along
// the vocabulary: each row's max, normaliser and gradient are then computed exactly as unsplit
// (no cross-piece logsumexp), so splitting changes no bit of the outputs.
import { alignedRowUnit, Params, rowSpans, type GpuContext, type Tensor } from '../gpu/index.ts';
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

/** Lanes per row (workgroup-per-row mode): one or two strides over small rows, 256 for large ones. */
function lanes(vocab: number): number {
  if (vocab <= 2048) return 64;
  return 256;
}

const ROWS_PER_WG = 64;

/**
 * 'serial': one invocation per row (no barriers); 'workgroup': a workgroup per row with tree
 * reductions, only for few rows of a large vocabulary (otherwise too little parallelism). Measured on
 * lavapipe, 4096 rows with dlogits, CPU ms per call serial vs workgroup: V=64 3.8 vs 38,
 * V=256 7.1 vs 40, V=512 16 vs 63 (machine under load). Exported for the tests.
 */
export function rowMode(rows: number, vocab: number): 'serial' | 'workgroup' {
  return rows < 256 && vocab > 1024 ? 'workgroup' : 'serial';
}

export function crossEntropy(
  ctx: GpuContext,
  logits: Tensor,
  targets: Tensor,
  weights: Tensor,
  out: CrossEntropyOutputs,
  opts: CrossEntropyOpts,
  mode: 'serial' | 'workgroup' = rowMode(opts.rows, opts.vocab),
): void {
  const { rows, vocab, temperature, gradScale } = opts;
  if (!(temperature > 0)) throw new Error(`crossEntropy: temperature must be > 0, got ${temperature}`);
  if (targets.dtype !== 'u32') throw new Error(`crossEntropy: targets must be u32, got ${targets.dtype}`);
  const want: [Tensor | undefined, number][] = [
    [logits, rows * vocab],
    [targets, rows],
    [weights, rows],
    [out.loss, rows],
    [out.logprob, rows],
    [out.entropy, rows],
    [out.dlogits, rows * vocab],
  ];
  for (const [t, n] of want) if (t && t.size !== n) throw new Error(`crossEntropy: ${t.name} has ${t.size} elements, expected ${n}`);
  const serial = mode === 'serial';
  const entry = (out.dlogits ? 'main' : 'forward') + (serial ? '_rows' : '');
  const p = ctx.pipelines.kernel('cross_entropy', { WG: serial ? ROWS_PER_WG : lanes(vocab) }, entry);
  const spans = rowSpans(rows, vocab, ctx.bindElements, `logits ${logits.name}`, alignedRowUnit(vocab));
  for (const { start, count } of spans) {
    const rowsOf = (t: Tensor) => (spans.length === 1 ? t : ctx.pool.piece(t, start * vocab, [count, vocab]));
    const { grid, rowStride } = grid1d(count, serial ? ROWS_PER_WG : 1, ctx.gpu.limits.maxComputeWorkgroupsPerDimension);
    const params = new Params()
      .u32(count)
      .u32(vocab)
      .u32(rowStride)
      .f32(1 / temperature)
      .f32(gradScale)
      .u32(start);
    const tensors = [rowsOf(logits), targets, weights, out.loss, out.logprob, out.entropy];
    if (out.dlogits) tensors.push(rowsOf(out.dlogits));
    ctx.rec.dispatch(p, grid, tensors, params);
  }
}
