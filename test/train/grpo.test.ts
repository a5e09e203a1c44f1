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
import { microBatches, trainGrpo } from '../../lib/train/grpo.ts';
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
    const B = 3,
      T = 13,
      n = B * T;
    const rng = new Rng(4);
    const ids = Uint32Array.from({ length: n }, () => rng.int(0, 18));
    const targets = Uint32Array.from({ length: n }, () => rng.int(0, 18));
    const adv = Float32Array.from({ length: n }, () => rng.normal());
    const scale = Float32Array.from({ length: n }, (_, i) => (i % T >= 4 ? 1 / 27 : 0));
    const acts = model.activations(B, T);
    const t = (name: string, data?: Float32Array) => (data ? c.pool.upload(data, [n], name) : c.pool.alloc([n], name));
    const oldLp = t('old'),
      advT = t('adv', adv),
      scaleT = t('scale', scale);
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

describe('microBatches', () => {
  // Five rollouts: prompt lengths 3, 2, 4, 3, 2, responses of 30, 1, 60, 5, 33 tokens.
  const promptLens = [3, 2, 4, 3, 2];
  const respLens = [30, 1, 60, 5, 33];
  const seqs = promptLens.map((p, i) => Array.from({ length: p + respLens[i] }, (_, j) => 100 * i + j));
  const adv = [0.5, -1, 2, 0, -0.25];
  const scale = [0.1, 0.2, 0.3, 0.4, 0.5];
  const mbs = microBatches({ seqs, promptLens }, adv, scale, 2, 255);

  it('sorts the rollouts by length and pads each micro-batch to its own longest, rounded up to 32', () => {
    expect(mbs.map((m) => m.batch)).toEqual([2, 2, 1]);
    // lengths 33 (i=0), 3 (1), 64 (2), 8 (3), 35 (4): sorted 1, 3 | 0, 4 | 2
    expect(mbs.map((m) => m.seqLen)).toEqual([32, 64, 64]);
    expect(Array.from(mbs[0].ids.slice(0, 3))).toEqual([100, 101, 102]);
    expect(Array.from(mbs[0].ids.slice(32, 40))).toEqual([300, 301, 302, 303, 304, 305, 306, 307]);
  });

  it('puts every response target of every rollout in exactly one micro-batch, with its advantage and scale', () => {
    const seen = new Map<number, { adv: number; scale: number; n: number }>();
    for (const m of mbs) {
      for (let r = 0; r < m.batch * m.seqLen; r++) {
        if (!m.mask[r]) {
          expect(m.advantage[r]).toBe(0);
          expect(m.scale[r]).toBe(0);
          continue;
        }
        const i = Math.floor(m.targets[r] / 100);
        expect(m.targets[r] % 100).toBeGreaterThanOrEqual(promptLens[i]); // a response token, never the prompt
        const e = seen.get(i) ?? { adv: m.advantage[r], scale: m.scale[r], n: 0 };
        expect(m.advantage[r]).toBe(e.adv);
        e.n++;
        seen.set(i, e);
      }
    }
    for (let i = 0; i < seqs.length; i++) {
      expect(seen.get(i)?.n, `rollout ${i}`).toBe(respLens[i]);
      expect(seen.get(i)?.adv).toBeCloseTo(adv[i], 6);
      expect(seen.get(i)?.scale).toBeCloseTo(scale[i], 6);
    }
  });
});

describe('trainGrpo', () => {
  const { run, lines, cfg } = tinyGrpo(ctx, tmp, 2);

  it('takes the same gradient step in micro-batches as in one batch', async () => {
    const one = await trainGrpo(run('whole', { cfg: { ...cfg, steps: 1, microBatch: cfg.prompts * cfg.groupSize } }));
    const parts = await trainGrpo(run('parts', { cfg: { ...cfg, steps: 1, microBatch: 2 } }));
    // Same rollouts (same seed, same weights): the rewards agree exactly; the
    // loss, KL and gradient norm are the same sums taken in a different order.
    expect(parts.records[0].reward).toBe(one.records[0].reward);
    for (const k of ['loss', 'kl', 'entropy', 'gradNorm'] as const) {
      expect(parts.records[0][k], k).toBeCloseTo(one.records[0][k], 5);
    }
    expect(parts.records[0].gradNorm).toBeGreaterThan(0);
  });

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
