// Fig. 1's measurement: N rollouts per question at temperature T, then the entropy H_t of every
// generated token's distribution p_t = softmax(z_t / T), recomputed by a teacher-forced forward
// pass over prompt + rollout (one code path for any T), then the fork-token analysis of forks.ts.
import { read } from '../gpu/index.ts';
import type { EvalProblem } from '../data/types.ts';
import { generate } from '../model/generate.ts';
import type { Model } from '../model/model.ts';
import { crossEntropy } from '../ops/crossentropy.ts';
import type { LoadedTokenizer } from '../tokenizer/index.ts';
import { derivedSeed } from '../util/seed.ts';
import { paddingIds, promptFor, promptIds, type PromptFormat } from './format.ts';
import { analyseForks, stepIndices, type ForkAnalysis, type ForkOptions, type RolloutEntropy } from './forks.ts';

export interface EntropyOptions extends ForkOptions {
  format: PromptFormat;
  rollouts: number;
  temperature: number;
  maxNewTokens: number;
  batch: number;
  seed: number;
}

export interface EntropyRollout extends RolloutEntropy {
  id: string;
  text: string;
  /** generated token ids, aligned with `entropy` (two tokens may decode into one word) */
  tokens: number[];
}

/** Index of the token where the last "Wait!" of a response starts, or null. */
export function tLastToken(tokenTexts: readonly string[]): number | null {
  const text = tokenTexts.join('');
  const at = text.lastIndexOf('Wait!');
  if (at < 0) return null;
  let pos = 0;
  for (let i = 0; i < tokenTexts.length; i++) {
    pos += tokenTexts[i].length;
    if (pos > at) return i;
  }
  return null;
}

/** Entropy of each response token's distribution at temperature T, by a scoring forward pass. */
async function responseEntropies(model: Model, seqs: number[][], promptLens: number[], temperature: number): Promise<number[][]> {
  const { ctx } = model;
  const B = seqs.length;
  const T = Math.min(model.config.context, Math.max(...seqs.map((s) => s.length)) - 1);
  const acts = model.activations(B, T);
  const ids = new Uint32Array(B * T),
    targets = new Uint32Array(B * T);
  seqs.forEach((s, b) => {
    for (let j = 0; j < T && j < s.length; j++) ids[b * T + j] = s[j];
    for (let j = 0; j + 1 < s.length && j < T; j++) targets[b * T + j] = s[j + 1];
  });
  model.setBatch(acts, { ids, targets, weights: new Float32Array(B * T) });
  model.forwardLogits(acts);
  crossEntropy(
    ctx,
    acts.logits,
    acts.targets,
    acts.weights,
    { loss: acts.loss, logprob: acts.logprob, entropy: acts.entropy },
    {
      rows: B * T,
      vocab: model.config.vocab,
      temperature,
      gradScale: 1,
    },
  );
  ctx.rec.submit();
  const ent = await read(ctx.gpu, acts.entropy);
  // row j holds the distribution of token j+1: response token i (at j+1 = promptLen+i) is row promptLen+i-1
  return seqs.map((s, b) => Array.from({ length: s.length - promptLens[b] }, (_, i) => ent[b * T + promptLens[b] + i - 1]));
}

export async function entropyAnalysis(
  model: Model,
  tok: LoadedTokenizer,
  problems: readonly EvalProblem[],
  o: EntropyOptions,
): Promise<{ analysis: ForkAnalysis; rollouts: EntropyRollout[] }> {
  const rollouts: EntropyRollout[] = [];
  const jobs = problems.flatMap((p) => Array.from({ length: o.rollouts }, () => p));
  for (let i = 0; i < jobs.length; i += o.batch) {
    const chunk = jobs.slice(i, i + o.batch);
    const prompts = chunk.map((p) => promptIds(tok, promptFor(o.format, p.problem)));
    const room = model.config.context - Math.max(...prompts.map((p) => p.length));
    const gens = await generate(model, prompts, {
      suppressTokens: paddingIds(tok, model.config.vocab),
      maxNewTokens: Math.min(o.maxNewTokens, room),
      temperature: o.temperature,
      eosTokenId: tok.eosId,
      seed: derivedSeed(o.seed, 'entropy', i),
    });
    const seqs = gens.map((g, b) => [...prompts[b], ...g.tokens]);
    const ents = await responseEntropies(
      model,
      seqs,
      prompts.map((p) => p.length),
      o.temperature,
    );
    gens.forEach((g, b) => {
      const texts = g.tokens.map((t) => (t === tok.eosId ? '' : (tok.idToToken(t) ?? '')));
      rollouts.push({ id: chunk[b].id, text: tok.decode(g.tokens), tokens: g.tokens, entropy: ents[b], step: stepIndices(texts), tLast: tLastToken(texts) });
    });
  }
  // Histogram edges up to log(V), the largest possible entropy, so that models compare bin by bin.
  return { analysis: analyseForks(rollouts, { entropyMax: Math.log(model.config.vocab), ...o }), rollouts };
}
