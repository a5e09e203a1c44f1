// Finite-difference check of the whole tiny model's backward pass, independent of the PyTorch
// fixture: for every parameter tensor P with gradient g, move P along u = g/|g| and compare the
// central difference (L(P + eps u) - L(P - eps u)) / 2 eps with the analytic directional
// derivative g . u = |g|. Along the gradient the signal is largest, so f32 noise stays small; a
// wrong sign, scale or missing term in any tensor's gradient shows up directly.
import { describe, expect, it } from 'vitest';
import { read, write } from '../../lib/gpu/index.ts';
import { presetConfig, type Family } from '../../lib/model/config.ts';
import { Model } from '../../lib/model/model.ts';
import { AdamW } from '../../lib/train/adamw.ts';
import { TrainStep } from '../../lib/train/step.ts';
import { Rng } from '../../lib/util/rng.ts';
import { useGpu } from '../helpers/gpu.ts';

const { ctx } = useGpu();
const V = 29;

describe.each(['qwen-like', 'llama-like'] as Family[])('finite differences, %s tiny', (family) => {
  it('every tensor gradient matches the central difference along it within 3% (+2e-4)', async () => {
    const c = ctx();
    const model = Model.init(c, presetConfig(family, 'tiny', V), 21);
    const B = 2;
    const T = 11;
    const rng = new Rng(4);
    const n = B * T;
    const ids = Uint32Array.from({ length: n }, () => rng.int(0, V - 1));
    const targets = Uint32Array.from({ length: n }, () => rng.int(0, V - 1));
    // Uneven weights with zeros, as the training methods produce.
    const weights = Float32Array.from({ length: n }, (_, i) => (i % 5 === 1 ? 0 : (1 + (i % 3)) / n));
    const acts = model.activations(B, T);
    model.setBatch(acts, { ids, targets, weights });
    // The init's tiny residual projections make some gradients vanish; a few steps wake them up.
    const trainer = new TrainStep(model, new AdamW(model, { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0, maxGradNorm: 0 }));
    for (let s = 0; s < 5; s++) trainer.run(acts, undefined, 3e-2);
    model.zeroGrad();
    model.forwardLogits(acts);
    model.loss(acts, true);
    model.backward(acts);
    c.rec.submit();
    const grads = await model.params.toHost('grads');
    const params = await model.params.toHost('params');
    const lossAt = async () => {
      model.forward(acts);
      c.rec.submit();
      const l = await read(c.gpu, acts.loss);
      return l.reduce((a, b) => a + b, 0);
    };
    const eps = 1e-2;
    for (const [name, g] of grads) {
      const norm = Math.hypot(...g.data);
      const p = params.get(name)!.data;
      const view = model.params.get(name);
      const shifted = (sign: number) => p.map((x, i) => x + (sign * eps * g.data[i]) / norm);
      write(c.gpu, view, shifted(1));
      const up = await lossAt();
      write(c.gpu, view, shifted(-1));
      const down = await lossAt();
      write(c.gpu, view, p);
      const fd = (up - down) / (2 * eps);
      expect(Math.abs(fd - norm), `${name}: |g| ${norm}, finite difference ${fd}`).toBeLessThanOrEqual(0.03 * norm + 2e-4);
    }
  });
});
