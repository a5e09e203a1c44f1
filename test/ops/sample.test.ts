// Device sampling. Greedy against argmax; top-k = 1 against greedy; draws against the reference
// distribution (sample.ref.ts) with Pearson's chi-square; nucleus membership; reproducibility.
// Chi-square bound: the 0.999 quantile of chi2(df) (Wilson-Hilferty), so a correct sampler fails
// with probability ~1e-3 per check; the seeds are fixed, so the outcome is deterministic.
import { describe, expect, it } from 'vitest';
import { readInts, write, type GpuContext, type Tensor } from '../../lib/gpu/index.ts';
import { sample, type SampleOpts } from '../../lib/ops/sample.ts';
import { Rng } from '../../lib/util/rng.ts';
import { f32, randn, useGpu } from '../helpers/gpu.ts';
import { argmaxRef, chiSquare, samplingDistributionRef } from './sample.ref.ts';

const { ctx } = useGpu();

function chi2Quantile999(df: number): number {
  const z = 3.0902; // standard normal 0.999 quantile
  return df * (1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df))) ** 3;
}

function seeds(seed: number, n: number): Uint32Array {
  const rng = new Rng(seed);
  return Uint32Array.from({ length: n }, () => (rng.next() * 2 ** 32) >>> 0);
}

/** Draw `calls` times per row; returns every id, row-major by call. */
async function draws(c: GpuContext, logits: Tensor, rngState: Tensor, opts: SampleOpts, calls: number): Promise<Int32Array[]> {
  const out: Int32Array[] = [];
  const ids = c.pool.alloc([opts.batch], 'ids', 'u32');
  for (let k = 0; k < calls; k++) {
    write(c.gpu, ids, new Uint32Array(opts.batch).fill(0xdeadbeef));
    sample(c, logits, ids, rngState, opts);
    c.rec.submit();
    out.push(await readInts(c.gpu, ids));
  }
  return out;
}

/** `batch` copies of one logit row. */
function tiled(row: Float64Array, batch: number): Float32Array {
  const out = new Float32Array(batch * row.length);
  for (let b = 0; b < batch; b++) out.set(row, b * row.length);
  return out;
}

describe('sample', () => {
  it('greedy is the argmax (lowest index on ties) and top-k = 1 equals greedy', async () => {
    const c = ctx();
    const batch = 37,
      vocab = 301;
    const x = f32(randn(new Rng(1), batch * vocab, 2));
    const logits = c.pool.upload(Float32Array.from(x), [batch, vocab], 'logits');
    const rng = c.pool.upload(seeds(1, batch), [batch], 'rng', 'u32');
    const base = { batch, vocab, temperature: 1, topK: 0, topP: 1 };
    const [greedy] = await draws(c, logits, rng, { ...base, greedy: true }, 1);
    const want = Array.from({ length: batch }, (_, b) => argmaxRef(x.subarray(b * vocab, (b + 1) * vocab)));
    expect([...greedy]).toEqual(want);
    for (const top1 of await draws(c, logits, rng, { ...base, temperature: 1.3, topK: 1, greedy: false }, 3)) {
      expect([...top1]).toEqual(want);
    }
    // A tie for the maximum: greedy takes the lowest index (top-k = 1 would keep both).
    x[5 * vocab + 250] = x[5 * vocab + 17] = 50;
    write(c.gpu, logits, Float32Array.from(x));
    const [tied] = await draws(c, logits, rng, { ...base, greedy: true }, 1);
    expect(tied[5]).toBe(17);
  });

  it.each([
    { temperature: 1, topK: 0, topP: 1, vocab: 20 },
    { temperature: 0.7, topK: 12, topP: 0.8, vocab: 40 },
  ])('draws follow the reference distribution (chi-square), nothing outside the kept set (%o)', async ({ temperature, topK, topP, vocab }) => {
    const c = ctx();
    const batch = 2500,
      calls = 4;
    const row = f32(randn(new Rng(vocab), vocab, 0.6));
    const p = samplingDistributionRef(row, { temperature, topK, topP });
    const logits = c.pool.upload(tiled(row, batch), [batch, vocab], 'logits');
    const rng = c.pool.upload(seeds(vocab, batch), [batch], 'rng', 'u32');
    const counts = new Float64Array(vocab);
    for (const ids of await draws(c, logits, rng, { batch, vocab, temperature, topK, topP, greedy: false }, calls)) {
      for (const id of ids) counts[id]++;
    }
    expect(counts.reduce((a, b) => a + b, 0)).toBe(batch * calls); // every id in [0, vocab)
    const { stat, df } = chiSquare(counts, p);
    expect(df).toBeGreaterThan(3);
    expect(stat).toBeLessThan(chi2Quantile999(df));
  });

  it('top-p keeps only the nucleus, per row, on rows with different logits', async () => {
    const c = ctx();
    const batch = 50,
      vocab = 333,
      topP = 0.5,
      temperature = 0.9;
    const x = f32(randn(new Rng(9), batch * vocab, 3));
    const logits = c.pool.upload(Float32Array.from(x), [batch, vocab], 'logits');
    const rng = c.pool.upload(seeds(9, batch), [batch], 'rng', 'u32');
    const kept = Array.from({ length: batch }, (_, b) => samplingDistributionRef(x.subarray(b * vocab, (b + 1) * vocab), { temperature, topK: 0, topP }));
    const all = await draws(c, logits, rng, { batch, vocab, temperature, topK: 0, topP, greedy: false }, 40);
    let outside = 0;
    const seen = new Set<number>();
    for (const ids of all)
      ids.forEach((id, b) => {
        if (!(kept[b][id] > 0)) outside++;
        seen.add(b * vocab + id);
      });
    expect(outside).toBe(0);
    // Not degenerate: rows whose nucleus has several tokens show more than one of them.
    const multi = kept.filter((p) => p.filter((q) => q > 0.05).length > 1).length;
    expect(multi).toBeGreaterThan(10);
    expect(seen.size).toBeGreaterThan(batch + multi / 2);
  });

  it('a NaN row still gets a valid id in [0, vocab)', async () => {
    const c = ctx();
    const batch = 3,
      vocab = 50;
    const x = Float32Array.from(randn(new Rng(8), batch * vocab));
    x.fill(Number.NaN, vocab, 2 * vocab);
    const logits = c.pool.upload(x, [batch, vocab], 'logits');
    const rng = c.pool.upload(seeds(8, batch), [batch], 'rng', 'u32');
    for (const greedy of [false, true]) {
      const [ids] = await draws(c, logits, rng, { batch, vocab, temperature: 1, topK: 5, topP: 0.9, greedy }, 1);
      expect([...ids].every((id) => id >= 0 && id < vocab)).toBe(true);
    }
  });

  it('the same seeds give the same draws, and the state advances', async () => {
    const c = ctx();
    const batch = 64,
      vocab = 97;
    const x = Float32Array.from(randn(new Rng(4), batch * vocab));
    const logits = c.pool.upload(x, [batch, vocab], 'logits');
    const opts = { batch, vocab, temperature: 1, topK: 40, topP: 0.95, greedy: false };
    const s0 = seeds(4, batch);
    const rng = c.pool.upload(s0, [batch], 'rng', 'u32');
    const first = await draws(c, logits, rng, opts, 3);
    const advanced = new Uint32Array((await readInts(c.gpu, rng)).buffer);
    expect(advanced.some((s, i) => s !== s0[i])).toBe(true);
    write(c.gpu, rng, s0);
    const second = await draws(c, logits, rng, opts, 3);
    expect(second.map((a) => [...a])).toEqual(first.map((a) => [...a]));
    expect(new Set(first.map((a) => a.join(','))).size).toBe(3); // successive calls differ
  });
});
