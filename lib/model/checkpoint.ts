// Checkpoint = a folder that Hugging Face `transformers` can load:
//   config.json          Qwen2ForCausalLM / LlamaForCausalLM config (see config.ts)
//   model.safetensors    f32 tensors with HF names (or model-0000N-of-0000M.safetensors shards and
//                        model.safetensors.index.json, accepted on load)
//   tokenizer.json       written from the caller's tokenizer (path or JSON)
//   tokenizer_config.json  the source's (chat template and all) when given, else made from
//                        tokenizer.json (lib/tokenizer/hf-config.ts), so AutoTokenizer opens it
//   generation_config.json bos/eos ids (the source's when given)
//   trainer_state.json   optional, whatever the trainer wants to keep (step, losses, seed, ...)
// Every file is written atomically (temp file in the same folder, fsync, rename), so a crash
// mid-save leaves the previous file of each name intact. A trained model is opened with
// loadModelFolder, which gives it only together with the tokenizer.json beside its weights.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GpuContext } from '../gpu/index.ts';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic.ts';
import { hfTokenizerConfig } from '../tokenizer/hf-config.ts';
import { loadTokenizer, type LoadedTokenizer } from '../tokenizer/index.ts';
import { readHfConfig, toHfConfig, type ModelConfig, type SpecialTokens } from './config.ts';
import { Model } from './model.ts';
import { Parameters, paramLayout, type HostTensor } from './params.ts';
import { decodeSafetensors, encodeSafetensors } from './safetensors.ts';

export type TokenizerSource = { path: string } | { json: string | object };

export interface SaveOptions {
  config: ModelConfig;
  /** Parameters on the device, or named host tensors. */
  params: Parameters | ReadonlyMap<string, HostTensor>;
  tokenizer?: TokenizerSource;
  special?: SpecialTokens;
  /** The source folder's tokenizer_config.json / generation_config.json, kept as they are. */
  tokenizerConfig?: object;
  generationConfig?: object;
  trainerState?: unknown;
}

export async function saveCheckpoint(dir: string, opts: SaveOptions): Promise<void> {
  const tensors = opts.params instanceof Map ? opts.params : await (opts.params as Parameters).toHost();
  // Keep the layout's order and only the names the config defines.
  const ordered = new Map<string, HostTensor>();
  for (const e of paramLayout(opts.config).entries) {
    const t = tensors.get(e.name);
    if (!t) throw new Error(`saveCheckpoint: tensor ${e.name} is missing`);
    ordered.set(e.name, t);
  }
  let special = opts.special ?? {};
  let tokenizerConfig = opts.tokenizerConfig;
  let tokenizerText: string | undefined;
  if (opts.tokenizer) {
    const tok = opts.tokenizer;
    tokenizerText = 'path' in tok ? readFileSync(tok.path, 'utf8') : typeof tok.json === 'string' ? tok.json : JSON.stringify(tok.json);
    // A tokenizer.json of a kind we cannot encode with is still saved as given, without the
    // tokenizer_config.json we would derive from it (transformers reads tokenizer.json alone).
    const tk = tokenizerOf(tokenizerText);
    if (tk) {
      special = { bosTokenId: special.bosTokenId ?? tk.loaded.bosId, eosTokenId: special.eosTokenId ?? tk.loaded.eosId };
      tokenizerConfig ??= hfTokenizerConfig(tk.json, tk.loaded, opts.config.context);
    }
  }
  const generationConfig = opts.generationConfig ?? {
    ...(special.bosTokenId !== undefined ? { bos_token_id: special.bosTokenId } : {}),
    ...(special.eosTokenId !== undefined ? { eos_token_id: special.eosTokenId } : {}),
  };
  writeFileAtomic(join(dir, 'model.safetensors'), encodeSafetensors(ordered, { format: 'pt' }));
  writeJsonAtomic(join(dir, 'config.json'), toHfConfig(opts.config, special));
  writeJsonAtomic(join(dir, 'generation_config.json'), generationConfig);
  if (tokenizerText !== undefined) writeFileAtomic(join(dir, 'tokenizer.json'), tokenizerText);
  if (tokenizerConfig) writeJsonAtomic(join(dir, 'tokenizer_config.json'), tokenizerConfig);
  if (opts.trainerState !== undefined) writeJsonAtomic(join(dir, 'trainer_state.json'), opts.trainerState);
}

// A training run saves the same tokenizer at every checkpoint; loading a 150k-token BPE takes seconds.
let lastTokenizer: { text: string; parsed?: { json: any; loaded: ReturnType<typeof loadTokenizer> } } | undefined;
function tokenizerOf(text: string): { json: any; loaded: ReturnType<typeof loadTokenizer> } | undefined {
  if (lastTokenizer?.text !== text) {
    let parsed;
    try {
      const json = JSON.parse(text);
      parsed = { json, loaded: loadTokenizer(json) };
    } catch {
      parsed = undefined;
    }
    lastTokenizer = { text, parsed };
  }
  return lastTokenizer.parsed;
}

export interface Checkpoint {
  config: ModelConfig;
  special: SpecialTokens;
  tensors: Map<string, HostTensor>;
  /** tokenizer.json text, when the folder has one. */
  tokenizerJson?: string;
  /** tokenizer_config.json and generation_config.json, when the folder has them. */
  tokenizerConfig?: object;
  generationConfig?: object;
  trainerState?: unknown;
}

/** Read a checkpoint folder into host memory (all dtypes converted to f32). */
export function readCheckpoint(dir: string): Checkpoint {
  const cfgPath = join(dir, 'config.json');
  if (!existsSync(cfgPath)) throw new Error(`checkpoint ${dir}: config.json not found`);
  let report;
  try {
    report = readHfConfig(readFileSync(cfgPath, 'utf8'));
  } catch (err) {
    throw new Error(`checkpoint ${dir}: ${(err as Error).message}`);
  }
  const { config, special } = report;
  const tensors = new Map<string, HostTensor>();
  const single = join(dir, 'model.safetensors');
  const index = join(dir, 'model.safetensors.index.json');
  let files: string[];
  if (existsSync(single)) files = ['model.safetensors'];
  else if (existsSync(index)) {
    const map = (JSON.parse(readFileSync(index, 'utf8')) as { weight_map?: Record<string, string> }).weight_map;
    if (!map) throw new Error(`checkpoint ${dir}: model.safetensors.index.json has no weight_map`);
    files = [...new Set(Object.values(map))];
  } else throw new Error(`checkpoint ${dir}: neither model.safetensors nor model.safetensors.index.json found`);
  for (const f of files) {
    const path = join(dir, f);
    if (!existsSync(path)) throw new Error(`checkpoint ${dir}: shard ${f} not found`);
    for (const [name, t] of decodeSafetensors(readFileSync(path), path).tensors) tensors.set(name, t);
  }
  // transformers would fail or warn on a tensor its architecture lacks; we refuse it (a tied
  // lm_head is the one that transformers itself drops).
  const used = new Set(paramLayout(config).entries.map((e) => e.name));
  const unused = [...tensors.keys()].filter((n) => !used.has(n) && !(n === 'lm_head.weight' && config.tieEmbeddings));
  if (unused.length) throw new Error(`checkpoint ${dir}: tensor ${unused[0]} is not used by this config${unused.length > 1 ? ` (and ${unused.length - 1} more)` : ''}`);
  if (config.tieEmbeddings) tensors.delete('lm_head.weight');
  const tokPath = join(dir, 'tokenizer.json');
  const statePath = join(dir, 'trainer_state.json');
  const optionalJson = (name: string): object | undefined => {
    if (!existsSync(join(dir, name))) return undefined;
    try {
      return JSON.parse(readFileSync(join(dir, name), 'utf8'));
    } catch {
      throw new Error(`checkpoint ${dir}: ${name} is not valid JSON`);
    }
  };
  return {
    config,
    special,
    tensors,
    tokenizerJson: existsSync(tokPath) ? readFileSync(tokPath, 'utf8') : undefined,
    tokenizerConfig: optionalJson('tokenizer_config.json'),
    generationConfig: optionalJson('generation_config.json'),
    trainerState: existsSync(statePath) ? JSON.parse(readFileSync(statePath, 'utf8')) : undefined,
  };
}

/** Read a checkpoint and upload its parameters (missing or mis-shaped tensors fail with one line). */
export function loadCheckpoint(ctx: GpuContext, dir: string): Checkpoint & { params: Parameters } {
  return upload(ctx, dir, readCheckpoint(dir));
}

function upload(ctx: GpuContext, dir: string, ck: Checkpoint): Checkpoint & { params: Parameters } {
  try {
    return { ...ck, params: Parameters.fromTensors(ctx, ck.config, ck.tensors) };
  } catch (err) {
    throw new Error(`${dir}: ${(err as Error).message}`);
  }
}

/**
 * A model folder's model together with the tokenizer saved beside its weights: the one way the
 * pipeline, the evaluations and the scripts open a trained model, so that a model is only ever
 * paired with its own tokenizer. A folder without a tokenizer.json we can encode with is refused,
 * and so is one whose tokenizer is not `expected` (given where the caller's token ids were made
 * with another tokenizer, e.g. the data's), each in one line, before any weight is uploaded.
 */
export function loadModelFolder(ctx: GpuContext, dir: string, expected?: LoadedTokenizer): { model: Model; tokenizer: LoadedTokenizer } {
  const ck = readCheckpoint(dir);
  if (ck.tokenizerJson === undefined) throw new Error(`model folder ${dir}: tokenizer.json not found (a model is used only with the tokenizer saved beside it)`);
  const tokenizer = tokenizerOf(ck.tokenizerJson)?.loaded;
  if (!tokenizer) throw new Error(`model folder ${dir}: tokenizer.json is not a tokenizer this project encodes with`);
  if (tokenizer.vocabSize > ck.config.vocab) throw new Error(`model folder ${dir}: tokenizer has ${tokenizer.vocabSize} tokens but the model's vocabulary is ${ck.config.vocab}`);
  if (expected && !sameTokenizer(tokenizer, expected)) throw new Error(`model folder ${dir}: its tokenizer.json is not the tokenizer its inputs are encoded with (the data's)`);
  return { model: new Model(ctx, upload(ctx, dir, ck).params), tokenizer };
}

/** Whether two tokenizers are the same tokenizer.json (same vocabulary, rules and special tokens). */
export function sameTokenizer(a: LoadedTokenizer, b: LoadedTokenizer): boolean {
  return a === b || JSON.stringify(a.json) === JSON.stringify(b.json);
}
