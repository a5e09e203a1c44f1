// The training data of each stage, from a data folder (lib/data/dataset.ts). By default the world
// is generated once per (scale, world seed) into .cache/data/ and reused by every script.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { datasetTexts, loadDataset, writeDataset, type Dataset } from '../data/dataset.ts';
import { encodeExample } from '../data/encode.ts';
import { basePrompt } from '../data/prompts.ts';
import type { EvalProblem } from '../data/types.ts';
import { worldDataDir } from '../data/cache.ts';
import { WORLD_CONFIG, type ScaleName } from '../data/world/config.ts';
import { generateWorld } from '../data/world/generate.ts';
import { buildWorldTokenizer } from '../tokenizer/index.ts';
import type { PackItem } from './batch.ts';
import type { GrpoPrompt } from './grpo.ts';
import { encodeTrace, methodSequence, weightExample, type Method } from './weights.ts';

/** Load `dir`, or generate the world for (scale, worldSeed) into the data cache on first use. */
export function loadData(scale: ScaleName, worldSeed: number, dir?: string): Dataset {
  const d = dir ?? worldDataDir(scale, worldSeed);
  if (!dir && !existsSync(join(d, 'manifest.json'))) {
    const w = generateWorld({ seed: worldSeed, scale });
    writeDataset(d, {
      manifest: {
        source: 'world',
        seed: worldSeed,
        scale,
        version: WORLD_CONFIG.version,
        counts: { pool: w.pool.length, eval: w.eval.length, dev: w.dev.length, base: w.base.length, baseHeldout: w.baseHeldout.length },
      },
      pool: w.pool,
      eval: w.eval,
      dev: w.dev,
      base: w.base,
      baseHeldout: w.baseHeldout,
      tokenizer: buildWorldTokenizer(datasetTexts(w.pool, [...w.eval, ...w.dev], [...w.base, ...w.baseHeldout])),
    });
  }
  return loadDataset(d);
}

/** What identifies a dataset in cache keys. */
export function dataFingerprint(ds: Dataset): unknown {
  return { manifest: ds.manifest, pool: ds.pool.length, base: ds.base.length, eval: ds.eval.length, vocab: ds.tokenizer.vocabSize };
}

/** Base pretraining: the clean corpus's completions after the Base prompt (the same weights as sft). */
export function pretrainItems(ds: Dataset): PackItem[] {
  if (!ds.base.length) throw new Error(`${ds.dir}: no Base corpus (base.jsonl is empty)`);
  return ds.base.map((b) => weightExample('sft', encodeExample(ds.tokenizer, basePrompt(b.problem), b.solution)));
}

/** SFT on the v=1 and v=0 splits under a method; the error-prefix tag feeds the diagnostics only. */
export function sftItems(ds: Dataset, method: Method): PackItem[] {
  const ex = ds.pool.filter((e) => e.split === 'sft_v1' || e.split === 'sft_v0');
  if (!ex.length) throw new Error(`${ds.dir}: no SFT examples (split sft_v1/sft_v0)`);
  return ex.map((e) => {
    const { errorPrefix, ...w } = methodSequence(method, encodeTrace(ds.tokenizer, e));
    return { ...w, prefix: errorPrefix };
  });
}

export function grpoPrompts(ds: Dataset): GrpoPrompt[] {
  const ex = ds.pool.filter((e) => e.split === 'grpo');
  if (!ex.length) throw new Error(`${ds.dir}: no GRPO reserve (split grpo)`);
  return ex.map((e) => ({ problem: e.problem, answer: e.answer }));
}

/** The first `perTier` held-out problems of each tier. */
export function evalProblems(ds: Dataset, perTier: number): EvalProblem[] {
  const count = new Map<string, number>();
  return ds.eval.filter((p) => {
    const n = count.get(p.tier) ?? 0;
    count.set(p.tier, n + 1);
    return n < perTier;
  });
}
