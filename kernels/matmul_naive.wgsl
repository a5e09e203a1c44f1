// matmul_naive: out[m,n] (= | +=) op(a)[m,k] @ op(b)[k,n] (+ bias[n]), one invocation per output.
//   op(a) = a^T when TRANS_A (a stored [k,m]); op(b) = b^T when TRANS_B (b stored [n,k]).
// The plain GPU-style reference variant: any shape, any alignment, no subgroups. lib/ops/matmul.ts
// uses it when kernels/matmul.wgsl cannot run (n or k not a multiple of 4, or no subgroups), and
// scripts/bench-matmul.ts measures it to show what the tuned layout buys on lavapipe.
//
// Bindings: 0 params {m, n, k, accumulate}, 1 a (read), 2 b (read), 3 bias [n] (read; a dummy
//           when HAS_BIAS is false), 4 out [m,n] (read_write; must not alias the inputs).
// Dispatch: (ceil(n / TX), ceil(m / TY)) workgroups of TX x TY invocations.
// Numerics: f32 multiply-add in k order; bias added once at the end.
override TX: u32 = 8;
override TY: u32 = 8;
override HAS_BIAS: bool = false;
override TRANS_A: bool = false;
override TRANS_B: bool = false;

struct Params { m: u32, n: u32, k: u32, accumulate: u32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(TX, TY)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let j = gid.x;
  let i = gid.y;
  if (i >= P.m || j >= P.n) { return; }
  var s = 0.0;
  for (var p = 0u; p < P.k; p++) {
    var x: f32; var y: f32;
    if (TRANS_A) { x = a[p * P.m + i]; } else { x = a[i * P.k + p]; }
    if (TRANS_B) { y = b[j * P.k + p]; } else { y = b[p * P.n + j]; }
    s = fma(x, y, s);
  }
  if (HAS_BIAS) { s += bias[j]; }
  let o = i * P.n + j;
  if (P.accumulate != 0u) { s += out[o]; }
  out[o] = s;
}
