// Model shape: the fields a Qwen2/Llama decoder needs, presets standing in for the paper's two
// student families, and conversion to/from Hugging Face config.json.
//
// Families: `qwen-like` has q/k/v biases, grouped-query attention and tied embeddings at the small
// sizes (as Qwen2.5-0.5B); `llama-like` has no biases, full multi-head attention and an untied
// lm_head. The `paper` size uses the real shapes of Qwen2.5-7B and Llama-3.1-8B (both GQA and
// untied), for a GPU.

export interface ModelConfig {
  dModel: number;
  layers: number;
  heads: number;
  kvHeads: number;
  ffn: number;
  vocab: number;
  /** Longest sequence (training context and KV-cache cap). */
  context: number;
  ropeTheta: number;
  rmsEps: number;
  qkvBias: boolean;
  tieEmbeddings: boolean;
}

export type Family = 'qwen-like' | 'llama-like';
export type Size = 'tiny' | 'cpu' | 'paper';
export const families: readonly Family[] = ['qwen-like', 'llama-like'];
export const sizes: readonly Size[] = ['tiny', 'cpu', 'paper'];

type Shape = Omit<ModelConfig, 'vocab' | 'qkvBias' | 'tieEmbeddings'> & { tieEmbeddings?: boolean };

// Small sizes deliberately use widths that are not multiples of kernel tile sizes (tiny) or are
// the ~1M-parameter cpu model of the design notes.
const shapes: Record<Family, Record<Size, Shape>> = {
  'qwen-like': {
    tiny: { dModel: 36, layers: 2, heads: 3, kvHeads: 1, ffn: 52, context: 32, ropeTheta: 10000, rmsEps: 1e-6 },
    cpu: { dModel: 128, layers: 4, heads: 4, kvHeads: 2, ffn: 352, context: 256, ropeTheta: 10000, rmsEps: 1e-6 },
    // Qwen2.5-7B
    paper: {
      dModel: 3584, layers: 28, heads: 28, kvHeads: 4, ffn: 18944, context: 4096, ropeTheta: 1e6, rmsEps: 1e-6,
      tieEmbeddings: false,
    },
  },
  'llama-like': {
    tiny: { dModel: 36, layers: 2, heads: 3, kvHeads: 3, ffn: 52, context: 32, ropeTheta: 10000, rmsEps: 1e-5 },
    cpu: { dModel: 128, layers: 4, heads: 4, kvHeads: 4, ffn: 352, context: 256, ropeTheta: 10000, rmsEps: 1e-5 },
    // Llama-3.1-8B (its "llama3" rope frequency scaling only matters beyond 8k tokens; not modelled)
    paper: { dModel: 4096, layers: 32, heads: 32, kvHeads: 8, ffn: 14336, context: 4096, ropeTheta: 500000, rmsEps: 1e-5 },
  },
};

/** A preset for `family` at `size`; the vocabulary size comes from the tokenizer. */
export function presetConfig(family: Family, size: Size, vocab: number): ModelConfig {
  const s = shapes[family]?.[size];
  if (!s) throw new Error(`unknown preset ${family}/${size}: families ${families.join(', ')}; sizes ${sizes.join(', ')}`);
  const qwen = family === 'qwen-like';
  return validateConfig({ ...s, vocab, qkvBias: qwen, tieEmbeddings: s.tieEmbeddings ?? qwen });
}

export function headDim(c: ModelConfig): number {
  return c.dModel / c.heads;
}

/** Throw a one-line error for an inconsistent config; returns it for chaining. */
export function validateConfig(c: ModelConfig): ModelConfig {
  const ints: (keyof ModelConfig)[] = ['dModel', 'layers', 'heads', 'kvHeads', 'ffn', 'vocab', 'context'];
  for (const k of ints) {
    const v = c[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new Error(`model config: ${k} must be a positive integer, got ${v}`);
  }
  if (c.dModel % c.heads !== 0) throw new Error(`model config: dModel ${c.dModel} is not divisible by heads ${c.heads}`);
  // The attention kernels read heads as vec4s.
  if (headDim(c) % 4 !== 0 || headDim(c) > 128) throw new Error(`model config: head dim ${headDim(c)} must be a multiple of 4, at most 128`);
  if (c.heads % c.kvHeads !== 0) throw new Error(`model config: heads ${c.heads} is not a multiple of kvHeads ${c.kvHeads}`);
  if (!(c.ropeTheta > 0) || !(c.rmsEps > 0)) throw new Error('model config: ropeTheta and rmsEps must be positive');
  return c;
}

/** Token ids the config.json records (the tokenizer owns them; the config echoes them as HF does). */
export interface SpecialTokens {
  bosTokenId?: number;
  eosTokenId?: number;
}

/**
 * Hugging Face config.json. Models with q/k/v biases are written as Qwen2ForCausalLM (Qwen2
 * always has them), those without as LlamaForCausalLM, so either loads in `transformers`.
 */
export function toHfConfig(c: ModelConfig, special: SpecialTokens = {}): Record<string, unknown> {
  const common = {
    hidden_size: c.dModel,
    intermediate_size: c.ffn,
    num_hidden_layers: c.layers,
    num_attention_heads: c.heads,
    num_key_value_heads: c.kvHeads,
    vocab_size: c.vocab,
    max_position_embeddings: c.context,
    rope_theta: c.ropeTheta,
    rms_norm_eps: c.rmsEps,
    tie_word_embeddings: c.tieEmbeddings,
    hidden_act: 'silu',
    initializer_range: 0.02,
    torch_dtype: 'float32',
    use_cache: true,
    ...(special.bosTokenId !== undefined ? { bos_token_id: special.bosTokenId } : {}),
    ...(special.eosTokenId !== undefined ? { eos_token_id: special.eosTokenId } : {}),
  };
  if (c.qkvBias) return { architectures: ['Qwen2ForCausalLM'], model_type: 'qwen2', ...common };
  return { architectures: ['LlamaForCausalLM'], model_type: 'llama', attention_bias: false, mlp_bias: false, ...common };
}

/** Read a Hugging Face Qwen2/Llama config.json (object or JSON text). */
export function fromHfConfig(json: Record<string, unknown> | string): ModelConfig & SpecialTokens {
  const j = (typeof json === 'string' ? JSON.parse(json) : json) as Record<string, unknown>;
  const type = String(j.model_type ?? '');
  if (type !== 'qwen2' && type !== 'llama') throw new Error(`config.json: model_type "${type}" is not supported (qwen2 or llama)`);
  const num = (key: string, fallback?: number): number => {
    const v = j[key] ?? fallback;
    if (typeof v !== 'number') throw new Error(`config.json: field ${key} is missing or not a number`);
    return v;
  };
  if (j.mlp_bias === true) throw new Error('config.json: mlp_bias=true is not supported');
  const heads = num('num_attention_heads');
  const firstId = (v: unknown): number | undefined => (Array.isArray(v) ? v[0] : typeof v === 'number' ? v : undefined);
  const cfg = validateConfig({
    dModel: num('hidden_size'),
    layers: num('num_hidden_layers'),
    heads,
    kvHeads: num('num_key_value_heads', heads),
    ffn: num('intermediate_size'),
    vocab: num('vocab_size'),
    context: num('max_position_embeddings'),
    ropeTheta: num('rope_theta', 10000),
    rmsEps: num('rms_norm_eps', 1e-6),
    qkvBias: type === 'qwen2' ? true : j.attention_bias === true,
    // transformers defaults tie_word_embeddings to false for both Qwen2Config and LlamaConfig
    tieEmbeddings: j.tie_word_embeddings === true,
  });
  return { ...cfg, bosTokenId: firstId(j.bos_token_id), eosTokenId: firstId(j.eos_token_id) };
}
