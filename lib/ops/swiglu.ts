// SwiGLU activation of the Qwen2/Llama MLP: out = silu(gate) * up, and its backward.
import { Params, type GpuContext, type Tensor } from '../gpu/index.ts';
import { strideGrid } from './grid.ts';

const WG = 256;

export interface SwigluOptions {
  rows: number;
  ffn: number;
}

function launch(ctx: GpuContext, what: string, kernel: string, tensors: Tensor[], o: SwigluOptions): void {
  const n = o.rows * o.ffn;
  for (const t of tensors) if (t.size < n) throw new Error(`${what}: ${t.name} has ${t.size} elements, needs ${o.rows}x${o.ffn}`);
  const { groups, stride } = strideGrid(n, WG);
  ctx.rec.dispatch(ctx.pipelines.kernel(kernel, { WG }), [groups], tensors, new Params().u32(n).u32(stride));
}

export function swigluForward(ctx: GpuContext, gate: Tensor, up: Tensor, out: Tensor, opts: SwigluOptions): void {
  launch(ctx, 'swigluForward', 'swiglu_forward', [gate, up, out], opts);
}

export function swigluBackward(ctx: GpuContext, dout: Tensor, gate: Tensor, up: Tensor, dgate: Tensor, dup: Tensor, opts: SwigluOptions): void {
  launch(ctx, 'swigluBackward', 'swiglu_backward', [dout, gate, up, dgate, dup], opts);
}
