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
  /** Per-head width when it is not dModel / heads (config.json head_dim). */
  headDim?: number;
  /** o_proj has a bias (Llama with attention_bias: true; Qwen2 has none). */
  attnOutBias?: boolean;
  /** Rotary frequency scaling (config.json rope_scaling / rope_parameters); absent: plain RoPE. */
  ropeScaling?: RopeScaling;
}

/**
 * The rope_scaling kinds that change the frequencies at positions within the context:
 * `linear` divides every inverse frequency by factor; `llama3` divides the low frequencies by
 * factor, keeps the high ones and interpolates between (transformers' _compute_llama3_parameters).
 */
export type RopeScaling = { type: 'linear'; factor: number } | { type: 'llama3'; factor: number; lowFreqFactor: number; highFreqFactor: number; originalContext: number };

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
      dModel: 3584,
      layers: 28,
      heads: 28,
      kvHeads: 4,
      ffn: 18944,
      context: 4096,
      ropeTheta: 1e6,
      rmsEps: 1e-6,
      tieEmbeddings: false,
    },
  },
  'llama-like': {
    tiny: { dModel: 36, layers: 2, heads: 3, kvHeads: 3, ffn: 52, context: 32, ropeTheta: 10000, rmsEps: 1e-5 },
    cpu: { dModel: 128, layers: 4, heads: 4, kvHeads: 4, ffn: 352, context: 256, ropeTheta: 10000, rmsEps: 1e-5 },
    // Llama-3.1-8B's shapes; the preset (trained from scratch) uses plain RoPE. A real Llama-3.1
    // config.json brings its llama3 rope_scaling, which fromHfConfig reads.
    paper: { dModel: 4096, layers: 32, heads: 32, kvHeads: 8, ffn: 14336, context: 4096, ropeTheta: 500000, rmsEps: 1e-5 },
  },
};

/** Qwen2.5-0.5B's shapes (its config.json), for the `gpu` scale's device check (lib/train/scales.ts GPU_SCALE). */
export function qwen25HalfBConfig(context = 32768): ModelConfig {
  return validateConfig({
    dModel: 896,
    layers: 24,
    heads: 14,
    kvHeads: 2,
    ffn: 4864,
    vocab: 151936,
    context,
    ropeTheta: 1e6,
    rmsEps: 1e-6,
    qkvBias: true,
    tieEmbeddings: true,
  });
}

/** A preset for `family` at `size`; the vocabulary size comes from the tokenizer. */
export function presetConfig(family: Family, size: Size, vocab: number): ModelConfig {
  const s = shapes[family]?.[size];
  if (!s) throw new Error(`unknown preset ${family}/${size}: families ${families.join(', ')}; sizes ${sizes.join(', ')}`);
  const qwen = family === 'qwen-like';
  return validateConfig({ ...s, vocab, qkvBias: qwen, tieEmbeddings: s.tieEmbeddings ?? qwen });
}

export function headDim(c: ModelConfig): number {
  return c.headDim ?? c.dModel / c.heads;
}

/** Throw a one-line error for an inconsistent config; returns it for chaining. */
export function validateConfig(c: ModelConfig): ModelConfig {
  const ints: (keyof ModelConfig)[] = ['dModel', 'layers', 'heads', 'kvHeads', 'ffn', 'vocab', 'context'];
  for (const k of ints) {
    const v = c[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new Error(`model config: ${k} must be a positive integer, got ${v}`);
  }
  if (c.headDim === undefined && c.dModel % c.heads !== 0) throw new Error(`model config: dModel ${c.dModel} is not divisible by heads ${c.heads}`);
  if (c.headDim !== undefined && !(Number.isInteger(c.headDim) && c.headDim > 0)) throw new Error(`model config: headDim must be a positive integer, got ${c.headDim}`);
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
 * Hugging Face config.json. Models with q/k/v biases and no o_proj bias are written as
 * Qwen2ForCausalLM (Qwen2 always has exactly those), the others as LlamaForCausalLM (attention_bias
 * true means q/k/v and o_proj biases there), so either loads in `transformers`.
 */
export function toHfConfig(c: ModelConfig, special: SpecialTokens = {}): Record<string, unknown> {
  const qwen = c.qkvBias && !c.attnOutBias;
  if (c.attnOutBias && !c.qkvBias) throw new Error('toHfConfig: an o_proj bias without q/k/v biases has no Hugging Face architecture');
  const common = {
    hidden_size: c.dModel,
    intermediate_size: c.ffn,
    num_hidden_layers: c.layers,
    num_attention_heads: c.heads,
    num_key_value_heads: c.kvHeads,
    head_dim: headDim(c),
    vocab_size: c.vocab,
    max_position_embeddings: c.context,
    rope_theta: c.ropeTheta,
    rope_scaling: c.ropeScaling ? hfRopeScaling(c.ropeScaling) : null,
    rms_norm_eps: c.rmsEps,
    tie_word_embeddings: c.tieEmbeddings,
    hidden_act: 'silu',
    attention_dropout: 0.0,
    initializer_range: 0.02,
    torch_dtype: 'float32',
    use_cache: true,
    ...(special.bosTokenId !== undefined ? { bos_token_id: special.bosTokenId } : {}),
    ...(special.eosTokenId !== undefined ? { eos_token_id: special.eosTokenId } : {}),
  };
  if (qwen) return { architectures: ['Qwen2ForCausalLM'], model_type: 'qwen2', use_sliding_window: false, sliding_window: null, max_window_layers: c.layers, ...common };
  return { architectures: ['LlamaForCausalLM'], model_type: 'llama', attention_bias: c.qkvBias, mlp_bias: false, pretraining_tp: 1, ...common };
}

function hfRopeScaling(r: RopeScaling): Record<string, unknown> {
  if (r.type === 'linear') return { rope_type: 'linear', factor: r.factor };
  return { rope_type: 'llama3', factor: r.factor, low_freq_factor: r.lowFreqFactor, high_freq_factor: r.highFreqFactor, original_max_position_embeddings: r.originalContext };
}

/** What a config.json holds beyond the shape: its dtype and what each computation-changing field set. */
export interface HfConfigReport {
  config: ModelConfig;
  special: SpecialTokens;
  architecture: string;
  /** torch_dtype (or dtype), as written; undefined when absent. */
  dtype?: string;
  /** One line per computation-changing field and what we do with it (honoured or inert here). */
  honoured: string[];
}

/** Read a Hugging Face Qwen2/Llama config.json (object or JSON text). */
export function fromHfConfig(json: Record<string, unknown> | string): ModelConfig & SpecialTokens {
  const r = readHfConfig(json);
  return { ...r.config, ...r.special };
}

const refuse = (field: string, value: unknown, why: string): never => {
  throw new Error(`config.json: ${field}=${JSON.stringify(value)} is not supported (${why})`);
};

/**
 * Read a config.json field by field: every field that changes what transformers computes is
 * implemented or refused with one line naming it (docs/huggingface.md lists them).
 */
export function readHfConfig(json: Record<string, unknown> | string): HfConfigReport {
  const j = (typeof json === 'string' ? parseConfigText(json) : json) as Record<string, any>;
  if (j === null || typeof j !== 'object' || Array.isArray(j)) throw new Error('config.json: expected a JSON object');
  const type = String(j.model_type ?? '');
  if (type !== 'qwen2' && type !== 'llama') throw new Error(`config.json: model_type "${type}" is not supported (qwen2 or llama)`);
  const honoured: string[] = [];
  const num = (key: string, fallback?: number): number => {
    const v = j[key] ?? fallback;
    if (typeof v !== 'number') throw new Error(`config.json: field ${key} is missing or not a number`);
    return v;
  };
  if (j.quantization_config != null) refuse('quantization_config.quant_method', j.quantization_config.quant_method, 'quantized weights');
  const act = j.hidden_act ?? 'silu';
  if (act !== 'silu' && act !== 'swish') refuse('hidden_act', act, 'the MLP kernel is SwiGLU: silu only');
  honoured.push(`hidden_act=${act}`);
  if (typeof j.attention_dropout === 'number' && j.attention_dropout > 0) refuse('attention_dropout', j.attention_dropout, 'no dropout in the attention kernels');
  if (j.mlp_bias === true) refuse('mlp_bias', true, 'the MLP projections have no bias');
  const heads = num('num_attention_heads');
  const dModel = num('hidden_size');
  // Qwen2 always has q/k/v biases and no o_proj bias; Llama's attention_bias puts a bias on all four.
  const llamaBias = type === 'llama' && j.attention_bias === true;
  honoured.push(type === 'qwen2' ? 'q/k/v biases (Qwen2)' : `attention_bias=${llamaBias}`);
  const dh = typeof j.head_dim === 'number' && j.head_dim !== dModel / heads ? j.head_dim : undefined;
  if (j.head_dim != null) honoured.push(`head_dim=${j.head_dim}`);
  const rope = readRope(j);
  honoured.push(...rope.honoured);
  const context = num('max_position_embeddings');
  checkSlidingWindow(j, type, num('num_hidden_layers'), context, honoured);
  const dtype = (j.torch_dtype ?? j.dtype) as string | undefined;
  if (dtype !== undefined && !['float32', 'bfloat16', 'float16', 'auto'].includes(dtype)) refuse('torch_dtype', dtype, 'float32, bfloat16 or float16 weights');
  const cfg = validateConfig({
    dModel,
    layers: num('num_hidden_layers'),
    heads,
    kvHeads: num('num_key_value_heads', heads),
    ffn: num('intermediate_size'),
    vocab: num('vocab_size'),
    context,
    ropeTheta: rope.theta,
    rmsEps: num('rms_norm_eps', 1e-6),
    qkvBias: type === 'qwen2' || llamaBias,
    // transformers defaults tie_word_embeddings to false for both Qwen2Config and LlamaConfig
    tieEmbeddings: j.tie_word_embeddings === true,
    ...(dh !== undefined ? { headDim: dh } : {}),
    ...(llamaBias ? { attnOutBias: true } : {}),
    ...(rope.scaling ? { ropeScaling: rope.scaling } : {}),
  });
  honoured.push(`rms_norm_eps=${cfg.rmsEps}`, `tie_word_embeddings=${cfg.tieEmbeddings}`);
  const firstId = (v: unknown): number | undefined => (Array.isArray(v) ? v[0] : typeof v === 'number' ? v : undefined);
  const architecture = Array.isArray(j.architectures) ? String(j.architectures[0]) : type === 'qwen2' ? 'Qwen2ForCausalLM' : 'LlamaForCausalLM';
  return { config: cfg, special: { bosTokenId: firstId(j.bos_token_id), eosTokenId: firstId(j.eos_token_id) }, architecture, dtype, honoured };
}

function parseConfigText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error('config.json: not valid JSON');
  }
}

/** rope_theta and the scaling, from rope_parameters (transformers >= 5) or rope_theta/rope_scaling. */
function readRope(j: Record<string, any>): { theta: number; scaling?: RopeScaling; honoured: string[] } {
  const params = j.rope_parameters ?? undefined;
  const field = params != null ? 'rope_parameters' : 'rope_scaling';
  const spec = params ?? j.rope_scaling ?? undefined;
  if (spec != null && typeof spec !== 'object') refuse(field, spec, 'expected an object');
  // transformers 5 may key rope_parameters by layer type ({full_attention: {...}, ...}).
  if (spec && spec.rope_type === undefined && spec.type === undefined && Object.values(spec).some((v) => v && typeof v === 'object')) {
    refuse(field, Object.keys(spec), 'per-layer-type rope parameters');
  }
  const theta = spec?.rope_theta ?? j.rope_theta ?? 10000;
  if (typeof theta !== 'number' || !(theta > 0)) refuse(`${params != null ? 'rope_parameters.' : ''}rope_theta`, theta, 'a positive number');
  const partial = spec?.partial_rotary_factor ?? j.partial_rotary_factor;
  if (partial !== undefined && partial !== 1) refuse('partial_rotary_factor', partial, 'rotary embedding on the whole head only');
  const kind = String(spec?.rope_type ?? spec?.type ?? 'default');
  const honoured = [`rope_theta=${theta}`];
  const factor = (): number => {
    const f = spec.factor;
    if (typeof f !== 'number' || !(f >= 1)) refuse(`${field}.factor`, f, 'a number >= 1');
    return f;
  };
  switch (kind) {
    case 'default':
      return { theta, honoured };
    case 'linear': {
      const f = factor();
      honoured.push(`${field} linear factor=${f}`);
      return { theta, scaling: { type: 'linear', factor: f }, honoured };
    }
    case 'llama3': {
      const need = (k: string): number => {
        const v = spec[k];
        if (typeof v !== 'number' || !(v > 0)) refuse(`${field}.${k}`, v, 'llama3 scaling needs a positive number');
        return v;
      };
      const s: RopeScaling = {
        type: 'llama3',
        factor: factor(),
        lowFreqFactor: need('low_freq_factor'),
        highFreqFactor: need('high_freq_factor'),
        originalContext: need('original_max_position_embeddings'),
      };
      if (!(s.highFreqFactor > s.lowFreqFactor)) refuse(`${field}.high_freq_factor`, s.highFreqFactor, 'must exceed low_freq_factor');
      honoured.push(`${field} llama3 factor=${s.factor} low=${s.lowFreqFactor} high=${s.highFreqFactor} original=${s.originalContext}`);
      return { theta, scaling: s, honoured };
    }
    case 'dynamic': {
      // Dynamic NTK rescales only for sequences longer than the original context, which is the
      // context we train and generate within; refuse when the config says the original is shorter.
      const orig = spec.original_max_position_embeddings;
      if (typeof orig === 'number' && orig < j.max_position_embeddings) {
        refuse(`${field}.original_max_position_embeddings`, orig, `dynamic scaling would apply within max_position_embeddings ${j.max_position_embeddings}`);
      }
      honoured.push(`${field} dynamic (inactive within max_position_embeddings)`);
      return { theta, honoured };
    }
    default:
      return refuse(`${field}.rope_type`, kind, 'default, linear, llama3 or dynamic');
  }
}

/** Refuse a sliding window that would apply within the context; accept one that never does. */
function checkSlidingWindow(j: Record<string, any>, type: string, layers: number, context: number, honoured: string[]): void {
  let types: string[] | undefined = Array.isArray(j.layer_types) ? j.layer_types : undefined;
  // Qwen2 (transformers' Qwen2Config): layers from max_window_layers on slide when use_sliding_window.
  if (!types && type === 'qwen2' && j.use_sliding_window === true) {
    const from = typeof j.max_window_layers === 'number' ? j.max_window_layers : 28;
    types = Array.from({ length: layers }, (_, i) => (i >= from ? 'sliding_attention' : 'full_attention'));
  }
  const unknown = types?.find((t) => t !== 'full_attention' && t !== 'sliding_attention');
  if (unknown !== undefined) refuse('layer_types', unknown, 'full_attention or sliding_attention');
  const sliding = types?.filter((t) => t === 'sliding_attention').length ?? 0;
  if (sliding === 0) {
    if (j.use_sliding_window === true || types) honoured.push('sliding window: no layer slides');
    return;
  }
  const w = j.sliding_window;
  // A query attends to keys at most context-1 positions back; a window of at least the context never cuts.
  if (typeof w === 'number' && w < context) refuse('sliding_window', w, `${sliding} layer(s) slide with a window shorter than max_position_embeddings ${context}`);
  honoured.push(`sliding_window=${w} (never shorter than the context ${context})`);
}
