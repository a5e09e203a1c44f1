// Pack weighted sequences into the [B, T] rows the model trains on: one sequence per row,
// right-padded with weight 0. Row t of sequence b predicts ids[t+1] from ids[0..t] with weight
// weights[t+1] (see lib/train/weights.ts for the indexing).
import type { WeightedSequence } from './weights.ts';

export interface Batch {
  batch: number;
  seqLen: number;
  /** u32 [B*T] input token ids. */
  inputs: Uint32Array;
  /** u32 [B*T] next-token targets (pad rows point at token 0 with weight 0). */
  targets: Uint32Array;
  /** f32 [B*T] per-token loss weights (0 on prompt, masked and pad rows). */
  weights: Float32Array;
  /** u8 [B*T] diagnostic tags of the target token: see TAG_*. */
  tags: Uint8Array;
}

/** The target token is a response token before T_last of a v=1 trace (the error prefix region). */
export const TAG_PREFIX = 1;
/** The target token carries loss weight > 0. */
export const TAG_LEARNED = 2;

export interface PackItem extends WeightedSequence {
  /** [start, end) of the error-prefix region in inputIds, or null (tags only, never weights). */
  prefix?: { start: number; end: number } | null;
}

export function packBatch(items: readonly PackItem[], seqLen: number, padId = 0): Batch {
  const B = items.length;
  const n = B * seqLen;
  const inputs = new Uint32Array(n).fill(padId);
  const targets = new Uint32Array(n).fill(padId);
  const weights = new Float32Array(n);
  const tags = new Uint8Array(n);
  items.forEach((it, b) => {
    const L = it.inputIds.length;
    if (L > seqLen + 1) throw new Error(`sequence of ${L} tokens does not fit seqLen ${seqLen} (+1 for the shift)`);
    if (it.weights.length !== L) throw new Error(`weights length ${it.weights.length} != ids length ${L}`);
    const base = b * seqLen;
    for (let t = 0; t < Math.min(L, seqLen); t++) inputs[base + t] = it.inputIds[t];
    for (let t = 0; t + 1 < L; t++) {
      targets[base + t] = it.inputIds[t + 1];
      const w = it.weights[t + 1];
      weights[base + t] = w;
      let tag = w > 0 ? TAG_LEARNED : 0;
      if (it.prefix && t + 1 >= it.prefix.start && t + 1 < it.prefix.end) tag |= TAG_PREFIX;
      tags[base + t] = tag;
    }
  });
  return { batch: B, seqLen, inputs, targets, weights, tags };
}

/** Longest sequence (minus the shift) among items: the seqLen a batch of them needs. */
export function neededSeqLen(items: readonly WeightedSequence[]): number {
  return items.reduce((m, it) => Math.max(m, it.inputIds.length - 1), 1);
}

/** Sum of weights = tokens learned by a batch. */
export function tokensLearned(b: Batch): number {
  let s = 0;
  for (const w of b.weights) s += w;
  return s;
}

/** Mean NLL and entropy of the rows with tag & mask set (NaN when there are none). */
export function taggedMeans(tags: Uint8Array, mask: number, logprob: ArrayLike<number>, entropy: ArrayLike<number>): { n: number; nll: number; entropy: number } {
  let n = 0, nll = 0, ent = 0;
  for (let i = 0; i < tags.length; i++) {
    if ((tags[i] & mask) === 0) continue;
    n++;
    nll -= logprob[i];
    ent += entropy[i];
  }
  return { n, nll: n ? nll / n : NaN, entropy: n ? ent / n : NaN };
}
