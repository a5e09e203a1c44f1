// Held-out teacher traces, for choosing SFT settings without looking at the evaluation problems.
// They are pool traces that no split uses (neither SFT nor the GRPO reserve) and whose problem no
// SFT trace holds. The loss is measured on the tokens every method learns (the whole response of a
// v=0 trace, the verification segment from T_last of a v=1 trace) with the whole trace in the
// input, so one number means the same for the models of every method: a setting chosen by it is
// chosen for no method in particular. Neither they nor the held-out Base records share a problem
// with the evaluation or development sets (the world bans those from its pool; checked here too, so
// a data folder from elsewhere cannot slip one in).
import type { Dataset } from '../data/dataset.ts';
import { encodeExample } from '../data/encode.ts';
import { basePrompt } from '../data/prompts.ts';
import type { Model } from '../model/model.ts';
import { packBatch, roundedSeqLen } from './batch.ts';
import { encodeTrace, learnedByEvery, weightExample, type WeightedSequence } from './weights.ts';

export interface HeldoutTrace extends WeightedSequence {
  v: 0 | 1;
}

/** Problems of the evaluation and development sets, by key (the world's) and by text. */
function heldProblems(ds: Dataset): Set<string> {
  return new Set([...ds.eval, ...ds.dev].flatMap((p) => (p.key ? [p.key, p.problem] : [p.problem])));
}

/** The first `n` held-out traces that fit `context` tokens, weighted as every method learns them. */
export function heldoutTraces(ds: Dataset, n: number, context: number): HeldoutTrace[] {
  const sftProblems = new Set(ds.pool.filter((e) => e.split === 'sft_v1' || e.split === 'sft_v0').map((e) => (e.meta?.key as string | undefined) ?? e.problem));
  const held = heldProblems(ds);
  const out: HeldoutTrace[] = [];
  for (const e of ds.pool) {
    if (out.length >= n) break;
    const key = (e.meta?.key as string | undefined) ?? e.problem;
    if (e.split !== 'unused' || sftProblems.has(key) || held.has(key) || held.has(e.problem)) continue;
    const w = learnedByEvery(encodeTrace(ds.tokenizer, e));
    if (w.inputIds.length - 1 <= context) out.push({ ...w, v: e.v });
  }
  if (out.length < n) throw new Error(`${ds.dir}: only ${out.length} of ${n} held-out traces (pool traces outside every split, on problems no SFT trace holds)`);
  return out;
}

/** The first `n` held-out Base records that fit `context` tokens, weighted as pretraining weighs
 *  the Base corpus (the completion after the Base prompt); counted as v=0 by heldoutLoss. */
export function baseHeldoutItems(ds: Dataset, n: number, context: number): HeldoutTrace[] {
  const held = heldProblems(ds);
  const out: HeldoutTrace[] = [];
  for (const b of ds.baseHeldout) {
    if (out.length >= n) break;
    if ((b.key && held.has(b.key)) || held.has(b.problem)) continue;
    const w = weightExample('sft', encodeExample(ds.tokenizer, basePrompt(b.problem), b.solution));
    if (w.inputIds.length - 1 <= context) out.push({ ...w, v: 0 });
  }
  if (out.length < n) throw new Error(`${ds.dir}: only ${out.length} of ${n} held-out Base records (base_heldout.jsonl; regenerate the world data for world-3)`);
  return out;
}

export interface HeldoutLoss {
  /** mean NLL per learned token, over all traces, over the v=1 and over the v=0 traces */
  nll: number;
  nllV1: number;
  nllV0: number;
  tokens: number;
  traces: number;
}

/** Mean next-token NLL of `model` on the learned tokens of `traces` (forward only). */
export async function heldoutLoss(model: Model, traces: readonly HeldoutTrace[], batch = 32): Promise<HeldoutLoss> {
  const sum = { all: 0, 1: 0, 0: 0 };
  const count = { all: 0, 1: 0, 0: 0 };
  for (let i = 0; i < traces.length; i += batch) {
    const chunk = traces.slice(i, i + batch);
    const b = packBatch(chunk, roundedSeqLen(chunk));
    const { logprob } = await model.score({ batch: b.batch, seqLen: b.seqLen, ids: b.inputs, targets: b.targets, weights: b.weights });
    chunk.forEach((t, r) => {
      for (let j = r * b.seqLen; j < (r + 1) * b.seqLen; j++) {
        if (b.weights[j] <= 0) continue;
        sum.all -= logprob[j];
        sum[t.v] -= logprob[j];
        count.all++;
        count[t.v]++;
      }
    });
  }
  const mean = (k: 'all' | 0 | 1) => (count[k] ? sum[k] / count[k] : NaN);
  return { nll: mean('all'), nllV1: mean(1), nllV0: mean(0), tokens: count.all, traces: traces.length };
}
