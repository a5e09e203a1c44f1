// grad_norm_sq: stage 1 of the deterministic squared-norm reduction over a flat gradient view.
//   partials[g] = sum over i = g*WG + lid + k*G*WG (< n) of grads[i]^2      (G = number of workgroups)
// Stage 2 (sum_reduce.wgsl) adds the G partials into out[0] in a fixed order.
//
// Bindings: 0 params {n}, 1 grads: array<f32> [n] (read), 2 partials: array<f32> [G] (write)
// Dispatch: (G) workgroups of WG (power of two) lanes, G <= 65535; lanes stride the whole array so
//           loads are contiguous across lanes.
// Numerics: f32 per-lane sums (n / (G*WG) terms each, 256 at 4M elements with G = 512, WG = 32), a fixed
//           tree; the same n and G always give bit-identical results (no atomics).
override WG: u32 = 256;

struct Params { n: u32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> grads: array<f32>;
@group(0) @binding(2) var<storage, read_write> partials: array<f32>;

var<workgroup> red: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let stride = nwg.x * WG;
  var acc = 0.0;
  for (var i = wid.x * WG + lid; i < P.n; i += stride) {
    let g = grads[i];
    acc += g * g;
  }
  red[lid] = acc;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) { red[lid] += red[lid + s]; }
    workgroupBarrier();
  }
  if (lid == 0u) { partials[wid.x] = red[0]; }
}
