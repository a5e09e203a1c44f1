// Rotary position embedding (Hugging Face rotate_half convention), forward and backward.
import { Params, type GpuContext, type Tensor } from '../gpu/index.ts';
import type { RopeScaling } from '../model/config.ts';

const WG = 64;
const ROW_GROUPS = 64; // workgroups along rows (each walks rows/64 rows)

export interface RopeOptions {
  rows: number;
  heads: number;
  headDim: number;
  /** RoPE base (rope_theta): 10000 for Llama, 1e6 for Qwen2. */
  theta: number;
  /** rope_scaling (linear, llama3): changes the inverse frequencies only. */
  scaling?: RopeScaling;
}

/**
 * Inverse frequencies 1 / theta^(2i / headDim), i < headDim/2, then scaled as transformers'
 * _compute_linear_scaling_rope_parameters / _compute_llama3_parameters do: linear divides all by
 * factor; llama3 divides those whose wavelength exceeds original/low_freq_factor by factor, keeps
 * those below original/high_freq_factor, and interpolates linearly in original/wavelength between.
 * Computed in f64 and rounded once to f32 (transformers computes in f32: within an ulp).
 */
export function ropeInvFreq(headDim: number, theta: number, scaling?: RopeScaling): Float32Array {
  const half = headDim / 2;
  const f = new Float32Array(half);
  for (let i = 0; i < half; i++) {
    const inv = 1 / Math.pow(theta, (2 * i) / headDim);
    f[i] = scaling ? scaleInvFreq(inv, scaling) : inv;
  }
  return f;
}

function scaleInvFreq(inv: number, s: RopeScaling): number {
  if (s.type === 'linear') return inv / s.factor;
  const wavelen = (2 * Math.PI) / inv;
  if (wavelen < s.originalContext / s.highFreqFactor) return inv;
  if (wavelen > s.originalContext / s.lowFreqFactor) return inv / s.factor;
  const smooth = (s.originalContext / wavelen - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
  return (1 - smooth) * (inv / s.factor) + smooth * inv;
}

// One invFreq tensor per (headDim, theta, scaling), uploaded on first use.
const tables = new WeakMap<GpuContext, Map<string, Tensor>>();

function invFreqTensor(ctx: GpuContext, headDim: number, theta: number, scaling?: RopeScaling): Tensor {
  let m = tables.get(ctx);
  if (!m) tables.set(ctx, (m = new Map()));
  const key = `${headDim}/${theta}${scaling ? '/' + JSON.stringify(scaling) : ''}`;
  let t = m.get(key);
  if (!t) {
    t = ctx.pool.upload(ropeInvFreq(headDim, theta, scaling), [headDim / 2], `rope.invFreq(${key})`);
    m.set(key, t);
  }
  return t;
}

function rope(what: string, sign: number, ctx: GpuContext, x: Tensor, positions: Tensor, out: Tensor, o: RopeOptions): void {
  const { rows, heads, headDim, theta, scaling } = o;
  if (headDim % 2 !== 0) throw new Error(`${what}: headDim ${headDim} must be even`);
  if (positions.dtype !== 'u32') throw new Error(`${what}: positions ${positions.name} must be u32, got ${positions.dtype}`);
  if (positions.size < rows) throw new Error(`${what}: positions ${positions.name} has ${positions.size} elements, needs ${rows}`);
  const n = rows * heads * headDim;
  if (x.size < n || out.size < n) throw new Error(`${what}: ${x.name}/${out.name} need ${rows}x${heads * headDim} elements`);
  const freq = invFreqTensor(ctx, headDim, theta, scaling);
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
