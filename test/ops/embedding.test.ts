import { describe, expect, it } from 'vitest';
import { embeddingBackward, embeddingForward } from '../../lib/ops/embedding.ts';
import { write } from '../../lib/gpu/index.ts';
import { Rng } from '../../lib/util/rng.ts';
import { f32, maxScaledError, poison, randn, run, useGpu } from '../helpers/gpu.ts';
import { embeddingBackwardRef, embeddingForwardRef } from './embedding.ref.ts';

const { ctx } = useGpu();

// rows=203, dim=135 (the backward covers 128 columns per workgroup, the forward 256 elements),
// vocab=11 so ids repeat many times; one id is out of range.
const rows = 203,
  dim = 135,
  vocab = 11;

function ids(rng: Rng): Uint32Array {
  const out = Uint32Array.from({ length: rows }, () => rng.int(0, vocab - 1));
  out[5] = vocab + 3;
  return out;
}

describe('embedding', () => {
  // An exact copy: the tolerance is zero up to the 1e-30 that keeps 0/0 out of the error ratio.
  it('forward copies table rows (zero row for an out-of-range id)', async () => {
    const c = ctx();
    const rng = new Rng(1);
    const id = ids(rng);
    const table = f32(randn(rng, vocab * dim));
    const out = c.pool.alloc([rows, dim], 'out');
    poison(c, out);
    embeddingForward(c, c.pool.upload(id, [rows], 'ids', 'u32'), c.pool.upload(table, [vocab, dim], 'table'), out, { rows, dim, vocab });
    expect(maxScaledError(await run(c, out), embeddingForwardRef(id, table, rows, dim, vocab), 1e-30, 0)).toBeLessThanOrEqual(1);
  });

  it.each([false, true])('backward sums rows per id deterministically (accumulate=%s)', async (accumulate) => {
    const c = ctx();
    const rng = new Rng(2);
    const id = ids(rng);
    id[7] = 4; // vocab row 4 is hit at least once; make another row never hit
    for (let r = 0; r < rows; r++) if (id[r] === 9) id[r] = 8;
    const dout = f32(randn(rng, rows * dim));
    const old = accumulate ? f32(randn(rng, vocab * dim)) : undefined;
    const dtable = c.pool.alloc([vocab, dim], 'dtable');
    if (old) write(c.gpu, dtable, old);
    else poison(c, dtable);
    embeddingBackward(c, c.pool.upload(id, [rows], 'ids', 'u32'), c.pool.upload(dout, [rows, dim], 'dout'), dtable, { rows, dim, vocab, accumulate });
    const got = await run(c, dtable);
    // ~20 f32 terms of size ~1 per element: 1e-5 is generous for rounding, tight for a lost row.
    expect(maxScaledError(got, embeddingBackwardRef(id, dout, rows, dim, vocab, old), 1e-5, 1e-5)).toBeLessThanOrEqual(1);
    // Deterministic: a second run gives bit-identical output.
    if (!accumulate) {
      embeddingBackward(c, c.pool.upload(id, [rows], 'ids2', 'u32'), c.pool.upload(dout, [rows, dim], 'dout2'), dtable, { rows, dim, vocab });
      expect(Array.from(await run(c, dtable))).toEqual(Array.from(got));
    }
  });
});
