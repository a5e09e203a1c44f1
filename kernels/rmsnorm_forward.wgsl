// rmsnorm_forward: rstd[r] = 1 / sqrt(mean_j x[r,j]^2 + eps);  out[r,j] = x[r,j] * rstd[r] * weight[j]
// (Qwen2/Llama RMSNorm: the normalised value is cast before the weight multiply, all f32 here.)
//
// Bindings: 0 params {rows, dim, eps}, 1 x [rows, dim] (read), 2 weight [dim] (read),
//           3 out [rows, dim] (write; must not alias x), 4 rstd [rows] (write; saved for backward).
// Dispatch: ceil(rows / WG) workgroups; one invocation per row (lavapipe runs 8 rows as SIMD lanes).
// Numerics: f32 sum of squares in column order.
override WG: u32 = 8;

struct Params { rows: u32, dim: u32, eps: f32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<storage, read_write> rstd: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let r = gid.x;
  if (r >= P.rows) { return; }
  let o = r * P.dim;
  var ss = 0.0;
  for (var j = 0u; j < P.dim; j++) { let v = x[o + j]; ss += v * v; }
  let s = inverseSqrt(ss / f32(P.dim) + P.eps);
  rstd[r] = s;
  for (var j = 0u; j < P.dim; j++) { out[o + j] = x[o + j] * s * weight[j]; }
}
