// Causal grouped-query attention against the float64 reference (attention.ref.ts). Shapes are not
// multiples of the 32-row workgroup nor of the 8-row chunks of the subgroup kernels; outputs are
// NaN-poisoned first. Tolerances: forward
// |err| <= 2e-5 + 1e-4|want|, gradients |err| <= 1e-4 + 1e-3|want| (f32 sums over up to T*group terms).
import { describe, expect, it } from 'vitest';
import { readInts } from '../../lib/gpu/index.ts';
import { attentionBackward, attentionDecode, attentionForward } from '../../lib/ops/attention.ts';
import { kvAppend } from '../../lib/ops/kvcache.ts';
import { Rng } from '../../lib/util/rng.ts';
import { f32, maxScaledError, poison, randn, run, useGpu } from '../helpers/gpu.ts';
import { attentionBackwardRef, attentionDecodeRef, attentionForwardRef, kvAppendRef, type AttnShape } from './attention.ref.ts';

const { ctx } = useGpu();

// Head dims 32 (the model's) and 8 only: each head dim is a separately JIT-compiled pipeline, and
// lavapipe takes seconds per compile at Dh=32 (cached on disk by Mesa afterwards).
const shapes: AttnShape[] = [
  { batch: 2, seqLen: 45, heads: 4, kvHeads: 2, headDim: 32 },
  { batch: 3, seqLen: 37, heads: 2, kvHeads: 2, headDim: 8 },
  { batch: 2, seqLen: 70, heads: 4, kvHeads: 1, headDim: 8 },
];

describe('attention reference', () => {
  it('backward matches central finite differences of sum(dout * out)', () => {
    const s: AttnShape = { batch: 1, seqLen: 5, heads: 2, kvHeads: 1, headDim: 4 };
    const rng = new Rng(7);
    const q = randn(rng, 5 * 8),
      k = randn(rng, 5 * 4),
      v = randn(rng, 5 * 4),
      dout = randn(rng, 5 * 8);
    const loss = () => attentionForwardRef(q, k, v, s).out.reduce((a, o, i) => a + o * dout[i], 0);
    const g = attentionBackwardRef(dout, q, k, v, s);
    for (const [x, dx] of [
      [q, g.dq],
      [k, g.dk],
      [v, g.dv],
    ] as const) {
      for (let i = 0; i < x.length; i++) {
        const x0 = x[i];
        x[i] = x0 + 1e-6;
        const up = loss();
        x[i] = x0 - 1e-6;
        const down = loss();
        x[i] = x0;
        expect(Math.abs((up - down) / 2e-6 - dx[i])).toBeLessThan(1e-6);
      }
    }
  });
});

describe('attention', () => {
  // Both kernel variants: the subgroup ones (the default where subgroups exist) and the plain ones.
  it.each(shapes.flatMap((s) => (['subgroup', 'plain'] as const).map((kernel) => ({ ...s, kernel }))))('forward and backward match the reference for %o', async (s) => {
    const c = ctx();
    const rng = new Rng(s.seqLen * 31 + s.kvHeads);
    const rows = s.batch * s.seqLen;
    const qn = rows * s.heads * s.headDim,
      kn = rows * s.kvHeads * s.headDim;
    const q = f32(randn(rng, qn)),
      k = f32(randn(rng, kn)),
      v = f32(randn(rng, kn)),
      dout = f32(randn(rng, qn));
    const tq = c.pool.upload(Float32Array.from(q), [rows, qn / rows], 'q');
    const tk = c.pool.upload(Float32Array.from(k), [rows, kn / rows], 'k');
    const tv = c.pool.upload(Float32Array.from(v), [rows, kn / rows], 'v');
    const tdo = c.pool.upload(Float32Array.from(dout), [rows, qn / rows], 'dout');
    const out = c.pool.alloc([rows, qn / rows], 'out');
    const lse = c.pool.alloc([s.batch * s.heads * s.seqLen], 'lse');
    const dq = c.pool.alloc([qn], 'dq'),
      dk = c.pool.alloc([kn], 'dk'),
      dv = c.pool.alloc([kn], 'dv');
    for (const t of [out, lse, dq, dk, dv]) poison(c, t);
    attentionForward(c, tq, tk, tv, out, lse, s);
    attentionBackward(c, tdo, tq, tk, tv, out, lse, dq, dk, dv, s);
    const want = attentionForwardRef(q, k, v, s);
    const grads = attentionBackwardRef(dout, q, k, v, s);
    expect(maxScaledError(await run(c, out), want.out, 2e-5, 1e-4)).toBeLessThanOrEqual(1);
    expect(maxScaledError(await run(c, lse), want.lse, 2e-5, 1e-4)).toBeLessThanOrEqual(1);
    expect(maxScaledError(await run(c, dq), grads.dq, 1e-4, 1e-3)).toBeLessThanOrEqual(1);
    expect(maxScaledError(await run(c, dk), grads.dk, 1e-4, 1e-3)).toBeLessThanOrEqual(1);
    expect(maxScaledError(await run(c, dv), grads.dv, 1e-4, 1e-3)).toBeLessThanOrEqual(1);
  });

  // The subgroup kernels only change who loads a row: every lane still adds the same terms in the
  // same order, so both variants agree bit for bit (training with either gives identical models).
  it('the subgroup and plain kernels agree bit for bit', async () => {
    const c = ctx();
    const s = shapes[0];
    const rng = new Rng(5);
    const rows = s.batch * s.seqLen;
    const qn = rows * s.heads * s.headDim,
      kn = rows * s.kvHeads * s.headDim;
    const [tq, tdo] = [randn(rng, qn), randn(rng, qn)].map((x, i) => c.pool.upload(Float32Array.from(x), [rows, qn / rows], `in${i}`));
    const [tk, tv] = [randn(rng, kn), randn(rng, kn)].map((x, i) => c.pool.upload(Float32Array.from(x), [rows, kn / rows], `kv${i}`));
    const outputs: Float32Array[][] = [];
    for (const kernel of ['subgroup', 'plain'] as const) {
      const o = { ...s, kernel };
      const out = c.pool.alloc([rows, qn / rows], 'out'),
        lse = c.pool.alloc([s.batch * s.heads * s.seqLen], 'lse');
      const dq = c.pool.alloc([qn], 'dq'),
        dk = c.pool.alloc([kn], 'dk'),
        dv = c.pool.alloc([kn], 'dv');
      attentionForward(c, tq, tk, tv, out, lse, o);
      attentionBackward(c, tdo, tq, tk, tv, out, lse, dq, dk, dv, o);
      outputs.push(await Promise.all([out, lse, dq, dk, dv].map((t) => run(c, t))));
    }
    const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    outputs[1].forEach((plain, i) => {
      expect(plain.every(Number.isFinite), `output ${i} finite`).toBe(true);
      expect(bytes(outputs[0][i]).equals(bytes(plain)), `output ${i}`).toBe(true);
    });
  });

  // Sequences of different lengths before the append; 41 is a full cache, which keeps its rows
  // and attends to them all.
  const LENGTHS = [0, 6, 39, 33, 41, 40];
  const SHAPES = [
    { heads: 4, kvHeads: 2, headDim: 32 },
    { heads: 2, kvHeads: 2, headDim: 8 },
  ];

  it.each(
    SHAPES.flatMap((s) => [
      { ...s, fused: false },
      { ...s, fused: true },
    ]),
  )("decode after appending the step's k/v, separate or fused (%o)", async ({ heads, kvHeads, headDim, fused }) => {
    const c = ctx();
    const rng = new Rng(heads * 100 + headDim);
    const batch = LENGTHS.length,
      maxLen = 41,
      kvDim = kvHeads * headDim;
    const shape = { batch, maxLen, heads, kvHeads, headDim };
    const kCache = f32(randn(rng, batch * maxLen * kvDim)),
      vCache = f32(randn(rng, batch * maxLen * kvDim));
    const k = f32(randn(rng, batch * kvDim)),
      v = f32(randn(rng, batch * kvDim)),
      q = f32(randn(rng, batch * heads * headDim));
    const tkc = c.pool.upload(Float32Array.from(kCache), [batch, maxLen, kvDim], 'kCache');
    const tvc = c.pool.upload(Float32Array.from(vCache), [batch, maxLen, kvDim], 'vCache');
    // kvAppend advances the lengths itself; the fused kernel takes lengths that already count the new token.
    const tlen = c.pool.upload(fused ? LENGTHS.map((n) => n + 1) : LENGTHS, [batch], 'lengths', 'u32');
    const tk = c.pool.upload(Float32Array.from(k), [batch, kvDim], 'k');
    const tv = c.pool.upload(Float32Array.from(v), [batch, kvDim], 'v');
    const tq = c.pool.upload(Float32Array.from(q), [batch, heads * headDim], 'q');
    const out = c.pool.alloc([batch, heads * headDim], 'out');
    poison(c, out);
    if (fused) {
      attentionDecode(c, tq, tkc, tvc, tlen, out, shape, { k: tk, v: tv });
    } else {
      kvAppend(c, tk, tv, tkc, tvc, tlen, { batch, maxLen, kvDim });
      attentionDecode(c, tq, tkc, tvc, tlen, out, shape);
    }
    const lengths = [...LENGTHS];
    kvAppendRef(k, v, kCache, vCache, lengths, maxLen, kvDim);
    const want = attentionDecodeRef(q, kCache, vCache, lengths, shape);
    expect(maxScaledError(await run(c, out), want, 2e-5, 1e-4)).toBeLessThanOrEqual(1);
    // kvAppend advanced the lengths (a full cache stays full); the fused kernel leaves them as given.
    if (!fused) expect([...(await readInts(c.gpu, tlen))]).toEqual(lengths);
    // Copies are exact: any difference at all exceeds atol 1e-30.
    expect(maxScaledError(await run(c, tkc), kCache, 1e-30, 0)).toBeLessThanOrEqual(1);
    expect(maxScaledError(await run(c, tvc), vCache, 1e-30, 0)).toBeLessThanOrEqual(1);
  });
});
