// Token sampling on the device (greedy, temperature, top-k, top-p) with a per-row PRNG state
// tensor advanced in-kernel: a decode loop records sample() every step and never reads back.
// Logits larger than one storage binding are split into pieces of whole rows (rows are drawn
// independently, so the draws are the same as unsplit).
import { alignedRowUnit, Params, rowSpans, type GpuContext, type Tensor } from '../gpu/index.ts';

export interface SampleOpts {
  batch: number;
  vocab: number;
  /** Softmax temperature (> 0; ignored when greedy). */
  temperature: number;
  /** Keep the k most likely tokens (ties with the k-th included); 0 disables. */
  topK: number;
  /** Keep the smallest most-likely set with probability >= topP (after top-k); 1 disables. */
  topP: number;
  /** Argmax (lowest index on ties); rngState is left untouched. */
  greedy: boolean;
}

/** Lanes per row: each lane scans a contiguous chunk; few lanes keep lavapipe's barriers cheap. */
function lanes(vocab: number): number {
  if (vocab <= 1024) return 16;
  if (vocab <= 16384) return 64;
  return 256;
}

/** ids[b] = a token drawn from row b of logits; rngState[b] (u32, seeded by the caller) advances once per draw. */
export function sample(ctx: GpuContext, logits: Tensor, ids: Tensor, rngState: Tensor, opts: SampleOpts): void {
  const { batch, vocab, temperature, topK, topP, greedy } = opts;
  if (logits.size !== batch * vocab) throw new Error(`sample: ${logits.name} has ${logits.size} elements, expected ${batch * vocab}`);
  if (ids.size !== batch || ids.dtype !== 'u32') throw new Error(`sample: ids ${ids.name} must be u32 [${batch}]`);
  if (rngState.size !== batch || rngState.dtype !== 'u32') throw new Error(`sample: rngState ${rngState.name} must be u32 [${batch}]`);
  if (!greedy && !(temperature > 0)) throw new Error(`sample: temperature must be > 0, got ${temperature}`);
  if (!(topP > 0 && topP <= 1)) throw new Error(`sample: topP must be in (0, 1], got ${topP}`);
  if (!Number.isInteger(topK) || topK < 0) throw new Error(`sample: topK must be a non-negative integer, got ${topK}`);
  const p = ctx.pipelines.kernel('sample', { WG: lanes(vocab) });
  const spans = rowSpans(batch, vocab, ctx.bindElements, `logits ${logits.name}`, alignedRowUnit(vocab));
  for (const { start, count } of spans) {
    const rows = spans.length === 1 ? logits : ctx.pool.piece(logits, start * vocab, [count, vocab]);
    const params = new Params()
      .u32(vocab)
      .u32(topK)
      .u32(greedy ? 1 : 0)
      .f32(greedy ? 1 : 1 / temperature)
      .f32(topP)
      .u32(start);
    ctx.rec.dispatch(p, [count], [rows, ids, rngState], params);
  }
}
