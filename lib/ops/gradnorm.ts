// Squared global gradient norm, deterministic (two-stage reduction, no atomics), for clipping.
import { Params, type GpuContext, type Tensor } from '../gpu/index.ts';
import { scratch } from './scratch.ts';

// Few lanes per workgroup, many workgroups: lavapipe's barriers cost per lane, so the stage-1 tree
// is kept short (WG 32 measured 3-4x less CPU than 256 on 1M elements: ~5 vs ~12 ms). 512 groups keep each lane's
// f32 sum to <= 256 terms up to 4M elements.
const WG = 32;
const MAX_GROUPS = 512;
const FINAL_WG = 256;

/** out[0] = sum(grads^2) over the whole (flat view) tensor. */
export function gradNormSq(ctx: GpuContext, grads: Tensor, out: Tensor): void {
  if (out.size < 1) throw new Error(`gradNormSq: out ${out.name} is empty`);
  const n = grads.size;
  const groups = Math.max(1, Math.min(MAX_GROUPS, Math.ceil(n / WG)));
  const partials = scratch(ctx, 'gradnorm.partials', groups);
  const params = new Params().u32(n);
  ctx.rec.dispatch(ctx.pipelines.kernel('grad_norm_sq', { WG }), [groups], [grads, partials], params);
  ctx.rec.dispatch(ctx.pipelines.kernel('sum_reduce', { WG: FINAL_WG }), [1], [partials, out], new Params().u32(groups));
}
