// Tensors larger than one storage binding: the tiny model run on a context whose binding limit is
// forced down to 16 KiB (below its embedding / LM head, logits, flat parameter buffers, but above
// every tensor that is bound whole) must match the same model on the device's real limit. The
// recorder refuses any bind group over the context's limit, so passing here also shows that every
// split path was taken: nothing larger than 16 KiB was ever bound.
//
// Exactness: the forward is split along rows only (embedding rows, W rows, token rows), each output
// element computed by the same kernel in the same order, so logits, loss, log-probs, entropies and
// generations are bit-identical. In the backward, dh sums over vocabulary pieces and dW over token
// pieces in a different grouping: gradients agree to f32 rounding (1e-5 relative, 1e-7 absolute
// on values ~1e-2), and the parameters after three AdamW steps at lr 1e-3 to 1e-5 absolute (Adam
// divides each gradient by its own magnitude, so on near-zero gradients a rounding difference
// becomes a visible fraction of a step; a wrong piece would be off by a whole step, 1e-3).
// The sampler and the cross-entropy split their rows only when [rows, vocab] logits exceed the
// limit, which decoding at this size never does: test/ops/sample.test.ts and crossentropy.test.ts
// cover those splits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpuContext } from '../../lib/gpu/index.ts';
import { presetConfig, type Family } from '../../lib/model/config.ts';
import { generate } from '../../lib/model/generate.ts';
import { Model } from '../../lib/model/model.ts';
import { TrainStep } from '../../lib/train/step.ts';
import { Rng } from '../../lib/util/rng.ts';
import { maxScaledError, useGpu } from '../helpers/gpu.ts';

const { ctx } = useGpu();
let small: GpuContext;
const LIMIT = 16 * 1024;
beforeAll(() => {
  small = new GpuContext(ctx().gpu, { maxBindingBytes: LIMIT });
});
afterAll(() => small.destroy());

// V = 200: 64-row vocabulary pieces (4 of them), logits rows in pieces of 16 (lcm of the row units
// of 200 and 36 floats); B x T = 64 rows.
const V = 200;
const B = 2;
const T = 32;

function batchOf(seed: number) {
  const rng = new Rng(seed);
  const n = B * T;
  const ids = Uint32Array.from({ length: n }, () => rng.int(0, V - 1));
  const targets = Uint32Array.from({ length: n }, () => rng.int(0, V - 1));
  const weights = Float32Array.from({ length: n }, (_, i) => (i % 7 === 3 ? 0 : 1 / n));
  return { ids, targets, weights };
}

async function gradients(model: Model, batch: ReturnType<typeof batchOf>) {
  const acts = model.activations(B, T);
  model.setBatch(acts, batch);
  model.zeroGrad();
  model.forwardLogits(acts);
  model.loss(acts, true);
  model.backward(acts);
  model.ctx.rec.submit();
  return model.params.toHost('grads');
}

describe.each<Family>(['qwen-like', 'llama-like'])('%s tiny model with a 16 KiB binding limit', (family) => {
  const config = presetConfig(family, 'tiny', V);

  it('really is over the limit: embedding, logits and the flat buffers must be split', () => {
    const model = Model.init(small, config, 1);
    expect(config.tieEmbeddings).toBe(family === 'qwen-like');
    expect(V * config.dModel * 4).toBeGreaterThan(LIMIT);
    expect(B * T * V * 4).toBeGreaterThan(LIMIT);
    expect(model.params.layout.total * 4).toBeGreaterThan(4 * LIMIT);
  });

  it('gives bit-identical logits, loss, log-probs and entropies', async () => {
    const batch = batchOf(1);
    const want = await Model.init(ctx(), config, 1).score({ batch: B, seqLen: T, ...batch });
    const got = await Model.init(small, config, 1).score({ batch: B, seqLen: T, ...batch });
    expect(got.logits).toEqual(want.logits);
    expect(got.loss).toEqual(want.loss);
    expect(got.logprob).toEqual(want.logprob);
    expect(got.entropy).toEqual(want.entropy);
  });

  it('gives every gradient to f32 rounding', async () => {
    const batch = batchOf(2);
    const want = await gradients(Model.init(ctx(), config, 2), batch);
    const got = await gradients(Model.init(small, config, 2), batch);
    expect([...got.keys()]).toEqual([...want.keys()]);
    for (const [name, w] of want) {
      expect(
        w.data.some((x) => x !== 0),
        name,
      ).toBe(true);
      expect(maxScaledError(got.get(name)!.data, w.data, 1e-7, 1e-5), name).toBeLessThanOrEqual(1);
    }
  });

  it('takes the same AdamW steps (loss, gradient norm, parameters)', async () => {
    const batch = batchOf(3);
    const run = async (c: GpuContext) => {
      const model = Model.init(c, config, 3);
      const acts = model.activations(B, T);
      const trainer = new TrainStep(model);
      const stats = [];
      for (let s = 0; s < 3; s++) stats.push(await trainer.run(acts, s === 0 ? batch : undefined, 1e-3).stats());
      return { stats, params: await model.params.toHost() };
    };
    const want = await run(ctx());
    const got = await run(small);
    for (const [i, w] of want.stats.entries()) {
      expect(got.stats[i].loss).toBeCloseTo(w.loss, 5);
      expect(Math.abs(got.stats[i].gradNorm - w.gradNorm) / w.gradNorm).toBeLessThan(1e-5);
    }
    for (const [name, w] of want.params) expect(maxScaledError(got.params.get(name)!.data, w.data, 1e-5, 0), name).toBeLessThanOrEqual(1);
  });

  it('generates the same tokens with the KV cache (greedy, and sampled with suppressed tokens)', async () => {
    // Two prompts: the prefill is [2 x 32] rows, 64 x 52 floats, the most this limit allows.
    const prompts = [
      [1, 2, 3, 4, 5],
      [9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 11, 12],
    ];
    const greedy = { maxNewTokens: 12, greedy: true, readEvery: 5, returnStats: true };
    const sampled = { maxNewTokens: 12, temperature: 1.3, topK: 50, seed: 7, suppressTokens: [0, 199] };
    const ref = Model.init(ctx(), config, 4);
    const split = Model.init(small, config, 4);
    const want = await generate(ref, prompts, greedy);
    expect(await generate(split, prompts, greedy)).toEqual(want);
    const wantSampled = await generate(ref, prompts, sampled);
    expect(wantSampled.flatMap((g) => g.tokens).some((t) => t === 0 || t === 199)).toBe(false);
    expect(await generate(split, prompts, sampled)).toEqual(wantSampled);
  });
});

describe('what cannot be split is refused in one line', () => {
  it('logits whose smallest aligned piece of rows is over the binding limit', () => {
    // 5000 floats per row; 16 rows is the smallest piece at which both the logits and h [rows, 36]
    // views start 256-byte aligned: 312.5 KiB.
    const config = presetConfig('qwen-like', 'tiny', 5000);
    const fits = new GpuContext(ctx().gpu, { maxBindingBytes: 16 * 5000 * 4 });
    const over = new GpuContext(ctx().gpu, { maxBindingBytes: 16 * 5000 * 4 - 256 });
    expect(() => Model.init(fits, config, 1).activations(1, 32)).not.toThrow();
    expect(() => Model.init(over, config, 1).activations(1, 32)).toThrow(
      /^tensor logits\[1x32\] \[32, 5000\]: 16 row\(s\) of 5000 floats \(312\.5 KiB\) is the smallest piece it splits into, and it exceeds one storage binding of 312\.3 KiB$/,
    );
    fits.destroy();
    over.destroy();
  });

  it('an embedding whose smallest piece (64 rows) is over the limit', () => {
    const tight = new GpuContext(ctx().gpu, { maxBindingBytes: 8192 });
    expect(() => Model.init(tight, presetConfig('llama-like', 'tiny', 300), 1)).toThrow(
      /^tensor model\.embed_tokens\.weight \[300, 36\]: 64 row\(s\) of 36 floats \(9\.0 KiB\) is the smallest piece it splits into, and it exceeds one storage binding of 8\.0 KiB$/,
    );
    tight.destroy();
  });

  it('a whole-bound activation over the limit', () => {
    const model = Model.init(small, presetConfig('llama-like', 'tiny', 100), 1);
    // [rows, ffn = 52] floats: 78 rows fit in 16 KiB, 80 do not
    expect(() => model.activations(3, 26)).not.toThrow();
    expect(() => model.activations(4, 20)).toThrow(/^activations \[80, 52\] of batch 4 x 20 needs a 16\.3 KiB binding but .* binds at most 16\.0 KiB/);
  });
});
