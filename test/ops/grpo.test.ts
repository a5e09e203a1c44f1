import { describe, expect, it } from 'vitest';
import { read } from '../../lib/gpu/index.ts';
import { grpoLoss } from '../../lib/ops/grpo.ts';
import { aggregationScales, groupAdvantages } from '../../lib/train/advantages.ts';
import { Rng } from '../../lib/util/rng.ts';
import { f32, maxScaledError, poison, useGpu } from '../helpers/gpu.ts';

const { ctx } = useGpu();

// float64 reference of one token's GRPO loss, written from the objective (not the kernel):
// L = -s (min(r A, clip(r) A) - beta k3),  k3 = e^(ref-lp) - (ref-lp) - 1.
const C = 20;
const cl = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
function tokenLoss(lp: number, old: number, ref: number, a: number, s: number, eL: number, eH: number, beta: number): number {
  const r = Math.exp(cl(lp - old, -C, C));
  const d = cl(ref - lp, -C, C);
  return -s * (Math.min(r * a, cl(r, 1 - eL, 1 + eH) * a) - beta * (Math.exp(d) - d - 1));
}

describe('groupAdvantages', () => {
  it('normalises within groups by the sample std and zeroes zero-std groups', () => {
    const rewards = [1, 0, 0, 1, /* all equal */ 1, 1, 1, 1, /* */ 0, 0, 0, 1, /* */ 0, 0, 0, 0];
    const { advantages, zeroStdGroups, groups } = groupAdvantages(rewards, 4);
    expect(groups).toBe(4);
    expect(zeroStdGroups).toBe(2);
    // group 0: mean .5, sample std sqrt(1/3)
    const s0 = Math.sqrt((0.5 ** 2 * 4) / 3);
    expect(Array.from(advantages.slice(0, 4))).toEqual([0.5 / s0, -0.5 / s0, -0.5 / s0, 0.5 / s0]);
    expect(Array.from(advantages.slice(4, 8))).toEqual([0, 0, 0, 0]);
    // group 2: mean .25, sample std sqrt((3*.0625 + .5625)/3) = 0.5
    expect(Array.from(advantages.slice(8, 12))).toEqual([-0.5, -0.5, -0.5, 1.5]);
    expect(Array.from(advantages.slice(12))).toEqual([0, 0, 0, 0]);
  });

  it("Dr.GRPO's 'none' only centres", () => {
    const { advantages } = groupAdvantages([2, 0, 1], 3, 'none');
    expect(Array.from(advantages)).toEqual([1, -1, 0]);
  });

  it('rejects partial groups', () => {
    expect(() => groupAdvantages([1, 0, 1], 2)).toThrow(/whole groups/);
  });
});

describe('aggregationScales', () => {
  it('token-mean, seq-mean and Dr.GRPO divide as documented', () => {
    expect(Array.from(aggregationScales([2, 3, 0], 'token-mean', 8))).toEqual([1 / 5, 1 / 5, 0]);
    expect(Array.from(aggregationScales([2, 4], 'seq-mean', 8))).toEqual([1 / 4, 1 / 8]);
    expect(Array.from(aggregationScales([2, 4], 'dr-grpo', 8))).toEqual([1 / 16, 1 / 16]);
  });
});

describe('grpoLoss kernel', () => {
  const cases = [
    { name: 'KL and clip-higher', beta: 0.04, eL: 0.2, eH: 0.28, agg: 'token-mean' as const },
    { name: 'no KL, Dr.GRPO', beta: 0, eL: 0.2, eH: 0.2, agg: 'dr-grpo' as const },
  ];
  it.each(cases)('matches the float64 reference ($name), a zero-std group included', async ({ beta, eL, eH, agg }) => {
    const c = ctx();
    const rng = new Rng(7);
    const G = 5,
      maxLen = 13,
      prompts = 3,
      n = G * prompts * maxLen; // 195 rows: not a multiple of 256
    const rewards = [1, 0, 0, 1, 0, /* zero-std */ 1, 1, 1, 1, 1, /* */ 0, 0, 1, 0, 0];
    const { advantages, zeroStdGroups } = groupAdvantages(rewards, G);
    expect(zeroStdGroups).toBe(1);
    const lengths = Array.from({ length: G * prompts }, () => rng.int(1, maxLen));
    const seqScale = aggregationScales(lengths, agg, maxLen);
    const lp = new Float64Array(n),
      old = new Float64Array(n),
      ref = new Float64Array(n),
      adv = new Float64Array(n),
      scale = new Float64Array(n);
    for (let i = 0; i < G * prompts; i++) {
      for (let t = 0; t < maxLen; t++) {
        const k = i * maxLen + t;
        lp[k] = -Math.abs(rng.normal()) * 2;
        old[k] = lp[k] + rng.normal() * 0.3; // ratios on both sides of the clip range
        ref[k] = lp[k] + rng.normal() * 0.5;
        adv[k] = t < lengths[i] ? advantages[i] : 0;
        scale[k] = t < lengths[i] ? seqScale[i] : 0;
      }
    }
    const [flp, fold, fref, fadv, fscale] = [lp, old, ref, adv, scale].map(f32);
    const up = (x: Float64Array, name: string) => c.pool.upload(x, [n], name);
    const out = { loss: c.pool.alloc([n], 'loss'), weight: c.pool.alloc([n], 'weight'), kl: c.pool.alloc([n], 'kl'), clipped: c.pool.alloc([n], 'clipped') };
    for (const t of Object.values(out)) poison(c, t);
    grpoLoss(c, up(flp, 'lp'), up(fold, 'old'), beta ? up(fref, 'ref') : null, up(fadv, 'adv'), up(fscale, 'scale'), out, { n, epsLow: eL, epsHigh: eH, beta });
    c.rec.submit();
    const [loss, weight, kl, clipped] = await Promise.all([read(c.gpu, out.loss), read(c.gpu, out.weight), read(c.gpu, out.kl), read(c.gpu, out.clipped)]);

    const wantLoss = new Float64Array(n),
      wantW = new Float64Array(n),
      wantKl = new Float64Array(n),
      wantClip = new Float64Array(n);
    const refOrLp = beta ? fref : flp;
    let nClipped = 0;
    for (let k = 0; k < n; k++) {
      const f = (x: number) => tokenLoss(x, fold[k], refOrLp[k], fadv[k], fscale[k], eL, eH, beta);
      wantLoss[k] = f(flp[k]);
      const h = 1e-6; // weight = -dL/dlp by central differences in float64
      wantW[k] = -(f(flp[k] + h) - f(flp[k] - h)) / (2 * h);
      const d = refOrLp[k] - flp[k];
      wantKl[k] = Math.exp(d) - d - 1;
      const r = Math.exp(flp[k] - fold[k]);
      wantClip[k] = cl(r, 1 - eL, 1 + eH) * fadv[k] < r * fadv[k] ? 1 : 0;
      nClipped += wantClip[k];
    }
    expect(nClipped).toBeGreaterThan(5); // the clipped branch is exercised
    expect(maxScaledError(loss, wantLoss, 1e-6, 1e-4)).toBeLessThanOrEqual(1);
    expect(maxScaledError(weight, wantW, 1e-6, 1e-4)).toBeLessThanOrEqual(1);
    expect(maxScaledError(kl, wantKl, 1e-6, 1e-4)).toBeLessThanOrEqual(1);
    expect(Array.from(clipped)).toEqual(Array.from(wantClip));
    // the zero-std group (rollouts 5..9) learns nothing from the policy term
    for (let k = 5 * maxLen; k < 10 * maxLen; k++) {
      if (beta === 0) expect(Math.abs(weight[k])).toBe(0);
    }
    // padding rows carry neither loss nor gradient
    for (let k = 0; k < n; k++) {
      if (fscale[k] === 0) {
        expect(Math.abs(loss[k])).toBe(0);
        expect(Math.abs(weight[k])).toBe(0);
      }
    }
  });
});
