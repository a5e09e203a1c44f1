// A small random checkpoint in the real Hugging Face format, made in TypeScript (no torch): a
// Qwen2 (or Llama) config.json with the fields transformers writes, model.safetensors in
// bf16/f16/f32 (or model-0000N-of-0000M.safetensors shards with model.safetensors.index.json),
// real tensor names, and a byte-level BPE tokenizer.json. Weights are multiples of 1/256 (norms 1 ± k/128)
// below 1 in magnitude, exactly representable in bf16 and f16, so every dtype holds the same model.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelConfig } from '../../lib/model/config.ts';
import { paramLayout, type HostTensor } from '../../lib/model/params.ts';
import { buildByteLevelBpe } from '../../lib/tokenizer/bpe.ts';
import { Rng } from '../../lib/util/rng.ts';

export type HfDtype = 'F32' | 'BF16' | 'F16';

export const HF_CORPUS = [
  'Problem: Mia has 7 apples and buys 15 more. How many apples does she have?\nThink step by step.\n',
  'She has 7 + 15 = 23 apples. Wait! 7 + 15 = 22. The answer is \\boxed{22}.',
  'Solve for x: 3x + 5 = 17. So 3x = 12 and x = 4. \\boxed{4}',
];

export function hfConfig(family: 'qwen2' | 'llama', vocab: number): ModelConfig {
  const qwen = family === 'qwen2';
  return { dModel: 32, layers: 2, heads: 4, kvHeads: qwen ? 2 : 4, ffn: 44, vocab, context: 512, ropeTheta: qwen ? 1e6 : 5e5, rmsEps: 1e-6, qkvBias: qwen, tieEmbeddings: qwen };
}

/** config.json as transformers writes it for Qwen2ForCausalLM / LlamaForCausalLM. */
function configJson(c: ModelConfig, dtype: HfDtype, eos: number): Record<string, unknown> {
  const common = {
    attention_dropout: 0.0,
    bos_token_id: eos,
    eos_token_id: eos,
    hidden_act: 'silu',
    hidden_size: c.dModel,
    initializer_range: 0.02,
    intermediate_size: c.ffn,
    max_position_embeddings: c.context,
    num_attention_heads: c.heads,
    num_hidden_layers: c.layers,
    num_key_value_heads: c.kvHeads,
    rms_norm_eps: c.rmsEps,
    rope_scaling: null,
    rope_theta: c.ropeTheta,
    tie_word_embeddings: c.tieEmbeddings,
    torch_dtype: { F32: 'float32', BF16: 'bfloat16', F16: 'float16' }[dtype],
    transformers_version: '4.45.0',
    use_cache: true,
    vocab_size: c.vocab,
  };
  return c.qkvBias
    ? { architectures: ['Qwen2ForCausalLM'], model_type: 'qwen2', max_window_layers: c.layers, sliding_window: c.context, use_sliding_window: false, ...common }
    : { architectures: ['LlamaForCausalLM'], model_type: 'llama', attention_bias: false, mlp_bias: false, pretraining_tp: 1, ...common };
}

/** Random tensors under HF names (multiples of 1/256; norms around 1). */
export function randomTensors(c: ModelConfig, seed: number): Map<string, HostTensor> {
  const rng = new Rng(seed);
  const out = new Map<string, HostTensor>();
  for (const e of paramLayout(c).entries) {
    const data = new Float32Array(e.size);
    const norm = e.name.endsWith('norm.weight');
    for (let i = 0; i < e.size; i++) data[i] = norm ? 1 + rng.int(-16, 16) / 128 : rng.int(-12, 12) / 256;
    out.set(e.name, { shape: e.shape, data });
  }
  return out;
}

function toHalf(x: number): number {
  if (x === 0) return 0;
  const sign = x < 0 ? 0x8000 : 0;
  const a = Math.abs(x);
  const e = Math.floor(Math.log2(a));
  const m = (a / 2 ** e - 1) * 1024;
  if (e < -14 || e > 15 || m !== Math.round(m)) throw new Error(`toHalf: ${x} is not exactly representable`);
  return sign | ((e + 15) << 10) | m;
}

/** safetensors bytes with every tensor in `dtype` (values must be exactly representable). */
export function encodeTyped(tensors: ReadonlyMap<string, HostTensor>, dtype: HfDtype): Uint8Array {
  const width = dtype === 'F32' ? 4 : 2;
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let at = 0;
  for (const [name, t] of tensors) {
    header[name] = { dtype, shape: t.shape, data_offsets: [at, at + t.data.length * width] };
    at += t.data.length * width;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8);
  const out = new Uint8Array(8 + json.length + at);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(json.length), true);
  out.set(Buffer.from(json), 8);
  let p = 8 + json.length;
  const bits = new Uint32Array(1);
  const f = new Float32Array(bits.buffer);
  for (const t of tensors.values()) {
    for (const x of t.data) {
      if (dtype === 'F32') dv.setFloat32(p, x, true);
      else if (dtype === 'F16') dv.setUint16(p, toHalf(x), true);
      else {
        f[0] = x;
        if (bits[0] & 0xffff) throw new Error(`bf16: ${x} is not exactly representable`);
        dv.setUint16(p, bits[0] >>> 16, true);
      }
      p += width;
    }
  }
  return out;
}

export interface HfCheckpoint {
  dir: string;
  config: ModelConfig;
  tensors: Map<string, HostTensor>;
}

/** Write a checkpoint folder; `shards` > 1 writes the sharded layout with its index. */
export function writeHfCheckpoint(dir: string, o: { family: 'qwen2' | 'llama'; dtype: HfDtype; shards?: number; seed?: number }): HfCheckpoint {
  mkdirSync(dir, { recursive: true });
  const tok = buildByteLevelBpe(HF_CORPUS, { merges: 60 });
  const tokSize = 256 + tok.model.merges.length + tok.added_tokens.length;
  const eos = tok.added_tokens[0].id; // <|endoftext|>
  // like Qwen2, the embedding has padding rows beyond the tokenizer (a multiple of 8 here)
  const config = hfConfig(o.family, Math.ceil(tokSize / 8) * 8);
  const tensors = randomTensors(config, o.seed ?? 1);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(configJson(config, o.dtype, eos), null, 2));
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tok, null, 2));
  const shards = o.shards ?? 1;
  if (shards === 1) {
    writeFileSync(join(dir, 'model.safetensors'), encodeTyped(tensors, o.dtype));
  } else {
    const names = [...tensors.keys()];
    const per = Math.ceil(names.length / shards);
    const weightMap: Record<string, string> = {};
    let total = 0;
    for (let s = 0; s < shards; s++) {
      const file = `model-${String(s + 1).padStart(5, '0')}-of-${String(shards).padStart(5, '0')}.safetensors`;
      const part = new Map(names.slice(s * per, (s + 1) * per).map((n) => [n, tensors.get(n)!]));
      for (const [n, t] of part) {
        weightMap[n] = file;
        total += t.data.length * (o.dtype === 'F32' ? 4 : 2);
      }
      writeFileSync(join(dir, file), encodeTyped(part, o.dtype));
    }
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: total }, weight_map: weightMap }, null, 2));
  }
  return { dir, config, tensors };
}
