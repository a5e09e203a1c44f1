// swiglu_forward: out = silu(gate) * up, silu(g) = g * sigmoid(g)   (Qwen2/Llama MLP)
//
// Bindings: 0 params {n, rowStride}, 1 gate [n] (read), 2 up [n] (read), 3 out [n] (write; no aliasing).
// Dispatch: ceil(n / WG) workgroups in x, folded into y above 65535 (lib/ops/grid.ts); n = rows * ffn.
// Numerics: sigmoid(g) = 1 / (1 + exp(-g)) in f32 (exp(-g) = inf for g < -88 gives 0, not NaN).
override WG: u32 = 256;

struct Params { n: u32, rowStride: u32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> gate: array<f32>;
@group(0) @binding(2) var<storage, read> up: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * P.rowStride;
  if (i >= P.n) { return; }
  let g = gate[i];
  out[i] = g / (1.0 + exp(-g)) * up[i];
}
