// swiglu_backward: with s = sigmoid(gate), out = gate * s * up:
//   dgate = dout * up * s * (1 + gate * (1 - s)),   dup = dout * gate * s
//
// Bindings: 0 params {n, stride}, 1 dout, 2 gate, 3 up (read), 4 dgate, 5 dup (write; no aliasing).
// Dispatch: G <= 64 workgroups in x; invocation g handles i = g, g + stride, ... (stride = G*WG),
//           n = rows * ffn: lavapipe pays several µs per workgroup, so few large ones win (measured 5x).
// Numerics: f32; sigmoid as in swiglu_forward.wgsl.
override WG: u32 = 256;

struct Params { n: u32, stride: u32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> dout: array<f32>;
@group(0) @binding(2) var<storage, read> gate: array<f32>;
@group(0) @binding(3) var<storage, read> up: array<f32>;
@group(0) @binding(4) var<storage, read_write> dgate: array<f32>;
@group(0) @binding(5) var<storage, read_write> dup: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  for (var i = gid.x; i < P.n; i += P.stride) {
    let g = gate[i];
    let s = 1.0 / (1.0 + exp(-g));
    let d = dout[i];
    dgate[i] = d * up[i] * s * (1.0 + g * (1.0 - s));
    dup[i] = d * g * s;
  }
}
