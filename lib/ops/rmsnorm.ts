// RMSNorm (Qwen2/Llama), forward and backward.
import { Params, type GpuContext, type Tensor } from '../gpu/index.ts';

const WG_ROWS = 64; // rows per workgroup (forward, dx): few large workgroups are cheaper on lavapipe
const WG_COLS = 8; // columns per workgroup (dweight): dim is small, so small groups keep both cores busy

function need(what: string, t: Tensor, n: number, shape: string): void {
  if (t.size < n) throw new Error(`${what}: ${t.name} has ${t.size} elements, needs ${shape}`);
}

export interface RmsnormOptions {
  rows: number;
  dim: number;
}

/** out = x * rstd * weight with rstd[r] = 1/sqrt(mean(x[r]^2) + eps) saved for the backward. */
export function rmsnormForward(ctx: GpuContext, x: Tensor, weight: Tensor, out: Tensor, rstd: Tensor, opts: RmsnormOptions & { eps: number }): void {
  const { rows, dim, eps } = opts;
  need('rmsnormForward', x, rows * dim, `${rows}x${dim}`);
  need('rmsnormForward', out, rows * dim, `${rows}x${dim}`);
  need('rmsnormForward', weight, dim, `${dim}`);
  need('rmsnormForward', rstd, rows, `${rows}`);
  ctx.rec.dispatch(ctx.pipelines.kernel('rmsnorm_forward', { WG: WG_ROWS }), [Math.ceil(rows / WG_ROWS)], [x, weight, out, rstd], new Params().u32(rows).u32(dim).f32(eps));
}

/** dx (= | +=) d(out)/dx^T dout and dweight (= | +=) sum_r dout * x * rstd. */
export function rmsnormBackward(
  ctx: GpuContext,
  dout: Tensor,
  x: Tensor,
  weight: Tensor,
  rstd: Tensor,
  dx: Tensor,
  dweight: Tensor,
  opts: RmsnormOptions & { accumulateDx?: boolean; accumulateDweight?: boolean },
): void {
  const { rows, dim, accumulateDx = false, accumulateDweight = false } = opts;
  for (const t of [dout, x, dx]) need('rmsnormBackward', t, rows * dim, `${rows}x${dim}`);
  need('rmsnormBackward', weight, dim, `${dim}`);
  need('rmsnormBackward', dweight, dim, `${dim}`);
  need('rmsnormBackward', rstd, rows, `${rows}`);
  ctx.rec.dispatch(
    ctx.pipelines.kernel('rmsnorm_backward', { WG: WG_ROWS }),
    [Math.ceil(rows / WG_ROWS)],
    [dout, x, weight, rstd, dx],
    new Params()
      .u32(rows)
      .u32(dim)
      .u32(accumulateDx ? 1 : 0),
  );
  ctx.rec.dispatch(
    ctx.pipelines.kernel('rmsnorm_dweight', { WG: WG_COLS }),
    [Math.ceil(dim / WG_COLS)],
    [dout, x, rstd, dweight],
    new Params()
      .u32(rows)
      .u32(dim)
      .u32(accumulateDweight ? 1 : 0),
  );
}
