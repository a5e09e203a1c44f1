// Squared global gradient norm, deterministic (two-stage reduction, no atomics), for clipping.
// A gradient larger than one storage binding is reduced in pieces: each piece writes its own
// range of stage-1 partials, and one stage-2 pass adds them all. The grouping depends only on the
// size and the binding limit, so a given model on a given device is bit-reproducible run to run
// (split and unsplit sums differ in rounding only).
import { Params, rowSpans, type GpuContext, type Tensor } from '../gpu/index.ts';
import { scratch } from './scratch.ts';

// Few lanes per workgroup, many workgroups: lavapipe's barriers cost per lane, so the stage-1 tree
// is kept short (WG 32 measured 3-4x less CPU than 256 on 1M elements: ~5 vs ~12 ms). 512 groups keep each lane's
// f32 sum to <= 256 terms up to 4M elements.
const WG = 32;
const MAX_GROUPS = 512;
const FINAL_WG = 256;

const groupsFor = (n: number) => Math.max(1, Math.min(MAX_GROUPS, Math.ceil(n / WG)));

/** out[0] = sum(grads^2) over the whole (flat view) tensor. */
export function gradNormSq(ctx: GpuContext, grads: Tensor, out: Tensor): void {
  if (out.size < 1) throw new Error(`gradNormSq: out ${out.name} is empty`);
  const n = grads.size;
  const stage1 = ctx.pipelines.kernel('grad_norm_sq', { WG });
  const spans = rowSpans(n, 1, ctx.bindElements, `gradient norm over ${grads.name}`);
  // Each piece's partials start at a multiple of 64 so that they can be bound as a view. Stage 2
  // binds them all: at most 512 per piece of up to 32M floats (lavapipe), far below one binding.
  const groups = spans.map((s) => (spans.length === 1 ? groupsFor(s.count) : Math.ceil(groupsFor(s.count) / 64) * 64));
  const total = groups.reduce((a, b) => a + b, 0);
  const partials = scratch(ctx, 'gradnorm.partials', total);
  let at = 0;
  spans.forEach(({ start, count }, i) => {
    const g = spans.length === 1 ? grads : ctx.pool.piece(grads, start, [count]);
    const part = spans.length === 1 ? partials : ctx.pool.piece(partials, at, [groups[i]]);
    ctx.rec.dispatch(stage1, [groups[i]], [g, part], new Params().u32(count));
    at += groups[i];
  });
  ctx.rec.dispatch(ctx.pipelines.kernel('sum_reduce', { WG: FINAL_WG }), [1], [partials, out], new Params().u32(total));
}
