// Per-context scratch tensors for launchers that need an intermediate buffer the op signature does
// not expose (attention's D = dout.out rows, the gradient-norm partial sums). One tensor per
// (context, purpose, size), reused across calls so the recorder's bind-group cache keeps hitting;
// freed with the context's pool.
import type { GpuContext, Tensor } from '../gpu/index.ts';

const cache = new WeakMap<GpuContext, Map<string, Tensor>>();

export function scratch(ctx: GpuContext, purpose: string, size: number): Tensor {
  let byKey = cache.get(ctx);
  if (!byKey) cache.set(ctx, (byKey = new Map()));
  const key = `${purpose}:${size}`;
  let t = byKey.get(key);
  if (!t) byKey.set(key, (t = ctx.pool.alloc([size], `scratch:${key}`)));
  return t;
}
