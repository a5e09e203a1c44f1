// column_sum: out[j] (= | +=) sum_i x[i, j]   (bias gradients)
//
// Bindings: 0 params {rows, n, accumulate}, 1 x [rows, n] (read), 2 out [n] (read_write).
// Dispatch: ceil(n / WG) workgroups; one invocation per column walks all rows.
// Numerics: f32 sum in row order; deterministic (no atomics, fixed order).
override WG: u32 = 8;

struct Params { rows: u32, n: u32, accumulate: u32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let j = gid.x;
  if (j >= P.n) { return; }
  var s = 0.0;
  for (var i = 0u; i < P.rows; i++) { s += x[i * P.n + j]; }
  if (P.accumulate != 0u) { s += out[j]; }
  out[j] = s;
}
