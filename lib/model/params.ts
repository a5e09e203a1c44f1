// Parameter layout (llm.c style): every parameter is a view of ONE flat f32 buffer, every gradient
// a view of one flat gradient buffer with the same offsets (AdamW's m and v, lib/train/adamw.ts,
// are flat buffers with this layout too). Views carry Hugging Face Qwen2/Llama tensor names so
// checkpoints need no renaming.
//
// The layout puts weight-decayed tensors (matrices, embeddings) first and non-decayed ones (norm
// weights, biases) after, each group one contiguous range, so AdamW runs once per group and the
// gradient norm and zeroing are one dispatch each over the whole buffer (the launchers split a
// range larger than one storage binding into pieces). Each tensor starts at a 256-byte boundary
// because WebGPU binds storage only at such offsets.
//
// Gradients are allocated on first use: evaluation and generation never touch them, and for a
// 0.5B model they are 2 GB that inference does not need.
import { alignedOffset, checkBindingFits, checkBufferFits, rowSpans, write, read, type GpuContext, type Tensor } from '../gpu/index.ts';
import { Rng } from '../util/rng.ts';
import { headDim, type ModelConfig } from './config.ts';

export interface ParamEntry {
  name: string;
  shape: number[];
  /** Element offset in the flat buffers. */
  offset: number;
  size: number;
  decay: boolean;
  /** Initial value: normal(0, std) when std > 0; `fill` otherwise. */
  init: { std: number; fill: number };
}

export interface ParamLayout {
  entries: ParamEntry[];
  /** Total elements of each flat buffer (including alignment padding). */
  total: number;
  /** Element ranges [start, end) of the decayed and non-decayed groups. */
  decay: [number, number];
  noDecay: [number, number];
  /** Parameter count (no padding). */
  count: number;
}

export const layerName = (l: number, rest: string): string => `model.layers.${l}.${rest}`;

/**
 * The layout for a config. Init follows GPT-2/llm.c: normal(0, 0.02) for matrices and embeddings,
 * 0.02/sqrt(2·layers) for the two projections that write into the residual stream (o_proj,
 * down_proj) so the residual's variance does not grow with depth, biases 0, RMSNorm weights 1.
 */
export function paramLayout(c: ModelConfig): ParamLayout {
  const dh = headDim(c);
  const q = c.heads * dh;
  const kv = c.kvHeads * dh;
  const std = 0.02;
  const residualStd = std / Math.sqrt(2 * c.layers);
  const specs: Omit<ParamEntry, 'offset' | 'size'>[] = [];
  const mat = (name: string, shape: number[], s = std) => specs.push({ name, shape, decay: true, init: { std: s, fill: 0 } });
  const vec = (name: string, n: number, fill: number) => specs.push({ name, shape: [n], decay: false, init: { std: 0, fill } });

  mat('model.embed_tokens.weight', [c.vocab, c.dModel]);
  for (let l = 0; l < c.layers; l++) {
    mat(layerName(l, 'self_attn.q_proj.weight'), [q, c.dModel]);
    mat(layerName(l, 'self_attn.k_proj.weight'), [kv, c.dModel]);
    mat(layerName(l, 'self_attn.v_proj.weight'), [kv, c.dModel]);
    mat(layerName(l, 'self_attn.o_proj.weight'), [c.dModel, q], residualStd);
    mat(layerName(l, 'mlp.gate_proj.weight'), [c.ffn, c.dModel]);
    mat(layerName(l, 'mlp.up_proj.weight'), [c.ffn, c.dModel]);
    mat(layerName(l, 'mlp.down_proj.weight'), [c.dModel, c.ffn], residualStd);
  }
  if (!c.tieEmbeddings) mat('lm_head.weight', [c.vocab, c.dModel]);
  for (let l = 0; l < c.layers; l++) {
    vec(layerName(l, 'input_layernorm.weight'), c.dModel, 1);
    if (c.qkvBias) {
      vec(layerName(l, 'self_attn.q_proj.bias'), q, 0);
      vec(layerName(l, 'self_attn.k_proj.bias'), kv, 0);
      vec(layerName(l, 'self_attn.v_proj.bias'), kv, 0);
    }
    if (c.attnOutBias) vec(layerName(l, 'self_attn.o_proj.bias'), c.dModel, 0);
    vec(layerName(l, 'post_attention_layernorm.weight'), c.dModel, 1);
  }
  vec('model.norm.weight', c.dModel, 1);

  const entries: ParamEntry[] = [];
  let at = 0;
  let decayEnd = 0;
  let count = 0;
  for (const s of specs) {
    if (!s.decay && decayEnd === 0) decayEnd = at;
    const size = s.shape.reduce((a, b) => a * b, 1);
    entries.push({ ...s, offset: at, size });
    at = alignedOffset(at + size);
    count += size;
  }
  return { entries, total: at, decay: [0, decayEnd], noDecay: [decayEnd, at], count };
}

/** Deterministic initial values of the flat buffer for `seed` (one forked stream per tensor). */
export function initialValues(layout: ParamLayout, seed: number): Float32Array {
  const flat = new Float32Array(layout.total);
  const root = new Rng(seed);
  layout.entries.forEach((e, i) => {
    const rng = root.fork(i);
    const dst = flat.subarray(e.offset, e.offset + e.size);
    if (e.init.std > 0) for (let j = 0; j < e.size; j++) dst[j] = rng.normal() * e.init.std;
    else dst.fill(e.init.fill);
  });
  return flat;
}

/** The GPU-resident parameters and gradients of one model. */
export class Parameters {
  readonly params: Tensor;
  private readonly pViews = new Map<string, Tensor>();
  private gViews: Map<string, Tensor> | undefined;
  private lazyGrads: Tensor | undefined;

  private constructor(
    readonly ctx: GpuContext,
    readonly config: ModelConfig,
    readonly layout: ParamLayout,
  ) {
    checkBufferFits(ctx.gpu, layout.total * 4, `the ${(layout.count / 1e6).toFixed(1)}M-parameter model (flat parameter buffer)`);
    // Only the embedding and the LM head are split (by vocabulary rows, in pieces of 64 rows; see
    // lib/ops/lmhead.ts); every other tensor is bound whole by its kernels.
    for (const e of layout.entries) {
      const what = `tensor ${e.name} [${e.shape.join(', ')}]`;
      if (e.name === 'model.embed_tokens.weight' || e.name === 'lm_head.weight') rowSpans(e.shape[0], e.shape[1], ctx.bindElements, what, 64);
      else checkBindingFits(ctx.gpu, ctx.bindElements * 4, e.size * 4, what);
    }
    this.params = ctx.pool.alloc([layout.total], 'params');
    for (const e of layout.entries) this.pViews.set(e.name, ctx.pool.view(this.params, e.offset, e.shape, e.name));
  }

  /** The flat gradient buffer (allocated, zeroed, on first use). */
  get grads(): Tensor {
    return (this.lazyGrads ??= this.ctx.pool.alloc([this.layout.total], 'grads'));
  }

  /** Freshly initialised parameters (zero gradients). */
  static init(ctx: GpuContext, config: ModelConfig, seed: number): Parameters {
    const p = new Parameters(ctx, config, paramLayout(config));
    write(ctx.gpu, p.params, initialValues(p.layout, seed));
    return p;
  }

  /** Parameters from named host tensors; a missing or mis-shaped tensor throws a one-line error. */
  static fromTensors(ctx: GpuContext, config: ModelConfig, tensors: ReadonlyMap<string, HostTensor>): Parameters {
    const layout = paramLayout(config);
    for (const e of layout.entries) {
      const t = tensors.get(e.name);
      if (!t) throw new Error(`checkpoint: tensor ${e.name} is missing`);
      if (t.shape.length !== e.shape.length || t.shape.some((d, i) => d !== e.shape[i])) {
        throw new Error(`checkpoint: tensor ${e.name} has shape [${t.shape.join(', ')}], the config needs [${e.shape.join(', ')}]`);
      }
    }
    const p = new Parameters(ctx, config, layout);
    // One write per tensor rather than one flat host copy: a 0.5B model's flat copy is another 2 GB.
    for (const e of layout.entries) write(ctx.gpu, p.params, tensors.get(e.name)!.data, e.offset);
    return p;
  }

  /** The parameter view with this Hugging Face name. */
  get(name: string): Tensor {
    const t = this.pViews.get(name);
    if (!t) throw new Error(`no parameter named ${name}`);
    return t;
  }

  /** The gradient view of the parameter with this name. */
  grad(name: string): Tensor {
    if (!this.gViews) {
      const grads = this.grads;
      this.gViews = new Map(this.layout.entries.map((e) => [e.name, this.ctx.pool.view(grads, e.offset, e.shape, `grad.${e.name}`)]));
    }
    const t = this.gViews.get(name);
    if (!t) throw new Error(`no parameter named ${name}`);
    return t;
  }

  /** The lm_head weight: the embedding table when tied. */
  get lmHeadName(): string {
    return this.config.tieEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight';
  }

  /** Read parameters (or gradients) back as named host tensors (one readback). */
  async toHost(which: 'params' | 'grads' = 'params'): Promise<Map<string, HostTensor>> {
    const flat = await read(this.ctx.gpu, which === 'params' ? this.params : this.grads);
    const out = new Map<string, HostTensor>();
    for (const e of this.layout.entries) out.set(e.name, { shape: e.shape, data: flat.slice(e.offset, e.offset + e.size) });
    return out;
  }
}

export interface HostTensor {
  shape: number[];
  data: Float32Array;
}
