// AdamW as the trainers use it: its hyper-parameters (defaults in one place), its state on disk,
// and the gradient norm its update computes. The update itself is one kernel launch per parameter
// group (lib/ops/adamw.ts), recorded by Model.optimizerStep after the norm of all gradients
// (lib/ops/gradnorm.ts), which clips the update when maxGradNorm > 0; the moments m and v are flat
// buffers laid out like the parameters (lib/model/params.ts), and the step count t is Model.step.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { read, write } from '../gpu/index.ts';
import type { Model, OptimizerConfig } from '../model/model.ts';
import { decodeSafetensors, encodeSafetensors } from '../model/safetensors.ts';
import { writeFileAtomic } from '../util/atomic.ts';

export type AdamWConfig = OptimizerConfig;

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

/** The gradient norm of the last optimizer step (the norm Model.optimizerStep computed to clip). */
export async function lastGradNorm(model: Model): Promise<number> {
  return Math.sqrt((await read(model.ctx.gpu, model.gradNormSq))[0]);
}

const FILE = 'optimizer.safetensors';

/** Write AdamW's state (m, v and the step count) into a checkpoint folder. */
export async function saveAdamW(dir: string, model: Model): Promise<void> {
  const P = model.params;
  const [m, v] = [await read(model.ctx.gpu, P.m), await read(model.ctx.gpu, P.v)];
  writeFileAtomic(join(dir, FILE), encodeSafetensors(new Map([
    ['adam.m', { shape: [m.length], data: m }],
    ['adam.v', { shape: [v.length], data: v }],
  ]), { adam_step: String(model.step) }));
}

/** Restore AdamW's state saved by saveAdamW into `model` (whose parameters came from the same folder). */
export function loadAdamW(dir: string, model: Model): void {
  const opt = decodeSafetensors(readFileSync(join(dir, FILE)), dir);
  const m = opt.tensors.get('adam.m'), v = opt.tensors.get('adam.v');
  if (!m || !v || m.data.length !== model.params.m.size) throw new Error(`checkpoint ${dir}: ${FILE} does not match the model`);
  write(model.ctx.gpu, model.params.m, m.data);
  write(model.ctx.gpu, model.params.v, v.data);
  model.step = Number(opt.metadata.adam_step);
}
