// AdamW as the trainers use it: its hyper-parameters (defaults in one place), its state (the
// moments m and v, flat buffers laid out like the parameters of lib/model/params.ts, and the step
// count t), that state on disk, and the gradient norm its update computes. One update is the norm
// of all gradients (lib/ops/gradnorm.ts), which clips the update when maxGradNorm > 0, then one
// kernel launch per parameter group (lib/ops/adamw.ts), recorded onto the model's context. The
// model only supplies parameters and gradients; it knows nothing of the optimizer.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { read, write, type Tensor } from '../gpu/index.ts';
import type { Model } from '../model/model.ts';
import { decodeSafetensors, encodeSafetensors } from '../model/safetensors.ts';
import { adamw, adamwStepScalars } from '../ops/adamw.ts';
import { gradNormSq } from '../ops/gradnorm.ts';
import { writeFileAtomic } from '../util/atomic.ts';

export interface AdamWConfig {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Clip the global gradient norm to this; 0 disables clipping. */
  maxGradNorm: number;
}

/** The AdamW settings every run starts from (GPT-style: β2 0.95, decoupled decay 0.1, clip at 1). */
export const ADAMW_DEFAULTS: AdamWConfig = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, maxGradNorm: 1.0 };

/** GRPO's AdamW: β2 0.99 and no weight decay (a policy-gradient step is small and noisy), clipped at `maxGradNorm`. */
export function grpoAdamW(maxGradNorm: number): AdamWConfig {
  return { ...ADAMW_DEFAULTS, beta2: 0.99, weightDecay: 0, maxGradNorm };
}

/** The AdamW part of a larger config (a scale's optimiser settings carry steps, lr, ... too). */
export function adamwOf(o: AdamWConfig): AdamWConfig {
  return { beta1: o.beta1, beta2: o.beta2, eps: o.eps, weightDecay: o.weightDecay, maxGradNorm: o.maxGradNorm };
}

const FILE = 'optimizer.safetensors';

interface Group {
  params: Tensor;
  grads: Tensor;
  m: Tensor;
  v: Tensor;
  n: number;
  decay: boolean;
}

/** AdamW over one model's parameters: its moments live here, allocated (zeroed) when it is made. */
export class AdamW {
  /** Updates taken (t of the bias corrections); load() restores it. */
  step = 0;
  /** The squared gradient norm that the last update computed and clipped by. */
  readonly gradNormSq: Tensor;
  private readonly stepScalars: Tensor;
  private readonly m: Tensor;
  private readonly v: Tensor;
  private readonly groups: Group[];

  constructor(
    readonly model: Model,
    readonly config: AdamWConfig = ADAMW_DEFAULTS,
  ) {
    const { pool } = model.ctx;
    const P = model.params;
    this.stepScalars = pool.alloc([4], 'stepScalars');
    this.gradNormSq = pool.alloc([1], 'gradNormSq');
    this.m = pool.alloc([P.layout.total], 'adam.m');
    this.v = pool.alloc([P.layout.total], 'adam.v');
    // One group per contiguous range of the layout: decayed tensors first, then the rest.
    this.groups = (
      [
        [true, P.layout.decay],
        [false, P.layout.noDecay],
      ] as const
    ).map(([decay, [start, end]]) => {
      const n = end - start;
      const tag = decay ? 'decay' : 'nodecay';
      return {
        params: pool.view(P.params, start, [n], `params.${tag}`),
        grads: pool.view(P.grads, start, [n], `grads.${tag}`),
        m: pool.view(this.m, start, [n], `m.${tag}`),
        v: pool.view(this.v, start, [n], `v.${tag}`),
        n,
        decay,
      };
    });
  }

  /**
   * Record the gradient norm and one update per parameter group from the model's gradients.
   * Advances `step`; lr and the bias corrections go in a tensor written before the submit.
   */
  record(lr: number): void {
    const { ctx } = this.model;
    const c = this.config;
    this.step++;
    write(ctx.gpu, this.stepScalars, adamwStepScalars(this.step, lr, c.beta1, c.beta2));
    gradNormSq(ctx, this.model.params.grads, this.gradNormSq);
    for (const g of this.groups) {
      adamw(ctx, g.params, g.grads, g.m, g.v, this.stepScalars, this.gradNormSq, {
        n: g.n,
        beta1: c.beta1,
        beta2: c.beta2,
        eps: c.eps,
        weightDecay: g.decay ? c.weightDecay : 0,
        maxGradNorm: c.maxGradNorm,
      });
    }
  }

  /** The gradient norm of the last update (before clipping), once it has been submitted. */
  async gradNorm(): Promise<number> {
    return Math.sqrt((await read(this.model.ctx.gpu, this.gradNormSq))[0]);
  }

  /** Write the state (m, v and the step count) into a checkpoint folder. */
  async save(dir: string): Promise<void> {
    const { gpu } = this.model.ctx;
    const [m, v] = [await read(gpu, this.m), await read(gpu, this.v)];
    writeFileAtomic(
      join(dir, FILE),
      encodeSafetensors(
        new Map([
          ['adam.m', { shape: [m.length], data: m }],
          ['adam.v', { shape: [v.length], data: v }],
        ]),
        { adam_step: String(this.step) },
      ),
    );
  }

  /** Restore the state that save() wrote for a model of the same shape. */
  load(dir: string): void {
    const opt = decodeSafetensors(readFileSync(join(dir, FILE)), dir);
    const m = opt.tensors.get('adam.m'),
      v = opt.tensors.get('adam.v');
    if (!m || !v || m.data.length !== this.m.size || v.data.length !== this.v.size) throw new Error(`checkpoint ${dir}: ${FILE} does not match the model`);
    write(this.model.ctx.gpu, this.m, m.data);
    write(this.model.ctx.gpu, this.v, v.data);
    this.step = Number(opt.metadata.adam_step);
  }

  /** Release the moments and scalars; the optimizer must not be used afterwards. */
  free(): void {
    const { pool } = this.model.ctx;
    for (const t of [this.m, this.v, this.stepScalars, this.gradNormSq]) pool.free(t);
    this.model.ctx.rec.resetBindGroups(); // cached bind groups may name the freed buffers
  }
}
