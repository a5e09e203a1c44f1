// sum_reduce: out[0] = sum of a short array (stage 2 of grad_norm_sq), fixed order, deterministic.
//
// Bindings: 0 params {n}, 1 xs: array<f32> [n] (read), 2 out: array<f32> [1] (write)
// Dispatch: (1) workgroup of WG (power of two) lanes, each summing a strided slice, then a tree.
// Numerics: f32; meant for n up to a few thousand.
override WG: u32 = 256;

struct Params { n: u32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> xs: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

var<workgroup> red: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32) {
  var acc = 0.0;
  for (var i = lid; i < P.n; i += WG) { acc += xs[i]; }
  red[lid] = acc;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) { red[lid] += red[lid + s]; }
    workgroupBarrier();
  }
  if (lid == 0u) { out[0] = red[0]; }
}
