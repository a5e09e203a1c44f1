// Rotary position embedding (Hugging Face rotate_half convention), forward and backward.
import { Params, type GpuContext, type Tensor } from '../gpu/index.ts';

const WG = 64;
const ROW_GROUPS = 64; // workgroups along rows (each walks rows/64 rows)

export interface RopeOptions {
  rows: number;
  heads: number;
  headDim: number;
  /** RoPE base (rope_theta): 10000 for Llama, 1e6 for Qwen2. */
  theta: number;
}

/** Inverse frequencies as Hugging Face computes them in f32: 1 / theta^(2i / headDim), i < headDim/2. */
export function ropeInvFreq(headDim: number, theta: number): Float32Array {
  const half = headDim / 2;
  const f = new Float32Array(half);
  for (let i = 0; i < half; i++) f[i] = 1 / Math.pow(theta, (2 * i) / headDim);
  return f;
}

// One invFreq tensor per (context, headDim, theta), uploaded on first use.
const tables = new WeakMap<GpuContext, Map<string, Tensor>>();

function invFreqTensor(ctx: GpuContext, headDim: number, theta: number): Tensor {
  let m = tables.get(ctx);
  if (!m) tables.set(ctx, (m = new Map()));
  const key = `${headDim}/${theta}`;
  let t = m.get(key);
  if (!t) {
    t = ctx.pool.upload(ropeInvFreq(headDim, theta), [headDim / 2], `rope.invFreq(${key})`);
    m.set(key, t);
  }
  return t;
}

function rope(what: string, sign: number, ctx: GpuContext, x: Tensor, positions: Tensor, out: Tensor, o: RopeOptions): void {
  const { rows, heads, headDim, theta } = o;
  if (headDim % 2 !== 0) throw new Error(`${what}: headDim ${headDim} must be even`);
  if (positions.dtype !== 'u32') throw new Error(`${what}: positions ${positions.name} must be u32, got ${positions.dtype}`);
  if (positions.size < rows) throw new Error(`${what}: positions ${positions.name} has ${positions.size} elements, needs ${rows}`);
  const n = rows * heads * headDim;
  if (x.size < n || out.size < n) throw new Error(`${what}: ${x.name}/${out.name} need ${rows}x${heads * headDim} elements`);
  const freq = invFreqTensor(ctx, headDim, theta);
  const rowGroups = Math.min(rows, ROW_GROUPS);
  const grid: [number, number] = [Math.ceil((heads * headDim) / 2 / WG), rowGroups];
  const params = new Params().u32(rows).u32(heads).u32(headDim).u32(rowGroups);
  const inPlace = x.buffer === out.buffer && x.offset === out.offset;
  if (inPlace) ctx.rec.dispatch(ctx.pipelines.kernel('rope_inplace', { WG, SIGN: sign }), grid, [positions, freq, x], params);
  else ctx.rec.dispatch(ctx.pipelines.kernel('rope', { WG, SIGN: sign }), grid, [positions, freq, x, out], params);
}

/** out = rotate(x, +angle); out may be x itself. */
export function ropeForward(ctx: GpuContext, x: Tensor, positions: Tensor, out: Tensor, opts: RopeOptions): void {
  rope('ropeForward', 1, ctx, x, positions, out, opts);
}

/** dx = rotate(dout, -angle) (the transpose of the forward rotation); dx may be dout itself. */
export function ropeBackward(ctx: GpuContext, dout: Tensor, positions: Tensor, dx: Tensor, opts: RopeOptions): void {
  rope('ropeBackward', -1, ctx, dout, positions, dx, opts);
}
