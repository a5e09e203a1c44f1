// Every launcher that splits a tensor larger than one storage binding, run twice: on the device's
// real limit (one piece) and on a context forced to a 4 KiB limit (several pieces, the last one
// short). The recorder refuses any binding over a context's limit, so the second run can only pass
// through the split path. Row-wise and element-wise ops must give bit-identical outputs; sums whose
// grouping the split changes (gradient norm, the LM head's backward) agree to f32 rounding.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpuContext, read, readInts, write, type Tensor } from '../../lib/gpu/index.ts';
import { adamw, adamwStepScalars } from '../../lib/ops/adamw.ts';
import { crossEntropy } from '../../lib/ops/crossentropy.ts';
import { embeddingBackward, embeddingForward } from '../../lib/ops/embedding.ts';
import { gradNormSq } from '../../lib/ops/gradnorm.ts';
import { lmHeadBackward, lmHeadForward } from '../../lib/ops/lmhead.ts';
import { sample } from '../../lib/ops/sample.ts';
import { Rng } from '../../lib/util/rng.ts';
import { f32, maxScaledError, randn, useGpu } from '../helpers/gpu.ts';
import { gradNormSqRef } from './adamw.ref.ts';

const { ctx } = useGpu();
const LIMIT = 4096; // bytes: 1024 floats
let small: GpuContext;
beforeAll(() => {
  small = new GpuContext(ctx().gpu, { maxBindingBytes: LIMIT });
});
afterAll(() => small.destroy());

/** Run `op` on both contexts with the same host inputs; returns what each read back. */
async function both<T>(op: (c: GpuContext) => Promise<T>): Promise<[T, T]> {
  return [await op(ctx()), await op(small)];
}

const up = (c: GpuContext, data: ArrayLike<number>, name: string, dtype: 'f32' | 'u32' = 'f32'): Tensor => c.pool.upload(data, [data.length], name, dtype);

describe('split launchers against their unsplit runs', () => {
  it.each(['serial', 'workgroup'] as const)('crossEntropy over row pieces is bit-identical (%s rows)', async (mode) => {
    const rows = 45,
      vocab = 96; // 10 rows (960 floats) per piece: 5 pieces
    const rng = new Rng(1);
    const logits = Float32Array.from(randn(rng, rows * vocab, 3));
    const targets = Uint32Array.from({ length: rows }, () => rng.int(0, vocab - 1));
    const weights = Float32Array.from({ length: rows }, (_, r) => (r % 3 === 0 ? 0 : 1 / (r + 1)));
    const [want, got] = await both(async (c) => {
      const out = {
        loss: c.pool.alloc([rows], 'loss'),
        logprob: c.pool.alloc([rows], 'logprob'),
        entropy: c.pool.alloc([rows], 'entropy'),
        dlogits: c.pool.alloc([rows, vocab], 'dlogits'),
      };
      crossEntropy(
        c,
        c.pool.upload(logits, [rows, vocab], 'logits'),
        up(c, targets, 'targets', 'u32'),
        up(c, weights, 'weights'),
        out,
        { rows, vocab, temperature: 0.8, gradScale: 0.5 },
        mode,
      );
      c.rec.submit();
      return Promise.all(Object.values(out).map((t) => read(c.gpu, t)));
    });
    for (const [i, w] of want.entries()) expect(got[i]).toEqual(w);
  });

  it('sample over row pieces draws the same ids and advances the same PRNG states', async () => {
    const batch = 23,
      vocab = 160; // 6 rows per piece (a multiple of 2, the row unit of 160 floats)
    const logits = Float32Array.from(randn(new Rng(2), batch * vocab, 2));
    const seeds = Uint32Array.from({ length: batch }, (_, b) => 1000 + 7919 * b);
    const [want, got] = await both(async (c) => {
      const tl = c.pool.upload(logits, [batch, vocab], 'logits');
      const ids = c.pool.alloc([batch], 'ids', 'u32');
      const state = up(c, seeds, 'rng', 'u32');
      const out: number[] = [];
      for (const greedy of [true, false, false]) {
        sample(c, tl, ids, state, { batch, vocab, temperature: 1.2, topK: 40, topP: 0.9, greedy });
        c.rec.submit();
        out.push(...(await readInts(c.gpu, ids)));
      }
      return [out, [...(await readInts(c.gpu, state))]];
    });
    expect(got).toEqual(want);
    expect(new Set(want[0]).size).toBeGreaterThan(batch); // the draws vary: not all argmax
  });

  it('adamw over element pieces is bit-identical, and leaves the rest of a flat buffer alone', async () => {
    const n = 5000,
      off = 64; // 5 pieces of 1024
    const rng = new Rng(3);
    const p0 = Float32Array.from(randn(rng, n, 0.5));
    const g = Float32Array.from(randn(rng, n, 0.01));
    const opts = { n, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, maxGradNorm: 0.05 };
    const [want, got] = await both(async (c) => {
      const flat = up(c, new Float32Array(off + n + 64).fill(7), 'flat');
      const tp = c.pool.view(flat, off, [n], 'params');
      write(c.gpu, tp, p0);
      const tg = up(c, g, 'grads');
      const tm = c.pool.alloc([n], 'm'),
        tv = c.pool.alloc([n], 'v');
      const scalars = c.pool.alloc([4], 'scalars');
      const normSq = up(c, [gradNormSqRef(f32(g))], 'normSq');
      for (let step = 1; step <= 3; step++) {
        write(c.gpu, scalars, adamwStepScalars(step, 1e-3, opts.beta1, opts.beta2));
        adamw(c, tp, tg, tm, tv, scalars, normSq, opts);
        c.rec.submit();
      }
      return read(c.gpu, flat);
    });
    expect(got).toEqual(want);
    expect(got[off - 1]).toBe(7);
    expect(got[off + n]).toBe(7);
  });

  it('gradNormSq over element pieces matches the float64 sum, bit-identical on a rerun', async () => {
    const n = 9001; // 9 pieces; their 9 x 64 partials still fit one binding for the final sum
    const g = f32(randn(new Rng(4), n, 0.01));
    const run = (c: GpuContext) => async () => {
      const out = c.pool.alloc([1], 'normSq');
      gradNormSq(c, up(c, g, 'grads'), out);
      c.rec.submit();
      return (await read(c.gpu, out))[0];
    };
    const [want, got] = await both((c) => run(c)());
    const ref = gradNormSqRef(g);
    expect(Math.abs(want - ref) / ref).toBeLessThan(1e-5);
    expect(Math.abs(got - ref) / ref).toBeLessThan(1e-5);
    expect(await run(small)()).toBe(got);
  });

  it('embedding forward and backward over vocabulary pieces are bit-identical (out-of-range id gives a zero row)', async () => {
    const rows = 40,
      dim = 20,
      vocab = 301; // pieces of 48 rows (the row unit of 20 floats is 16)
    const rng = new Rng(5);
    const ids = Uint32Array.from({ length: rows }, () => rng.int(0, vocab - 1));
    ids[3] = vocab + 5;
    ids[9] = vocab - 1;
    const table = Float32Array.from(randn(rng, vocab * dim));
    const dout = Float32Array.from(randn(rng, rows * dim));
    const [want, got] = await both(async (c) => {
      const tid = up(c, ids, 'ids', 'u32');
      const out = up(c, new Float32Array(rows * dim).fill(Number.NaN), 'out');
      const dtable = up(c, new Float32Array(vocab * dim).fill(1), 'dtable');
      embeddingForward(c, tid, c.pool.upload(table, [vocab, dim], 'table'), out, { rows, dim, vocab });
      embeddingBackward(c, tid, c.pool.upload(dout, [rows, dim], 'dout'), dtable, { rows, dim, vocab, accumulate: true });
      c.rec.submit();
      return [await read(c.gpu, out), await read(c.gpu, dtable)];
    });
    expect(got[0]).toEqual(want[0]);
    expect(got[1]).toEqual(want[1]);
    expect([...want[0].subarray(3 * dim, 4 * dim)]).toEqual(new Array(dim).fill(0));
  });

  it('the LM head over token and vocabulary pieces: logits bit-identical (with a bias), gradients to f32 rounding', async () => {
    const rows = 21,
      dim = 16,
      vocab = 176; // W in pieces of 64, 64, 48 rows; logits in 4-row pieces
    const rng = new Rng(6);
    const h = Float32Array.from(randn(rng, rows * dim));
    const w = Float32Array.from(randn(rng, vocab * dim, 0.1));
    const bias = Float32Array.from(randn(rng, vocab));
    const dlogits = Float32Array.from(randn(rng, rows * vocab, 0.01));
    const [want, got] = await both(async (c) => {
      const th = c.pool.upload(h, [rows, dim], 'h'),
        tw = c.pool.upload(w, [vocab, dim], 'w');
      const logits = c.pool.alloc([rows, vocab], 'logits');
      const dw = up(c, new Float32Array(vocab * dim).fill(0.5), 'dw');
      const dh = c.pool.alloc([rows, dim], 'dh');
      const o = { rows, vocab, dim };
      lmHeadForward(c, th, tw, logits, { ...o, bias: up(c, bias, 'bias') });
      lmHeadBackward(c, c.pool.upload(dlogits, [rows, vocab], 'dlogits'), th, tw, dw, dh, o);
      c.rec.submit();
      return [await read(c.gpu, logits), await read(c.gpu, dh), await read(c.gpu, dw)];
    });
    expect(got[0]).toEqual(want[0]);
    expect(maxScaledError(got[1], want[1], 1e-7, 1e-5)).toBeLessThanOrEqual(1);
    expect(maxScaledError(got[2], want[2], 1e-7, 1e-5)).toBeLessThanOrEqual(1);
  });
});
