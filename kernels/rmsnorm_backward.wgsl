// rmsnorm_backward (input gradient; kernels/rmsnorm_dweight.wgsl does the weight gradient):
//   dx[r,j] (= | +=) rstd[r] * (g[r,j] - x[r,j] * rstd[r]^2 * mean_k(g[r,k] x[r,k])),  g = dout * weight
//
// Bindings: 0 params {rows, dim, accumulate}, 1 dout [rows,dim], 2 x [rows,dim], 3 weight [dim],
//           4 rstd [rows] (all read), 5 dx [rows,dim] (read_write; must not alias the inputs).
// Dispatch: ceil(rows / WG) workgroups, one invocation per row.
// Numerics: f32 dot product in column order.
override WG: u32 = 8;

struct Params { rows: u32, dim: u32, accumulate: u32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> dout: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> weight: array<f32>;
@group(0) @binding(4) var<storage, read> rstd: array<f32>;
@group(0) @binding(5) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let r = gid.x;
  if (r >= P.rows) { return; }
  let o = r * P.dim;
  let s = rstd[r];
  var dot = 0.0;
  for (var j = 0u; j < P.dim; j++) { dot += dout[o + j] * weight[j] * x[o + j]; }
  let c = s * s * dot / f32(P.dim);
  for (var j = 0u; j < P.dim; j++) {
    var v = s * (dout[o + j] * weight[j] - x[o + j] * c);
    if (P.accumulate != 0u) { v += dx[o + j]; }
    dx[o + j] = v;
  }
}
