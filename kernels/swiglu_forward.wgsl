// swiglu_forward: out = silu(gate) * up, silu(g) = g * sigmoid(g)   (Qwen2/Llama MLP)
//
// Bindings: 0 params {n, stride}, 1 gate [n] (read), 2 up [n] (read), 3 out [n] (write; no aliasing).
// Dispatch: G <= 64 workgroups in x; invocation g handles i = g, g + stride, ... (stride = G*WG),
//           n = rows * ffn: lavapipe pays several µs per workgroup, so few large ones win (measured 5x).
// Numerics: sigmoid(g) = 1 / (1 + exp(-g)) in f32 (exp(-g) = inf for g < -88 gives 0, not NaN).
override WG: u32 = 256;

struct Params { n: u32, stride: u32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> gate: array<f32>;
@group(0) @binding(2) var<storage, read> up: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  for (var i = gid.x; i < P.n; i += P.stride) {
    let g = gate[i];
    out[i] = g / (1.0 + exp(-g)) * up[i];
  }
}
