// The decoder (Qwen2 / Llama): forward and backward written out op by op, llm.c style. Every
// launcher only records onto ctx.rec; nothing is read back inside a step, so a training step
// (lib/train/step.ts: these passes, then the optimizer) is one submit. Activations for a
// (batch, seqLen) shape are allocated once and reused. The model holds parameters and gradients;
// the optimizer and its state are training's (lib/train/adamw.ts).
//
// Per layer l, with x_l the residual stream:
//   h1 = rmsnorm(x_l)            q,k,v = h1 W^T (+b)     q,k = rope(q,k)
//   a  = attention(q,k,v)        r_l = x_l + a Wo^T (+b_o: Llama attention_bias)
//   h2 = rmsnorm(r_l)            s = silu(h2 Wg^T) * (h2 Wu^T)
//   x_{l+1} = r_l + s Wd^T
// then logits = rmsnorm(x_L) W_lm^T and the per-token loss  -w_t log p(target_t).
// The per-token weights w are the caller's (the training methods build them); the model only
// minimises sum_t w_t (-log p_t), so pass w / sum(w) for a per-token mean.
//
// Tensors larger than one storage binding (a real vocabulary's embedding, LM head and logits; the
// flat parameter buffers of a large model) are split by the launchers (lmhead.ts, embedding.ts,
// crossentropy.ts; the optimizer's adamw.ts, gradnorm.ts); everything else is bound whole, and a
// shape whose whole-bound tensors do not fit is refused in one line when its buffers are made.
import { checkBindingFits, checkBufferFits, read, write, type GpuContext, type Tensor } from '../gpu/index.ts';
import { add } from '../ops/add.ts';
import { attentionBackward, attentionForward } from '../ops/attention.ts';
import { crossEntropy } from '../ops/crossentropy.ts';
import { embeddingBackward, embeddingForward } from '../ops/embedding.ts';
import { lmHeadBackward, lmHeadForward, tokenSpans } from '../ops/lmhead.ts';
import { matmul } from '../ops/matmul.ts';
import { columnSum } from '../ops/reduce.ts';
import { rmsnormBackward, rmsnormForward } from '../ops/rmsnorm.ts';
import { ropeBackward, ropeForward } from '../ops/rope.ts';
import { swigluBackward, swigluForward } from '../ops/swiglu.ts';
import { headDim, type ModelConfig } from './config.ts';
import { layerName, Parameters } from './params.ts';

/** Activations of one layer, kept for the backward pass. */
interface LayerActs {
  h1: Tensor;
  rstd1: Tensor;
  q: Tensor;
  k: Tensor;
  v: Tensor;
  att: Tensor;
  lse: Tensor;
  r: Tensor;
  h2: Tensor;
  rstd2: Tensor;
  gate: Tensor;
  up: Tensor;
  s: Tensor;
}

/** Gradient scratch, shared by all layers (allocated on the first backward). */
interface GradActs {
  dlogits: Tensor;
  dx: Tensor;
  dh: Tensor;
  datt: Tensor;
  dq: Tensor;
  dk: Tensor;
  dv: Tensor;
  ds: Tensor;
  dgate: Tensor;
  dup: Tensor;
}

/** Everything one (batch, seqLen) shape needs on the device: inputs, activations, outputs. */
export class Activations {
  readonly rows: number;
  /** Inputs: token ids, targets (u32), per-token loss weights (f32), positions (u32), all [rows]. */
  readonly ids: Tensor;
  readonly targets: Tensor;
  readonly weights: Tensor;
  readonly positions: Tensor;
  /** x_0 .. x_L: the residual stream entering each layer, and leaving the last one. */
  readonly x: Tensor[];
  readonly layers: LayerActs[];
  readonly proj: Tensor; // o_proj / down_proj output before the residual add
  readonly hf: Tensor;
  readonly rstdf: Tensor;
  readonly logits: Tensor;
  /** Outputs of the loss, per token: -w log p, log p, entropy of p. */
  readonly loss: Tensor;
  readonly logprob: Tensor;
  readonly entropy: Tensor;
  private gradActs: GradActs | undefined;
  private readonly owned: Tensor[] = [];

  constructor(
    readonly ctx: GpuContext,
    readonly config: ModelConfig,
    readonly batch: number,
    readonly seqLen: number,
  ) {
    const c = config;
    const n = (this.rows = batch * seqLen);
    const qd = c.heads * headDim(c);
    const kvd = c.kvHeads * headDim(c);
    // Refuse before allocating anything: activations other than the logits are bound whole (the
    // widest is [rows, widest]); the logits only need one buffer and one row per binding.
    const widest = Math.max(c.dModel, qd, c.ffn);
    checkBindingFits(ctx.gpu, ctx.bindElements * 4, n * widest * 4, `activations [${n}, ${widest}] of batch ${batch} x ${seqLen}`);
    checkBufferFits(ctx.gpu, n * c.vocab * 4, `tensor logits[${batch}x${seqLen}] [${n}, ${c.vocab}]`);
    tokenSpans(ctx, { rows: n, vocab: c.vocab, dim: c.dModel }, `tensor logits[${batch}x${seqLen}] [${n}, ${c.vocab}]`);
    const a = (shape: number[], name: string, dtype: 'f32' | 'u32' = 'f32') => {
      const t = ctx.pool.alloc(shape, `${name}[${batch}x${seqLen}]`, dtype);
      this.owned.push(t);
      return t;
    };
    this.ids = a([n], 'ids', 'u32');
    this.targets = a([n], 'targets', 'u32');
    this.weights = a([n], 'weights');
    this.positions = a([n], 'positions', 'u32');
    this.x = Array.from({ length: c.layers + 1 }, (_, l) => a([n, c.dModel], `x${l}`));
    this.layers = Array.from({ length: c.layers }, (_, l) => ({
      h1: a([n, c.dModel], `h1.${l}`),
      rstd1: a([n], `rstd1.${l}`),
      q: a([n, qd], `q.${l}`),
      k: a([n, kvd], `k.${l}`),
      v: a([n, kvd], `v.${l}`),
      att: a([n, qd], `att.${l}`),
      lse: a([batch * c.heads * seqLen], `lse.${l}`),
      r: a([n, c.dModel], `r.${l}`),
      h2: a([n, c.dModel], `h2.${l}`),
      rstd2: a([n], `rstd2.${l}`),
      gate: a([n, c.ffn], `gate.${l}`),
      up: a([n, c.ffn], `up.${l}`),
      s: a([n, c.ffn], `s.${l}`),
    }));
    this.proj = a([n, c.dModel], 'proj');
    this.hf = a([n, c.dModel], 'hf');
    this.rstdf = a([n], 'rstdf');
    this.logits = a([n, c.vocab], 'logits');
    this.loss = a([n], 'loss');
    this.logprob = a([n], 'logprob');
    this.entropy = a([n], 'entropy');
  }

  /** Release this shape's device memory; the object must not be used afterwards. */
  free(): void {
    for (const t of this.owned) this.ctx.pool.free(t);
    this.owned.length = 0;
    this.gradActs = undefined;
  }

  get grads(): GradActs {
    if (!this.gradActs) {
      const c = this.config;
      const n = this.rows;
      const qd = c.heads * headDim(c);
      const kvd = c.kvHeads * headDim(c);
      const a = (shape: number[], name: string) => {
        const t = this.ctx.pool.alloc(shape, `${name}[${this.batch}x${this.seqLen}]`);
        this.owned.push(t);
        return t;
      };
      this.gradActs = {
        dlogits: a([n, c.vocab], 'dlogits'),
        dx: a([n, c.dModel], 'dx'),
        dh: a([n, c.dModel], 'dh'),
        datt: a([n, qd], 'datt'),
        dq: a([n, qd], 'dq'),
        dk: a([n, kvd], 'dk'),
        dv: a([n, kvd], 'dv'),
        ds: a([n, c.ffn], 'ds'),
        dgate: a([n, c.ffn], 'dgate'),
        dup: a([n, c.ffn], 'dup'),
      };
    }
    return this.gradActs;
  }
}

/** Host-side batch: row-major [batch, seqLen] token ids, targets, loss weights, positions. */
export interface Batch {
  ids: ArrayLike<number>;
  targets?: ArrayLike<number>;
  weights?: ArrayLike<number>;
  /** Defaults to 0..seqLen-1 in every row. */
  positions?: ArrayLike<number>;
}

/** Computes attention of one layer from acts' q, k, v into its att (training and prefill: causal). */
export type AttentionStep = (layer: number, la: LayerActs, acts: Activations) => void;

export class Model {
  readonly config: ModelConfig;
  private readonly actsByShape = new Map<string, Activations>();

  constructor(
    readonly ctx: GpuContext,
    readonly params: Parameters,
  ) {
    this.config = params.config;
  }

  static init(ctx: GpuContext, config: ModelConfig, seed: number): Model {
    return new Model(ctx, Parameters.init(ctx, config, seed));
  }

  /** The activations for (batch, seqLen), allocated on first use and reused. */
  activations(batch: number, seqLen: number): Activations {
    if (seqLen > this.config.context) throw new Error(`sequence length ${seqLen} exceeds the model context ${this.config.context}`);
    const key = `${batch}x${seqLen}`;
    let a = this.actsByShape.get(key);
    if (!a) this.actsByShape.set(key, (a = new Activations(this.ctx, this.config, batch, seqLen)));
    return a;
  }

  /** Free every cached activation set (e.g. after evaluation with many shapes). */
  dropActivations(): void {
    for (const a of this.actsByShape.values()) a.free();
    this.actsByShape.clear();
    this.ctx.rec.resetBindGroups();
  }

  /** Write a host batch into the activations' input tensors (queued before the next submit). */
  setBatch(acts: Activations, b: Batch): void {
    const { gpu } = this.ctx;
    const n = acts.rows;
    const check = (x: ArrayLike<number>, what: string) => {
      if (x.length !== n) throw new Error(`batch: ${what} has ${x.length} entries, expected ${acts.batch}x${acts.seqLen} = ${n}`);
    };
    check(b.ids, 'ids');
    for (let i = 0; i < n; i++) {
      if (!(b.ids[i] >= 0 && b.ids[i] < this.config.vocab)) throw new Error(`batch: token id ${b.ids[i]} at ${i} is outside the vocabulary of ${this.config.vocab}`);
    }
    write(gpu, acts.ids, b.ids);
    if (b.targets) {
      check(b.targets, 'targets');
      write(gpu, acts.targets, b.targets);
    }
    if (b.weights) {
      check(b.weights, 'weights');
      write(gpu, acts.weights, b.weights);
    }
    const pos = b.positions ?? Uint32Array.from({ length: n }, (_, i) => i % acts.seqLen);
    check(pos, 'positions');
    write(gpu, acts.positions, pos);
  }

  /** Causal self-attention over the activations' own sequence (training, scoring, prefill). */
  readonly causalAttention: AttentionStep = (_l, la, acts) => {
    const c = this.config;
    attentionForward(this.ctx, la.q, la.k, la.v, la.att, la.lse, {
      batch: acts.batch,
      seqLen: acts.seqLen,
      heads: c.heads,
      kvHeads: c.kvHeads,
      headDim: headDim(c),
    });
  };

  /**
   * Record embedding → layers → final norm → logits. `attention` replaces the causal attention
   * (the KV-cache decode step); `logitBias` [vocab] is added to every row (e.g. -1e9 on EOS).
   */
  forwardLogits(acts: Activations, attention: AttentionStep = this.causalAttention, logitBias?: Tensor): void {
    const { ctx, params: P } = this;
    const c = this.config;
    const rows = acts.rows;
    const D = c.dModel;
    const qd = c.heads * headDim(c);
    const kvd = c.kvHeads * headDim(c);
    const rope = { rows, headDim: headDim(c), theta: c.ropeTheta, scaling: c.ropeScaling };
    const linear = (x: Tensor, w: string, y: Tensor, out: number, inp: number, bias?: string) =>
      matmul(ctx, x, P.get(w), y, { m: rows, n: out, k: inp, transB: true, bias: bias ? P.get(bias) : undefined });

    embeddingForward(ctx, acts.ids, P.get('model.embed_tokens.weight'), acts.x[0], { rows, dim: D, vocab: c.vocab });
    for (let l = 0; l < c.layers; l++) {
      const la = acts.layers[l];
      const p = (rest: string) => layerName(l, rest);
      const bias = (proj: string) => (c.qkvBias ? p(`self_attn.${proj}.bias`) : undefined);
      rmsnormForward(ctx, acts.x[l], P.get(p('input_layernorm.weight')), la.h1, la.rstd1, { rows, dim: D, eps: c.rmsEps });
      linear(la.h1, p('self_attn.q_proj.weight'), la.q, qd, D, bias('q_proj'));
      linear(la.h1, p('self_attn.k_proj.weight'), la.k, kvd, D, bias('k_proj'));
      linear(la.h1, p('self_attn.v_proj.weight'), la.v, kvd, D, bias('v_proj'));
      ropeForward(ctx, la.q, acts.positions, la.q, { ...rope, heads: c.heads });
      ropeForward(ctx, la.k, acts.positions, la.k, { ...rope, heads: c.kvHeads });
      attention(l, la, acts);
      linear(la.att, p('self_attn.o_proj.weight'), acts.proj, D, qd, c.attnOutBias ? p('self_attn.o_proj.bias') : undefined);
      add(ctx, acts.x[l], acts.proj, la.r);
      rmsnormForward(ctx, la.r, P.get(p('post_attention_layernorm.weight')), la.h2, la.rstd2, { rows, dim: D, eps: c.rmsEps });
      linear(la.h2, p('mlp.gate_proj.weight'), la.gate, c.ffn, D);
      linear(la.h2, p('mlp.up_proj.weight'), la.up, c.ffn, D);
      swigluForward(ctx, la.gate, la.up, la.s, { rows, ffn: c.ffn });
      linear(la.s, p('mlp.down_proj.weight'), acts.proj, D, c.ffn);
      add(ctx, la.r, acts.proj, acts.x[l + 1]);
    }
    rmsnormForward(ctx, acts.x[c.layers], P.get('model.norm.weight'), acts.hf, acts.rstdf, { rows, dim: D, eps: c.rmsEps });
    lmHeadForward(ctx, acts.hf, P.get(P.lmHeadName), acts.logits, { rows, vocab: c.vocab, dim: D, bias: logitBias });
  }

  /**
   * Record the per-token loss, log-prob and entropy from the logits and acts.weights; with
   * `grad`, also dlogits for backward(). GRPO calls it twice: once for log-probs, then (after
   * its weights are computed on the device into acts.weights) with `grad`.
   */
  loss(acts: Activations, grad: boolean): void {
    crossEntropy(
      this.ctx,
      acts.logits,
      acts.targets,
      acts.weights,
      { loss: acts.loss, logprob: acts.logprob, entropy: acts.entropy, dlogits: grad ? acts.grads.dlogits : undefined },
      { rows: acts.rows, vocab: this.config.vocab, temperature: 1, gradScale: 1 },
    );
  }

  /** Record forward + loss (no gradients). */
  forward(acts: Activations): void {
    this.forwardLogits(acts);
    this.loss(acts, false);
  }

  /** Zero the flat gradient buffer (backward accumulates every parameter gradient; a clear binds nothing, so it is never split). */
  zeroGrad(): void {
    this.ctx.rec.clear(this.params.grads);
  }

  /**
   * Record the backward pass from acts.grads.dlogits, accumulating into the parameter gradients.
   * Mirrors forwardLogits in reverse; the residual gradient flows in g.dx.
   */
  backward(acts: Activations): void {
    const { ctx, params: P } = this;
    const c = this.config;
    const g = acts.grads;
    const rows = acts.rows;
    const D = c.dModel;
    const qd = c.heads * headDim(c);
    const kvd = c.kvHeads * headDim(c);
    const rope = { rows, headDim: headDim(c), theta: c.ropeTheta, scaling: c.ropeScaling };
    // y = x W^T:  dx (=|+=) dy W ;  dW += dy^T x
    const dInput = (dy: Tensor, w: string, dx: Tensor, out: number, inp: number, accumulate = false) => matmul(ctx, dy, P.get(w), dx, { m: rows, n: inp, k: out, accumulate });
    const dWeight = (dy: Tensor, x: Tensor, w: string, out: number, inp: number) => matmul(ctx, dy, x, P.grad(w), { m: out, n: inp, k: rows, transA: true, accumulate: true });

    lmHeadBackward(ctx, g.dlogits, acts.hf, P.get(P.lmHeadName), P.grad(P.lmHeadName), g.dh, { rows, vocab: c.vocab, dim: D });
    rmsnormBackward(ctx, g.dh, acts.x[c.layers], P.get('model.norm.weight'), acts.rstdf, g.dx, P.grad('model.norm.weight'), {
      rows,
      dim: D,
      accumulateDx: false,
      accumulateDweight: true,
    });
    for (let l = c.layers - 1; l >= 0; l--) {
      const la = acts.layers[l];
      const p = (rest: string) => layerName(l, rest);
      // MLP: x_{l+1} = r + down(swiglu(gate(h2), up(h2)))
      dInput(g.dx, p('mlp.down_proj.weight'), g.ds, D, c.ffn);
      dWeight(g.dx, la.s, p('mlp.down_proj.weight'), D, c.ffn);
      swigluBackward(ctx, g.ds, la.gate, la.up, g.dgate, g.dup, { rows, ffn: c.ffn });
      dInput(g.dgate, p('mlp.gate_proj.weight'), g.dh, c.ffn, D);
      dInput(g.dup, p('mlp.up_proj.weight'), g.dh, c.ffn, D, true);
      dWeight(g.dgate, la.h2, p('mlp.gate_proj.weight'), c.ffn, D);
      dWeight(g.dup, la.h2, p('mlp.up_proj.weight'), c.ffn, D);
      rmsnormBackward(ctx, g.dh, la.r, P.get(p('post_attention_layernorm.weight')), la.rstd2, g.dx, P.grad(p('post_attention_layernorm.weight')), {
        rows,
        dim: D,
        accumulateDx: true,
        accumulateDweight: true,
      });
      // Attention: r = x_l + o_proj(attention(rope(q), rope(k), v))
      dInput(g.dx, p('self_attn.o_proj.weight'), g.datt, D, qd);
      dWeight(g.dx, la.att, p('self_attn.o_proj.weight'), D, qd);
      if (c.attnOutBias) columnSum(ctx, g.dx, P.grad(p('self_attn.o_proj.bias')), { rows, n: D, accumulate: true });
      attentionBackward(ctx, g.datt, la.q, la.k, la.v, la.att, la.lse, g.dq, g.dk, g.dv, {
        batch: acts.batch,
        seqLen: acts.seqLen,
        heads: c.heads,
        kvHeads: c.kvHeads,
        headDim: headDim(c),
      });
      ropeBackward(ctx, g.dq, acts.positions, g.dq, { ...rope, heads: c.heads });
      ropeBackward(ctx, g.dk, acts.positions, g.dk, { ...rope, heads: c.kvHeads });
      const qkv: [Tensor, string, number][] = [
        [g.dq, 'q_proj', qd],
        [g.dk, 'k_proj', kvd],
        [g.dv, 'v_proj', kvd],
      ];
      qkv.forEach(([dy, proj, out], i) => {
        dInput(dy, p(`self_attn.${proj}.weight`), g.dh, out, D, i > 0);
        dWeight(dy, la.h1, p(`self_attn.${proj}.weight`), out, D);
        if (c.qkvBias) columnSum(ctx, dy, P.grad(p(`self_attn.${proj}.bias`)), { rows, n: out, accumulate: true });
      });
      rmsnormBackward(ctx, g.dh, acts.x[l], P.get(p('input_layernorm.weight')), la.rstd1, g.dx, P.grad(p('input_layernorm.weight')), {
        rows,
        dim: D,
        accumulateDx: true,
        accumulateDweight: true,
      });
    }
    embeddingBackward(ctx, acts.ids, g.dx, P.grad('model.embed_tokens.weight'), { rows, dim: D, vocab: c.vocab, accumulate: true });
  }

  /** Forward + loss for a host batch; reads back per-token loss, log-prob and entropy. */
  async score(batch: Batch & { batch: number; seqLen: number }): Promise<{ loss: Float32Array; logprob: Float32Array; entropy: Float32Array; logits: Float32Array }> {
    const acts = this.activations(batch.batch, batch.seqLen);
    this.setBatch(acts, {
      ...batch,
      targets: batch.targets ?? new Uint32Array(acts.rows),
      weights: batch.weights ?? new Float32Array(acts.rows).fill(1),
    });
    this.forward(acts);
    this.ctx.rec.submit();
    const { gpu } = this.ctx;
    return {
      loss: await read(gpu, acts.loss),
      logprob: await read(gpu, acts.logprob),
      entropy: await read(gpu, acts.entropy),
      logits: await read(gpu, acts.logits),
    };
  }
}
