// Residual add: out = a + b.
import { Params, type GpuContext, type Tensor } from '../gpu/index.ts';
import { grid1d } from './grid.ts';

const WG = 256;

export function add(ctx: GpuContext, a: Tensor, b: Tensor, out: Tensor): void {
  if (a.size !== b.size || a.size !== out.size) throw new Error(`add: sizes ${a.size}, ${b.size}, ${out.size} differ`);
  const { grid, rowStride } = grid1d(a.size, WG, ctx.gpu.limits.maxComputeWorkgroupsPerDimension);
  ctx.rec.dispatch(ctx.pipelines.kernel('add', { WG }), grid, [a, b, out], new Params().u32(a.size).u32(rowStride));
}
