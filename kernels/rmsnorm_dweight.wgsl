// rmsnorm_dweight (weight gradient of RMSNorm): dweight[j] (= | +=) sum_r dout[r,j] * x[r,j] * rstd[r]
//
// Bindings: 0 params {rows, dim, accumulate}, 1 dout [rows,dim], 2 x [rows,dim], 3 rstd [rows] (read),
//           4 dweight [dim] (read_write).
// Dispatch: ceil(dim / WG) workgroups, one invocation per column walking all rows.
// Numerics: f32 sum in row order; deterministic (no atomics).
override WG: u32 = 8;

struct Params { rows: u32, dim: u32, accumulate: u32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> dout: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> rstd: array<f32>;
@group(0) @binding(4) var<storage, read_write> dweight: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let j = gid.x;
  if (j >= P.dim) { return; }
  var acc = 0.0;
  for (var r = 0u; r < P.rows; r++) { acc += dout[r * P.dim + j] * x[r * P.dim + j] * rstd[r]; }
  if (P.accumulate != 0u) { acc += dweight[j]; }
  dweight[j] = acc;
}
