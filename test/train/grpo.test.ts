// GRPO on the device: the weights written by the grpo_loss kernel between the forward and the
// cross-entropy gradient pass give the policy gradient, and the loop runs and resumes exactly.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { read, write } from '../../lib/gpu/index.ts';
import { presetConfig } from '../../lib/model/config.ts';
import { Model } from '../../lib/model/model.ts';
import { grpoLoss } from '../../lib/ops/grpo.ts';
import { trainGrpo } from '../../lib/train/grpo.ts';
import { Rng } from '../../lib/util/rng.ts';
import { maxScaledError, useGpu } from '../helpers/gpu.ts';
import { tinyGrpo } from '../helpers/tiny-grpo.ts';

const { ctx } = useGpu();
const tmp = mkdtempSync(join(tmpdir(), 'vggm-grpo-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('GRPO gradient wiring', () => {
  it('with ratio 1 and no KL, equals the gradient of the advantage-weighted log-likelihood', async () => {
    const c = ctx();
    const config = { ...presetConfig('llama-like', 'tiny', 19), context: 16 };
    const model = Model.init(c, config, 2);
    const B = 3, T = 13, n = B * T;
    const rng = new Rng(4);
    const ids = Uint32Array.from({ length: n }, () => rng.int(0, 18));
    const targets = Uint32Array.from({ length: n }, () => rng.int(0, 18));
    const adv = Float32Array.from({ length: n }, () => rng.normal());
    const scale = Float32Array.from({ length: n }, (_, i) => (i % T >= 4 ? 1 / 27 : 0));
    const acts = model.activations(B, T);
    const t = (name: string, data?: Float32Array) => (data ? c.pool.upload(data, [n], name) : c.pool.alloc([n], name));
    const oldLp = t('old'), advT = t('adv', adv), scaleT = t('scale', scale);
    const out = { loss: t('loss'), weight: acts.weights, kl: t('kl'), clipped: t('clipped') };

    // path A: forward, log-probs as the rollout policy's, kernel weights, gradient pass
    model.setBatch(acts, { ids, targets });
    model.zeroGrad();
    model.forwardLogits(acts);
    model.loss(acts, false);
    c.rec.copy(acts.logprob, oldLp);
    grpoLoss(c, acts.logprob, oldLp, null, advT, scaleT, out, { n, epsLow: 0.2, beta: 0 });
    model.loss(acts, true);
    model.backward(acts);
    c.rec.submit();
    const gradA = await read(c.gpu, model.params.grads);
    const weightsA = await read(c.gpu, acts.weights);

    // path B: the same gradient as weighted cross-entropy with weight = scale · advantage
    const wB = adv.map((a, i) => a * scale[i]);
    model.setBatch(acts, { ids, targets, weights: wB });
    model.zeroGrad();
    model.forwardLogits(acts);
    model.loss(acts, true);
    model.backward(acts);
    c.rec.submit();
    const gradB = await read(c.gpu, model.params.grads);

    expect(maxScaledError(weightsA, wB, 1e-7, 1e-5)).toBeLessThanOrEqual(1);
    expect(gradB.some((g) => g !== 0)).toBe(true);
    expect(maxScaledError(gradA, gradB, 1e-6, 1e-4)).toBeLessThanOrEqual(1);
    write(c.gpu, acts.weights, new Float32Array(n));
  });
});

describe('trainGrpo', () => {
  const { run, lines, cfg } = tinyGrpo(ctx, tmp, 2);

  it('logs finite reward, KL, clip fraction and zero-std groups, and resumes to the same records', async () => {
    const full = await trainGrpo(run('full'));
    expect(full.records.length).toBe(4);
    for (const r of full.records) {
      for (const k of ['reward', 'loss', 'kl', 'clipFraction', 'entropy', 'gradNorm', 'zeroStdFraction']) expect(Number.isFinite(r[k] as number)).toBe(true);
      expect(r.kl).toBeGreaterThanOrEqual(0);
      expect(r.zeroStdFraction).toBeGreaterThanOrEqual(0);
      expect(r.zeroStdFraction).toBeLessThanOrEqual(1);
    }
    await trainGrpo(run('cut', { stopAfter: 3 }));
    await trainGrpo(run('cut', { resume: true }));
    expect(lines('cut')).toEqual(lines('full'));
  });

  it('starts at KL 0 from its reference and ratio 1 (no clipping) in the first gradient step', async () => {
    const r = await trainGrpo(run('one', { cfg: { ...cfg, steps: 1, iterations: 1 } }));
    expect(r.records[0].kl).toBe(0);
    expect(r.records[0].clipFraction).toBe(0);
  });

  it('warms the learning rate up linearly, then holds it', async () => {
    const r = await trainGrpo(run('warm', { cfg: { ...cfg, warmup: 2 } }));
    expect(r.records.map((x) => x.lr)).toEqual([cfg.lr / 2, cfg.lr, cfg.lr, cfg.lr]);
  });
});
