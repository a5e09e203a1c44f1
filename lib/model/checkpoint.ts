// Checkpoint = a folder that Hugging Face `transformers` can load:
//   config.json          Qwen2ForCausalLM / LlamaForCausalLM config (see config.ts)
//   model.safetensors    f32 tensors with HF names (or model-0000N-of-0000M.safetensors shards and
//                        model.safetensors.index.json, accepted on load)
//   tokenizer.json       written from the caller's tokenizer (path or JSON)
//   trainer_state.json   optional, whatever the trainer wants to keep (step, losses, seed, ...)
// Every file is written atomically (temp file in the same folder, fsync, rename), so a crash
// mid-save leaves the previous file of each name intact.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GpuContext } from '../gpu/index.ts';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic.ts';
import { fromHfConfig, toHfConfig, type ModelConfig, type SpecialTokens } from './config.ts';
import { Parameters, paramLayout, type HostTensor } from './params.ts';
import { decodeSafetensors, encodeSafetensors } from './safetensors.ts';

export type TokenizerSource = { path: string } | { json: string | object };

export interface SaveOptions {
  config: ModelConfig;
  /** Parameters on the device, or named host tensors. */
  params: Parameters | ReadonlyMap<string, HostTensor>;
  tokenizer?: TokenizerSource;
  special?: SpecialTokens;
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
  writeFileAtomic(join(dir, 'model.safetensors'), encodeSafetensors(ordered, { format: 'pt' }));
  writeJsonAtomic(join(dir, 'config.json'), toHfConfig(opts.config, opts.special));
  if (opts.tokenizer) {
    const tok = opts.tokenizer;
    const text = 'path' in tok ? readFileSync(tok.path, 'utf8') : typeof tok.json === 'string' ? tok.json : JSON.stringify(tok.json);
    writeFileAtomic(join(dir, 'tokenizer.json'), text);
  }
  if (opts.trainerState !== undefined) writeJsonAtomic(join(dir, 'trainer_state.json'), opts.trainerState);
}

export interface Checkpoint {
  config: ModelConfig;
  special: SpecialTokens;
  tensors: Map<string, HostTensor>;
  /** tokenizer.json text, when the folder has one. */
  tokenizerJson?: string;
  trainerState?: unknown;
}

/** Read a checkpoint folder into host memory (all dtypes converted to f32). */
export function readCheckpoint(dir: string): Checkpoint {
  const cfgPath = join(dir, 'config.json');
  if (!existsSync(cfgPath)) throw new Error(`checkpoint ${dir}: config.json not found`);
  const { bosTokenId, eosTokenId, ...config } = fromHfConfig(readFileSync(cfgPath, 'utf8'));
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
  const tokPath = join(dir, 'tokenizer.json');
  const statePath = join(dir, 'trainer_state.json');
  return {
    config,
    special: { bosTokenId, eosTokenId },
    tensors,
    tokenizerJson: existsSync(tokPath) ? readFileSync(tokPath, 'utf8') : undefined,
    trainerState: existsSync(statePath) ? JSON.parse(readFileSync(statePath, 'utf8')) : undefined,
  };
}

/** Read a checkpoint and upload its parameters (missing or mis-shaped tensors fail with one line). */
export function loadCheckpoint(ctx: GpuContext, dir: string): Checkpoint & { params: Parameters } {
  const ck = readCheckpoint(dir);
  try {
    return { ...ck, params: Parameters.fromTensors(ctx, ck.config, ck.tensors) };
  } catch (err) {
    throw new Error(`${dir}: ${(err as Error).message}`);
  }
}
