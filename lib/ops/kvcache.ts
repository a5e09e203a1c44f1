// KV cache append: one new token per sequence per step, sequences of different lengths in one
// batch (each row writes at its own lengths[b]). lib/model/generate.ts no longer dispatches it:
// attentionDecode's `append` does the same write inside the attention dispatch. It stays as the
// unfused variant that test/ops/attention.test.ts checks the fused one against.
import { Params, type GpuContext, type Tensor } from '../gpu/index.ts';

export interface KvAppendOpts {
  batch: number;
  maxLen: number;
  kvDim: number;
  /** Increment lengths[b] after writing (default true) so attentionDecode sees the new token. */
  advance?: boolean;
}

const WG = 8;

/**
 * kCache[b, lengths[b], :] = k[b, :], same for v; then lengths[b] += 1 unless advance is false.
 * A full row (lengths[b] >= maxLen) is left unchanged.
 */
export function kvAppend(ctx: GpuContext, k: Tensor, v: Tensor, kCache: Tensor, vCache: Tensor, lengths: Tensor, opts: KvAppendOpts): void {
  const { batch, maxLen, kvDim } = opts;
  const want: [Tensor, number][] = [
    [k, batch * kvDim],
    [v, batch * kvDim],
    [kCache, batch * maxLen * kvDim],
    [vCache, batch * maxLen * kvDim],
    [lengths, batch],
  ];
  for (const [t, n] of want) if (t.size !== n) throw new Error(`kvAppend: ${t.name} has ${t.size} elements, expected ${n}`);
  if (lengths.dtype !== 'u32') throw new Error(`kvAppend: lengths must be u32, got ${lengths.dtype}`);
  const params = new Params()
    .u32(batch)
    .u32(maxLen)
    .u32(kvDim)
    .u32(opts.advance === false ? 0 : 1);
  ctx.rec.dispatch(ctx.pipelines.kernel('kv_append', { WG }), [Math.ceil(batch / WG)], [k, v, kCache, vCache, lengths], params);
}
