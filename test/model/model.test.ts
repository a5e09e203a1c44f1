// The model end to end on the device: it can learn (overfit one batch), checkpoints round-trip
// exactly and fail clearly when broken, and KV-cache generation agrees with full recomputation.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DeviceLimitError } from '../../lib/gpu/index.ts';
import { loadCheckpoint, readCheckpoint, saveCheckpoint } from '../../lib/model/checkpoint.ts';
import { presetConfig } from '../../lib/model/config.ts';
import { generate } from '../../lib/model/generate.ts';
import { Model } from '../../lib/model/model.ts';
import { decodeSafetensors, encodeSafetensors } from '../../lib/model/safetensors.ts';
import { TrainStep } from '../../lib/train/step.ts';
import { Rng } from '../../lib/util/rng.ts';
import { maxScaledError, useGpu } from '../helpers/gpu.ts';

const { ctx } = useGpu();
const tmp = mkdtempSync(join(tmpdir(), 'model-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const V = 29;

function randomIds(rng: Rng, n: number): Uint32Array {
  return Uint32Array.from({ length: n }, () => rng.int(0, V - 1));
}

describe('training', () => {
  it('overfits one batch: weighted loss from ~ln(29) to below 0.05 in 150 steps', async () => {
    const c = ctx();
    const model = Model.init(c, presetConfig('qwen-like', 'tiny', V), 1);
    const B = 2;
    const T = 16;
    const rng = new Rng(5);
    const ids = randomIds(rng, B * T);
    const targets = randomIds(rng, B * T);
    const weights = new Float32Array(B * T).fill(1 / (B * T));
    const acts = model.activations(B, T);
    const trainer = new TrainStep(model);
    const first = await trainer.run(acts, { ids, targets, weights }, 1e-2).stats();
    expect(first.loss).toBeGreaterThan(3); // ln 29 = 3.37 at init
    expect(first.weightSum).toBeCloseTo(1, 5);
    let last = first;
    for (let s = 1; s < 150; s++) {
      const r = trainer.run(acts, undefined, 1e-2);
      if (s === 149) last = await r.stats();
    }
    expect(last.loss).toBeLessThan(0.05);
    expect(Number.isFinite(last.gradNorm)).toBe(true);
  });
});

describe('device limits', () => {
  it('refuses a config whose flat parameter buffer is over the largest buffer, in one line', () => {
    const c = ctx();
    // Qwen2.5-7B: 7.6G floats in one buffer; its embedding alone (545M floats) would be split
    const paper = presetConfig('qwen-like', 'paper', 152064);
    expect(() => Model.init(c, paper, 1)).toThrow(DeviceLimitError);
    expect(() => Model.init(c, paper, 1)).toThrow(
      /^the 76\d\d\.\dM-parameter model \(flat parameter buffer\) needs a [\d.]+ MiB buffer but .* allows buffers of at most [\d.]+ MiB: lower the batch, context or model size$/,
    );
  });
});

describe('checkpoint', () => {
  it('save then load gives identical logits (and keeps tokenizer and trainer state)', async () => {
    const c = ctx();
    const config = presetConfig('llama-like', 'tiny', V);
    const model = Model.init(c, config, 3);
    const ids = randomIds(new Rng(9), 2 * 8);
    const before = await model.score({ batch: 2, seqLen: 8, ids });
    const dir = join(tmp, 'ck');
    const tok = JSON.stringify({ version: '1.0', model: { type: 'BPE', vocab: {}, merges: [] } });
    await saveCheckpoint(dir, { config, params: model.params, tokenizer: { json: tok }, special: { eosTokenId: 2 }, trainerState: { step: 7 } });
    const ck = loadCheckpoint(c, dir);
    expect(ck.config).toEqual(config);
    expect(ck.special.eosTokenId).toBe(2);
    expect(ck.tokenizerJson).toBe(tok);
    expect(ck.trainerState).toEqual({ step: 7 });
    const after = await new Model(c, ck.params).score({ batch: 2, seqLen: 8, ids });
    expect(after.logits).toEqual(before.logits);
  });

  it('loads sharded checkpoints through model.safetensors.index.json', async () => {
    const c = ctx();
    const config = presetConfig('qwen-like', 'tiny', V);
    const model = Model.init(c, config, 4);
    const dir = join(tmp, 'sharded');
    await saveCheckpoint(dir, { config, params: model.params });
    const all = decodeSafetensors(readFileSync(join(dir, 'model.safetensors'))).tensors;
    rmSync(join(dir, 'model.safetensors'));
    const names = [...all.keys()];
    const shards = [names.slice(0, 5), names.slice(5)];
    const weightMap: Record<string, string> = {};
    shards.forEach((ns, i) => {
      const file = `model-0000${i + 1}-of-00002.safetensors`;
      writeFileSync(join(dir, file), encodeSafetensors(new Map(ns.map((n) => [n, all.get(n)!]))));
      for (const n of ns) weightMap[n] = file;
    });
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
    const back = await loadCheckpoint(c, dir).params.toHost();
    for (const n of names) expect(back.get(n)!.data, n).toEqual(all.get(n)!.data);
  });

  it('fails with one clear line on a missing or mis-shaped tensor', async () => {
    const c = ctx();
    const config = presetConfig('qwen-like', 'tiny', V);
    const dir = join(tmp, 'broken');
    await saveCheckpoint(dir, { config, params: Model.init(c, config, 5).params });
    const good = readCheckpoint(dir).tensors;
    const missing = new Map(good);
    missing.delete('model.layers.1.mlp.up_proj.weight');
    writeFileSync(join(dir, 'model.safetensors'), encodeSafetensors(missing));
    expect(() => loadCheckpoint(c, dir)).toThrow(/^\S*broken: checkpoint: tensor model\.layers\.1\.mlp\.up_proj\.weight is missing$/);
    const wrong = new Map(good);
    wrong.set('model.norm.weight', { shape: [35], data: new Float32Array(35) });
    writeFileSync(join(dir, 'model.safetensors'), encodeSafetensors(wrong));
    expect(() => loadCheckpoint(c, dir)).toThrow(/tensor model\.norm\.weight has shape \[35\], the config needs \[36\]$/);
    expect(() => loadCheckpoint(c, join(tmp, 'nowhere'))).toThrow(/config.json not found/);
  });
});

describe('generation', () => {
  // Greedy decoding by recomputing the whole forward pass for every new token; also the entropy
  // and log-prob of each step's full next-token distribution (float64 on the host).
  async function greedyByRecompute(model: Model, prompt: number[], n: number) {
    const seq = [...prompt];
    const entropy: number[] = [];
    const logprob: number[] = [];
    for (let i = 0; i < n; i++) {
      const { logits } = await model.score({ batch: 1, seqLen: seq.length, ids: seq });
      const last = [...logits.subarray((seq.length - 1) * V, seq.length * V)];
      const max = Math.max(...last);
      const lse = max + Math.log(last.reduce((a, x) => a + Math.exp(x - max), 0));
      entropy.push(-last.reduce((a, x) => a + Math.exp(x - lse) * (x - lse), 0));
      logprob.push(max - lse);
      seq.push(last.indexOf(max));
    }
    return { tokens: seq.slice(prompt.length), entropy, logprob };
  }

  it('KV-cache greedy decoding of prompts of different lengths equals full recomputation', async () => {
    const c = ctx();
    // Trained for a few steps so the greedy choices are not near-ties of an untrained model.
    const model = Model.init(c, presetConfig('qwen-like', 'tiny', V), 6);
    const rng = new Rng(11);
    const acts = model.activations(2, 16);
    const text = randomIds(rng, 33);
    const batch = { ids: text.subarray(0, 32), targets: text.subarray(1, 33), weights: new Float32Array(32).fill(1 / 32) };
    const trainer = new TrainStep(model);
    for (let s = 0; s < 30; s++) trainer.run(acts, s === 0 ? batch : undefined, 1e-2);
    const prompts = [[...text.subarray(0, 5)], [...text.subarray(3, 12)], [7]];
    const n = 10;
    const got = await generate(model, prompts, { maxNewTokens: n, greedy: true, readEvery: 4, returnStats: true });
    for (const [b, p] of prompts.entries()) {
      const want = await greedyByRecompute(model, p, n);
      expect(got[b].tokens, `prompt ${b}`).toEqual(want.tokens);
      expect(got[b].stop).toBe('length');
      // The whole distribution, not only its argmax, must agree: entropies and log-probs to 1e-4.
      expect(maxScaledError(got[b].entropy!, want.entropy, 1e-4, 1e-4)).toBeLessThanOrEqual(1);
      expect(maxScaledError(got[b].logprob!, want.logprob, 1e-4, 1e-4)).toBeLessThanOrEqual(1);
    }
  });

  it('stops each sequence at EOS, never samples suppressed tokens, and is reproducible per seed', async () => {
    const c = ctx();
    const model = Model.init(c, presetConfig('llama-like', 'tiny', V), 8);
    const prompts = [[1, 2, 3], [4], [5, 6, 7, 8, 9]];
    const opts = { maxNewTokens: 24, temperature: 1.5, seed: 42, readEvery: 5 };
    const a = await generate(model, prompts, opts);
    const b = await generate(model, prompts, opts);
    expect(a).toEqual(b);
    // With a near-uniform untrained model at temperature 1.5, a frequent token serves as "EOS".
    const eos = a[0].tokens[2];
    const stopped = await generate(model, prompts, { ...opts, eosTokenId: eos });
    for (const [i, g] of stopped.entries()) {
      const at = a[i].tokens.indexOf(eos);
      if (at >= 0) {
        expect(g.stop).toBe('eos');
        expect(g.tokens).toEqual(a[i].tokens.slice(0, at + 1));
      } else expect(g.tokens).toEqual(a[i].tokens);
    }
    const suppressed = await generate(model, prompts, { ...opts, suppressTokens: [eos, 0] });
    for (const g of suppressed) expect(g.tokens.includes(eos) || g.tokens.includes(0)).toBe(false);
    // Dropping the cached activation shapes frees memory, and generation re-creates what it needs.
    const held = c.pool.bytesAllocated;
    model.dropActivations();
    expect(c.pool.bytesAllocated).toBeLessThan(held);
    expect(await generate(model, prompts, opts)).toEqual(a);
  });
});
