// Deterministic reductions over rows (bias gradients).
import { Params, type GpuContext, type Tensor } from '../gpu/index.ts';

const WG = 8; // columns per workgroup: n is small (d_model), so small groups keep both cores busy

export interface ColumnSumOptions {
  rows: number;
  n: number;
  accumulate?: boolean;
}

/** out[j] (= | +=) sum_i x[i, j] for x [rows, n]. */
export function columnSum(ctx: GpuContext, x: Tensor, out: Tensor, opts: ColumnSumOptions): void {
  const { rows, n, accumulate = false } = opts;
  if (x.size < rows * n) throw new Error(`columnSum: x ${x.name} has ${x.size} elements, needs ${rows}x${n}`);
  if (out.size < n) throw new Error(`columnSum: out ${out.name} has ${out.size} elements, needs ${n}`);
  ctx.rec.dispatch(
    ctx.pipelines.kernel('column_sum', { WG }),
    [Math.ceil(n / WG)],
    [x, out],
    new Params()
      .u32(rows)
      .u32(n)
      .u32(accumulate ? 1 : 0),
  );
}
