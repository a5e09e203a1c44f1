// A data folder as scripts/data.ts writes it, and what it holds:
//   pool.jsonl      Example per line (teacher traces, labelled, with split)
//   eval.jsonl      EvalProblem per line (world only; held out from all training problems)
//   dev.jsonl       EvalProblem per line (world-3 on; development problems, disjoint from eval.jsonl
//                   and from all training problems; absent in older folders = none)
//   base.jsonl      BaseRecord per line (world only; the clean Base pretraining corpus)
//   base_heldout.jsonl  BaseRecord per line (world-3 on; never trained on: the Base budget's
//                   held-out NLL; absent in older folders = none)
//   tokenizer.json  Hugging Face tokenizer built from the folder's texts
//   manifest.json   how it was made (source, seed, scale, world config, counts)
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic.ts';
import { buildWorldTokenizer, loadTokenizer, type LoadedTokenizer, type TokenizerJson } from '../tokenizer/index.ts';
import { readJsonl, writeJsonl } from './jsonl.ts';
import { basePrompt, tracePrompt } from './prompts.ts';
import type { BaseRecord, EvalProblem, Example } from './types.ts';

export interface Manifest {
  source: 'world' | 'openr1';
  [k: string]: unknown;
}

export interface Dataset {
  dir: string;
  manifest: Manifest;
  pool: Example[];
  eval: EvalProblem[];
  /** Development problems (empty when the folder has none). */
  dev: EvalProblem[];
  base: BaseRecord[];
  /** Held-out Base-corpus records (empty when the folder has none). */
  baseHeldout: BaseRecord[];
  tokenizer: LoadedTokenizer;
}

/** Every text a model of this folder reads: prompts, raw and standardised responses, Base corpus. */
export function* datasetTexts(pool: readonly Example[], evals: readonly EvalProblem[], base: readonly BaseRecord[]): Generator<string> {
  for (const e of pool) {
    yield tracePrompt(e.problem);
    yield basePrompt(e.problem);
    yield e.response;
    yield e.raw;
  }
  for (const e of evals) {
    yield tracePrompt(e.problem);
    yield basePrompt(e.problem);
    yield `\\boxed{${e.answer}}`;
  }
  for (const b of base) {
    yield basePrompt(b.problem);
    yield b.solution;
  }
}

export function writeDataset(dir: string, d: { manifest: Manifest; pool: Example[]; eval?: EvalProblem[]; dev?: EvalProblem[]; base?: BaseRecord[]; baseHeldout?: BaseRecord[]; tokenizer?: TokenizerJson }): void {
  const evals = d.eval ?? [], dev = d.dev ?? [], base = d.base ?? [], baseHeldout = d.baseHeldout ?? [];
  const tok = d.tokenizer ?? buildWorldTokenizer(datasetTexts(d.pool, [...evals, ...dev], [...base, ...baseHeldout]));
  writeJsonl(join(dir, 'pool.jsonl'), d.pool);
  writeJsonl(join(dir, 'eval.jsonl'), evals);
  writeJsonl(join(dir, 'dev.jsonl'), dev);
  writeJsonl(join(dir, 'base.jsonl'), base);
  writeJsonl(join(dir, 'base_heldout.jsonl'), baseHeldout);
  writeFileAtomic(join(dir, 'tokenizer.json'), JSON.stringify(tok, null, 1) + '\n');
  // Written last: a folder with a manifest is complete.
  writeJsonAtomic(join(dir, 'manifest.json'), d.manifest);
}

export function loadDataset(dir: string): Dataset {
  const m = join(dir, 'manifest.json');
  if (!existsSync(m)) throw new Error(`${dir}: no manifest.json (not a data folder written by scripts/data.ts, or unfinished)`);
  const manifest = JSON.parse(readFileSync(m, 'utf8')) as Manifest;
  return {
    dir,
    manifest,
    pool: readJsonl<Example>(join(dir, 'pool.jsonl')),
    eval: readJsonl<EvalProblem>(join(dir, 'eval.jsonl')),
    dev: existsSync(join(dir, 'dev.jsonl')) ? readJsonl<EvalProblem>(join(dir, 'dev.jsonl')) : [],
    base: readJsonl<BaseRecord>(join(dir, 'base.jsonl')),
    baseHeldout: existsSync(join(dir, 'base_heldout.jsonl')) ? readJsonl<BaseRecord>(join(dir, 'base_heldout.jsonl')) : [],
    tokenizer: loadTokenizer(join(dir, 'tokenizer.json')),
  };
}
