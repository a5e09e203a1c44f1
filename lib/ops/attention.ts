// Causal grouped-query attention: training forward/backward (flash style: only the per-row
// logsumexp is saved) and the one-token decode step against a KV cache.
// Layouts: activations are row-major [B*T, heads*headDim]; lse is [B, Hq, T] flattened.
import { Params, type GpuContext, type Tensor } from '../gpu/index.ts';
import { dummyTensor } from './dummy.ts';
import { scratch } from './scratch.ts';

export interface AttentionOpts {
  batch: number;
  seqLen: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  /** which training kernels (default 'auto'); the others are for tests and benchmarks */
  kernel?: AttentionKernel;
}

/**
 * 'subgroup' (kernels/attention_*_sg.wgsl): the rows every lane of a workgroup needs (k/v in the
 * forward and dq, q/dout in dk/dv) are loaded once per 8 lanes, one row per lane, and passed around
 * with subgroupShuffle; 'plain' (kernels/attention_*.wgsl): every lane loads the same row itself.
 * On lavapipe a load that all lanes make at one address is as slow as 8 separate ones, so the
 * subgroup kernels measured ~3x faster there (scripts/bench-attention.ts --variants plain subgroup).
 * 'auto' picks 'subgroup' when the device has subgroups of at least 8 lanes.
 */
export type AttentionKernel = 'auto' | 'subgroup' | 'plain';

function kernelName(ctx: GpuContext, base: string, kernel: AttentionKernel = 'auto'): string {
  const sg = ctx.gpu.subgroupSizes;
  const fits = !!sg && sg[0] >= 8;
  if (kernel === 'subgroup' && !fits) throw new Error(`${base}: the subgroup kernel needs subgroups of at least 8 lanes`);
  return kernel === 'plain' || !fits ? base : `${base}_sg`;
}

/**
 * The step's new key/value rows [B, kvHeads*headDim] for attentionDecode to append itself: they are
 * position lengths[b]-1 (lengths already count them), attended from here and written to the caches.
 */
export interface DecodeAppend {
  k: Tensor;
  v: Tensor;
}

export interface AttentionDecodeOpts {
  batch: number;
  maxLen: number;
  heads: number;
  kvHeads: number;
  headDim: number;
}

// 32 rows per workgroup keeps the causal waste (keys past a row's own position, masked) at ~1/16
// of the work at T=256; in the forward, R rows per invocation make each k/v load serve R rows, since
// loads, not arithmetic, bound these kernels on lavapipe (see kernels/attention_forward.wgsl).
const WG = 8; // forward: invocations per workgroup
const R = 4; // forward: query rows per invocation, WG * R = 32 rows per workgroup
// Backward: 2 rows per invocation, 32 per workgroup. R = 4 there spilled (2.5x slower) and took
// lavapipe's LLVM ~25 s to compile per kernel (four R x Dh private arrays, unrolled). The same
// settings were timed again for the subgroup kernels (forward R 2 / 4 / 8, backward R 1 / 2 / 4,
// WG 8 / 16) on a loaded machine: none was clearly faster (runs varied by ~20%); R 8 forward and
// R 4 backward were 4x slower (spills).
const BWD_WG = 16;
const BWD_R = 2;
const DECODE_WG = 8;

function checkHeads(op: string, heads: number, kvHeads: number, headDim: number): void {
  if (headDim % 4 !== 0 || headDim < 4 || headDim > 128) throw new Error(`${op}: headDim ${headDim} must be a multiple of 4 in [4, 128]`);
  if (kvHeads < 1 || heads % kvHeads !== 0) throw new Error(`${op}: heads ${heads} is not a multiple of kvHeads ${kvHeads}`);
}

function checkSize(op: string, t: Tensor, want: number): void {
  if (t.size !== want) throw new Error(`${op}: ${t.name} has ${t.size} elements, expected ${want}`);
}

function trainParams(o: AttentionOpts): Params {
  return new Params()
    .u32(o.seqLen)
    .u32(o.heads / o.kvHeads)
    .u32((o.heads * o.headDim) / 4)
    .u32((o.kvHeads * o.headDim) / 4)
    .u32(o.heads)
    .f32(1 / Math.sqrt(o.headDim));
}

function checkTrain(op: string, o: AttentionOpts, q: Tensor, k: Tensor, v: Tensor): void {
  checkHeads(op, o.heads, o.kvHeads, o.headDim);
  const rows = o.batch * o.seqLen;
  checkSize(op, q, rows * o.heads * o.headDim);
  checkSize(op, k, rows * o.kvHeads * o.headDim);
  checkSize(op, v, rows * o.kvHeads * o.headDim);
}

/** out = causal softmax(q k^T / sqrt(Dh)) v per head; lse[b, h, t] = the row's logsumexp. */
export function attentionForward(ctx: GpuContext, q: Tensor, k: Tensor, v: Tensor, out: Tensor, lse: Tensor, opts: AttentionOpts): void {
  checkTrain('attentionForward', opts, q, k, v);
  checkSize('attentionForward', out, q.size);
  checkSize('attentionForward', lse, opts.batch * opts.heads * opts.seqLen);
  const p = ctx.pipelines.kernel(kernelName(ctx, 'attention_forward', opts.kernel), { WG, R, DH4: opts.headDim / 4 });
  ctx.rec.dispatch(p, [Math.ceil(opts.seqLen / (WG * R)), opts.heads, opts.batch], [q, k, v, out, lse], trainParams(opts));
}

/** dq, dk, dv (overwritten) from dout and the forward's q, k, v, out, lse. Two dispatches, no atomics. */
export function attentionBackward(
  ctx: GpuContext,
  dout: Tensor,
  q: Tensor,
  k: Tensor,
  v: Tensor,
  out: Tensor,
  lse: Tensor,
  dq: Tensor,
  dk: Tensor,
  dv: Tensor,
  opts: AttentionOpts,
): void {
  const op = 'attentionBackward';
  checkTrain(op, opts, q, k, v);
  for (const t of [dout, out, dq]) checkSize(op, t, q.size);
  checkSize(op, dk, k.size);
  checkSize(op, dv, v.size);
  const rowsStats = opts.batch * opts.heads * opts.seqLen;
  checkSize(op, lse, rowsStats);
  const D = scratch(ctx, 'attention.D', rowsStats);
  const params = trainParams(opts);
  const consts = { WG: BWD_WG, R: BWD_R, DH4: opts.headDim / 4 };
  const blocks = Math.ceil(opts.seqLen / (BWD_WG * BWD_R));
  ctx.rec.dispatch(ctx.pipelines.kernel(kernelName(ctx, 'attention_backward_dq', opts.kernel), consts), [blocks, opts.heads, opts.batch], [dout, q, k, v, out, lse, D, dq], params);
  ctx.rec.dispatch(
    ctx.pipelines.kernel(kernelName(ctx, 'attention_backward_dkdv', opts.kernel), consts),
    [blocks, opts.kvHeads, opts.batch],
    [dout, q, k, v, lse, D, dk, dv],
    params,
  );
}

/**
 * One decode step: each sequence's single query attends to cache positions 0 .. lengths[b]-1.
 * With `append`, position lengths[b]-1 is the new k/v row, written into the caches by the same
 * dispatch (kvAppend at lengths[b]-1 without advancing, then decode, in one dispatch).
 */
export function attentionDecode(ctx: GpuContext, q: Tensor, kCache: Tensor, vCache: Tensor, lengths: Tensor, out: Tensor, opts: AttentionDecodeOpts, append?: DecodeAppend): void {
  const op = 'attentionDecode';
  checkHeads(op, opts.heads, opts.kvHeads, opts.headDim);
  checkSize(op, q, opts.batch * opts.heads * opts.headDim);
  checkSize(op, out, q.size);
  checkSize(op, kCache, opts.batch * opts.maxLen * opts.kvHeads * opts.headDim);
  checkSize(op, vCache, kCache.size);
  checkSize(op, lengths, opts.batch);
  if (append) {
    checkSize(op, append.k, opts.batch * opts.kvHeads * opts.headDim);
    checkSize(op, append.v, append.k.size);
  }
  if (lengths.dtype !== 'u32') throw new Error(`${op}: lengths must be u32, got ${lengths.dtype}`);
  const params = new Params()
    .u32(opts.maxLen)
    .u32(opts.heads / opts.kvHeads)
    .u32((opts.heads * opts.headDim) / 4)
    .u32((opts.kvHeads * opts.headDim) / 4)
    .u32(opts.heads)
    .u32(opts.batch)
    .f32(1 / Math.sqrt(opts.headDim));
  const p = ctx.pipelines.kernel('attention_decode', { WG: DECODE_WG, DH4: opts.headDim / 4, APPEND: append ? 1 : 0 });
  const fresh = append ? [append.k, append.v] : [dummyTensor(ctx), dummyTensor(ctx)];
  ctx.rec.dispatch(p, [Math.ceil((opts.batch * opts.heads) / DECODE_WG)], [q, kCache, vCache, lengths, out, ...fresh], params);
}
