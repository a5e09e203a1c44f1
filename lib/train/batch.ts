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

/**
 * Pretraining rows packed with whole documents, GPT style: documents (each BOS ... EOS, weights
 * as encoded) are concatenated into rows of at most `rowLen` + 1 tokens, so a step spends its
 * compute on text rather than on padding. Bin packing by first-fit-decreasing over the document
 * lengths: deterministic, no document split, no row over `rowLen` + 1. A document longer than that
 * gets a row of its own. Later documents attend to earlier ones in the same row, as in GPT-2
 * pretraining; the loss of every document is unchanged, since a document's first target (its BOS
 * after the previous EOS) has weight 0 like every prompt token.
 */
export function packDocuments(items: readonly PackItem[], rowLen: number): PackItem[] {
  const cap = rowLen + 1;
  const order = items.map((_, i) => i).sort((a, b) => items[b].inputIds.length - items[a].inputIds.length || a - b);
  const rows: number[][] = [];
  const free: number[] = [];
  // byFree[r] lists the rows with exactly r tokens of room left: first fit = the lowest row index
  // among the rows with room >= the document, found by scanning room sizes upward.
  const byFree: number[][] = Array.from({ length: cap + 1 }, () => []);
  for (const i of order) {
    const L = items[i].inputIds.length;
    let best = -1;
    for (let room = Math.min(L, cap); room <= cap; room++) {
      const list = byFree[room];
      if (list.length && (best < 0 || list[0] < best)) best = list[0];
    }
    if (best < 0 || L > cap) {
      rows.push([i]);
      free.push(Math.max(0, cap - L));
      if (L <= cap) insertSorted(byFree[cap - L], rows.length - 1);
      continue;
    }
    const list = byFree[free[best]];
    list.splice(list.indexOf(best), 1);
    rows[best].push(i);
    free[best] -= L;
    insertSorted(byFree[free[best]], best);
  }
  return rows.map((docs) => {
    if (docs.length === 1) return items[docs[0]];
    const inputIds = docs.flatMap((i) => items[i].inputIds);
    const weights = Float32Array.from(docs.flatMap((i) => Array.from(items[i].weights)));
    return { inputIds, weights, prefix: null };
  });
}

function insertSorted(list: number[], x: number): void {
  let lo = 0,
    hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, x);
}

/** Longest sequence (minus the shift) among items: the seqLen a batch of them needs. */
export function neededSeqLen(items: readonly WeightedSequence[]): number {
  return items.reduce((m, it) => Math.max(m, it.inputIds.length - 1), 1);
}

/** neededSeqLen rounded up to a multiple of 16, so that batches of varying length make few
 *  activation shapes (each shape is a set of GPU buffers the model keeps). */
export function roundedSeqLen(items: readonly WeightedSequence[]): number {
  return Math.ceil(neededSeqLen(items) / 16) * 16;
}

/** Sum of weights = tokens learned by a batch. */
export function tokensLearned(b: Batch): number {
  let s = 0;
  for (const w of b.weights) s += w;
  return s;
}

/** Mean NLL and entropy of the rows with tag & mask set (NaN when there are none). */
export function taggedMeans(tags: Uint8Array, mask: number, logprob: ArrayLike<number>, entropy: ArrayLike<number>): { n: number; nll: number; entropy: number } {
  let n = 0,
    nll = 0,
    ent = 0;
  for (let i = 0; i < tags.length; i++) {
    if ((tags[i] & mask) === 0) continue;
    n++;
    nll -= logprob[i];
    ent += entropy[i];
  }
  return { n, nll: n ? nll / n : NaN, entropy: n ? ent / n : NaN };
}
