// Weighted cross-entropy against the float64 reference, in both row modes (an invocation per row,
// a workgroup per row). Row counts and vocabularies are not multiples of the lane counts; every output is NaN-poisoned first. Tolerances: loss, logprob,
// entropy |err| <= 2e-5 + 1e-5|want| (logits up to ~15 in magnitude); dlogits 1e-7 + 1e-4|want|.
import { describe, expect, it } from 'vitest';
import { crossEntropy } from '../../lib/ops/crossentropy.ts';
import { Rng } from '../../lib/util/rng.ts';
import { f32, maxScaledError, poison, randn, run, useGpu } from '../helpers/gpu.ts';
import { crossEntropyRef } from './crossentropy.ref.ts';

const { ctx } = useGpu();
const modes = ['serial', 'workgroup'] as const;

function setup(rows: number, vocab: number, seed: number) {
  const rng = new Rng(seed);
  const logits = f32(randn(rng, rows * vocab, 3));
  const targets = Array.from({ length: rows }, () => rng.int(0, vocab - 1));
  // A mix of full, fractional, negative (GRPO advantages) and zero weights.
  const weights = f32(Array.from({ length: rows }, (_, r) => (r % 4 === 1 ? 0 : r % 4 === 2 ? rng.normal() : 1)));
  return { logits, targets, weights };
}

describe('crossEntropy', () => {
  it.each(
    modes.flatMap((mode) => [
      { rows: 37, vocab: 97, temperature: 1, mode },
      { rows: 23, vocab: 301, temperature: 0.7, mode },
      { rows: 9, vocab: 3001, temperature: 1, mode },
    ]),
  )('matches the reference with dlogits, weight-0 rows exactly zero (%o)', async ({ rows, vocab, temperature, mode }) => {
    const c = ctx();
    const { logits, targets, weights } = setup(rows, vocab, rows + vocab);
    const gradScale = 1 / 17;
    const tl = c.pool.upload(Float32Array.from(logits), [rows, vocab], 'logits');
    const tt = c.pool.upload(targets, [rows], 'targets', 'u32');
    const tw = c.pool.upload(Float32Array.from(weights), [rows], 'weights');
    const out = {
      loss: c.pool.alloc([rows], 'loss'),
      logprob: c.pool.alloc([rows], 'logprob'),
      entropy: c.pool.alloc([rows], 'entropy'),
      dlogits: c.pool.alloc([rows, vocab], 'dlogits'),
    };
    for (const t of Object.values(out)) poison(c, t);
    crossEntropy(c, tl, tt, tw, out, { rows, vocab, temperature, gradScale }, mode);
    const want = crossEntropyRef(logits, targets, weights, { rows, vocab, temperature, gradScale });
    expect(maxScaledError(await run(c, out.loss), want.loss, 2e-5, 1e-5)).toBeLessThanOrEqual(1);
    expect(maxScaledError(await run(c, out.logprob), want.logprob, 2e-5, 1e-5)).toBeLessThanOrEqual(1);
    expect(maxScaledError(await run(c, out.entropy), want.entropy, 2e-5, 1e-5)).toBeLessThanOrEqual(1);
    const dl = await run(c, out.dlogits);
    expect(maxScaledError(dl, want.dlogits, 1e-7, 1e-4)).toBeLessThanOrEqual(1);
    let zeroRows = 0,
      notPlusZero = 0;
    for (let r = 0; r < rows; r++) {
      if (weights[r] !== 0) continue;
      zeroRows++;
      for (let i = 0; i < vocab; i++) if (!Object.is(dl[r * vocab + i], 0)) notPlusZero++;
    }
    expect(zeroRows).toBeGreaterThan(1);
    expect(notPlusZero).toBe(0);
  });

  it.each(modes)('forward-only entry (%s rows) fills loss, logprob and entropy (T=0.7); a weight-0 padding row with an out-of-range target has loss 0', async (mode) => {
    const c = ctx();
    const rows = 70,
      vocab = 130,
      temperature = 0.7;
    const { logits, targets, weights } = setup(rows, vocab, 5);
    const padded = [...targets];
    padded[1] = 0xffffffff; // weight 0 (r % 4 === 1)
    const tl = c.pool.upload(Float32Array.from(logits), [rows, vocab], 'logits');
    const tt = c.pool.upload(padded, [rows], 'targets', 'u32');
    const tw = c.pool.upload(Float32Array.from(weights), [rows], 'weights');
    const out = { loss: c.pool.alloc([rows], 'loss'), logprob: c.pool.alloc([rows], 'logprob'), entropy: c.pool.alloc([rows], 'entropy') };
    for (const t of Object.values(out)) poison(c, t);
    crossEntropy(c, tl, tt, tw, out, { rows, vocab, temperature, gradScale: 1 }, mode);
    const want = crossEntropyRef(logits, targets, weights, { rows, vocab, temperature, gradScale: 1 });
    const loss = await run(c, out.loss);
    expect(loss[1]).toBe(0);
    loss[1] = want.loss[1];
    expect(maxScaledError(loss, want.loss, 2e-5, 1e-5)).toBeLessThanOrEqual(1);
    expect(maxScaledError(await run(c, out.entropy), want.entropy, 2e-5, 1e-5)).toBeLessThanOrEqual(1);
    const lp = await run(c, out.logprob);
    expect(Number.isNaN(lp[1])).toBe(true);
    lp[1] = want.logprob[1];
    expect(maxScaledError(lp, want.logprob, 2e-5, 1e-5)).toBeLessThanOrEqual(1);
  });
});
