// A 4-element zero tensor bound where a kernel's optional input is absent (an optional bias):
// WebGPU needs every declared binding bound, and binding `out` twice would alias a writable buffer.
import type { GpuContext, Tensor } from '../gpu/index.ts';

const dummies = new WeakMap<GpuContext, Tensor>();

export function dummyTensor(ctx: GpuContext): Tensor {
  let t = dummies.get(ctx);
  if (!t) {
    t = ctx.pool.alloc([4], 'dummy');
    dummies.set(ctx, t);
  }
  return t;
}
