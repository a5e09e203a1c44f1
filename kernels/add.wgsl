// add: out[i] = a[i] + b[i]  (residual connections; gradient accumulation of a residual branch)
//
// Bindings: 0 params {n}, 1 a: array<f32> [n] (read), 2 b: array<f32> [n] (read),
//           3 out: array<f32> [n] (write; may not alias a or b)
// Dispatch: ceil(n / WG) workgroups in x (folded into y when above 65535, see lib/ops/grid.ts).
// Numerics: exact f32 add.
override WG: u32 = 256;

struct Params { n: u32, rowStride: u32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * P.rowStride;
  if (i >= P.n) { return; }
  out[i] = a[i] + b[i];
}
