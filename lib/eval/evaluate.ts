// Evaluation: greedy pass@1 and sampled pass@k (unbiased estimator over N samples) per tier, and
// optionally the same greedy pass with budget forcing (K × "Wait!"). Base models are asked in the
// Base format, SFT models in the trace format. Every generated text and its verdict goes to a
// JSONL file for inspection.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EvalProblem, Tier } from '../data/types.ts';
import { generate, type GenerateOptions } from '../model/generate.ts';
import type { Model } from '../model/model.ts';
import type { LoadedTokenizer } from '../tokenizer/index.ts';
import { derivedSeed } from '../util/seed.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { gradeResponse } from './answer.ts';
import { equationCounts } from './equations.ts';
import { budgetForce } from './budget.ts';
import { paddingIds, promptFor, promptIds, type PromptFormat } from './format.ts';
import { passAtK } from './passk.ts';

export interface EvalOptions {
  format: PromptFormat;
  /** samples per problem for pass@k (0: greedy only) */
  samples: number;
  passK: number[];
  temperature: number;
  maxNewTokens: number;
  batch: number;
  seed: number;
  /** K rounds of budget forcing on the greedy pass (0: none) */
  budgetForcing?: number;
  /** tokens per forcing round */
  forcingTokens?: number;
  /** JSONL of every generation and verdict */
  outJsonl?: string;
  onProgress?: (done: number, total: number) => void;
}

export interface TierResult {
  problems: number;
  greedy: number;
  /** pass@k from the samples, by k */
  passAtK: Record<string, number>;
  /** greedy accuracy after budget forcing (when asked) */
  forced?: number;
  /** mean generated tokens of the greedy pass */
  meanTokens: number;
  /** fraction of greedy responses containing "Wait!" */
  waitRate: number;
  /** fraction of greedy responses with no extractable answer */
  noAnswer: number;
  /** of the "a op b = c" sentences in the greedy responses, the fraction that are right
   *  (lib/eval/equations.ts; NaN when there are none; absent in evaluations cached before it) */
  equationsRight?: number;
}

export type EvalResult = Record<Tier | 'all', TierResult>;

export interface GenRecord {
  id: string;
  tier: Tier;
  mode: 'greedy' | 'sample' | 'forced';
  sample: number;
  gold: string;
  pred: string | null;
  equal: boolean;
  tokens: number;
  stop: 'eos' | 'length' | 'forced';
  text: string;
}

async function generateTexts(
  model: Model,
  tok: LoadedTokenizer,
  prompts: number[][],
  opts: GenerateOptions,
  batch: number,
): Promise<{ text: string; tokens: number; stop: 'eos' | 'length' }[]> {
  const out: { text: string; tokens: number; stop: 'eos' | 'length' }[] = [];
  for (let i = 0; i < prompts.length; i += batch) {
    const chunk = prompts.slice(i, i + batch);
    const room = model.config.context - Math.max(...chunk.map((p) => p.length));
    if (room <= 0) throw new Error(`a prompt of ${Math.max(...chunk.map((p) => p.length))} tokens leaves no room in the context of ${model.config.context}`);
    const gens = await generate(model, chunk, {
      ...opts,
      suppressTokens: paddingIds(tok, model.config.vocab),
      maxNewTokens: Math.min(opts.maxNewTokens, room),
      seed: opts.seed === undefined ? undefined : derivedSeed(opts.seed, 'eval-batch', i),
    });
    for (const g of gens) out.push({ text: tok.decode(g.tokens), tokens: g.tokens.length, stop: g.stop });
  }
  return out;
}

export async function evaluate(model: Model, tok: LoadedTokenizer, problems: readonly EvalProblem[], o: EvalOptions): Promise<EvalResult> {
  const records: GenRecord[] = [];
  const prompts = problems.map((p) => promptIds(tok, promptFor(o.format, p.problem)));
  const base = { eosTokenId: tok.eosId, maxNewTokens: o.maxNewTokens };
  const total = problems.length * (1 + o.samples + (o.budgetForcing ?? 0));
  let done = 0;
  const tick = (n: number) => o.onProgress?.((done += n), total);
  const rec = (p: EvalProblem, mode: GenRecord['mode'], sample: number, g: { text: string; tokens: number; stop: GenRecord['stop'] }): GenRecord => {
    const v = gradeResponse(p.answer, g.text);
    const r: GenRecord = { id: p.id, tier: p.tier, mode, sample, gold: p.answer, pred: v.pred, equal: v.equal, tokens: g.tokens, stop: g.stop, text: g.text };
    records.push(r);
    return r;
  };

  const greedy = await generateTexts(model, tok, prompts, { ...base, greedy: true }, o.batch);
  const greedyRecs = greedy.map((g, i) => rec(problems[i], 'greedy', 0, g));
  tick(problems.length);

  const correctCounts = new Array<number>(problems.length).fill(0);
  if (o.samples > 0) {
    const rep = prompts.flatMap((p) => Array.from({ length: o.samples }, () => p));
    const sampled = await generateTexts(model, tok, rep, { ...base, temperature: o.temperature, seed: derivedSeed(o.seed, 'eval-sample') }, o.batch);
    sampled.forEach((g, j) => {
      const i = Math.floor(j / o.samples);
      if (rec(problems[i], 'sample', j % o.samples, g).equal) correctCounts[i]++;
    });
    tick(problems.length * o.samples);
  }

  let forcedRecs: GenRecord[] | undefined;
  if (o.budgetForcing && o.budgetForcing > 0) {
    const forcingTokens = o.forcingTokens ?? 64;
    const forced = await budgetForce(
      greedy.map((g) => g.text),
      o.budgetForcing,
      forcingTokens,
      async (prefixes, budget) => {
        const ps = prefixes.map((pre, i) => [...prompts[i], ...tok.encode(pre).ids]);
        // A prefix that already fills the context gets no continuation (its budget is spent).
        const fits = ps.map((p) => p.length < model.config.context);
        const gens = await generateTexts(
          model,
          tok,
          ps.filter((_, i) => fits[i]),
          { ...base, greedy: true, maxNewTokens: budget },
          o.batch,
        );
        tick(problems.length);
        let j = 0;
        return ps.map((_, i) => (fits[i] ? gens[j++].text : ''));
      },
    );
    forcedRecs = forced.map((f, i) => rec(problems[i], 'forced', 0, { text: f.text, tokens: tok.encode(f.text).ids.length, stop: 'forced' }));
  }

  if (o.outJsonl) {
    mkdirSync(dirname(o.outJsonl), { recursive: true });
    writeFileAtomic(o.outJsonl, '');
    appendFileSync(o.outJsonl, records.map((r) => JSON.stringify(r) + '\n').join(''));
  }

  const summarise = (sel: (p: EvalProblem) => boolean): TierResult => {
    const idx = problems.map((p, i) => (sel(p) ? i : -1)).filter((i) => i >= 0);
    const n = idx.length;
    const mean = (f: (i: number) => number) => (n ? idx.reduce((s, i) => s + f(i), 0) / n : NaN);
    const passK: Record<string, number> = {};
    if (o.samples > 0) for (const k of o.passK) if (k <= o.samples) passK[`pass@${k}`] = mean((i) => passAtK(o.samples, correctCounts[i], k));
    return {
      problems: n,
      greedy: mean((i) => (greedyRecs[i].equal ? 1 : 0)),
      passAtK: passK,
      ...(forcedRecs ? { forced: mean((i) => (forcedRecs![i].equal ? 1 : 0)) } : {}),
      meanTokens: mean((i) => greedyRecs[i].tokens),
      waitRate: mean((i) => (greedyRecs[i].text.includes('Wait!') ? 1 : 0)),
      noAnswer: mean((i) => (greedyRecs[i].pred === null ? 1 : 0)),
      equationsRight: ((e) => e.right / e.checked)(equationCounts(idx.map((i) => greedyRecs[i].text))),
    };
  };
  const tiers = [...new Set(problems.map((p) => p.tier))];
  const result = { all: summarise(() => true) } as EvalResult;
  for (const t of tiers) result[t] = summarise((p) => p.tier === t);
  return result;
}
