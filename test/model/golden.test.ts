// llm.c-style golden test: test/golden/make_golden.py builds the same tiny decoder independently
// in PyTorch (float64) and saves its parameters, inputs, logits, per-token loss, every parameter
// gradient and the loss over 10 AdamW steps. Our WebGPU path (f32) must reproduce them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { read } from '../../lib/gpu/index.ts';
import { fromHfConfig } from '../../lib/model/config.ts';
import { Model } from '../../lib/model/model.ts';
import { Parameters, type HostTensor } from '../../lib/model/params.ts';
import { decodeSafetensors } from '../../lib/model/safetensors.ts';
import { AdamW } from '../../lib/train/adamw.ts';
import { TrainStep } from '../../lib/train/step.ts';
import { maxScaledError, useGpu } from '../helpers/gpu.ts';

const { ctx } = useGpu();

function fixture(family: string) {
  const f = decodeSafetensors(readFileSync(new URL(`../golden/${family}.safetensors`, import.meta.url)));
  const t = (name: string) => f.tensors.get(name)!.data;
  const params = new Map<string, HostTensor>();
  const grads = new Map<string, Float32Array>();
  for (const [name, v] of f.tensors) {
    if (name.startsWith('param.')) params.set(name.slice(6), v);
    if (name.startsWith('grad.')) grads.set(name.slice(5), v.data);
  }
  const adam = JSON.parse(f.metadata.adamw);
  return {
    config: fromHfConfig(f.metadata.config),
    batch: Number(f.metadata.batch),
    seqLen: Number(f.metadata.seqLen),
    ids: t('ids'),
    targets: t('targets'),
    weights: t('weights'),
    logits: t('logits'),
    loss: t('loss_per_token'),
    logprob: t('logprob'),
    params,
    grads,
    adam,
    adamLosses: t('adamw_losses'),
  };
}

function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  return m;
}

describe.each(['qwen-like', 'llama-like'])('golden %s (PyTorch float64 reference)', (family) => {
  it('matches logits, per-token loss and every parameter gradient', async () => {
    const c = ctx();
    const fx = fixture(family);
    const { eosTokenId: _e, bosTokenId: _b, ...config } = fx.config;
    const model = new Model(c, Parameters.fromTensors(c, config, fx.params));
    const acts = model.activations(fx.batch, fx.seqLen);
    model.setBatch(acts, { ids: fx.ids, targets: fx.targets, weights: fx.weights });
    model.zeroGrad();
    model.forwardLogits(acts);
    model.loss(acts, true);
    model.backward(acts);
    c.rec.submit();
    // f32 through two layers: logits to 1e-4 absolute (their scale is ~1-3), loss to 1e-5.
    expect(maxScaledError(await read(c.gpu, acts.logits), fx.logits, 1e-4, 1e-4)).toBeLessThanOrEqual(1);
    expect(maxScaledError(await read(c.gpu, acts.loss), fx.loss, 1e-5, 1e-4)).toBeLessThanOrEqual(1);
    expect(maxScaledError(await read(c.gpu, acts.logprob), fx.logprob, 1e-5, 1e-4)).toBeLessThanOrEqual(1);
    const grads = await model.params.toHost('grads');
    expect([...grads.keys()].sort()).toEqual([...fx.grads.keys()].sort());
    for (const [name, want] of fx.grads) {
      // Each gradient to 1e-3 of its tensor's largest entry (f32 accumulation over 14 tokens).
      const err = maxScaledError(grads.get(name)!.data, want, 1e-3 * maxAbs(want), 1e-3);
      expect(err, name).toBeLessThanOrEqual(1);
    }
  });

  it('follows the reference loss over 10 AdamW steps', async () => {
    const c = ctx();
    const fx = fixture(family);
    const { eosTokenId: _e, bosTokenId: _b, ...config } = fx.config;
    const model = new Model(c, Parameters.fromTensors(c, config, fx.params));
    const acts = model.activations(fx.batch, fx.seqLen);
    const opt = { beta1: fx.adam.beta1, beta2: fx.adam.beta2, eps: fx.adam.eps, weightDecay: fx.adam.weight_decay, maxGradNorm: fx.adam.max_grad_norm };
    const trainer = new TrainStep(model, new AdamW(model, opt));
    const readers = [];
    for (let s = 0; s < fx.adam.steps; s++) readers.push(trainer.run(acts, s === 0 ? { ids: fx.ids, targets: fx.targets, weights: fx.weights } : undefined, fx.adam.lr));
    const losses = [];
    for (const r of readers) losses.push((await r.stats()).loss);
    const final = await model.score({ batch: fx.batch, seqLen: fx.seqLen, ids: fx.ids, targets: fx.targets, weights: fx.weights });
    losses.push(final.loss.reduce((a, b) => a + b, 0));
    // The trajectory drops from ~4.5 to ~0.1-0.3; f32 vs float64 drift stays within 1% of each value.
    expect(maxScaledError(losses, fx.adamLosses, 1e-3, 1e-2)).toBeLessThanOrEqual(1);
  });
});
