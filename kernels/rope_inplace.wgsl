// rope_inplace: kernels/rope.wgsl when out is x itself (WebGPU cannot bind one buffer as both a
// read-only and a writable storage binding of the same dispatch). Same formulas and numerics.
//
// Bindings: 0 params {rows, heads, headDim}, 1 positions: array<u32> [rows] (read),
//           2 invFreq [headDim/2] (read), 3 x [rows, heads*headDim] (read_write, rotated in place).
// Dispatch: (ceil(half / WG), heads, rows) workgroups; invocation = one (row, head, pair).
override WG: u32 = 32;
override SIGN: f32 = 1.0;

struct Params { rows: u32, heads: u32, headDim: u32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> positions: array<u32>;
@group(0) @binding(2) var<storage, read> invFreq: array<f32>;
@group(0) @binding(3) var<storage, read_write> x: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let half = P.headDim / 2u;
  let i = gid.x;
  if (i >= half) { return; }
  let o = gid.z * P.heads * P.headDim + gid.y * P.headDim + i;
  let angle = f32(positions[gid.z]) * invFreq[i];
  let c = cos(angle);
  let s = SIGN * sin(angle);
  let x1 = x[o];
  let x2 = x[o + half];
  x[o] = x1 * c - x2 * s;
  x[o + half] = x2 * c + x1 * s;
}
