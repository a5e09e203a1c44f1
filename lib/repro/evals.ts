// Evaluations of cached models, themselves cached: .cache/evals/<hash>.json, keyed by the model's
// cache key, the problems and every option that changes the outcome. Table 1, Table 2 and Fig. 1
// ask for the same Base / SFT / VGGM evaluations; the second asker reads the first one's file.
// The generations and verdicts are kept beside it (<hash>.jsonl) for inspection.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Dataset } from '../data/dataset.ts';
import type { EvalProblem, Tier } from '../data/types.ts';
import { supplementaryProblems } from '../data/world/supplementary.ts';
import { entropyAnalysis, type EntropyRollout } from '../eval/entropy.ts';
import { evaluate, type EvalResult, type GenRecord } from '../eval/evaluate.ts';
import type { PromptFormat } from '../eval/format.ts';
import { loadModelFolder } from '../model/checkpoint.ts';
import type { Model } from '../model/model.ts';
import type { LoadedTokenizer } from '../tokenizer/index.ts';
import { TRAIN_CODE_VERSION } from '../train/cache.ts';
import { canonicalJson } from '../util/json.ts';
import { cacheRoot } from '../util/paths.ts';
import { writeJsonAtomic } from '../util/atomic.ts';
import { progress } from '../util/cli.ts';
import { withContext } from './models.ts';
import type { ReproPlan } from './plan.ts';

/** Bump when evaluation code changes what a cached evaluation would hold. */
export const EVAL_CACHE_VERSION = 1;

export interface ModelHandle {
  key: string;
  dir: string;
  format: PromptFormat;
  /** for progress lines */
  label: string;
}

export function evalsRoot(): string {
  return join(dirname(cacheRoot()), 'evals');
}

function evalKey(kind: string, model: ModelHandle, problems: readonly EvalProblem[], opts: unknown): string {
  const probs = createHash('sha256')
    .update(problems.map((p) => `${p.id}\u0000${p.problem}\u0000${p.answer}`).join('\n'))
    .digest('hex');
  const h = createHash('sha256')
    .update(canonicalJson({ kind, model: model.key, format: model.format, probs, opts, v: EVAL_CACHE_VERSION, code: TRAIN_CODE_VERSION }))
    .digest('hex');
  return `${kind}-${h.slice(0, 20)}`;
}

/** The first `perTier[t]` held-out problems of each tier (the world's eval set is in tier order). */
export function pickProblems(all: readonly EvalProblem[], perTier: Partial<Record<Tier, number>>): EvalProblem[] {
  const seen = new Map<string, number>();
  return all.filter((p) => {
    const n = seen.get(p.tier) ?? 0;
    seen.set(p.tier, n + 1);
    return n < (perTier[p.tier] ?? 0);
  });
}

/**
 * The problems a table evaluates: the plan's held-out problems of each tier, then the supplementary
 * set (lib/data/world/supplementary.ts). One list, so that every script asking for a model's
 * table accuracy shares one cached evaluation.
 */
export function tableProblems(data: Dataset, plan: Pick<ReproPlan, 'evalPerTier' | 'supplementary'>): { heldOut: EvalProblem[]; supplementary: EvalProblem[]; all: EvalProblem[] } {
  const heldOut = pickProblems(data.eval, plan.evalPerTier);
  const supplementary = supplementaryProblems(data, plan.supplementary);
  return { heldOut, supplementary, all: [...heldOut, ...supplementary] };
}

export interface AccuracyOptions {
  maxNewTokens: number;
  batch: number;
  /** forced "Wait!" rounds after the greedy pass (0: none) */
  budgetForcing?: number;
  forcingTokens?: number;
}

/** What of AccuracyOptions changes an evaluation's outcome (its cache key). */
function accuracyOpts(o: AccuracyOptions) {
  return { samples: 0, maxNewTokens: o.maxNewTokens, budgetForcing: o.budgetForcing ?? 0, forcingTokens: o.budgetForcing ? o.forcingTokens : undefined };
}

export class Evaluator {
  /** evaluations recomputed in this process (--force recomputes each once) */
  private readonly fresh = new Set<string>();

  constructor(
    readonly tokenizer: LoadedTokenizer,
    readonly force = false,
  ) {}

  /** The model's key is stored beside the result so the report's explorer can find its generations. */
  private async cached<T>(key: string, model: ModelHandle, compute: (jsonl: string) => Promise<T>): Promise<T> {
    const path = join(evalsRoot(), `${key}.json`);
    if (existsSync(path) && !(this.force && !this.fresh.has(key))) return (JSON.parse(readFileSync(path, 'utf8')) as { result: T }).result;
    const result = await compute(join(evalsRoot(), `${key}.jsonl`));
    writeJsonAtomic(path, { key, model: model.key, result });
    this.fresh.add(key);
    return result;
  }

  /** Greedy accuracy per tier (and after budget forcing, when asked), as fractions. */
  accuracy(model: ModelHandle, problems: readonly EvalProblem[], o: AccuracyOptions): Promise<EvalResult> {
    const opts = accuracyOpts(o);
    return this.cached(evalKey('acc', model, problems, opts), model, (jsonl) =>
      withContext(async (ctx) => {
        const { model: m, tokenizer } = loadModelFolder(ctx, model.dir, this.tokenizer);
        const bar = progress(`eval ${model.label}`, problems.length * (1 + opts.budgetForcing));
        let last = 0;
        const r = await evaluate(m, tokenizer, problems, {
          format: model.format,
          samples: 0,
          passK: [],
          temperature: 1,
          maxNewTokens: o.maxNewTokens,
          batch: o.batch,
          seed: 0,
          budgetForcing: opts.budgetForcing,
          forcingTokens: opts.forcingTokens,
          outJsonl: jsonl,
          onProgress: (done) => {
            bar.tick(done - last);
            last = done;
          },
        });
        bar.done();
        return r;
      }),
    );
  }

  /**
   * Greedy accuracy as `accuracy` gives it, with every generation's record (the JSONL saved beside
   * the cached result), in the order of `problems`; a cached result whose JSONL is gone is recomputed.
   */
  async accuracyRecords(model: ModelHandle, problems: readonly EvalProblem[], o: AccuracyOptions): Promise<{ result: EvalResult; records: GenRecord[] }> {
    const opts = accuracyOpts(o);
    const key = evalKey('acc', model, problems, opts);
    const jsonl = join(evalsRoot(), `${key}.jsonl`);
    if (!existsSync(jsonl)) rmSync(join(evalsRoot(), `${key}.json`), { force: true });
    const result = await this.accuracy(model, problems, o);
    const records = readFileSync(jsonl, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as GenRecord);
    const greedy = new Map(records.filter((r) => r.mode === 'greedy').map((r) => [r.id, r]));
    return {
      result,
      records: problems.map((p) => {
        const r = greedy.get(p.id);
        if (!r) throw new Error(`${jsonl}: no greedy generation for problem ${p.id}; delete the file to recompute`);
        return r;
      }),
    };
  }

  /** A forward-only measure of the model (e.g. teacher-forced entropy), cached under `kind` and `opts`. */
  measure<T>(kind: string, model: ModelHandle, opts: unknown, compute: (m: Model) => Promise<T>): Promise<T> {
    return this.cached(evalKey(kind, model, [], opts), model, () => withContext(async (ctx) => compute(loadModelFolder(ctx, model.dir, this.tokenizer).model)));
  }

  /** Fig. 1's rollouts with per-token entropies (sampled at `temperature`, seeded). */
  entropy(
    model: ModelHandle,
    problems: readonly EvalProblem[],
    o: { rollouts: number; temperature: number; maxNewTokens: number; batch: number; seed: number },
  ): Promise<EntropyRollout[]> {
    return this.cached(evalKey('entropy', model, problems, o), model, () =>
      withContext(async (ctx) => {
        const { model: m, tokenizer } = loadModelFolder(ctx, model.dir, this.tokenizer);
        const { rollouts } = await entropyAnalysis(m, tokenizer, problems, { format: model.format, ...o });
        return rollouts.map((r) => ({ ...r, entropy: Array.from(r.entropy), step: Array.from(r.step) }));
      }),
    );
  }
}
