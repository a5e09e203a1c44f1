// Held-out traces for choosing SFT settings: outside every split and every SFT problem, weighted
// as every method learns them; and their loss, batched and padded, equals the per-trace mean NLL
// computed one trace at a time.
import { describe, expect, it } from 'vitest';
import { datasetTexts, type Dataset } from '../../lib/data/dataset.ts';
import { generateWorld } from '../../lib/data/world/generate.ts';
import { presetConfig } from '../../lib/model/config.ts';
import { Model } from '../../lib/model/model.ts';
import { buildWorldTokenizer, loadTokenizer } from '../../lib/tokenizer/index.ts';
import { baseHeldoutItems, heldoutLoss, heldoutTraces } from '../../lib/train/heldout.ts';
import { useGpu } from '../helpers/gpu.ts';

const { ctx } = useGpu();
const w = generateWorld({ seed: 3, scale: 'smoke' });
const tokenizer = loadTokenizer(buildWorldTokenizer(datasetTexts(w.pool, [...w.eval, ...w.dev], [...w.base, ...w.baseHeldout])));
const ds: Dataset = {
  dir: 'mem',
  manifest: { source: 'world', seed: 3, scale: 'smoke' },
  pool: w.pool,
  eval: w.eval,
  dev: w.dev,
  base: w.base,
  baseHeldout: w.baseHeldout,
  tokenizer,
};

describe('heldoutTraces', () => {
  it('takes unused pool traces on problems no SFT trace holds, learning what every method learns', () => {
    const traces = heldoutTraces(ds, 20, 256);
    expect(traces).toHaveLength(20);
    const sftKeys = new Set(w.pool.filter((e) => e.split === 'sft_v1' || e.split === 'sft_v0').map((e) => e.meta!.key));
    const unused = w.pool.filter((e) => e.split === 'unused' && !sftKeys.has(e.meta!.key));
    // the first 20 of them, in pool order
    traces.forEach((t, i) => expect(t.v).toBe(unused[i].v));
    for (const t of traces) {
      const learned = t.weights.map((x, j) => (x > 0 ? j : -1)).filter((j) => j >= 0);
      expect(learned.length).toBeGreaterThan(0);
      // learned tokens form one run that ends at the EOS: the whole response (v=0) or its tail (v=1)
      expect(learned.at(-1)).toBe(t.inputIds.length - 1);
      expect(learned.at(-1)! - learned[0] + 1).toBe(learned.length);
    }
    expect(traces.some((t) => t.v === 1)).toBe(true);
  });

  it('says how many it found when the pool has too few', () => {
    expect(() => heldoutTraces(ds, 100000, 256)).toThrow(/only \d+ of 100000 held-out traces/);
  });
});

describe('heldoutLoss', () => {
  it('equals the token-weighted mean NLL of the traces scored one at a time, however they are batched', async () => {
    const traces = heldoutTraces(ds, 9, 256);
    const model = Model.init(ctx(), { ...presetConfig('qwen-like', 'tiny', tokenizer.vocabSize), context: 256 }, 7);
    let sum = 0,
      n = 0;
    for (const t of traces) {
      const L = t.inputIds.length - 1;
      const { logprob } = await model.score({ batch: 1, seqLen: L, ids: t.inputIds.slice(0, L), targets: t.inputIds.slice(1), weights: t.weights.slice(1) });
      for (let j = 0; j < L; j++)
        if (t.weights[j + 1] > 0) {
          sum -= logprob[j];
          n++;
        }
    }
    const batched = await heldoutLoss(model, traces, 4);
    expect(batched.tokens).toBe(n);
    expect(batched.traces).toBe(9);
    expect(batched.nll).toBeCloseTo(sum / n, 4);
    expect((await heldoutLoss(model, traces, 9)).nll).toBeCloseTo(sum / n, 4);
    // an untrained model is near uniform over the vocabulary
    expect(batched.nll).toBeGreaterThan(0.5 * Math.log(tokenizer.vocabSize));
  });
});

describe('held-out data never shares a problem with the evaluation or development sets', () => {
  const unusedOutsideSft = () => {
    const sftKeys = new Set(w.pool.filter((e) => e.split === 'sft_v1' || e.split === 'sft_v0').map((e) => e.meta!.key));
    return w.pool.filter((e) => e.split === 'unused' && !sftKeys.has(e.meta!.key));
  };

  it('in the generated world: no held-out trace or held-out Base record is an eval or dev problem', () => {
    const held = new Set([...w.eval, ...w.dev].map((p) => p.key));
    for (const e of unusedOutsideSft()) expect(held.has(e.meta!.key as string)).toBe(false);
    for (const b of w.baseHeldout) expect(held.has(b.key)).toBe(false);
  });

  it('skips a pool trace whose problem a data folder also puts in its eval or dev set', () => {
    const [first, second, third] = unusedOutsideSft();
    const asEval = { id: 'x', tier: 'gsm8k' as const, problem: first.problem, answer: first.answer, key: first.meta!.key as string };
    const asDev = { id: 'y', tier: 'gsm8k' as const, problem: second.problem, answer: second.answer };
    const leaky: Dataset = { ...ds, eval: [...ds.eval, asEval], dev: [...ds.dev, asDev] };
    const traces = heldoutTraces(leaky, 1, 256);
    const plain = heldoutTraces(ds, 3, 256);
    // the first two candidates are skipped: the one taken is the third
    expect(traces[0]).toEqual(plain[2]);
    expect(third.problem).not.toBe(first.problem);
  });

  it('weighs held-out Base records as pretraining does and skips eval/dev problems among them', () => {
    const items = baseHeldoutItems(ds, 10, 256);
    expect(items).toHaveLength(10);
    for (const it of items) {
      const learned = it.weights.map((x, j) => (x > 0 ? j : -1)).filter((j) => j >= 0);
      // the completion after the Base prompt, to the EOS
      expect(learned.at(-1)).toBe(it.inputIds.length - 1);
      expect(learned.length).toBeLessThan(it.inputIds.length - 1);
    }
    const worded = w.baseHeldout.find((b) => b.key)!;
    const leaky: Dataset = { ...ds, dev: [...ds.dev, { id: 'z', tier: 'gsm8k', problem: worded.problem, answer: worded.answer, key: worded.key }] };
    expect(baseHeldoutItems(leaky, w.baseHeldout.length - 1, 256)).toHaveLength(w.baseHeldout.length - 1);
    expect(() => baseHeldoutItems(leaky, w.baseHeldout.length, 256)).toThrow(/only \d+ of \d+ held-out Base records/);
  });
});
